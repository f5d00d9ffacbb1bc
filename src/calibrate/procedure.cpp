#include "procedure.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/device/drive.hpp"
#include "lever/util/signals.hpp"
#include "lever/util/units.hpp"

namespace lever::calib::detail {

using namespace std::chrono_literals;
using Step = model::ReadingStep;
using device::Nanos;
using device::State;

namespace {
constexpr int kStatusHz = 50;          // enough readings per window, a fraction of the line's bandwidth
constexpr double kLowerRateNs = 20;    // abort path: support lowered at the slowest sensible pace for a rig
constexpr int kTries = 3;              // windows tried before a reading is declared unstable

Nanos seconds(double s) { return std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(s)); }

// A reading to take with a known force hung on the arms (a reference mass, or none).
model::Reading with_load(Step step, double reference_n, std::optional<double> mass_kg = std::nullopt) {
  model::Reading r;
  r.step = step;
  r.reference_n = reference_n;
  r.mass_kg = mass_kg;
  return r;
}

// A reading to take with the support target set (and the drive that target means, in the sweep).
model::Reading with_target(Step step, double target_n, std::optional<double> drive = std::nullopt) {
  model::Reading r;
  r.step = step;
  r.target_n = target_n;
  r.drive = drive;
  return r;
}

// A verification point of `kind`: the support target set, or the reference mass hung.
model::VerificationPoint point(model::PointKind kind, std::optional<double> target_n, std::optional<double> mass_kg) {
  model::VerificationPoint p;
  p.kind = kind;
  p.target_n = target_n;
  p.mass_kg = mass_kg;
  return p;
}
}  // namespace

std::string compact_time(TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Procedure::Procedure(device::Unit& unit, const Options& opt, model::Calibration& rec) : u_(unit), opt_(opt), rec_(rec) {
  rec_.readings.emplace();
}

void Procedure::step(const std::string& s) {
  if (opt_.progress) opt_.progress(s);
}

void Procedure::check_unit() const {
  if (!u_.status_fresh()) return;
  const auto& s = u_.status();
  bool ok = armed_ ? (s.state == State::armed || s.state == State::run) && !s.faults : s.state == State::idle && !s.faults;
  if (ok) return;
  // The unit's watchdog holding for a silent link is link loss (6, as run reports it), not a safety stop.
  const Exit code = device::stopped_for_link(s.faults) ? Exit::unit_unavailable : Exit::safety;
  throw Aborted(code,
                fmt::format("the unit went to {} during calibration: {}", device::state_name(s.state),
                            s.faults ? device::describe_faults(s.faults) : std::string("no fault reported")),
                "clear the cause ('lever unit info' names it; 'lever unit reset', then 'lever unit lower'), then "
                "calibrate again");
}

// Polls for `d` on the unit clock: collects raw counts, owns the heartbeat while armed, and stops at
// once on a signal, a fault or a silent link.
void Procedure::wait_collect(Nanos d, std::vector<double>* counts) {
  auto& clock = u_.clock();
  auto end = clock.now() + d;
  while (clock.now() < end) {
    auto next = std::min(end, clock.now() + Nanos(50ms));
    while (clock.now() < next) {
      if (u_.poll(next - clock.now()) && counts && u_.status_fresh()) counts->push_back(u_.status().raw_counts);
      if (device::stop_requested()) break;
    }
    if (device::stop_requested())
      throw Aborted(static_cast<Exit>(128 + device::stop_signal()),
                    fmt::format("calibration interrupted by signal {}", device::stop_signal()),
                    "the unit keeps its old calibration; calibrate again when ready");
    check_unit();
    if (armed_) u_.heartbeat();  // only after this tick's checks passed
  }
}

void Procedure::wait(Nanos d) { wait_collect(d, nullptr); }

// Half the verification tolerance (at least 0.5 N): the noise, drift and fit residual a reading may
// carry, so that readings within it still leave room for the model to pass verification.
double Procedure::stable_limit() const { return std::max(0.5, tol_ / 2); }

// Points that do not lie on one line mean the unit changed while it was measured (support drifting,
// an actuator that sticks, a mass that swung): a line through them is no calibration.
void Procedure::require_line(const LineFit& f, const std::string& what, const std::string& cause) const {
  if (f.max_abs <= stable_limit()) return;
  size_t worst = 0;
  for (size_t i = 0; i < f.residuals.size(); ++i)
    if (std::fabs(f.residuals[i]) > std::fabs(f.residuals[worst])) worst = i;
  throw Error(Exit::safety,
              fmt::format("the {} readings do not lie on a line: point {} of {} is {:+.2f} N off the fit (limit {:.2f} N); {}",
                          what, worst + 1, f.residuals.size(), f.residuals[worst], stable_limit(), cause),
              "the unit keeps its old calibration; find the cause ('lever unit info'), then calibrate again");
}

// Takes a stable reading for `reading` (its step and what was hung or set filled in) and records it.
double Procedure::stable_counts(model::Reading reading) {
  const std::string what(model::name(reading.step));
  double gain = old_.gain_n_per_count > 0 ? old_.gain_n_per_count : 1;
  double limit_n = stable_limit();
  std::string why;
  for (int t = 0; t < kTries; ++t) {
    std::vector<double> c;
    wait_collect(seconds(opt_.window_s), &c);
    auto w = window_stats(c);
    std::vector<double> n(c.size());
    std::transform(c.begin(), c.end(), n.begin(), [&](double x) { return x * gain; });
    auto wn = window_stats(n);
    why = unstable_reason(wn, limit_n, std::max(5, static_cast<int>(opt_.window_s * kStatusHz / 2)), " N");
    if (why.empty()) {
      reading.counts = w.mean;
      reading.noise_n = wn.sd;
      reading.n = w.n;
      rec_.readings->push_back(reading);
      return w.mean;
    }
    if (t + 1 < kTries) step(fmt::format("  {}: not stable yet ({}), measuring again", what, why));
  }
  throw Error(Exit::safety, fmt::format("{}: the reading is not stable after {} windows of {:g} s: {}", what, kTries, opt_.window_s, why),
              "make sure nothing touches the arms or the masses and they hang still; check the load cells");
}

void Procedure::place(double kg, const std::string& label) {
  if (kg == hung_kg_) return;
  if (opt_.ask)
    opt_.ask(kg > 0 ? fmt::format("hang {} on the arms (nothing else), then press Enter", label)
                    : "take every load off the arms, then press Enter");
  try {
    u_.hang_reference_mass(kg);  // the unit's rig (simulator, factory rig); a unit without one says so
  } catch (const device::NakError& e) {
    if (e.reason() != device::Nak::unknown) throw;
  }
  hung_kg_ = kg;
  wait(500ms);  // let the masses stop swinging
}

void Procedure::preflight() {
  u_.set_status_rate(kStatusHz);
  if (!u_.wait_for([](const device::Status&) { return true; }, 2s) || !u_.status_fresh())
    throw Aborted(Exit::unit_unavailable, fmt::format("no status from the unit on {}", u_.port()),
                  "check the cable and the unit's power");
  if (!u_.compatible())
    throw Error(Exit::safety, "lever cannot drive this unit: " + u_.incompatibility(), "update lever or the unit firmware");
  const auto& s = u_.status();
  if (s.state != State::idle || s.faults)
    throw Error(Exit::safety,
                fmt::format("the unit is {} ({}); calibration starts only from IDLE without faults", device::state_name(s.state),
                            s.faults ? device::describe_faults(s.faults) : "no fault"),
                "make the unit safe and idle first: 'lever unit reset' and 'lever unit lower'");
  old_ = u_.read_calibration();
  rec_.old_calibration = unit_calibration(old_);
  fs_ = u_.identity().limits.max_force_n;
  tol_ = opt_.tolerance_n > 0 ? opt_.tolerance_n : default_tolerance_n(fs_);
  rec_.tolerance_n = tol_;
  rec_.full_scale_n = fs_;
}

void Procedure::settle_at(double target_n) {
  u_.set_targets({target_n, 0, 0});
  double slew = std::max(1.0, u_.identity().limits.max_slew_n_s);
  auto& clock = u_.clock();
  auto give_up = clock.now() + seconds(fs_ / slew + 5);
  while (!(u_.status_fresh() && std::fabs(u_.status().target_n - target_n) < 0.5)) {
    if (clock.now() > give_up)
      throw Aborted(Exit::safety, fmt::format("the support target did not reach {:.1f} N", target_n),
                    "check the unit ('lever unit info')");
    wait(50ms);
  }
  wait(600ms);  // actuator lag: many time constants
}

void Procedure::arm() {
  u_.arm();
  armed_ = true;
  wait(200ms);
}

void Procedure::release() {
  u_.set_targets({0, 0, 0});  // the unit ramps down at its own slew limit: never a drop
  settle_at(0);
  u_.disarm();
  armed_ = false;
  wait(200ms);
}

double Procedure::target_for(const Model& m, double force_n) const {
  // The unit turns a target into a drive with its own (old) actuator map; aim the drive the model wants.
  double drive = (force_n - m.cal.act_offset_n) / m.cal.act_gain;
  return std::clamp(drive * old_.act_gain + old_.act_offset_n, 0.0, fs_);
}

device::Calibration Procedure::measure() {
  step("zero: no load on the arms");
  place(0, "");
  std::vector<double> counts{stable_counts(with_load(Step::zero, 0.0))}, forces{0.0};
  for (size_t i = 0; i < opt_.references.size(); ++i) {
    const auto& r = opt_.references[i];
    std::string label = fmt::format("{:g} kg{}", r.mass_kg, r.certificate ? " (" + *r.certificate + ")" : "");
    step("span: " + label);
    place(r.mass_kg, label);
    double f = r.mass_kg * kGravity;
    counts.push_back(stable_counts(with_load(Step::span, f, r.mass_kg)));
    forces.push_back(f);
  }
  place(0, "");
  auto sensor = fit_sensor(counts, forces);
  if (!rec_.fits) rec_.fits.emplace();
  rec_.fits->sensor = model::SensorFit{sensor.zero_counts, sensor.gain_n_per_count, sensor.line.residuals, sensor.line.rms,
                                       sensor.line.max_abs};
  require_line(sensor.line, "load-cell", "a load cell out of true or a mass that was not the one named");
  Model m;
  m.cal = old_;
  m.cal.zero_counts = sensor.zero_counts;
  m.cal.gain_n_per_count = sensor.gain_n_per_count;

  step("actuator sweep (armed, belt at 0)");
  arm();
  std::vector<double> drives, delivered;
  int n = std::max(3, opt_.sweep_points);
  for (int i = 0; i < n; ++i) {
    double t = fs_ * (0.1 + 0.75 * i / (n - 1));
    step(fmt::format("  sweep {}/{}: {:.0f} N", i + 1, n, t));
    settle_at(t);
    double drive = std::max(0.0, (t - old_.act_offset_n) / old_.act_gain);
    double c = stable_counts(with_target(Step::sweep, t, drive));
    drives.push_back(drive);
    delivered.push_back(m.force(c));
    rec_.readings->back().measured_n = delivered.back();
  }
  auto act = fit_actuator(drives, delivered);
  rec_.fits->actuator = model::ActuatorFit{act.act_gain, act.act_offset_n, act.line.residuals, act.line.rms, act.line.max_abs};
  require_line(act.line, "actuator sweep", "the delivered support drifted or the actuator stuck during the sweep");
  m.cal.act_gain = act.act_gain;
  m.cal.act_offset_n = act.act_offset_n;
  m.cal.frame_height_cm = opt_.frame_height_cm > 0 ? opt_.frame_height_cm : old_.frame_height_cm;
  // Verify exactly what the unit will hold: the protocol carries these decimals (lever-protocol(7)).
  auto round_to = [](double x, double step) { return std::round(x / step) * step; };
  m.cal.zero_counts = round_to(m.cal.zero_counts, 0.1);
  m.cal.gain_n_per_count = round_to(m.cal.gain_n_per_count, 1e-6);
  m.cal.act_gain = round_to(m.cal.act_gain, 1e-4);
  m.cal.act_offset_n = round_to(m.cal.act_offset_n, 0.01);
  m.cal.frame_height_cm = round_to(m.cal.frame_height_cm, 0.1);
  rec_.frame_height_cm = m.cal.frame_height_cm;  // the setting in force, given or kept
  return m.cal;
}

bool Procedure::verify(const Model& m) {
  std::vector<model::VerificationPoint> points;
  bool all = true;
  auto add = [&](model::VerificationPoint p, double ref, double meas) {
    double err = meas - ref;
    bool ok = std::fabs(err) <= tol_;
    all = all && ok;
    p.reference_n = ref;
    p.measured_n = meas;
    p.error_n = err;
    p.pass = ok;
    step(fmt::format("  {:>7.1f} N reference, {:>7.1f} N measured, error {:+.2f} N: {}", ref, meas, err, ok ? "PASS" : "FAIL"));
    points.push_back(p);
  };
  step(fmt::format("verification (tolerance {:.1f} N)", tol_));
  if (!armed_) arm();
  for (double frac : {0.2, 0.5, 0.8}) {
    double f = frac * fs_, t = target_for(m, f);
    settle_at(t);
    add(point(model::PointKind::actuator, t, std::nullopt), f, m.force(stable_counts(with_target(Step::verify, t))));
  }
  release();
  for (const auto& r : opt_.references) {
    place(r.mass_kg, fmt::format("{:g} kg{}", r.mass_kg, r.certificate ? " (" + *r.certificate + ")" : ""));
    double f = r.mass_kg * kGravity;
    add(point(model::PointKind::reference, std::nullopt, r.mass_kg), f, m.force(stable_counts(with_load(Step::verify, f))));
  }
  place(0, "");
  rec_.verification = model::Verification{all, std::move(points), tol_};
  return all;
}

void Procedure::make_safe() noexcept {
  try {
    if (armed_) {
      armed_ = false;
      u_.hold();  // belt stops under control, support held
      u_.poll(200ms);
      auto st = u_.status().state;
      if (st == State::hold || st == State::armed) device::release_support(u_, kLowerRateNs, {});
      // FAULT/ESTOP: the support stays held for the technician ('lever unit reset', 'lever unit lower').
    }
    if (hung_kg_ > 0 && u_.status().state == State::idle) u_.hang_reference_mass(0);
  } catch (...) {
    // A lost link: the unit's watchdog holds the support and stops the belt on its own.
  }
}

}  // namespace lever::calib::detail
