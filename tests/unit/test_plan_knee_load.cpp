// The knee-load index against domain.md's published figures.
#include <cmath>

#include <doctest/doctest.h>

#include "lever/plan/knee_load.hpp"

using namespace lever::plan;

TEST_CASE("knee load: the seed's 75 kg runner at 10 % and 20 % support runs as 67.5 kg and 60 kg") {
  CHECK(effective_mass_kg(75, 10) == doctest::Approx(67.5));
  CHECK(effective_mass_kg(75, 20) == doctest::Approx(60.0));
  CHECK(effective_mass_kg(75, 0) == doctest::Approx(75.0));
}

TEST_CASE("knee load: support force is support fraction x mass x g") {
  CHECK(support_force_n(75, 20) == doctest::Approx(147.0998).epsilon(1e-6));
  // A 70 kg runner at 29 % needs about 200 N, the top of a 45 lb frame (domain.md).
  CHECK(support_force_n(70, 29) == doctest::Approx(199.08).epsilon(1e-3));
}

TEST_CASE("knee load: +10 % step rate gives -14 % per-step load (Lenhart 2014)") {
  CHECK(step_rate_exponent() == doctest::Approx(-1.5825).epsilon(1e-3));
  CHECK(step_rate_factor(176, 160) == doctest::Approx(0.86));
  CHECK(step_rate_factor(160, 160) == doctest::Approx(1.0));
  CHECK(step_rate_factor(150, 0) == doctest::Approx(1.0));  // unknown baseline: no adjustment
}

TEST_CASE("knee load: speed adds about 20 % per m/s above 2.5 m/s, nothing below by default") {
  CHECK(speed_factor(2.5 * 3.6) == doctest::Approx(1.0));
  CHECK(speed_factor(3.5 * 3.6) == doctest::Approx(1.2));
  CHECK(speed_factor(8.0) == doctest::Approx(1.0));
  KneeLoadParams p;
  p.credit_below_reference = true;
  CHECK(speed_factor(1.5 * 3.6, p) == doctest::Approx(0.8));
}

TEST_CASE("knee load: level and uphill are 1.0; downhill follows the configured assumption") {
  CHECK(grade_factor(0) == 1.0);
  CHECK(grade_factor(5) == 1.0);
  CHECK(grade_factor(-2) == doctest::Approx(1.10));
  auto p = knee_load_params({{"downhill_gain_per_pct", 0.1}, {"walk_step_factor", 0.3}});
  CHECK(grade_factor(-2, p) == doctest::Approx(1.2));
  CHECK(p.walk_step_factor == doctest::Approx(0.3));
}

TEST_CASE("knee load: per-step load multiplies the factors relative to the reference step") {
  StepConditions c{20, 9.0, 0, 176, 160};
  CHECK(per_step_load(c) == doctest::Approx(0.8 * 0.86));
  StepConditions ref{0, 9.0, 0, 160, 160};
  CHECK(per_step_load(ref) == doctest::Approx(1.0));
}

TEST_CASE("knee load: session load counts running steps; run/walk cycles are cut at the end") {
  CHECK(running_minutes(20, 4, 1) == doctest::Approx(16));
  CHECK(running_minutes(22, 9, 1) == doctest::Approx(20));  // 9+1, 9+1, then 2 of running
  CHECK(running_minutes(26, 26, 0) == doctest::Approx(26));
  SessionShape s{{10, 9.0, 0, 160, 160}, 16, 4, 0};
  CHECK(session_load(s) == doctest::Approx(160 * 16 * 0.9));
  KneeLoadParams p;
  p.walk_step_factor = 0.5;
  CHECK(session_load(s, p) == doctest::Approx(160 * 16 * 0.9 + 160 * 4 * 0.5 * 0.9));
}

TEST_CASE("knee load: weekly change and acute:chronic ratio") {
  using namespace std::chrono;
  auto end = *lever::parse_iso("2026-12-29T12:00:00Z");
  std::vector<DatedLoad> loads;
  // Four weeks of 3 sessions: 1000 each for three weeks, then 1500 each in the last week.
  for (int w = 0; w < 4; ++w)
    for (int s = 0; s < 3; ++s)
      loads.push_back({end - hours(24 * (7 * w + 2 * s + 1)), w == 0 ? 1500.0 : 1000.0});
  CHECK(window_load(loads, end, 7) == doctest::Approx(4500));
  CHECK(week_over_week_pct(loads, end).value() == doctest::Approx(50.0));
  // The first session was 26 days before: no ratio yet (28 days of history needed, domain.md).
  CHECK_FALSE(acute_chronic_ratio(loads, end).has_value());
  // A session 28 days and an hour before: outside the 28-day window, but the history is long enough.
  loads.push_back({end - hours(24 * 28 + 1), 1000.0});
  CHECK(acute_chronic_ratio(loads, end).value() == doctest::Approx(4500.0 / (13500.0 / 4)));
  CHECK(acute_chronic_from(loads).value() == end - hours(1));
  CHECK_FALSE(acute_chronic_ratio({}, end).has_value());
  CHECK_FALSE(week_over_week_pct({{end, 10}}, end).has_value());
}
