// The simulator's physics: actuator, load cells, belt, incline, runner; the unit-side fault checks;
// and the scripted faults. Stepped at 1 ms of simulated time whatever the clock.
#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "lever/sim/simulator.hpp"
#include "lever/util/units.hpp"

namespace lever::sim {

using device::State;

namespace {
constexpr double kActuatorLagS = 0.08;    // first-order lag of the support actuator
constexpr double kMeasFilterS = 0.5;      // the unit's tracking filter (removes the gait oscillation)
constexpr double kInclineRate = 0.5;      // %/s
constexpr double kNoiseN = 0.4;           // load-cell noise, 1 sigma
constexpr double kGaitFraction = 0.15;    // harness force swings +-15 % with each step
constexpr double kTrackTolN = 15, kTrackTolFrac = 0.10, kTrackTimeS = 1.0;
constexpr double kOverloadFactor = 1.25, kOverloadTimeS = 0.05;
constexpr double kSensorTolN = 10, kSensorTolFrac = 0.10, kSensorTimeS = 0.2;
constexpr int kCrcErrorsPerSecond = 5;

double toward(double x, double target, double max_step) { return x + std::clamp(target - x, -max_step, max_step); }
}  // namespace

double Simulator::gauss(double sigma) { return std::normal_distribution<double>(0.0, sigma)(rng_); }

bool Simulator::dice(double p) { return p > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p; }

double Simulator::nominal_force() const {
  // What the firmware believes its drive delivers (its actuator map): the held/continued value.
  const auto& c = nv_.calibration;
  return drive_ > 0 ? std::max(0.0, drive_ * c.act_gain + c.act_offset_n) : 0.0;
}

void Simulator::advance(Micros now) {
  while (now_ < now) {
    Micros next = std::min(now, now_ + 1000);
    double dt = static_cast<double>(next - now_) / 1e6;
    now_ = next;
    apply_scripted(static_cast<double>(now_) / 1e6);
    step(dt);
    check_faults(dt);
    if (now_ >= next_status_) {
      queue_frame(device::status_frame(status()));
      Micros period = 1000000 / status_hz_;
      next_status_ += period;
      if (next_status_ <= now_) next_status_ = now_ + period;
    }
  }
}

void Simulator::step(double dt) {
  const auto& L = nv_.limits;
  const auto& cal = nv_.calibration;
  const auto& tr = nv_.truth;
  // Support: slew-limited nominal target, then the firmware's actuator map gives the drive.
  if (!drive_frozen_ || lower_rate_ > 0) {
    double rate = lower_rate_ > 0 ? lower_rate_ : L.max_slew_n_s;
    tgt_f_ = std::max(0.0, toward(tgt_f_, cmd_f_, rate * dt));
    drive_ = tgt_f_ > 0 ? std::max(0.0, (tgt_f_ - cal.act_offset_n) / cal.act_gain) : 0.0;
    if (lower_rate_ > 0 && drive_frozen_) cmd_f_ = 0;
    if (!drive_frozen_) drift_ = toward(drift_, drift_target_, std::abs(drift_target_) / 2 * dt);
  }
  double desired = drive_ > 0 ? std::max(0.0, drive_ * tr.act_gain + tr.act_offset_n) : 0.0;
  desired *= 1 - drift_;
  if (!stalled_) act_f_ += (desired - act_f_) * std::min(1.0, dt / kActuatorLagS);

  // Belt (category-1 stop in safe states: v_cmd_ is 0 there) and incline.
  double vt = state_ == State::run ? v_cmd_ : 0.0;
  v_expect_ = std::max(0.0, toward(v_expect_, vt, L.max_accel_kmh_s * dt));  // what the drive should do
  if (runaway_) v_ = std::min(v_ + 2.0 * dt, L.max_speed_kmh + 3);
  else v_ = std::max(0.0, toward(v_, vt, L.max_accel_kmh_s * dt));
  if (state_ == State::run || state_ == State::armed) i_ = toward(i_, i_cmd_, kInclineRate * dt);

  // Runner: cadence and the gait oscillation of the harness force.
  double cad_target = v_ < 0.5 ? 0.0 : v_ >= 7 ? cfg_.cadence_spm : 100 + 3 * v_;
  cadence_ = cad_target;
  gait_phase_ = std::fmod(gait_phase_ + cadence_ / 60.0 * dt * 2 * std::numbers::pi, 2 * std::numbers::pi);
  double gait = cadence_ > 0 ? kGaitFraction * act_f_ * std::sin(gait_phase_) : 0.0;
  double t_s = static_cast<double>(now_) / 1e6;
  double extra = t_s < extra_load_until_ ? extra_load_n_ : 0.0;
  double body = state_ == State::idle ? 0.0 : std::min(act_f_ + gait, cfg_.runner_mass_kg * kGravity);
  double load = body + extra + ref_mass_ * kGravity;

  // Load cells: truth -> raw counts -> the firmware's calibration -> measured newtons.
  // An injected burst (vibration on the frame, interference on the cable) reaches both cells alike;
  // drawn only inside the burst so that a script without one replays the same noise as before.
  double burst = t_s < noise_until_ && noise_n_ > 0 ? gauss(noise_n_) : 0.0;
  raw_ = std::round(tr.zero_counts + (load + burst + gauss(kNoiseN)) / tr.gain_n_per_count);
  meas_ = (raw_ - cal.zero_counts) * cal.gain_n_per_count;
  meas2_ = meas_ * (1 + sensor_err_) + gauss(kNoiseN);
  double k = std::min(1.0, dt / kMeasFilterS);
  meas_filt_ += (meas_ - meas_filt_) * k;
  tgt_filt_ += (tgt_f_ - tgt_filt_) * std::min(1.0, dt / (kMeasFilterS + kActuatorLagS));
}

void Simulator::check_faults(double dt) {
  const auto& L = nv_.limits;
  bool moving = state_ == State::armed || state_ == State::run;
  if (estop_in_ && !(faults_ & device::kFaultEstop)) enter(State::estop, device::kFaultEstop, "hardware e-stop pressed");
  if (key_out_ && !(faults_ & device::kFaultKey)) enter(State::estop, device::kFaultKey, "safety key pulled");
  if (moving && now_ - last_host_frame_ > static_cast<Micros>(L.watchdog_ms) * 1000)
    enter(State::hold, device::kFaultLink, fmt::format("link: no host control frame for {} ms", L.watchdog_ms));
  while (!crc_times_.empty() && crc_times_.front() < now_ - 1000000) crc_times_.pop_front();
  if (moving && crc_times_.size() > kCrcErrorsPerSecond)
    enter(State::hold, device::kFaultCrc, fmt::format("{} corrupted host frames within 1 s", crc_times_.size()));
  if (state_ == State::idle) return;

  double err = std::abs(meas_filt_ - tgt_filt_);
  track_timer_ = moving && lower_rate_ == 0 && err > std::max(kTrackTolN, kTrackTolFrac * tgt_f_) ? track_timer_ + dt : 0;
  if (track_timer_ > kTrackTimeS)
    enter(State::fault, device::kFaultTracking,
          fmt::format("support tracking: measured {:.1f} N vs target {:.1f} N for {:.1f} s", meas_filt_, tgt_f_, kTrackTimeS));
  overload_timer_ = meas_ > kOverloadFactor * L.max_force_n ? overload_timer_ + dt : 0;
  if (overload_timer_ > kOverloadTimeS)
    enter(State::fault, device::kFaultOverload, fmt::format("overload: measured {:.1f} N", meas_));
  double disagree = std::abs(meas_ - meas2_);
  sensor_timer_ = disagree > std::max(kSensorTolN, kSensorTolFrac * std::abs(meas_)) ? sensor_timer_ + dt : 0;
  if (sensor_timer_ > kSensorTimeS)
    enter(State::fault, device::kFaultSensor, fmt::format("load cells disagree by {:.1f} N", disagree));
  double vlimit = std::min(L.max_speed_kmh + 0.5, v_expect_ + 1.0);
  if (v_ > vlimit && !(faults_ & device::kFaultOverspeed)) {
    runaway_ = false;  // the treadmill's independent speed monitor cuts the runaway; the unit brakes the belt
    enter(State::fault, device::kFaultOverspeed, fmt::format("overspeed: belt {:.2f} km/h", v_));
  }
}

void Simulator::apply_scripted(double t) {
  if (estop_in_ && t >= estop_until_) estop_in_ = false, emit("hardware e-stop released (state stays latched)");
  if (key_out_ && t >= key_until_) key_out_ = false, emit("safety key re-inserted (state stays latched)");
  for (size_t n = 0; n < fired_.size(); ++n) {
    const auto& e = cfg_.faults.events[n];
    if (fired_[n] || e.at_s > t) continue;
    fired_[n] = true;
    switch (e.kind) {
      case FaultKind::drop: p_drop_ = e.value; break;
      case FaultKind::corrupt: p_corrupt_ = e.value; break;
      case FaultKind::dup: p_dup_ = e.value; break;
      case FaultKind::delay: p_delay_ = e.value; break;
      case FaultKind::silence: silence_until_ = t + e.duration_s; emit(fmt::format("injected: silence for {:.1f} s", e.duration_s)); break;
      case FaultKind::link_timeout: deaf_until_ = t + e.duration_s; emit(fmt::format("injected: host frames lost for {:.1f} s", e.duration_s)); break;
      case FaultKind::stall: stalled_ = true; emit("injected: actuator stalled"); break;
      case FaultKind::drift: drift_target_ = e.value; emit(fmt::format("injected: support drifting by {:.0f} %", e.value * 100)); break;
      case FaultKind::noise:
        noise_n_ = e.value, noise_until_ = t + e.duration_s;
        emit(fmt::format("injected: load-cell noise of {:.1f} N (1 sigma) for {:.1f} s", e.value, e.duration_s));
        break;
      case FaultKind::sensor: sensor_err_ = e.value; emit(fmt::format("injected: second load cell {:.0f} % high", e.value * 100)); break;
      case FaultKind::overload:
        extra_load_until_ = t + 0.5;
        extra_load_n_ = std::max(0.0, e.value * nv_.limits.max_force_n - act_f_);
        emit(fmt::format("injected: external load of {:.0f} N on the harness", extra_load_n_));
        break;
      case FaultKind::estop: estop_in_ = true; estop_until_ = t + e.duration_s; emit("injected: hardware e-stop pressed"); break;
      case FaultKind::key: key_out_ = true; key_until_ = t + e.duration_s; emit("injected: safety key pulled"); break;
      case FaultKind::overspeed: runaway_ = true; emit("injected: belt runaway"); break;
      case FaultKind::wdreset: {
        emit("injected: firmware watchdog reset; the unit restarts");
        boot_ = now_;
        tx_seq_ = 0;
        have_host_seq_ = false;
        last_reply_.clear();
        status_hz_ = 20;
        decoder_.reset();
        faults_ = 0;
        first_fault_.clear();
        state_ = State::idle;  // a reboot always comes up latched in FAULT, whatever it was doing
        enter(State::fault, device::kFaultWdReset, "firmware watchdog reset");
        break;
      }
      case FaultKind::disconnect: disconnected_ = true; emit("injected: link disconnected"); break;
      case FaultKind::config:
      case FaultKind::proto: break;  // applied at boot
    }
  }
}

}  // namespace lever::sim
