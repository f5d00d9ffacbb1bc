// The live record stream of `unit watch` and `unit drive`: each record written as it arrives, in the
// format asked for, csv through the same quoting as every listing.
#include <sstream>

#include <doctest/doctest.h>

#include "lever/cli/record_stream.hpp"

using namespace lever;
using nlohmann::json;

namespace {

std::string stream(Format f, bool terminal, const std::vector<json>& rows) {
  std::ostringstream out;
  Printer p({f, false, UnitSystem::metric}, out);
  RecordStream s(p, out, terminal, {{"n", "N"}, {"force_n", "Force", CellKind::force_n}});
  for (const auto& r : rows) CHECK(s.add(r));
  s.finish();
  return out.str();
}

const std::vector<json> kRows = {{{"n", 1}, {"force_n", 12.25}, {"note", "a,b"}}, {{"n", 2}, {"force_n", 3}, {"note", "=1+1"}}};

}  // namespace

TEST_CASE("record stream: csv carries every field under one header, quoted like every listing") {
  CHECK(stream(Format::csv, false, kRows) == "force_n,n,note\r\n12.25,1,\"a,b\"\r\n3,2,'=1+1\r\n");
}

TEST_CASE("record stream: ndjson per record, and a table only for a person") {
  std::string nd = "{\"force_n\":12.25,\"n\":1,\"note\":\"a,b\"}\n{\"force_n\":3,\"n\":2,\"note\":\"=1+1\"}\n";
  CHECK(stream(Format::ndjson, true, kRows) == nd);
  CHECK(stream(Format::table, false, kRows) == nd);
  CHECK(stream(Format::json, false, kRows) == json(kRows).dump(2) + "\n");
  CHECK(stream(Format::json, false, {}) == "[]\n");
}

TEST_CASE("record stream: the live table repeats its header every 20 rows") {
  std::vector<json> rows(21, json{{"n", 7}, {"force_n", 1.0}});
  std::string t = stream(Format::table, true, rows);
  std::string header = "          N      Force\n";
  CHECK(t.rfind(header + "          7      1.0 N\n", 0) == 0);
  size_t first = t.find(header), second = t.find(header, first + 1);
  REQUIRE(second != std::string::npos);
  CHECK(t.find(header, second + 1) == std::string::npos);
  CHECK(t.substr(second) == header + "          7      1.0 N\n");
}
