#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "lever/util/error.hpp"
#include "lever/util/number.hpp"
#include "lever/util/units.hpp"

using namespace lever;

TEST_CASE("the number reader takes plain finite decimals") {
  CHECK(read_decimal("0") == 0.0);
  CHECK(read_decimal("42") == 42.0);
  CHECK(read_decimal("-3") == -3.0);
  CHECK(read_decimal("+2.5") == 2.5);
  CHECK(read_decimal(".5") == 0.5);
  CHECK(read_decimal("5.") == 5.0);
  CHECK(read_decimal("1e3") == 1000.0);
  CHECK(read_decimal("1.5E-2") == doctest::Approx(0.015));
  CHECK(read_decimal("1e308") == 1e308);
}

TEST_CASE("the number reader refuses everything that is not a finite decimal") {
  for (const char* bad : {"", " ", "nan", "NAN", "-nan", "NaN", "nan(0x1)", "inf", "-inf", "INF", "infinity", "Infinity",
                          "1e999", "-1e999", "1e-999", "0x10", "0x1p3", "0X1P-2", "1_000", "1,5", "72,5", "1.2.3", "--1",
                          "+-1", "-", "+", ".", "e5", "1e", "1e+", "5 ", " 5", "5\n", "5abc", "1..2", "١٢", "5\xC2\xA0",
                          "\xEF\xBC\x95"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(read_decimal(bad));
  }
}

TEST_CASE("whole numbers are digits only and fit") {
  CHECK(read_whole("0") == 0);
  CHECK(read_whole("-7") == -7);
  CHECK(read_whole("+7") == 7);
  CHECK(read_whole("9223372036854775807") == std::numeric_limits<long long>::max());
  for (const char* bad : {"", "3.0", "3e0", "1e3", "0x10", "99999999999999999999", "nan", " 3", "3 ", "+-3", "-", "+"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(read_whole(bad));
  }
}

TEST_CASE("the longest decimal prefix splits a number from its unit") {
  CHECK(decimal_prefix("75kg") == 2);
  CHECK(decimal_prefix("75.5 kg") == 4);
  CHECK(decimal_prefix("1e3mph") == 3);
  CHECK(decimal_prefix("1ekg") == 1);      // "e" starts the unit when no exponent digits follow
  CHECK(decimal_prefix("0x46") == 1);      // hex is a number 0 and the word x46: refused as a unit
  CHECK(decimal_prefix("nan") == 0);
  CHECK(decimal_prefix("-.") == 0);
}

TEST_CASE("ranges are stated the way help texts and errors show them") {
  CHECK(describe_range({0, 10, true}) == "0-10");
  CHECK(describe_range({0.01, 240, false, "min"}) == "0.01-240 min");
  CHECK(describe_range({-1000, 1000, false, "N"}) == "-1000 to 1000 N");
  CHECK(describe_range({0, 90, false, "%"}) == "0-90 %");
  CHECK(describe_range({0, 9007199254740992.0, true}) == "0-9007199254740992");
}

TEST_CASE("number_problem names the value and the range") {
  double v = 0;
  CHECK(number_problem("12.5", {0.01, 240}, &v).empty());
  CHECK(v == 12.5);
  CHECK(number_problem("nan", {0.01, 240, false, "min"}) == "'nan' is not a number 0.01-240 min");
  CHECK(number_problem("500", {0.01, 240, false, "min"}) == "must be 0.01-240 min (found 500)");
  CHECK(number_problem("3.5", {0, 10, true}) == "must be a whole number 0-10 (found 3.5)");
  CHECK(number_problem("3.0", {0, 10, true}) == "must be a whole number 0-10 (found 3.0)");
  CHECK(number_problem("7", {0, 10, true}).empty());
  // The text of a refused value is shown escaped: it cannot drive the terminal.
  CHECK(number_problem("\x1b[2J", {0, 10}) == "'\\x1b[2J' is not a number 0-10");
}

TEST_CASE("parse_in_range throws a usage error naming the option and the range") {
  CHECK(parse_in_range("20", "--minutes", {0.01, 240}) == 20);
  try {
    parse_in_range("inf", "--minutes", {0.01, 240, false, "min"});
    FAIL("inf was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    CHECK(std::string(e.what()) == "--minutes: 'inf' is not a number 0.01-240 min");
    CHECK(e.hint() == "give a number 0.01-240 min");
  }
  CHECK(range_problem(std::nan(""), {0, 1}) != "");
  CHECK(range_problem(std::numeric_limits<double>::infinity(), {0, 1e308}) != "");
}

TEST_CASE("quantities with units read their number through the same reader") {
  CHECK(parse_mass_kg("75", "--mass") == 75);
  CHECK(parse_mass_kg(" 165lb", "--mass") == doctest::Approx(74.843));
  CHECK(parse_speed_kmh("6mph", "--speed") == doctest::Approx(9.656));
  for (const char* bad : {"nan", "nankg", "inf", "infkg", "1e999kg", "0x46", "0x46kg", "-nan", "1e", "1,5kg"}) {
    CAPTURE(std::string(bad));
    CHECK_THROWS_AS(parse_mass_kg(bad, "--mass"), Error);
    CHECK_THROWS_AS(parse_percent(bad, "--support"), Error);
    CHECK_THROWS_AS(parse_number(bad, "--x"), Error);
  }
  CHECK_THROWS_AS(parse_speed_kmh("infmph", "--speed"), Error);
  CHECK_THROWS_AS(parse_speed_kmh("nan mph", "--speed"), Error);
}
