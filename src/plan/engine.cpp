// domain.md, "Progression engine": progress after enough acceptable sessions in a row, hold without
// evidence, regress (and flag for review) after an unacceptable response, suspend after two in a row,
// a red flag or a worsening week.
#include "lever/plan/engine.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "lever/plan/response.hpp"

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
  s.status = model::parse<model::SessionStatus>(d.value("status", "")).value_or(model::SessionStatus::running);
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
  p.when = model::parse<model::PainWhen>(e.value("when", "")).value_or(model::PainWhen::after);
  p.at = time_of(e, "at");
  if (e.contains("session_id") && e["session_id"].is_string()) p.session_id = e["session_id"].get<std::string>();
  p.swelling = model::parse<model::Swelling>(e.value("swelling", ""));
  p.logged_at = std::max(time_of(e, "logged_at", p.at), time_of(e, "amended_at"));
  return p;
}

CorrectionRecord correction_record(const json& r) {
  return {r.value("id", ""), r.value("corrects", ""),
          model::parse<model::CorrectionKind>(r.value("kind", "")).value_or(model::CorrectionKind::void_entry), time_of(r, "logged_at")};
}

EngineRules engine_rules(const model::Plan& plan) {
  EngineRules r;
  const model::PlanRules& rules = plan.rules;
  r.weekly_trend = plan.profile_row().weekly_trend;
  r.consecutive_required = rules.consecutive_required.value_or(r.consecutive_required);
  r.follow_up_min_h = rules.follow_up_min_h.value_or(r.follow_up_min_h);
  r.follow_up_window_h = rules.follow_up_window_h.value_or(r.follow_up_window_h);
  r.after_min_min = rules.after_min_min.value_or(r.after_min_min);
  r.after_max_min = rules.after_max_min.value_or(r.after_max_min);
  r.follow_up_deadline_h = rules.follow_up_deadline_h.value_or(r.follow_up_deadline_h);
  r.weekly_trend = rules.weekly_trend.value_or(r.weekly_trend);
  r.trend_threshold_points = rules.trend_threshold_points.value_or(r.trend_threshold_points);
  return r;
}

EngineRules engine_rules(const json& plan) {
  model::Plan p;
  p.profile = plan.value("profile", std::string(model::default_profile().name));
  if (auto it = plan.find("rules"); it != plan.end()) it->get_to(p.rules);
  return engine_rules(p);
}

namespace {

using model::HistoryEntry;
using model::HistoryKind;

// "15 % (step 3)": how reasons name a step.
std::string where(const model::Plan& plan, int step) {
  const model::PlanStep* s = plan.step(step);
  return fmt::format("{:g} % (step {})", s ? s->support_pct : 0.0, step);
}

// The time of the latest clinician action (or the plan's creation): earlier sessions are superseded.
TimePoint cutoff(const model::Plan& plan) {
  TimePoint c = plan.created_at.at;
  for (const auto& h : plan.history)
    if (h.kind != HistoryKind::decision) c = std::max(c, h.at.at);
  return c;
}

}  // namespace

namespace {

// A decision (members named, so new fields keep their defaults).
Decision make_decision(Verdict v, std::string sid, int from, int to, int streak, int unacceptable, std::optional<bool> ok,
                       bool review, std::string reason) {
  Decision d;
  d.verdict = v;
  d.session_id = std::move(sid);
  d.from_step = from;
  d.to_step = to;
  d.streak = streak;
  d.unacceptable_run = unacceptable;
  d.acceptable = ok;
  d.review = review;
  d.reason = std::move(reason);
  return d;
}

// The first entry with significant swelling (any time: before, during, after, next-day) recorded since
// `since`: a red flag (domain.md, "Evidence").
const PainRecord* red_flag_entry(const std::vector<PainRecord>& pain, TimePoint since) {
  const PainRecord* first = nullptr;
  for (const auto& p : pain)
    if (p.swelling == model::Swelling::significant && p.logged_at > since && (!first || p.logged_at < first->logged_at)) first = &p;
  return first;
}

// The plan sessions the engine judges (completed or ended, with a plan step), oldest first.
std::vector<SessionSummary> plan_sessions(const std::vector<SessionSummary>& all) {
  std::vector<SessionSummary> ours;
  for (const auto& s : all)
    if (s.plan_step && s.status != model::SessionStatus::running) ours.push_back(s);
  std::sort(ours.begin(), ours.end(), [](const auto& a, const auto& b) { return a.started_at < b.started_at; });
  return ours;
}

// Decides the sessions of `ours` that started at or after `since` and are not in `decided` (when
// given), in order, continuing from the state in `ev`.
void decide_sessions(const EngineInput& in, const std::vector<SessionSummary>& ours, TimePoint since,
                     const std::set<std::string>* decided, Evaluation& ev) {
  const int last = static_cast<int>(in.plan.steps.size());
  const Profile& prof = in.plan.profile_row();
  const EngineRules rules = engine_rules(in.plan);
  auto decide = [&](Verdict v, const std::string& sid, int to, std::optional<bool> ok, std::string reason) {
    Decision d = make_decision(v, sid, ev.step, to, 0, ev.unacceptable_run, ok, false, std::move(reason));
    ev.step = to;
    if (v == Verdict::suspend) ev.suspended = true;
    return d;
  };

  for (size_t i = 0; i < ours.size(); ++i) {
    const auto& s = ours[i];
    if (s.started_at < since || (decided && decided->count(s.id))) continue;
    std::optional<TimePoint> next_start;
    if (i + 1 < ours.size()) next_start = ours[i + 1].started_at;
    Response r = classify_response(prof, rules, s, in.pain, in.athlete, in.now, next_start);
    const std::string at = where(in.plan, ev.step);

    if (r.kind == ResponseKind::pending) {
      Decision d = make_decision(Verdict::hold, s.id, ev.step, ev.step, ev.streak, ev.unacceptable_run, std::nullopt, false,
                                 fmt::format("held at {}: waiting for the follow-up log ({})", at, r.why));
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
                                          : fmt::format("regressed from {} to {}", at, where(in.plan, to));
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
                                  where(in.plan, ev.step + 1), n, r.why));
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
}

// The IDs of history entries that a re-decision replaced.
std::set<std::string> superseded(const model::Plan& plan) {
  std::set<std::string> out;
  for (const auto& h : plan.history) out.insert(h.supersedes.begin(), h.supersedes.end());
  return out;
}

// A re-decision that undid decisions and decided nothing yet (no session of its own).
bool undo_only(const HistoryEntry& h) { return h.redecision && !h.session_id; }

// The engine's decisions in force since the latest clinician action, in history order.
std::vector<const HistoryEntry*> stored_decisions(const model::Plan& plan) {
  auto gone = superseded(plan);
  std::vector<const HistoryEntry*> out;
  for (const auto& h : plan.history) {  // pointers into the plan itself, not into a copy
    if (h.kind != HistoryKind::decision) out.clear();
    else if (!gone.count(h.id)) out.push_back(&h);
  }
  return out;
}

// The plan's state right after the latest clinician action (which resets the streaks), or as stored
// when the history holds no action.
Evaluation state_after_last_action(const model::Plan& plan, int last_step) {
  Evaluation ev;
  ev.step = std::clamp(plan.current_step, 1, last_step);
  ev.streak = plan.streak;
  ev.unacceptable_run = plan.unacceptable_run;
  for (const auto& h : plan.history)
    if (h.kind != HistoryKind::decision) {
      ev.step = std::clamp(h.to_step, 1, last_step);
      ev.streak = 0;
      ev.unacceptable_run = 0;
    }
  return ev;
}

// Replays the engine from the latest clinician action over today's (corrected) evidence. Where it
// differs from a decision in force and a correction was logged after that decision, the decisions
// from there on are made again and replace it (`supersedes`); otherwise (rules of an older lever,
// timing) the stored ones stand.
std::optional<Evaluation> redecide(const EngineInput& in, const std::vector<SessionSummary>& ours, TimePoint since) {
  auto stored = stored_decisions(in.plan);
  if (stored.empty() || in.corrections.empty()) return std::nullopt;
  std::vector<const HistoryEntry*> compared;
  for (const HistoryEntry* h : stored)
    if (!undo_only(*h)) compared.push_back(h);
  Evaluation re = state_after_last_action(in.plan, static_cast<int>(in.plan.steps.size()));
  decide_sessions(in, ours, since, nullptr, re);
  size_t k = 0;
  for (; k < compared.size() && k < re.decisions.size(); ++k) {
    const HistoryEntry& h = *compared[k];
    const Decision& d = re.decisions[k];
    if (h.session_id.value_or("") != d.session_id || !h.decision || model::name(*h.decision) != to_string(d.verdict) ||
        h.to_step != d.to_step)
      break;
  }
  if (k == compared.size()) return std::nullopt;  // every decision in force still stands
  const HistoryEntry& first_changed = *compared[k];
  const TimePoint decided_at = first_changed.at.at;
  const CorrectionRecord* why = nullptr;
  for (const auto& c : in.corrections)
    if (c.logged_at > decided_at && (!why || c.logged_at < why->logged_at)) why = &c;
  if (!why) return std::nullopt;
  const std::string because = fmt::format("re-decided after entry {} was {} ({})", why->corrects,
                                          why->kind == model::CorrectionKind::void_entry ? "voided" : "amended", why->id);
  std::vector<std::string> replaced;
  bool from_here = false;
  for (const HistoryEntry* h : stored) {
    from_here = from_here || h == &first_changed;
    if (from_here) replaced.push_back(h->id);
  }
  re.decisions.erase(re.decisions.begin(), re.decisions.begin() + static_cast<long>(k));
  for (auto& d : re.decisions) {
    d.redecision = true;
    d.reason = fmt::format("{}: {}", because, d.reason);
  }
  if (re.decisions.empty()) {
    // The corrected evidence undoes decisions and decides nothing new yet (a follow-up is pending).
    re.decisions.push_back(make_decision(Verdict::hold, "", first_changed.from_step, re.step, re.streak,
                                         re.unacceptable_run, std::nullopt, false,
                                         fmt::format("{}: held at {} until the corrected evidence decides", because,
                                                     where(in.plan, re.step))));
    re.decisions.back().redecision = true;
  }
  re.decisions.front().supersedes = replaced;
  return re;
}

}  // namespace

Evaluation evaluate(const EngineInput& in) {
  const model::Plan& plan = in.plan;
  const int last = static_cast<int>(plan.steps.size());
  Evaluation ev;
  ev.step = std::clamp(plan.current_step, 1, last);
  ev.streak = plan.streak;
  ev.unacceptable_run = plan.unacceptable_run;
  ev.suspended = plan.status == model::PlanStatus::suspended;
  // A suspension, the engine's or a clinician's, is lifted only by a clinician (plan resume).
  if (ev.suspended) return ev;
  const TimePoint since = cutoff(plan);
  auto suspend_now = [&](std::string sid, std::string reason) {
    ev.decisions.push_back(make_decision(Verdict::suspend, std::move(sid), ev.step, ev.step, 0, ev.unacceptable_run,
                                         std::nullopt, true, std::move(reason)));
    ev.suspended = true;
    return ev;
  };

  // A blocking clinician flag is a red flag in itself (domain.md stop signals): suspend now.
  if (auto flags = in.athlete.blocking_flags(); !flags.empty())
    return suspend_now("", fmt::format("suspended at {}: the athlete is flagged {} (red flag)", where(plan, ev.step),
                                       model::name(flags.front())));
  // Significant swelling logged at any time since the latest clinician action: a red flag.
  if (const PainRecord* p = red_flag_entry(in.pain, since))
    return suspend_now(p->session_id, fmt::format("suspended at {}: significant swelling logged {} {} (entry {}), a red flag",
                                                  where(plan, ev.step), model::name(p->when), format_date(p->at), p->id));

  const auto ours = plan_sessions(in.sessions);
  if (auto re = redecide(in, ours, since)) return *re;
  std::set<std::string> decided;
  auto gone = superseded(plan);
  for (const auto& h : plan.history)
    if (h.session_id && !gone.count(h.id)) decided.insert(*h.session_id);
  decide_sessions(in, ours, since, &decided, ev);
  return ev;
}

}  // namespace lever::plan
