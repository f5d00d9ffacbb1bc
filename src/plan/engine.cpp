// domain.md, "Progression engine": progress after enough acceptable sessions in a row, hold without
// evidence, regress (and flag for review) after an unacceptable response, suspend after two in a row,
// a red flag or a worsening week.
#include "lever/plan/engine.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "lever/plan/response.hpp"
#include "lever/store/athletes.hpp"

namespace lever::plan {

using nlohmann::json;

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::progress: return "progress";
    case Verdict::hold: return "hold";
    case Verdict::regress: return "regress";
    case Verdict::suspend: return "suspend";
  }
  return "hold";
}

namespace {

TimePoint time_of(const json& doc, const char* key, TimePoint fallback = {}) {
  if (!doc.contains(key) || !doc[key].is_string()) return fallback;
  return parse_iso(doc[key].get<std::string>()).value_or(fallback);
}

}  // namespace

SessionSummary session_summary(const json& d) {
  SessionSummary s;
  s.id = d.value("id", "");
  s.started_at = time_of(d, "started_at");
  if (d.contains("ended_at") && d["ended_at"].is_string()) s.ended_at = parse_iso(d["ended_at"].get<std::string>());
  s.status = d.value("status", "");
  if (d.contains("plan_step") && d["plan_step"].is_number_integer()) s.plan_step = d["plan_step"].get<int>();
  if (d.contains("support_pct") && d["support_pct"].is_number()) s.support_pct = d["support_pct"].get<double>();
  if (d.contains("measured_support_pct") && d["measured_support_pct"].is_number())
    s.measured_support_pct = d["measured_support_pct"].get<double>();
  if (d.contains("max_pain_during") && d["max_pain_during"].is_number_integer())
    s.max_pain_during = d["max_pain_during"].get<int>();
  if (d.contains("stop_reason") && d["stop_reason"].is_string()) s.stop_reason = d["stop_reason"].get<std::string>();
  return s;
}

PainRecord pain_record(const json& e) {
  PainRecord p;
  p.id = e.value("id", "");
  p.score = e.value("score", 0);
  p.when = e.value("when", "after");
  p.at = time_of(e, "at");
  if (e.contains("session_id") && e["session_id"].is_string()) p.session_id = e["session_id"].get<std::string>();
  p.swelling = e.value("swelling", "");
  return p;
}

EngineRules engine_rules(const json& plan) {
  EngineRules r;
  r.weekly_trend = profile(plan.value("profile", "seed")).weekly_trend;
  const json rules = plan.value("rules", json::object());
  r.consecutive_required = rules.value("consecutive_required", r.consecutive_required);
  r.follow_up_window_h = rules.value("follow_up_window_h", r.follow_up_window_h);
  r.follow_up_deadline_h = rules.value("follow_up_deadline_h", r.follow_up_deadline_h);
  r.weekly_trend = rules.value("weekly_trend", r.weekly_trend);
  r.trend_threshold_points = rules.value("trend_threshold_points", r.trend_threshold_points);
  return r;
}

namespace {

// "15 % (step 3)": how reasons name a step.
std::string where(const json& steps, int step) {
  double pct = steps.at(static_cast<size_t>(step - 1)).value("support_pct", 0.0);
  return fmt::format("{:g} % (step {})", pct, step);
}

// The time of the latest clinician action (or the plan's creation): earlier sessions are superseded.
TimePoint cutoff(const json& plan) {
  TimePoint c = time_of(plan, "created_at");
  for (const auto& h : plan.value("history", json::array()))
    if (h.value("kind", "") != "decision") c = std::max(c, time_of(h, "at"));
  return c;
}

}  // namespace

Evaluation evaluate(const EngineInput& in) {
  const json& plan = in.plan;
  const json& steps = plan.at("steps");
  const int last = static_cast<int>(steps.size());
  const Profile& prof = profile(plan.value("profile", "seed"));
  const EngineRules rules = engine_rules(plan);
  Evaluation ev;
  ev.step = std::clamp(plan.value("current_step", 1), 1, last);
  ev.streak = plan.value("streak", 0);
  ev.unacceptable_run = plan.value("unacceptable_run", 0);
  ev.suspended = plan.value("status", "active") == "suspended";
  if (ev.suspended) return ev;

  auto decide = [&](Verdict v, const std::string& sid, int to, std::optional<bool> ok, std::string reason) {
    Decision d{v, sid, ev.step, to, 0, ev.unacceptable_run, ok, false, std::move(reason)};
    ev.step = to;
    if (v == Verdict::suspend) ev.suspended = true;
    return d;
  };

  // A blocking clinician flag is a red flag in itself (domain.md stop signals): suspend now.
  if (auto flags = blocking_flags(in.athlete); !flags.empty()) {
    ev.decisions.push_back(decide(Verdict::suspend, "", ev.step, std::nullopt,
                                  fmt::format("suspended at {}: the athlete is flagged {} (red flag)", where(steps, ev.step),
                                              flags.front())));
    return ev;
  }

  std::set<std::string> decided;
  for (const auto& h : plan.value("history", json::array()))
    if (h.contains("session_id") && h["session_id"].is_string()) decided.insert(h["session_id"].get<std::string>());
  std::vector<SessionSummary> ours;
  for (const auto& s : in.sessions)
    if (s.plan_step && s.status != "running") ours.push_back(s);
  std::sort(ours.begin(), ours.end(), [](const auto& a, const auto& b) { return a.started_at < b.started_at; });
  const TimePoint since = cutoff(plan);

  for (size_t i = 0; i < ours.size(); ++i) {
    const auto& s = ours[i];
    if (s.started_at < since || decided.count(s.id)) continue;
    std::optional<TimePoint> next_start;
    if (i + 1 < ours.size()) next_start = ours[i + 1].started_at;
    Response r = classify_response(prof, rules, s, in.pain, in.athlete, in.now, next_start);
    const std::string at = where(steps, ev.step);

    if (r.kind == ResponseKind::pending) {
      Decision d{Verdict::hold, s.id, ev.step, ev.step, ev.streak, ev.unacceptable_run, std::nullopt, false,
                 fmt::format("held at {}: waiting for the follow-up log ({})", at, r.why)};
      ev.pending = d;
      break;
    }
    if (r.kind == ResponseKind::red_flag) {
      ev.decisions.push_back(decide(Verdict::suspend, s.id, ev.step, false, fmt::format("suspended at {}: {}", at, r.why)));
      ev.decisions.back().review = true;
      break;
    }
    if (rules.weekly_trend) {
      TimePoint t = std::min(in.now, session_end(s) + std::chrono::hours(24));
      if (auto worse = worsening_week(in.pain, t, rules.trend_threshold_points)) {
        ev.decisions.push_back(decide(Verdict::suspend, s.id, ev.step, false, fmt::format("suspended at {}: {}", at, *worse)));
        ev.decisions.back().review = true;
        break;
      }
    }
    if (r.kind == ResponseKind::unacceptable) {
      ++ev.unacceptable_run;
      ev.streak = 0;
      if (ev.unacceptable_run >= 2) {
        ev.decisions.push_back(decide(Verdict::suspend, s.id, ev.step, false,
                                      fmt::format("suspended at {}: second unacceptable response in a row ({})", at, r.why)));
      } else {
        int to = std::max(1, ev.step - 1);
        std::string moved = to == ev.step ? fmt::format("held at {} (already the first step)", at)
                                          : fmt::format("regressed from {} to {}", at, where(steps, to));
        ev.decisions.push_back(decide(Verdict::regress, s.id, to, false, fmt::format("{} and flagged for review: {}", moved, r.why)));
      }
      ev.decisions.back().review = true;
      ev.decisions.back().unacceptable_run = ev.unacceptable_run;
      if (ev.suspended) break;
      continue;
    }
    if (r.kind == ResponseKind::missing || r.kind == ResponseKind::not_counted) {
      // No evidence, no progression. A missing log breaks the run of acceptable sessions (the knee was
      // loaded and its response is unknown); a session ended early for a non-pain reason leaves it as it was.
      if (r.kind == ResponseKind::missing) ev.streak = 0;
      auto d = decide(Verdict::hold, s.id, ev.step, std::nullopt, fmt::format("held at {}: {}", at, r.why));
      d.streak = ev.streak;
      ev.decisions.push_back(d);
      continue;
    }
    // Acceptable.
    ev.unacceptable_run = 0;
    ++ev.streak;
    if (ev.streak >= rules.consecutive_required && ev.step < last) {
      int n = ev.streak;
      ev.streak = 0;
      auto d = decide(Verdict::progress, s.id, ev.step + 1, true,
                      fmt::format("progressed from {} to {}: {} acceptable sessions in a row (latest: {})", at,
                                  where(steps, ev.step + 1), n, r.why));
      ev.decisions.push_back(d);
    } else {
      std::string why = ev.step < last
                            ? fmt::format("{} ({} of {} needed in a row)", r.why, ev.streak, rules.consecutive_required)
                            : fmt::format("{}; this is the final step: return to outdoor running is the clinician's call", r.why);
      auto d = decide(Verdict::hold, s.id, ev.step, true, fmt::format("held at {}: {}", at, why));
      d.streak = ev.streak;
      ev.decisions.push_back(d);
    }
  }
  return ev;
}

}  // namespace lever::plan
