#include "lever/run/loop.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/device/drive.hpp"
#include "lever/model/run_helpers.hpp"
#include "lever/plan/knee_load.hpp"
#include "lever/run/preflight.hpp"
#include "lever/util/signals.hpp"

namespace lever::run {

using nlohmann::json;
using device::Nanos;
using model::SessionStatus;
using model::StopPhase;

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
      if (drive()) release();
    } catch (const Error& e) {
      stop_on_error(e);
    }
    if (res_.status == SessionStatus::stopped && res_.stop_reason != "link-lost") {
      try {  // record the state the unit actually reached, not the last status before the HOLD
        unit_.wait_for([](const device::Status& st) { return device::is_safe_state(st.state); }, std::chrono::seconds(1));
      } catch (const Error&) {
      }
    }
    res_.last = unit_.has_status() ? unit_.status() : device::Status{};
    res_.summary = sum_.finish(opt_.program);
    if (!periods_.empty()) {
      auto [p50, p99] = p50_p99(periods_);
      res_.timing.ticks = static_cast<std::int64_t>(periods_.size());
      res_.timing.period_jitter_p50_ms = p50;
      res_.timing.period_jitter_p99_ms = p99;
      res_.timing.period_jitter_max_ms = *std::max_element(periods_.begin(), periods_.end());
    }
    return res_;
  }

private:
  void event(json e) {
    if (hooks_.event) hooks_.event(e);
  }

  // A phase event for a step of the stop (stop, lowering): the programme's setpoints are null, so
  // every phase event has the same fields.
  json phase_event(const char* name, const char* kind) const {
    return {{"event", "phase"},      {"t_s", t_},          {"phase", name},           {"kind", kind},
            {"duration_s", nullptr}, {"support_pct", nullptr}, {"speed_kmh", nullptr}, {"incline_pct", nullptr}};
  }

  // Sends HOLD first; a unit that no longer answers is already holding by its own watchdog.
  void hold() {
    try {
      unit_.hold();
      res_.timing.hold_sent_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch()).count();
      if (hooks_.safe_state_sent) hooks_.safe_state_sent();
    } catch (const Error&) {
    }
  }

  void stop(const std::string& reason, Exit code, const std::string& message) {
    res_.status = SessionStatus::stopped;
    res_.stop_reason = reason;
    res_.stop_phase = phase_;
    res_.code = code;
    res_.message = message;
    event({{"event", "stop"}, {"t_s", t_}, {"stop_reason", reason}, {"stop_phase", phase_}, {"message", message}});
  }

  // Where the session is, in words for messages.
  std::string during() const {
    if (phase_ == StopPhase::start) return "while the unit was armed and started";
    if (phase_ == StopPhase::stopping) return "while the belt was coming to rest";
    if (phase_ == StopPhase::lowering) return "while the support was being lowered";
    return fmt::format("during the {} phase", model::name(phase_));
  }

  // What the unit does now, in words: the belt stops (unless it already rests) and the support is held.
  std::string held_words(const device::Status& s) const {
    return fmt::format("{}support held at {:.1f} N", phase_ == StopPhase::lowering ? "" : "belt stopping, ", s.target_n);
  }

  // Stops on the unit's own account: it left RUN, refused a command or latched a fault. The record
  // names every fault bit it shows; the link fault (the unit's watchdog) is exit 6, any other exit 3.
  void stop_for_unit(const device::Status& s) {
    res_.faults = device::fault_names(s.faults);
    event({{"event", "fault"}, {"t_s", t_}, {"state", device::state_name(s.state)}, {"faults", res_.faults}, {"phase", phase_}});
    if (device::stopped_for_link(s.faults)) {
      stop("link-lost", Exit::unit_unavailable,
           fmt::format("the unit's watchdog put it in {} {}: no control frame from lever reached it within its {} ms, although "
                       "lever sent one every {} ms (frames are being lost on the link); {}",
                       device::state_name(s.state), during(), unit_.identity().limits.watchdog_ms, opt_.tick.count(),
                       held_words(s)));
      return;
    }
    stop(fault_stop_reason(s.faults), Exit::safety,
         fmt::format("the unit went to {} {}: {}; {}", device::state_name(s.state), during(),
                     s.faults ? device::describe_faults(s.faults) : "no fault recorded (operator HOLD)", held_words(s)));
  }

  // The unit's watchdog must see a frame from lever at least every watchdog_ms. A lever that was
  // suspended (Ctrl-Z, SIGSTOP), starved of CPU or blocked writing its output has not fed it: the unit
  // has put itself in HOLD by its own clock, and there is no resuming without an operator.
  bool check_fed() {
    const int wd = unit_.identity().limits.watchdog_ms;
    const auto gap = unit_.clock().now() - unit_.last_sent();
    if (wd <= 0 || gap <= std::chrono::milliseconds(wd)) return true;
    hold();
    try {  // the unit's own account: HOLD with the link fault when its watchdog ran out first
      unit_.wait_for([this](const device::Status& st) { return unit_.status_fresh() && device::is_safe_state(st.state); },
                     std::chrono::milliseconds(500));
    } catch (const Error&) {
    }
    const auto& s = unit_.status();
    res_.faults = device::fault_names(s.faults);
    event({{"event", "fault"}, {"t_s", t_}, {"state", device::state_name(s.state)}, {"faults", res_.faults}, {"phase", phase_}});
    stop("watchdog", Exit::unit_unavailable,
         fmt::format("lever sent the unit no control frame for {:.0f} ms {}, longer than the unit's {} ms watchdog (lever was "
                     "suspended, starved of CPU or blocked writing its output): {} (HOLD{}); {}",
                     device::to_ms(gap), during(), wd,
                     (s.faults & device::kFaultLink) ? "the unit's watchdog put it in HOLD" : "lever put the unit in HOLD",
                     s.faults ? ", " + device::describe_faults(s.faults) : "", held_words(s)));
    return false;
  }

  void stop_on_error(const Error& e) {
    if (res_.status == SessionStatus::stopped) return;
    if (e.code() == Exit::unit_unavailable) {
      hold();  // in case only the answers are lost; the unit's watchdog holds it anyway
      stop("link-lost", Exit::unit_unavailable,
           fmt::format("{} {}; {}", e.what(), during(),
                       phase_ == StopPhase::lowering ? "the unit was in HOLD: the support stays where the lowering left it"
                                            : "the unit holds by its watchdog (belt stopping, support held)"));
      return;
    }
    hold();
    // A NAK can beat the status frame that says why (a SET refused by a unit that has just latched a
    // fault): wait briefly for the unit's own account, so the record names the fault, not "error".
    try {
      unit_.wait_for([](const device::Status& st) { return st.faults != 0; }, std::chrono::milliseconds(300));
    } catch (const Error&) {
    }
    // A command refused for the unit's state means the unit left RUN on its own (a fault, the
    // watchdog, an operator's HOLD): that, not the refused command, is what happened.
    const auto* nak = dynamic_cast<const device::NakError*>(&e);
    const bool unit_left = nak && nak->reason() == device::Nak::state;
    if (unit_.has_status()) {
      const auto& s = unit_.status();
      if (s.faults || s.state == device::State::fault || s.state == device::State::estop ||
          (unit_left && device::is_safe_state(s.state))) {
        stop_for_unit(s);
        return;
      }
    }
    stop(phase_ == StopPhase::lowering ? "release-failed" : "error", e.code() == Exit::ok ? Exit::failure : e.code(), e.what());
  }

  bool check_unit() {
    const auto& s = unit_.status();
    if (!unit_.status_fresh() || s.state == device::State::run || s.state == device::State::armed) return true;
    const device::Status seen = s;  // hold() reads frames: judge what made the loop stop
    hold();  // defence in depth: the unit is already safe, the command costs nothing
    if (!unit_.clock().is_virtual() && unit_.clock_sync().valid)
      res_.timing.fault_to_hold_ms = device::to_ms(unit_.clock().now() - unit_.host_time_of(seen.unit_ms));
    stop_for_unit(seen);
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

  // Drives the program and brings the belt to rest; true when it got there without a stop.
  bool drive() {
    auto& clock = unit_.clock();
    const auto& prog = opt_.program;
    const auto& lim = unit_.identity().limits;
    const double total = prog.total_s();
    const auto t0 = t0_ = clock.now();
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
        return false;
      }
      t_ = secs(clock.now() - t0);
      size_t ph = phase_at(prog, std::min(t_, total));
      const Phase& p = prog.phases[ph];
      phase_ = t_ >= total ? StopPhase::stopping : model::stop_phase_of(p.kind);
      if (!check_fed()) return false;
      const auto& st = unit_.status();
      if (!check_unit()) return false;
      sum_.add(p, st, t_ - last_t);
      last_t = t_;
      if (!check_pain(t_)) return false;
      if (!check_store()) return false;
      if (ph != phase && !ending) {
        phase = ph;
        event({{"event", "phase"}, {"t_s", t_}, {"phase", p.name}, {"kind", p.kind}, {"duration_s", p.duration_s},
               {"support_pct", p.support_pct}, {"speed_kmh", p.speed_kmh}, {"incline_pct", p.incline_pct}});
      }
      device::Targets goal{plan::support_force_n(opt_.mass_kg, p.support_pct), p.speed_kmh, p.incline_pct};
      if (t_ >= total) {
        if (!ending) event(phase_event("stop", "stop"));
        ending = true;
        goal.speed_kmh = 0;  // the belt comes to rest under control, support stays
        goal.incline_pct = 0;
        if (sent_.speed_kmh == 0 && unit_.status_fresh() && st.speed_kmh <= 0.05) return true;
      }
      // Targets go out at most every kSetPeriodS (each SET waits for its ACK on the line); the ramp
      // step covers the time since the last one, so the rate stays within the slew limits.
      const double since_set = t_ - last_set_t_;
      if (since_set >= kSetPeriodS) {
        auto want = ramp_toward(sent_, goal, lim, since_set);
        if (want.force_n != sent_.force_n || want.speed_kmh != sent_.speed_kmh || want.incline_pct != sent_.incline_pct) {
          if (!check_fed()) return false;
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
      if (!check_fed()) return false;  // a hook that blocked (a paused terminal) must not look alive
      unit_.heartbeat();  // only after this tick's checks passed
    }
  }

  // The belt rests: HOLD, lower the support at the release rate, check the load cells followed, and
  // disarm. A fault the unit latches meanwhile stops the session there, with the support held.
  void release() {
    auto& clock = unit_.clock();
    phase_ = StopPhase::lowering;
    event(phase_event("lowering", "lowering"));
    unit_.hold();  // an unanswered HOLD is a lost link (stop_on_error); the unit's watchdog holds it then
    auto safe = [](const device::Status& st) {
      return st.faults || st.state == device::State::fault || st.state == device::State::estop;
    };
    unit_.wait_for([this](const device::Status&) { return unit_.status_fresh(); }, std::chrono::milliseconds(300));
    if (safe(unit_.status())) {  // latched while the belt came to rest: the support stays held
      t_ = secs(clock.now() - t0_);
      stop_for_unit(unit_.status());
      return;
    }
    try {
      device::release_support(unit_, opt_.release_rate_n_s, {});
    } catch (const Error& e) {
      t_ = secs(clock.now() - t0_);
      if (unit_.has_status() && safe(unit_.status())) stop_for_unit(unit_.status());
      else if (e.code() == Exit::unit_unavailable) stop_on_error(e);
      else stop("release-failed", e.code(), fmt::format("{} ({})", e.what(), during()));
      return;
    }
    t_ = secs(clock.now() - t0_);
    const auto& st = unit_.status();
    if (safe(st)) {
      stop_for_unit(st);
    } else if (st.state != device::State::idle) {
      stop("release-failed", Exit::safety,
           fmt::format("the support was lowered to {:.1f} N, but the unit reports {} after DISARM, not IDLE", st.target_n,
                       device::state_name(st.state)));
    } else {
      res_.message = "session complete: belt stopped, support lowered, unit disarmed";
      event({{"event", "released"}, {"t_s", t_}});
    }
  }

  device::Unit& unit_;
  const LoopOptions& opt_;
  const LoopHooks& hooks_;
  SummaryBuilder sum_;
  LoopResult res_;
  device::Targets sent_{0, 0, 0};
  double t_ = 0;
  StopPhase phase_ = StopPhase::start;  // LoopResult::stop_phase
  Nanos t0_{0};                  // when the program started
  double next_pain_poll_ = 0;
  double last_set_t_ = 0;
  std::vector<double> periods_;
  Nanos last_wake_{0};
};

}  // namespace

LoopResult run_loop(device::Unit& unit, const LoopOptions& opt, const LoopHooks& hooks) { return Loop(unit, opt, hooks).run(); }

}  // namespace lever::run
