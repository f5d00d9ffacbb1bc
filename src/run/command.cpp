#include "lever/run/command.hpp"

#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "lever/calibrate/check.hpp"
#include "lever/device/records.hpp"
#include "lever/device/unit.hpp"
#include "lever/plan/engine.hpp"
#include "lever/plan/service.hpp"
#include "lever/run/checkin.hpp"
#include "lever/run/loop.hpp"
#include "lever/run/preflight.hpp"
#include "lever/run/record.hpp"
#include "lever/run/session.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/pain.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/typed.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/number.hpp"
#include "lever/util/units.hpp"

namespace lever::run {

using nlohmann::json;

namespace {

Program load_program(const Store& store, const RunRequest& r, const std::optional<model::Plan>& plan) {
  bool args = !r.support.empty() || !r.speed.empty() || r.minutes;
  if (!r.program_file.empty() && args)
    throw Error(Exit::usage, "--program and --support/--speed/--minutes cannot be combined", "give the session one way");
  if (!r.program_file.empty()) {
    std::string text;
    if (r.program_file == "-") {
      std::stringstream ss;
      ss << std::cin.rdbuf();
      text = ss.str();
    } else {
      std::ifstream f(r.program_file);
      if (!f) throw Error(Exit::not_found, fmt::format("cannot read program file '{}'", r.program_file), "check the path");
      std::stringstream ss;
      ss << f.rdbuf();
      text = ss.str();
    }
    json doc;
    try {
      doc = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number such as 1e999
      throw Error(Exit::invalid_data, fmt::format("{} is not JSON: {}", r.program_file == "-" ? "stdin" : r.program_file, e.what()),
                  "see lever-run(1), PROGRAMS");
    }
    return program_from_json(doc, r.program_file == "-" ? "stdin" : r.program_file);
  }
  if (args) {
    if (r.support.empty() || r.speed.empty() || !r.minutes)
      throw Error(Exit::usage, "a session on the command line needs --support, --speed and --minutes",
                  "e.g. --support 20 --speed 8 --minutes 20 (--incline defaults to 0)");
    double incline = r.incline.empty() ? 0 : parse_percent(r.incline, "--incline");
    return program_from_args(parse_percent(r.support, "--support"), parse_speed_kmh(r.speed, "--speed"), incline, *r.minutes);
  }
  if (!plan) plan::require_plan(store, r.athlete);  // throws not_found with its hint
  for (const auto& s : plan->steps)
    if (s.step == plan->current_step) return program_from_step(s);
  throw Error(Exit::invalid_data, fmt::format("the plan of {} has no step {}", r.athlete, plan->current_step),
              "run 'lever store check'");
}

// Asks on the terminal: the operator types the runner's answer before the belt moves.
int ask_pain() {
  std::cerr << "Pain in the knee now, 0-10? " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) throw Error(Exit::usage, "no pain score before the session", "pass --pain-before N (0-10)");
  // The one number reader: "3abc", " 3" or "nan" is not a score (std::stoi would have read "3abc" as 3).
  size_t b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t\r");
  auto v = read_whole(b == std::string::npos ? std::string_view{} : std::string_view(line).substr(b, e - b + 1));
  if (!v || *v < 0 || *v > 10) throw Error(Exit::usage, fmt::format("'{}' is not a pain score 0-10", line), "type a whole number 0-10");
  return static_cast<int>(*v);
}

// A running session in words, for the one-athlete-one-session refusal.
std::string running_words(const plan::SessionSummary& s) {
  return fmt::format("session {} started {}", s.id, format_iso(s.started_at));
}

// The athlete's sessions still running (one athlete, one session; any unit, any host).
std::vector<std::string> sessions_in_progress(const Store& store, const std::string& athlete) {
  std::vector<std::string> out;
  for (const auto& s : plan::sessions_for_athlete(store, athlete))
    if (s.status == model::SessionStatus::running) out.push_back(running_words(s));
  return out;
}

// The schedule facts of the pre-flight: sessions in progress, the plan's rest rules, and a 'before'
// entry logged in the last 3 hours (the same window the engine links before-run entries with).
// `sessions` are the athlete's sessions as the plan update just read them (not read again).
void gather_schedule(const Store& store, const RunRequest& r, const std::optional<model::Plan>& plan,
                     const std::vector<plan::SessionSummary>& sessions, PreflightInput& pf) {
  std::vector<TimePoint> starts;
  for (const auto& s : sessions) {
    if (s.status == model::SessionStatus::running) pf.in_progress.push_back(running_words(s));
    starts.push_back(s.started_at);
  }
  const TimePoint t = now();
  if (plan) pf.rest = plan::rest_check(*plan, starts, t);
  auto log = read_pain_log(store, r.athlete);
  warn_unreadable(log.problems);
  for (const auto& doc : log.entries) {
    auto e = from_stored<model::PainEntry>(doc, "pain entry of " + r.athlete);
    const TimePoint at = e.at.at;
    if (e.when != model::PainWhen::before || e.session_id) continue;
    if (at > t || at < t - std::chrono::hours(3)) continue;
    if (!pf.logged_before || at >= pf.logged_before->at.at) pf.logged_before = std::move(e);
  }
}

// The session document as it is saved before the belt moves: running, with this process's ID.
model::Session start_record(const std::string& sid, const RunRequest& r, device::Unit& unit, const std::string& unit_id,
                            const Program& program, const PreflightInput& pf, const calib::CalibrationVerdict& calibration,
                            TimePoint started) {
  model::Session s;
  s.id = sid;
  s.athlete_id = r.athlete;
  s.started_at = model::Instant::of(started);
  s.status = model::SessionStatus::running;
  s.pid = static_cast<std::int64_t>(getpid());
  s.host = host_name();
  s.unit_id = unit_id;
  s.port = unit.port();
  s.clock = unit.clock().is_virtual() ? model::ClockKind::virtual_clock : model::ClockKind::wall_clock;
  s.plan_step = program.plan_step;
  s.profile = pf.profile;
  s.pain_limit_during = pf.during_limit;
  s.pain_before = pf.pain_before;
  s.mass_kg = pf.athlete.mass_kg;
  s.program = program_record(program);
  s.support_pct = session_support_pct(program);
  model::CalibrationGate gate;
  if (calibration.record) gate.record = calibration.record->id;
  if (!calibration.ok) gate.allowed_uncalibrated = model::UncalibratedRun{calibration.problem, r.allow_uncalibrated};
  s.calibration = gate;
  return s;
}

}  // namespace

void check_request(const RunRequest& r) {
  require_id("athlete", r.athlete);
  if (r.override_rest != !r.reason.empty())
    throw Error(Exit::usage, r.override_rest ? "--override-rest needs --reason TEXT" : "--reason goes with --override-rest",
                "e.g. --override-rest --reason \"tournament week, cleared by the physio\"");
}

void run_command(const RunEnv& env, const RunRequest& r) {
  check_request(r);
  auto& store = env.store;
  const auto athlete = from_stored<model::Athlete>(require_athlete(store, r.athlete), "athlete '" + r.athlete + "'");
  std::optional<model::Plan> plan;
  std::vector<plan::SessionSummary> sessions;
  {
    // Sessions left by a dead lever are recovered first; then the plan is brought up to what its
    // evidence implies (decisions applied once and stored once), so no run uses a stale decision.
    StoreWriter w(store);
    for (const auto& id : recover_sessions(w, now()))
      env.warn(fmt::format("session {} was left running by a lever that is gone: marked incomplete", id));
    if (store.has(collection("plan"), r.athlete)) {
      auto up = plan::update_plan(w, r.athlete, env.user, now());
      for (const auto& e : up.added) env.note("plan: " + e.reason);
      plan = std::move(up.plan);
      sessions = std::move(up.sessions);
    } else {
      sessions = plan::sessions_for_athlete(store, r.athlete);
    }
  }
  Program program = load_program(store, r, plan);
  PreflightInput pf;
  pf.athlete = athlete;
  pf.plan = plan;
  if (plan) pf.profile = plan->profile;
  pf.during_limit = plan::profile(pf.profile).during_limit;
  pf.program = program;
  pf.pain_before = r.pain_before;
  pf.override_rest = r.reason;
  gather_schedule(store, r, plan, sessions, pf);
  if (!pf.pain_before && !r.dry_run) {
    if (isatty(0) && r.program_file != "-") pf.pain_before = ask_pain();
    else throw Error(Exit::usage, "no pain score before the session", "pass --pain-before N (0-10)");
  }
  if (r.dry_run) {
    auto checks = preflight(pf);
    env.show_dry_run(program, checks, athlete.mass_kg);
    require_passed(checks);
    return;
  }
  // Everything that needs no unit is judged before one is contacted: a refusal (suspended plan, rest,
  // a session already running on another unit) never touches the belt.
  require_passed(preflight(pf));
  auto unit = device::open_unit(transport::resolve_port(r.port, store), store);
  pf.unit = unit->identity();
  pf.incompatibility = unit->compatible() ? "" : unit->incompatibility();
  std::string unit_id = device::unit_id(unit->identity().serial);
  require_passed(preflight(pf));
  if (unit->wait_for([](const device::Status&) { return true; }, std::chrono::seconds(1)) &&
      unit->status().state != device::State::idle)
    throw Error(Exit::safety,
                fmt::format("unit {} is in {} ({}): a session starts only from IDLE", unit_id,
                            device::state_name(unit->status().state),
                            unit->status().faults ? device::describe_faults(unit->status().faults) : "no fault"),
                "an operator checks the runner, then 'lever unit reset' (latched fault) and 'lever unit lower'");
  const std::string sid = new_record_id("s");
  // The one calibration gate: refuses (exit 3) or, with --allow-uncalibrated, audits the override
  // durably before the belt can move.
  auto calibration = calib::require_calibration(store, unit_id, unit->read_calibration(), now(), r.allow_uncalibrated,
                                                env.user, "--allow-uncalibrated",
                                                {{"session", sid}, {"athlete", r.athlete}});
  const TimePoint started = now();
  model::Session session = start_record(sid, r, *unit, unit_id, program, pf, calibration, started);
  {
    StoreWriter w(store);
    // Checked again under the lock that saves the session: two runs of one athlete cannot both pass.
    if (auto busy = sessions_in_progress(w.store(), r.athlete); !busy.empty())
      throw Error(Exit::safety, fmt::format("athlete {} already has a session in progress: {}", r.athlete, busy.front()),
                  "finish or stop that session first");
    std::vector<AuditEntry> rest_override;
    if (pf.rest && !pf.rest->ok)
      rest_override.push_back({env.user, "session.override-rest", sid, {{"athlete", r.athlete}, {"rule", pf.rest->why}, {"reason", r.reason}}});
    save_as(w, session, rest_override);
    // The pain before running is part of the start: the "session.start" entry audits both.
    auto before = make_pain_entry(env, r.athlete, *pf.pain_before, model::PainWhen::before, sid);
    w.append(collection("pain"), r.athlete, json(before),
             {{env.user, "session.start", sid, {{"athlete", r.athlete}, {"unit", unit_id}}}});
  }
  env.note(fmt::format("session {}: {} on unit {} ({:.0f} min); Ctrl-C holds the unit{}", sid, program.name, unit_id,
                       program.total_s() / 60, isatty(0) ? "; type 0-9 (x = 10) to report pain" : ""));
  LoopResult res = drive_session(env, *unit, r, program, athlete, pf.during_limit, sid, started);
  finish_session(env, session, res, plan.has_value() && program.plan_step.has_value());
}

}  // namespace lever::run
