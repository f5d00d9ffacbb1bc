#include "lever/run/loop.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/device/drive.hpp"
#include "lever/device/signals.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/run/preflight.hpp"

namespace lever::run {

using nlohmann::json;
using device::Nanos;

std::string fault_stop_reason(std::uint32_t faults) {
  if (faults & device::kFaultEstop) return "e-stop";
  if (faults & device::kFaultKey) return "safety-key";
  if (device::stopped_for_link(faults)) return "link-lost";
  if (faults) return "unit-fault";
  return "unit-hold";
}

std::pair<double, double> p50_p99(std::vector<double> v) {
  if (v.empty()) return {0, 0};
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1)]; };
  return {rank(0.5), rank(0.99)};
}

namespace {

constexpr double kSetPeriodS = 0.05;  // at most 20 SET commands a second, whatever the loop rate

double secs(Nanos d) { return std::chrono::duration<double>(d).count(); }

// Finds the phase at program time t (the last one once the program is over).
size_t phase_at(const Program& p, double t) {
  double end = 0;
  for (size_t i = 0; i < p.phases.size(); ++i) {
    end += p.phases[i].duration_s;
    if (t < end) return i;
  }
  return p.phases.size() - 1;
}

json status_fields(const device::Status& s) {
  return {{"state", device::state_name(s.state)}, {"support_cmd_n", s.cmd_n}, {"support_target_n", s.target_n},
          {"support_measured_n", s.meas_n}, {"speed_cmd_kmh", s.speed_cmd_kmh}, {"speed_kmh", s.speed_kmh},
          {"incline_cmd_pct", s.incline_cmd_pct}, {"incline_pct", s.incline_pct}, {"cadence_spm", s.cadence_spm},
          {"faults", device::fault_names(s.faults)}};
}

class Loop {
public:
  Loop(device::Unit& unit, const LoopOptions& opt, const LoopHooks& hooks)
      : unit_(unit), opt_(opt), hooks_(hooks), sum_(opt.mass_kg, opt.baseline_cadence_spm) {}

  LoopResult run() {
    device::install_stop_signals();
    try {
      unit_.set_status_rate(opt_.status_hz);
      unit_.arm();
      unit_.set_targets(sent_);
      unit_.start();
      drive();
    } catch (const Error& e) {
      stop_on_error(e);
    }
    if (res_.status == "stopped" && res_.stop_reason != "link-lost") {
      try {  // record the state the unit actually reached, not the last status before the HOLD
        unit_.wait_for([](const device::Status& st) { return device::is_safe_state(st.state); }, std::chrono::seconds(1));
      } catch (const Error&) {
      }
    }
    res_.last = unit_.has_status() ? unit_.status() : device::Status{};
    res_.summary = sum_.finish(opt_.program);
    if (!periods_.empty()) {
      auto [p50, p99] = p50_p99(periods_);
      res_.timing["ticks"] = periods_.size();
      res_.timing["period_jitter_p50_ms"] = p50;
      res_.timing["period_jitter_p99_ms"] = p99;
      res_.timing["period_jitter_max_ms"] = *std::max_element(periods_.begin(), periods_.end());
    }
    return res_;
  }

private:
  void event(json e) {
    if (hooks_.event) hooks_.event(e);
  }

  // Sends HOLD first; a unit that no longer answers is already holding by its own watchdog.
  void hold() {
    try {
      unit_.hold();
      res_.timing["hold_sent_unix_ns"] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                             std::chrono::system_clock::now().time_since_epoch()).count();
      if (hooks_.safe_state_sent) hooks_.safe_state_sent();
    } catch (const Error&) {
    }
  }

  void stop(const std::string& reason, Exit code, const std::string& message) {
    res_.status = "stopped";
    res_.stop_reason = reason;
    res_.code = code;
    res_.message = message;
    event({{"event", "stop"}, {"t_s", t_}, {"stop_reason", reason}, {"message", message}});
  }

  void stop_on_error(const Error& e) {
    if (res_.status == "stopped") return;
    if (e.code() == Exit::unit_unavailable) {
      hold();  // in case only the answers are lost; the unit's watchdog holds it anyway
      stop("link-lost", Exit::unit_unavailable, std::string(e.what()) + "; the unit holds by its watchdog (belt stopping, support held)");
      return;
    }
    hold();
    // A NAK can beat the status frame that says why (a SET refused by a unit that has just latched a
    // fault): wait briefly for the unit's own account, so the record names the fault, not "error".
    try {
      unit_.wait_for([](const device::Status& st) { return st.faults != 0; }, std::chrono::milliseconds(300));
    } catch (const Error&) {
    }
    std::uint32_t faults = unit_.has_status() ? unit_.status().faults : 0;
    res_.faults = device::fault_names(faults);
    stop(faults ? fault_stop_reason(faults) : "error", e.code() == Exit::ok ? Exit::failure : e.code(), e.what());
  }

  bool check_unit() {
    const auto& s = unit_.status();
    if (!unit_.status_fresh() || s.state == device::State::run || s.state == device::State::armed) return true;
    hold();  // defence in depth: the unit is already safe, the command costs nothing
    if (!unit_.clock().is_virtual() && unit_.clock_sync().valid)
      res_.timing["fault_to_hold_ms"] = device::to_ms(unit_.clock().now() - unit_.host_time_of(s.unit_ms));
    res_.faults = device::fault_names(s.faults);
    event({{"event", "fault"}, {"t_s", t_}, {"state", device::state_name(s.state)}, {"faults", res_.faults}});
    const auto reason = fault_stop_reason(s.faults);
    stop(reason, device::stopped_for_link(s.faults) ? Exit::unit_unavailable : Exit::safety,
         fmt::format("the unit went to {}: {}; belt stopping, support held at {:.1f} N", device::state_name(s.state),
                     s.faults ? device::describe_faults(s.faults) : "no fault recorded (watchdog or operator HOLD)", s.target_n));
    return false;
  }

  bool check_pain(double now_s) {
    std::vector<int> scores;
    if (hooks_.pain_input) {
      for (int p : hooks_.pain_input()) {
        scores.push_back(p);
        if (hooks_.pain_logged) hooks_.pain_logged(p);
      }
    }
    if (hooks_.pain_log && now_s >= next_pain_poll_) {
      next_pain_poll_ = now_s + opt_.pain_poll_s;
      for (int p : hooks_.pain_log()) scores.push_back(p);
    }
    for (int p : scores) {
      sum_.pain(p);
      bool over = p > opt_.during_limit;
      event({{"event", "pain"}, {"t_s", t_}, {"score", p}, {"limit", opt_.during_limit}, {"stops", over}});
      if (over) {
        hold();
        stop("pain-limit", Exit::safety,
             fmt::format("pain {}/10 during the run is above the limit of {}/10: the unit holds (belt stopping, support held)",
                         p, opt_.during_limit));
        return false;
      }
    }
    return true;
  }

  // A session whose records cannot be saved stops: the runner is not driven without a record.
  bool check_store() {
    if (!hooks_.store_error) return true;
    std::string err = hooks_.store_error();
    if (err.empty()) return true;
    hold();
    stop("store-error", Exit::failure,
         fmt::format("the session's records cannot be saved ({}): the unit holds (belt stopping, support held)", err));
    return false;
  }

  void drive() {
    auto& clock = unit_.clock();
    const auto& prog = opt_.program;
    const auto& lim = unit_.identity().limits;
    const double total = prog.total_s();
    const auto t0 = clock.now();
    size_t phase = SIZE_MAX;
    double next_tel = 0, next_ev = 0, next_view = 0, last_t = 0;
    bool ending = false;
    for (auto next = t0 + opt_.tick;; next += opt_.tick) {
      unit_.poll_until(next);
      if (!clock.is_virtual()) {  // period jitter: how far each wake-up is from the nominal period
        auto woke = clock.now();
        if (last_wake_.count() > 0) periods_.push_back(std::fabs(device::to_ms(woke - last_wake_) - device::to_ms(opt_.tick)));
        last_wake_ = woke;
      }
      if (device::stop_requested()) {
        hold();  // the stop frame leaves first
        res_.signal = device::stop_signal();
        stop(res_.signal == 2 ? "user" : "signal", static_cast<Exit>(128 + res_.signal),
             fmt::format("stopped by signal {}: the unit holds (belt stopping, support held)", res_.signal));
        return;
      }
      t_ = secs(clock.now() - t0);
      const auto& st = unit_.status();
      if (!check_unit()) return;
      size_t ph = phase_at(prog, std::min(t_, total));
      const Phase& p = prog.phases[ph];
      sum_.add(p, st, t_ - last_t);
      last_t = t_;
      if (!check_pain(t_)) return;
      if (!check_store()) return;
      if (ph != phase && !ending) {
        phase = ph;
        event({{"event", "phase"}, {"t_s", t_}, {"phase", p.name}, {"kind", p.kind}, {"duration_s", p.duration_s},
               {"support_pct", p.support_pct}, {"speed_kmh", p.speed_kmh}, {"incline_pct", p.incline_pct}});
      }
      device::Targets goal{plan::support_force_n(opt_.mass_kg, p.support_pct), p.speed_kmh, p.incline_pct};
      if (t_ >= total) {
        if (!ending) event({{"event", "phase"}, {"t_s", t_}, {"phase", "stop"}, {"kind", "stop"}});
        ending = true;
        goal.speed_kmh = 0;  // the belt comes to rest under control, support stays
        goal.incline_pct = 0;
        if (sent_.speed_kmh == 0 && unit_.status_fresh() && st.speed_kmh <= 0.05) break;
      }
      // Targets go out at most every kSetPeriodS (each SET waits for its ACK on the line); the ramp
      // step covers the time since the last one, so the rate stays within the slew limits.
      const double since_set = t_ - last_set_t_;
      if (since_set >= kSetPeriodS) {
        auto want = ramp_toward(sent_, goal, lim, since_set);
        if (want.force_n != sent_.force_n || want.speed_kmh != sent_.speed_kmh || want.incline_pct != sent_.incline_pct) {
          unit_.set_targets(want);
          sent_ = want;
          last_set_t_ = t_;
        }
      }
      if (t_ >= next_tel && hooks_.telemetry) {
        next_tel += opt_.telemetry_period_s;
        json s = status_fields(st);
        s["t_s"] = std::round(t_ * 1000) / 1000;
        s["phase"] = ending ? "stop" : p.name;
        s["support_target_pct"] = p.support_pct;
        s["support_measured_pct"] = opt_.mass_kg > 0 ? st.meas_n / (opt_.mass_kg * 9.80665) * 100 : 0;
        s["cadence_target_spm"] = p.cadence_target_spm ? json(*p.cadence_target_spm) : json(nullptr);
        hooks_.telemetry(s);
      }
      if (opt_.sample_rate_hz > 0 && t_ >= next_ev) {
        next_ev += 1.0 / opt_.sample_rate_hz;
        json e = status_fields(st);
        e["event"] = "status";
        e["t_s"] = std::round(t_ * 1000) / 1000;
        e["phase"] = p.name;
        event(e);
      }
      if (hooks_.display && t_ >= next_view) {
        next_view = t_ + 0.25;
        hooks_.display({ending ? "stopping" : p.name, t_, std::max(0.0, total - t_), p.support_pct,
                        plan::effective_mass_kg(opt_.mass_kg, p.support_pct), st.target_n, st.meas_n, st.speed_kmh,
                        st.incline_pct, st.cadence_spm, p.cadence_target_spm,
                        st.faults ? device::describe_faults(st.faults) : ""});
      }
      unit_.heartbeat();  // only after this tick's checks passed
    }
    hold();
    device::release_support(unit_, opt_.release_rate_n_s, {});
    unit_.wait_for([](const device::Status& st) { return st.state == device::State::idle; }, std::chrono::seconds(1));
    res_.message = "session complete: belt stopped, support lowered, unit disarmed";
    event({{"event", "released"}, {"t_s", secs(clock.now() - t0)}});
  }

  device::Unit& unit_;
  const LoopOptions& opt_;
  const LoopHooks& hooks_;
  SummaryBuilder sum_;
  LoopResult res_;
  device::Targets sent_{0, 0, 0};
  double t_ = 0;
  double next_pain_poll_ = 0;
  double last_set_t_ = 0;
  std::vector<double> periods_;
  Nanos last_wake_{0};
};

}  // namespace

LoopResult run_loop(device::Unit& unit, const LoopOptions& opt, const LoopHooks& hooks) { return Loop(unit, opt, hooks).run(); }

}  // namespace lever::run
