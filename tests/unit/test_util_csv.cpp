#include <doctest/doctest.h>

#include "lever/cli/output.hpp"
#include "lever/util/csv.hpp"
#include "lever/util/error.hpp"

using namespace lever;

TEST_CASE("CSV reader follows RFC 4180") {
  auto rows = parse_csv("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",z\n\n3,,\n");
  REQUIRE(rows.size() == 4);
  CHECK(rows[1].fields == std::vector<std::string>{"1", "x, y", "say \"hi\""});
  CHECK(rows[2].fields[1] == "two\nlines");
  CHECK(rows[2].line == 3);
  CHECK(rows[3].line == 6);  // blank line 5 skipped, numbering kept
  CHECK(rows[3].fields == std::vector<std::string>{"3", "", ""});
  CHECK_THROWS_AS(parse_csv("a\n\"open"), Error);
  CHECK(parse_csv("\xEF\xBB\xBF" "a,b\n")[0].fields[0] == "a");
}

TEST_CASE("CSV writer quotes only when needed and round-trips") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("he said \"no\"") == "\"he said \"\"no\"\"\"");
  std::string tricky = "x,\"y\"\nz";
  auto back = parse_csv(csv_field(tricky) + "\r\n");
  REQUIRE(back.size() == 1);
  CHECK(back[0].fields[0] == tricky);
}
