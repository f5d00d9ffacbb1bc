#include <cstdlib>

#include <doctest/doctest.h>

#include "lever/util/error.hpp"
#include "lever/util/time.hpp"

using namespace lever;
using namespace std::chrono;

TEST_CASE("ISO 8601 times round-trip with their offset") {
  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  auto t = parse_iso("2026-11-25T08:30:00+01:00");
  REQUIRE(t);
  CHECK(format_iso(*t) == "2026-11-25T08:30:00+01:00");
  auto z = parse_iso("2026-11-25T07:30:00Z");
  REQUIRE(z);
  CHECK(*z == *t);
  // No offset means local time; summer time has a different offset.
  auto local = parse_iso("2026-07-01T12:00");
  REQUIRE(local);
  CHECK(format_iso(*local) == "2026-07-01T12:00:00+02:00");
  CHECK(format_iso_ms(*parse_iso("2026-11-25T08:30:00.250+01:00")) == "2026-11-25T08:30:00.250+01:00");
  setenv("TZ", "UTC", 1);
  tzset();
}

TEST_CASE("impossible or malformed dates are refused") {
  for (const char* bad : {"2026-02-30", "2026-13-01", "2026-11-25T24:00", "2026-11-25T10:60", "yesterday",
                          "2026-11-25T10:00+25:00", "2026-11-25X10:00", "2026/11/25", "", "2026-11-25T10:00:00Zjunk"})
    CHECK_MESSAGE(!parse_iso(bad), bad);
  CHECK(parse_iso("2024-02-29"));  // leap year
  CHECK(!parse_iso("2023-02-29"));
}

TEST_CASE("relative times count back from the reference") {
  auto ref = *parse_iso("2026-11-25T12:00:00Z");
  CHECK(parse_user_time("-24h", ref) == ref - hours(24));
  CHECK(parse_user_time("-30m", ref) == ref - minutes(30));
  CHECK(parse_user_time("-2d", ref) == ref - hours(48));
  CHECK(parse_user_time("-1w", ref) == ref - hours(168));
  CHECK(parse_user_time("now", ref) == ref);
  CHECK_THROWS_AS(parse_user_time("-24x", ref), Error);
  CHECK_THROWS_AS(parse_user_time("-h", ref), Error);
  try {
    parse_user_time("tomorrow", ref);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    CHECK(std::string(e.what()).find("tomorrow") != std::string::npos);
  }
}

TEST_CASE("durations accept minutes and unit forms") {
  CHECK(parse_duration("25") == minutes(25));
  CHECK(parse_duration("90s") == seconds(90));
  CHECK(parse_duration("1h30m") == minutes(90));
  CHECK_THROWS_AS(parse_duration("1h30"), Error);
  CHECK_THROWS_AS(parse_duration("ten"), Error);
  CHECK_THROWS_AS(parse_duration(""), Error);
}
