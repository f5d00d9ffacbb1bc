#include "lever/run/session.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "lever/device/records.hpp"
#include "lever/model/run_helpers.hpp"
#include "lever/plan/service.hpp"
#include "lever/run/checkin.hpp"
#include "lever/run/record.hpp"
#include "lever/store/pain.hpp"
#include "lever/store/typed.hpp"
#include "lever/store/writer.hpp"

namespace lever::run {

using nlohmann::json;

model::PainEntry make_pain_entry(const RunEnv& env, const std::string& athlete, int score, model::PainWhen when,
                                 const std::string& sid) {
  PainInput in;
  in.athlete = athlete;
  in.score = std::to_string(score);
  in.when = model::name(when);
  in.session = sid;
  PainRefs refs(env.store);
  std::vector<FieldError> errs;
  auto e = build_pain_entry(in, refs, env.user, "run", now(), errs);
  if (!e)
    throw Error(Exit::invalid_data, fmt::format("cannot log pain {}: {}", score, errs.empty() ? "invalid entry" : errs.front().message));
  return from_stored<model::PainEntry>(*e, "pain entry of " + athlete);
}

LoopResult drive_session(const RunEnv& env, device::Unit& unit, const RunRequest& r, const Program& program,
                         const model::Athlete& athlete, int during_limit, const std::string& sid, TimePoint started) {
  LoopOptions opt;
  opt.program = program;
  opt.mass_kg = athlete.mass_kg;
  opt.baseline_cadence_spm = athlete.cadence_spm.value_or(0.0);
  opt.during_limit = during_limit;
  opt.tick = std::chrono::milliseconds(1000 / std::clamp(r.loop_hz, 10, 100));
  opt.status_hz = std::clamp(r.loop_hz / 2, 20, 50);  // status frames stay under half the line's capacity
  opt.telemetry_period_s = r.telemetry_period_s;
  opt.sample_rate_hz = env.ndjson ? r.sample_rate_hz : 0;
  auto& store = env.store;
  Recorder rec(store, sid, 0.5);  // at most half a second of telemetry is ever unsaved
  PainWatcher watcher(store, athlete.id, sid, started);
  PainKeys keys(r.program_file == "-" ? -1 : 0);
  const bool live = env.live_display;
  LoopHooks hooks;
  hooks.pain_input = [&] { return keys.poll(); };
  hooks.pain_log = [&] { return watcher.poll(); };
  hooks.pain_logged = [&](int score) {
    try {
      auto e = make_pain_entry(env, athlete.id, score, model::PainWhen::during, sid);
      watcher.seen(e.id);
      rec.pain(e);
    } catch (const Error& e) {
      env.warn(e.what());
    }
  };
  hooks.telemetry = [&](const json& s) {
    rec.sample(s, started + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                std::chrono::duration<double>(s.value("t_s", 0.0))));
  };
  hooks.event = [&](json e) {
    if (!env.ndjson) return;
    e["session_id"] = sid;
    std::cout << e.dump() << '\n' << std::flush;
  };
  hooks.store_error = [&] { return rec.error(); };
  if (live) hooks.display = [](const LiveView& v) { std::cerr << '\r' << live_line(v) << "\x1b[K" << std::flush; };
  LoopResult res = run_loop(unit, opt, hooks);
  if (live) std::cerr << '\n';
  if (auto err = rec.finish(); !err.empty()) {
    env.warn(fmt::format("some telemetry of session {} could not be saved: {}", sid, err));
    // Scripts must not read a session with lost records as a clean success.
    if (res.code == Exit::ok) {
      res.code = Exit::failure;
      res.message = fmt::format("the session completed, but some of its telemetry could not be saved: {}", err);
    }
  }
  return res;
}

namespace {

// True when the loop measured its timing (a real clock) or timed a stop.
bool measured(const model::LoopTiming& t) {
  return t.ticks || t.period_jitter_p50_ms || t.period_jitter_p99_ms || t.period_jitter_max_ms || t.hold_sent_unix_ns ||
         t.fault_to_hold_ms;
}

// The session document's end: the outcome, the summary and the unit's final state.
void record_end(model::Session& s, const LoopResult& res) {
  s.status = res.status;
  s.stop_reason = res.stop_reason.empty() ? std::nullopt : std::optional<std::string>(res.stop_reason);
  s.stop_phase = res.stop_phase;
  s.ended_at = model::Instant::of(now());
  res.summary.write_to(s);
  s.final_state = device::unit_state(res.last.state);
  s.final_support_target_n = res.last.target_n;
  s.final_support_measured_n = res.last.meas_n;
  s.final_speed_kmh = res.last.speed_kmh;
  s.faults = device::unit_faults(res.faults);
  s.message = res.message;
  s.exit_code = to_int(res.code);
  if (measured(res.timing)) s.loop_timing = res.timing;
  s.pid.reset();
}

}  // namespace

void finish_session(const RunEnv& env, model::Session session, const LoopResult& res, bool plan_session) {
  const std::string sid = session.id;
  const std::string athlete = session.athlete_id;
  record_end(session, res);
  auto& store = env.store;
  std::string decision;
  try {
    StoreWriter w(store);
    save_as(w, session,
            {{env.user, "session.end", sid, {{"status", res.status}, {"stop_reason", model::or_null(session.stop_reason)}}}});
    if (plan_session) {
      try {
        auto up = plan::update_plan(w, athlete, env.user, now());
        if (!up.added.empty()) decision = up.added.back().reason;
        else if (up.evaluation.pending) decision = up.evaluation.pending->reason;
      } catch (const Error& e) {
        env.warn(std::string("the session is saved, but the plan could not be updated: ") + e.what());
      }
    }
  } catch (const Error& e) {
    // The unit is already safe; say so, and that the record is the part that failed.
    throw Error(Exit::failure,
                fmt::format("session {} ended ({}) with the unit in {}, but its record could not be completed: {}", sid,
                            res.message, device::state_name(res.last.state), e.what()),
                "check the runner and release the support with 'lever unit lower'; the next 'lever run' marks the session incomplete");
  }
  env.show_summary(session);
  if (!decision.empty()) env.note("plan: " + decision);
  env.note(fmt::format("remember: log the knee pain tomorrow morning ('lever log-pain {} N --when next-day --session {}'); "
                       "the plan engine needs it to progress",
                       athlete, sid));
  if (res.code != Exit::ok)
    throw Error(res.code, res.message,
                res.status == model::SessionStatus::completed
                    ? "the session document is saved; fix the disk (free space, check it) before the next session"
                : res.stop_reason == "link-lost"
                    ? "check the cable and the unit; release the runner with 'lever unit lower' once it answers"
                : res.stop_reason == "watchdog"
                    ? "check the runner and release the support with 'lever unit lower'; run lever in the foreground on a "
                      "machine that is not overloaded (Ctrl-Z, a paused terminal or an unread output pipe stalls it)"
                : res.stop_reason == "release-failed"
                    ? "the runner may still hang in the harness: lower them following the unit's manual; have the unit "
                      "checked ('lever unit info') before the next session"
                    : "check the runner; release the support with 'lever unit lower' (after 'lever unit reset' for a latched fault)");
  env.note(res.message);
}

}  // namespace lever::run
