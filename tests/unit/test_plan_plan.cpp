// Plan documents and templates: building, capacity, validation with JSON Pointers, clinician actions.
#include <cmath>
#include <cstdlib>
#include <functional>
#include <string>

#include <doctest/doctest.h>

#include "lever/plan/plan.hpp"
#include "lever/plan/templates.hpp"
#include "lever/plan/view.hpp"
#include "lever/util/error.hpp"

using namespace lever::plan;
using nlohmann::json;
using lever::format_iso;
using std::chrono::hours;

namespace {

lever::TimePoint T(const std::string& s) { return *lever::parse_iso(s); }

json athlete(double mass = 75) {
  return {{"id", "ann"}, {"mass_kg", mass}, {"cadence_spm", 164}, {"flags", json::array()}};
}

json flagged(const std::string& flag) {
  json a = athlete();
  a["flags"].push_back({{"flag", flag}, {"set_at", "2026-12-01T00:00:00Z"}, {"set_by", "dr"}});
  return a;
}

json fresh_plan(const std::string& severity = "moderate") {
  PlanRequest r;
  r.severity = severity;
  return build_plan(r, athlete(), builtin_templates().at(kDefaultTemplate), std::nullopt, "dr", T("2026-12-01T08:00:00Z"));
}

bool has_pointer(const std::vector<lever::SchemaIssue>& issues, const std::string& ptr) {
  for (const auto& i : issues)
    if (i.pointer == ptr) return true;
  return false;
}

// Runs a plan action on the plan document p through its type, as the commands do (read, act,
// store), and returns what the action returned as JSON.
template <class F>
json act(json& p, F&& f) {
  auto plan = p.get<lever::model::Plan>();
  json out = f(plan);
  p = plan;
  return out;
}

lever::Exit code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const lever::Error& e) {
    return e.code();
  }
  return lever::Exit::ok;
}

}  // namespace

TEST_CASE("templates: the built-in return-to-run template follows domain.md") {
  const json& t = builtin_templates().at(kDefaultTemplate);
  CHECK(template_problems(t).empty());
  CHECK(t["severities"]["mild"]["steps"][0]["support_pct"] == 10);
  CHECK(t["severities"]["moderate"]["steps"][0]["support_pct"] == 20);
  CHECK(t["severities"]["moderate"]["steps"].back()["support_pct"] == 0);
  CHECK(t["sessions_per_week"] == 3);
  CHECK(t["min_rest_days"] == 1);
  CHECK(t["incline_pct"] == 0);
  // Run bouts rise gradually: never more than +50 % between adjacent steps (no 4 -> 9 jump).
  for (const char* sev : {"mild", "moderate"}) {
    const auto& s = t["severities"][sev]["steps"];
    for (size_t i = 1; i < s.size(); ++i)
      CHECK_MESSAGE(s[i]["run_min"].get<double>() <= 1.5 * s[i - 1]["run_min"].get<double>(), sev << " step " << i + 1);
  }
}

TEST_CASE("templates: a template that fails its schema is named by JSON Pointer") {
  json t = builtin_templates().at(kDefaultTemplate);
  t["severities"]["mild"]["steps"][0]["support_pct"] = -5;
  t["incline_pct"] = -2;
  auto issues = template_problems(t);
  CHECK(has_pointer(issues, "/severities/mild/steps/0/support_pct"));
  CHECK(has_pointer(issues, "/incline_pct"));
  CHECK(code_of([&] { require_valid_template(t, "t.json"); }) == lever::Exit::invalid_data);
  json missing = t;
  missing.erase("severities");
  CHECK_FALSE(template_problems(missing).empty());
}

TEST_CASE("templates: the graded-exposure rules are checked beyond the schema") {
  json t = builtin_templates().at(kDefaultTemplate);
  auto& steps = t["severities"]["moderate"]["steps"];
  SUBCASE("support only steps down") {
    steps[2]["support_pct"] = 25;
    CHECK(has_pointer(template_problems(t), "/severities/moderate/steps/2/support_pct"));
  }
  SUBCASE("duration rises at most 10 % per step") {
    steps[3]["duration_min"] = 24;  // 20 -> 24 is +20 %
    CHECK(has_pointer(template_problems(t), "/severities/moderate/steps/3/duration_min"));
  }
  SUBCASE("a run bout rises at most 50 % per step") {
    steps[1]["run_min"] = 9;  // 4 -> 9 min is +125 %
    CHECK(has_pointer(template_problems(t), "/severities/moderate/steps/1/run_min"));
  }
  SUBCASE("one variable at a time: intervals do not change with support") {
    steps[2]["run_min"] = 10;  // step 3 lowers support; its run interval must stay
    CHECK(has_pointer(template_problems(t), "/severities/moderate/steps/2/run_min"));
  }
}

TEST_CASE("plan: built from the template for the athlete") {
  json p = fresh_plan();
  CHECK(plan_problems(p).empty());
  CHECK(p["steps"].size() == 15);
  CHECK(p["steps"][0]["support_pct"] == 20);
  CHECK(p["steps"][0]["support_force_n"].get<double>() == doctest::Approx(147.1));
  CHECK(p["steps"][0]["cadence_target_spm"] == 172);  // 164 + 5 %
  CHECK(p["steps"][0]["incline_pct"] == 0);
  CHECK(p["current_step"] == 1);
  CHECK(p["rules"]["consecutive_required"] == 2);
  CHECK(p["history"][0]["kind"] == "created");
  CHECK(fresh_plan("mild")["steps"][0]["support_pct"] == 10);
}

TEST_CASE("plan: severe presentations and blocking flags are refused; unknown values are usage errors") {
  PlanRequest r;
  const json& t = builtin_templates().at(kDefaultTemplate);
  auto now = T("2026-12-01T08:00:00Z");
  r.severity = "severe";
  CHECK(code_of([&] { build_plan(r, athlete(), t, std::nullopt, "dr", now); }) == lever::Exit::safety);
  r.severity = "mild";
  CHECK(code_of([&] { build_plan(r, flagged("suspected-meniscal"), t, std::nullopt, "dr", now); }) == lever::Exit::safety);
  CHECK(code_of([&] { build_plan(r, flagged("review"), t, std::nullopt, "dr", now); }) == lever::Exit::ok);
  r.severity = "extreme";
  CHECK(code_of([&] { build_plan(r, athlete(), t, std::nullopt, "dr", now); }) == lever::Exit::usage);
  r.severity = "mild";
  r.profile = "bogus";
  CHECK(code_of([&] { build_plan(r, athlete(), t, std::nullopt, "dr", now); }) == lever::Exit::usage);
}

TEST_CASE("plan: a plan the unit cannot deliver is refused with the numbers, never clamped") {
  PlanRequest r;
  const json& t = builtin_templates().at(kDefaultTemplate);
  auto now = T("2026-12-01T08:00:00Z");
  UnitCapacity small{"u1", 133, 4.4};
  try {
    build_plan(r, athlete(), t, small, "dr", now);
    FAIL("expected a refusal");
  } catch (const lever::Error& e) {
    CHECK(e.code() == lever::Exit::safety);
    CHECK(std::string(e.what()) == "step 1 needs 147 N of support (20 % of 75 kg) but unit u1 gives at most 133 N");
  }
  r.severity = "mild";  // 10 % of 75 kg = 74 N fits
  json p = build_plan(r, athlete(), t, small, "dr", now);
  CHECK(p["unit_id"] == "u1");
  // The unit's smallest force matters too: 5 % of 40 kg is 19.6 N.
  UnitCapacity coarse{"u2", 400, 25};
  CHECK(code_of([&] { build_plan(r, athlete(40), t, coarse, "dr", now); }) == lever::Exit::safety);
}

TEST_CASE("plan: validation points into the document") {
  json p = fresh_plan();
  p["current_step"] = 40;
  p["steps"][1]["step"] = 7;
  p["steps"][2]["incline_pct"] = -1;
  auto issues = plan_problems(p);
  CHECK(has_pointer(issues, "/steps/2/incline_pct"));
  p["steps"][2]["incline_pct"] = 0;
  issues = plan_problems(p);
  CHECK(has_pointer(issues, "/current_step"));
  CHECK(has_pointer(issues, "/steps/1/step"));
  CHECK(code_of([&] { require_valid_plan(p, "x.json"); }) == lever::Exit::invalid_data);
}

TEST_CASE("plan: an override sticks; it is not undone by the sessions before it") {
  ::setenv("TZ", "UTC", 1);
  json p = fresh_plan();
  auto day = [](int d) { return T("2026-12-02T10:00:00Z") + hours(24 * d); };
  EngineInput in{p.get<lever::model::Plan>(), {}, {}, athlete().get<lever::model::Athlete>(), day(10), {}};
  for (int d : {0, 2}) {
    std::string id = "s" + std::to_string(d);
    in.sessions.push_back({id, day(d), day(d) + std::chrono::minutes(30), lever::model::SessionStatus::completed, 1, 20.0, 19.0, 1, ""});
    in.pain.push_back({id + "n", 0, lever::model::PainWhen::next_day, day(d) + hours(20), id, std::nullopt});
  }
  auto ev = evaluate(in);
  REQUIRE(ev.step == 2);
  auto added = act(p, [&](lever::model::Plan& x) { return apply_evaluation(x, ev, "dr", day(5)); });
  CHECK(added.size() == 2);
  CHECK(p["current_step"] == 2);
  CHECK(plan_problems(p).empty());

  // The clinician replaces the progression with a hold: back to step 1.
  json e = act(p, [&](lever::model::Plan& x) { return override_plan(x, std::nullopt, Verdict::hold, "still sore on stairs", "dr", day(5) + hours(1)); });
  CHECK(e["kind"] == "override");
  CHECK(p["current_step"] == 1);
  in.plan = p.get<lever::model::Plan>();
  auto again = evaluate(in);
  CHECK(again.decisions.empty());
  CHECK(again.step == 1);
  CHECK(plan_problems(p).empty());

  act(p, [&](lever::model::Plan& x) { return override_plan(x, 4, std::nullopt, "tolerating well", "dr", day(6)); });
  CHECK(p["current_step"] == 4);
  CHECK(code_of([&] { act(p, [&](lever::model::Plan& x) { return override_plan(x, 99, std::nullopt, "x", "dr", day(6)); }); }) == lever::Exit::usage);
  CHECK(code_of([&] { act(p, [&](lever::model::Plan& x) { return override_plan(x, 2, std::nullopt, " ", "dr", day(6)); }); }) == lever::Exit::usage);
  CHECK(parse_override_decision("regress") == Verdict::regress);
  CHECK(code_of([] { parse_override_decision("suspend"); }) == lever::Exit::usage);
}

TEST_CASE("plan: suspend and resume need a clinician and a reason") {
  json p = fresh_plan();
  auto now = T("2026-12-05T10:00:00Z");
  act(p, [&](lever::model::Plan& x) { return suspend_plan(x, "knee swollen", "dr", now); });
  CHECK(p["status"] == "suspended");
  CHECK(p["suspension"]["reason"] == "knee swollen");
  CHECK(plan_problems(p).empty());
  CHECK(code_of([&] { act(p, [&](lever::model::Plan& x) { return override_plan(x, 2, std::nullopt, "x", "dr", now); }); }) == lever::Exit::safety);
  CHECK(code_of([&] { act(p, [&](lever::model::Plan& x) { return suspend_plan(x, "again", "dr", now); }); }) == lever::Exit::usage);
  CHECK(code_of([&] { act(p, [&](lever::model::Plan& x) { return resume_plan(x, flagged("significant-swelling"), "ok", std::nullopt, "dr", now); }); }) == lever::Exit::safety);
  CHECK(code_of([&] { act(p, [&](lever::model::Plan& x) { return resume_plan(x, athlete(), "", std::nullopt, "dr", now); }); }) == lever::Exit::usage);
  act(p, [&](lever::model::Plan& x) { return resume_plan(x, athlete(), "swelling settled", 1, "dr", now + hours(48)); });
  CHECK(p["status"] == "active");
  CHECK(p["suspension"].is_null());
  CHECK(p["history"].back()["kind"] == "resume");
  CHECK(plan_problems(p).empty());
}

TEST_CASE("plan: engine suspension is stored with its reason") {
  json p = fresh_plan();
  Evaluation ev;
  ev.step = 1;
  ev.suspended = true;
  Decision d;
  d.verdict = Verdict::suspend;
  d.session_id = "s1";
  d.unacceptable_run = 2;
  d.acceptable = false;
  d.review = true;
  d.reason = "suspended at 20 % (step 1): second unacceptable";
  ev.decisions.push_back(d);
  act(p, [&](lever::model::Plan& x) { return apply_evaluation(x, ev, "dr", T("2026-12-05T10:00:00Z")); });
  CHECK(p["status"] == "suspended");
  CHECK(p["review"] == true);
  CHECK(p["suspension"]["by"] == "engine");
  CHECK(p["history"].back()["by"] == "engine");
  CHECK(p["history"].back()["requested_by"] == "dr");
  CHECK(plan_problems(p).empty());
}

TEST_CASE("plan: show gives each step's estimated knee load per session and per week") {
  json p = fresh_plan();
  auto rows = step_rows(p, KneeLoadParams{});
  REQUIRE(rows.size() == 15);
  // Step 1: 20 % support, run 4/walk 1 for 20 min = 16 running minutes at 172 steps/min (164 + 5 %).
  double per_step = 0.8 * step_rate_factor(172, 164) * 1.0;
  CHECK(rows[0]["load_per_session"].get<double>() == doctest::Approx(std::round(172 * 16 * per_step)));
  CHECK(rows[0]["load_per_week"].get<double>() == doctest::Approx(std::round(172 * 16 * per_step * 3)).epsilon(1e-3));
  CHECK(rows[0]["current"] == true);
  CHECK(rows[1]["current"] == false);
  json no_cadence = p;
  no_cadence["baseline_cadence_spm"] = nullptr;
  CHECK(step_rows(no_cadence, KneeLoadParams{})[0]["load_per_session"].is_null());
}

TEST_CASE("plan: the next prescription respects the rest day") {
  ::setenv("TZ", "UTC", 1);
  json p = fresh_plan();
  Evaluation ev;
  ev.step = 2;
  json r = next_row(p, ev, rest_check(p, {T("2026-12-03T10:00:00Z")}, T("2026-12-03T12:00:00Z")), 80);
  CHECK(r["step"] == 2);
  CHECK(r["not_before"] == "2026-12-05");
  CHECK(r["support_force_n"].get<double>() == doctest::Approx(156.9));  // 20 % of the current 80 kg
  CHECK(r["effective_mass_kg"].get<double>() == doctest::Approx(64.0));  // 80 kg at 20 % runs as 64.0 kg
  CHECK(r["decision"] == "created");
}

TEST_CASE("plan: rest days are calendar days in the local zone, sessions per week any rolling 7 days") {
  ::setenv("TZ", "Europe/Berlin", 1);
  ::tzset();
  json p = fresh_plan();  // 3 a week, 1 rest day
  // A session late on 3 December (local): not before 5 December, local midnight.
  auto r = rest_check(p, {T("2026-12-03T22:30:00+01:00")}, T("2026-12-04T23:59:00+01:00"));
  CHECK_FALSE(r.ok);
  CHECK(format_iso(*r.not_before) == "2026-12-05T00:00:00+01:00");
  CHECK(r.why.find("2026-12-05") != std::string::npos);
  CHECK(rest_check(p, {T("2026-12-03T22:30:00+01:00")}, T("2026-12-05T00:00:00+01:00")).ok);
  // Three sessions in the last 7 days: the fourth waits until the oldest leaves the window.
  std::vector<lever::TimePoint> three = {T("2026-12-01T10:00:00+01:00"), T("2026-12-03T10:00:00+01:00"),
                                         T("2026-12-05T10:00:00+01:00")};
  auto w = rest_check(p, three, T("2026-12-07T10:00:00+01:00"));
  CHECK_FALSE(w.ok);
  CHECK(w.sessions_last_7_days == 3);
  CHECK(format_iso(*w.week_frees) == "2026-12-08T10:00:00+01:00");
  CHECK(rest_check(p, three, T("2026-12-08T10:00:00+01:00")).ok);
  // No session yet: no bound.
  CHECK(rest_check(p, {}, T("2026-12-08T10:00:00+01:00")).ok);
  ::setenv("TZ", "UTC", 1);
  ::tzset();
}
