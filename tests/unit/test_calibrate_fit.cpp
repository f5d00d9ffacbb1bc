// The pure calibration arithmetic: windows, least squares, sensor and actuator fits, references.
#include <cmath>
#include <random>

#include <doctest/doctest.h>

#include "lever/calibrate/fit.hpp"
#include "lever/util/error.hpp"

using namespace lever;
using namespace lever::calib;

TEST_CASE("window statistics: mean, noise and drift") {
  auto w = window_stats({1, 2, 3, 4, 5});
  CHECK(w.n == 5);
  CHECK(w.mean == doctest::Approx(3));
  CHECK(w.sd == doctest::Approx(std::sqrt(2.5)));
  CHECK(w.slope == doctest::Approx(1));
  CHECK(window_stats({}).n == 0);
  auto flat = window_stats({7, 7, 7, 7});
  CHECK(flat.sd == 0);
  CHECK(flat.slope == 0);
}

TEST_CASE("stability: noise and drift are refused with their figures") {
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 0.4);
  std::vector<double> quiet, noisy, drifting;
  for (int i = 0; i < 50; ++i) {
    quiet.push_back(100 + noise(rng));
    noisy.push_back(100 + 5 * noise(rng));
    drifting.push_back(100 + 0.03 * i + noise(rng));
  }
  CHECK(unstable_reason(window_stats(quiet), 1.0, 10).empty());
  auto why = unstable_reason(window_stats(noisy), 1.0, 10);
  CHECK(why.find("noise") != std::string::npos);
  CHECK(unstable_reason(window_stats(drifting), 1.0, 10).find("drifting") != std::string::npos);
  CHECK(unstable_reason(window_stats({1, 1}), 1.0, 10).find("only 2 readings") != std::string::npos);
}

TEST_CASE("least squares: exact line, residuals of a noisy one, degenerate input") {
  auto f = fit_line({0, 1, 2, 3}, {1, 3, 5, 7});
  CHECK(f.slope == doctest::Approx(2));
  CHECK(f.intercept == doctest::Approx(1));
  CHECK(f.max_abs < 1e-12);
  auto g = fit_line({0, 1, 2}, {0, 2, 1});
  CHECK(g.slope == doctest::Approx(0.5));
  CHECK(g.intercept == doctest::Approx(0.5));
  REQUIRE(g.residuals.size() == 3);
  CHECK(g.residuals[0] == doctest::Approx(-0.5));
  CHECK(g.residuals[1] == doctest::Approx(1.0));
  CHECK(g.residuals[2] == doctest::Approx(-0.5));
  CHECK(g.rms == doctest::Approx(std::sqrt(0.5)));
  CHECK(g.max_abs == doctest::Approx(1.0));
  CHECK_THROWS_AS(fit_line({1}, {1}), Error);
  CHECK_THROWS_AS(fit_line({2, 2, 2}, {1, 2, 3}), Error);
}

TEST_CASE("sensor fit recovers zero and gain of a load cell that is 5 % off") {
  double zero = 2048 + 160, gain = 0.05 * 1.05;  // true cell
  std::vector<double> forces{0, 98.0665, 196.133}, counts;
  for (double f : forces) counts.push_back(zero + f / gain);
  auto s = fit_sensor(counts, forces);
  CHECK(s.zero_counts == doctest::Approx(zero));
  CHECK(s.gain_n_per_count == doctest::Approx(gain));
  CHECK(s.line.max_abs < 1e-9);
  CHECK_THROWS_AS(fit_sensor({100, 50}, {0, 100}), Error);  // reads less under load: wiring
}

TEST_CASE("actuator fit: delivered = drive x gain + offset") {
  auto a = fit_actuator({20, 60, 100, 140}, {21, 59, 97, 135});
  CHECK(a.act_gain == doctest::Approx(0.95));
  CHECK(a.act_offset_n == doctest::Approx(2));
  CHECK_THROWS_AS(fit_actuator({20, 60}, {50, 10}), Error);
}

TEST_CASE("default tolerance is max(2 N, 1 % of full scale)") {
  CHECK(default_tolerance_n(200) == 2);
  CHECK(default_tolerance_n(1000) == 10);
}

TEST_CASE("reference masses with and without certificates") {
  auto r = parse_reference("20kg:CERT-123");
  CHECK(r.mass_kg == 20);
  REQUIRE(r.certificate);
  CHECK(*r.certificate == "CERT-123");
  CHECK(parse_reference("10").mass_kg == 10);
  CHECK(parse_reference("22lb").mass_kg == doctest::Approx(9.979).epsilon(0.001));
  CHECK_FALSE(parse_reference("5kg").certificate);
  CHECK_THROWS_AS(parse_reference("heavy"), Error);
  CHECK_THROWS_AS(parse_reference("20kg:"), Error);
  CHECK_THROWS_AS(parse_reference("80kg"), Error);
  CHECK_THROWS_AS(parse_reference("0"), Error);
}
