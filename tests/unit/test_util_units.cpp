#include <doctest/doctest.h>

#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/units.hpp"

using namespace lever;

TEST_CASE("masses and speeds accept the units clinics type") {
  CHECK(parse_mass_kg("75", "--mass") == doctest::Approx(75));
  CHECK(parse_mass_kg("75kg", "--mass") == doctest::Approx(75));
  CHECK(parse_mass_kg("75.5 kg", "--mass") == doctest::Approx(75.5));
  CHECK(parse_mass_kg("165lb", "--mass") == doctest::Approx(74.843));
  CHECK(parse_mass_kg("165 LBS", "--mass") == doctest::Approx(74.843));
  CHECK(parse_speed_kmh("6mph", "--speed") == doctest::Approx(9.656));
  CHECK(parse_speed_kmh("10km/h", "--speed") == doctest::Approx(10));
  CHECK(parse_percent("15%", "--support") == doctest::Approx(15));
  CHECK_THROWS_AS(parse_mass_kg("75 stone", "--mass"), Error);
  CHECK_THROWS_AS(parse_mass_kg("heavy", "--mass"), Error);
  CHECK_THROWS_AS(parse_speed_kmh("10 knots", "--speed"), Error);
  CHECK_THROWS_AS(parse_number("nan", "--x"), Error);
}

TEST_CASE("tables show imperial units on request") {
  CHECK(show_mass(75, UnitSystem::metric) == "75.0 kg");
  CHECK(show_mass(75, UnitSystem::imperial) == "165.3 lb");
  CHECK(show_speed(16.09344, UnitSystem::imperial) == "10.0 mph");
}

TEST_CASE("IDs that could escape the store are refused") {
  for (const char* good : {"ann", "a", "runner-01", "j.smith_2", "0abc"}) CHECK_MESSAGE(is_valid_id(good), good);
  for (const char* bad : {"", ".", "..", "../x", "a/b", "Ann", "-x", ".hidden", "a b", "é"})
    CHECK_MESSAGE(!is_valid_id(bad), bad);
  CHECK(!is_valid_id(std::string(65, 'a')));
  CHECK(is_valid_id(std::string(64, 'a')));
  CHECK(id_problem("a/b").find("'/'") != std::string::npos);
  CHECK_THROWS_AS(require_id("athlete", "../etc"), Error);
  auto a = new_record_id("p"), b = new_record_id("p");
  CHECK(a != b);
  CHECK(is_valid_id(a));
}
