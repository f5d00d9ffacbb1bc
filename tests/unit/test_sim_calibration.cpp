// The simulator's calibration model, driven the way a calibration workflow would: find a wrong gain
// and offset with reference masses through the protocol, write the correction, and see it persist.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "lever/sim/simulator.hpp"
#include "lever/util/error.hpp"
#include "lever/util/units.hpp"
#include "sim_fixture.hpp"

using namespace lever::device;
using namespace std::chrono_literals;

namespace {
// Mean raw counts over two seconds of status with `kg` hanging (0 = harness empty).
double mean_raw(test::SimUnit& s, double kg) {
  s.unit->hang_reference_mass(kg);
  s.unit->wait_for([&](const Status& st) { return std::abs(st.ref_mass_kg - kg) < 1e-6; }, 1s);
  std::vector<double> raw;
  s.unit->wait_for([&](const Status& st) {
    raw.push_back(st.raw_counts);
    return raw.size() >= 40;
  }, 5s);
  return std::accumulate(raw.begin(), raw.end(), 0.0) / static_cast<double>(raw.size());
}
}  // namespace

TEST_CASE("a wrong gain and offset are found with reference masses and corrected in NV memory") {
  test::SimUnit s("gain-error=5%&offset-error=3");
  auto before = s.unit->read_calibration();
  double r0 = mean_raw(s, 0), r20 = mean_raw(s, 20);
  double gain = 20 * lever::kGravity / (r20 - r0);
  // Before: 20 kg reads about 5 % low and the empty harness about 3 N high.
  double meas20_before = (r20 - before.zero_counts) * before.gain_n_per_count;
  CHECK(meas20_before == doctest::Approx(20 * lever::kGravity / 1.05 + 3).epsilon(0.02));
  Calibration fixed = before;
  fixed.zero_counts = r0;
  fixed.gain_n_per_count = gain;
  fixed.frame_height_cm = 105;
  fixed.calibrated_at = "20261125T160000Z";
  s.unit->write_calibration(fixed);
  const auto truth = s.sim->nvram().truth;
  CHECK(gain == doctest::Approx(truth.gain_n_per_count).epsilon(0.005));
  CHECK(r0 == doctest::Approx(truth.zero_counts).epsilon(0.001));
  // After: the same mass now reads right through the firmware's calibration.
  s.unit->hang_reference_mass(10);
  std::vector<double> meas;
  s.unit->wait_for([&](const Status& st) {
    if (st.ref_mass_kg == 10) meas.push_back(st.meas_n);
    return meas.size() >= 40;
  }, 5s);
  double m = std::accumulate(meas.begin(), meas.end(), 0.0) / static_cast<double>(meas.size());
  CHECK(m == doctest::Approx(10 * lever::kGravity).epsilon(0.01));
  s.unit->hang_reference_mass(0);
}

TEST_CASE("the sensor error persists with the unit until it is calibrated away") {
  test::TempDir dir;
  lever::sim::SimConfig cfg;
  cfg.nvram_file = dir.path / "nv.json";
  cfg.gain_error = 0.04;
  { lever::sim::Simulator first(cfg); }
  cfg.gain_error = 0;
  lever::sim::Simulator again(cfg);  // restarted without the option: same hardware, same error
  CHECK(again.nvram().truth.gain_n_per_count == doctest::Approx(0.052));
  CHECK(again.nvram().calibration.gain_n_per_count == doctest::Approx(0.05));
}

namespace {
// Sample standard deviation of the measured force every 20 ms over [from, to) seconds of unit time.
double meas_sd(lever::sim::Simulator& sim, double from, double to, std::vector<double>* all = nullptr) {
  std::vector<double> xs;
  for (double t = from; t < to; t += 0.02) {
    sim.advance(static_cast<lever::sim::Micros>(t * 1e6));
    xs.push_back(sim.status().meas_n);
  }
  if (all) all->insert(all->end(), xs.begin(), xs.end());
  double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size()), ss = 0;
  for (double x : xs) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(xs.size() - 1));
}
}  // namespace

TEST_CASE("a scripted noise burst: that much noise for that long, both cells alike, the same for the same seed") {
  auto p = lever::sim::parse_faults("noise=5:2s@1s,noise@10s,noise=0.5");
  REQUIRE(p.events.size() == 3);
  CHECK(p.events[0].kind == lever::sim::FaultKind::noise);
  CHECK(p.events[0].value == 5);
  CHECK(p.events[0].duration_s == 2);
  CHECK(p.events[0].at_s == 1);
  CHECK(p.events[1].value == 3);  // defaults: 3 N for 2 s
  CHECK(p.events[1].duration_s == 2);
  CHECK(p.events[2].value == doctest::Approx(0.5));
  CHECK(p.events[2].duration_s == 2);
  for (const char* bad : {"noise=loud", "noise=4:soon", "noise=-1:2s", "noise=4:"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(lever::sim::parse_faults(bad), lever::Error);
  }

  test::TempDir dir;
  auto run = [&](std::uint64_t seed, std::vector<double>* all) {
    lever::sim::SimConfig cfg;
    cfg.nvram_file = dir.path / "nv.json";
    cfg.seed = seed;
    cfg.faults = lever::sim::parse_faults("noise=5:2s@1s");
    lever::sim::Simulator sim(cfg);
    std::vector<double> sds{meas_sd(sim, 0.1, 1.0, all), meas_sd(sim, 1.1, 2.9, all), meas_sd(sim, 3.1, 5.0, all)};
    CHECK(sim.state() == lever::device::State::idle);  // the cells agree: no sensor fault
    return sds;
  };
  std::vector<double> a, b, c;
  auto sd = run(7, &a);
  CHECK(sd[0] < 0.8);                              // the load cell's own 0.4 N
  CHECK(sd[1] == doctest::Approx(5).epsilon(0.2));  // the burst
  CHECK(sd[2] < 0.8);                              // over after its span
  run(7, &b);
  run(8, &c);
  CHECK(a == b);
  CHECK(a != c);
}
