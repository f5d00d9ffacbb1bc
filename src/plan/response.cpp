// domain.md, "Pain-monitoring profiles": the three profiles' limits and the evidence they need.
#include "lever/plan/response.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever::plan {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// A configured number of hours (possibly fractional) as a clock duration.
std::chrono::seconds in_hours(double h) { return std::chrono::seconds(static_cast<long>(h * 3600)); }

}  // namespace

TimePoint session_end(const SessionSummary& s) { return s.ended_at ? *s.ended_at : s.started_at; }

TimePoint follow_up_deadline(const EngineRules& rules, const SessionSummary& s) {
  return session_end(s) + in_hours(rules.follow_up_deadline_h);
}

namespace {

// Grades of swelling in order (none or not recorded: 0), so that "more swelling" is a comparison.
int swelling_rank(std::optional<model::Swelling> s) { return s ? static_cast<int>(*s) : 0; }

struct Evidence {
  std::optional<int> before, during, after60, next_day;
  int swelling_before = 0, swelling_after = 0;
  bool significant_swelling = false;
  std::vector<std::string> not_counted;  // linked follow-ups outside their window, in words
};

// The first entry (by the time it was felt) wins: the 24-h response is the first follow-up in its window.
void first(std::optional<int>& dst, TimePoint& dst_at, const PainRecord& p) {
  if (!dst || p.at < dst_at) {
    dst = p.score;
    dst_at = p.at;
  }
}

std::string hours_after(std::chrono::seconds d) {
  double h = static_cast<double>(d.count()) / 3600.0;
  return h < 1 ? fmt::format("{:.0f} min", h * 60) : fmt::format("{:.1f} h", h);
}

}  // namespace

std::optional<std::string> follow_up_problem(const Profile& p, const EngineRules& rules, TimePoint session_end_t,
                                             const PainRecord& e) {
  using std::chrono::duration_cast;
  if (e.when != model::PainWhen::after && e.when != model::PainWhen::next_day) return std::nullopt;
  auto since_end = duration_cast<std::chrono::seconds>(e.at - session_end_t);
  if (e.at <= session_end_t)
    return fmt::format("it was felt before the session ended ({}), and a follow-up counts only after it", format_iso(e.at));
  if (e.when == model::PainWhen::next_day) {
    if (since_end < in_hours(rules.follow_up_min_h) || since_end > in_hours(rules.follow_up_window_h))
      return fmt::format("it was felt {} after the session ended; a next-day entry counts {:g}-{:g} h after it", hours_after(since_end),
                         rules.follow_up_min_h, rules.follow_up_window_h);
    return std::nullopt;
  }
  if (!p.after_60min) return std::nullopt;  // seed, silbernagel: an after entry is no follow-up score (its swelling counts)
  auto lo = std::chrono::seconds(static_cast<long>(rules.after_min_min * 60));
  auto hi = std::chrono::seconds(static_cast<long>(rules.after_max_min * 60));
  if (since_end < lo || since_end > hi)
    return fmt::format("it was felt {} after the session ended; the {} profile's after entry counts {:g}-{:g} min after it",
                       hours_after(since_end), p.name, rules.after_min_min, rules.after_max_min);
  return std::nullopt;
}

namespace {

// Gathers the entries that belong to s: linked ones, or unlinked ones inside s's windows. A follow-up
// counts only when felt after the session ended and inside the profile's window (domain.md, Evidence).
Evidence gather(const Profile& prof, const SessionSummary& s, const std::vector<PainRecord>& pain, const EngineRules& rules,
                std::optional<TimePoint> next_start) {
  Evidence e;
  TimePoint end = session_end(s);
  TimePoint after_at{}, next_at{};
  auto upto = [](std::optional<int>& dst, int v) { dst = dst ? std::max(*dst, v) : v; };
  for (const auto& p : pain) {
    bool linked = p.session_id == s.id;
    if (!linked && !p.session_id.empty()) continue;
    if (!linked && next_start && p.at >= *next_start) continue;
    if (p.when == model::PainWhen::before) {
      if (linked || (p.at <= s.started_at && p.at > s.started_at - hours(3))) e.before = p.score;
      if (linked) e.swelling_before = swelling_rank(p.swelling);
      continue;
    }
    if (p.when == model::PainWhen::during) {
      if (linked || (p.at >= s.started_at && p.at <= end)) upto(e.during, p.score);
      continue;
    }
    // Follow-ups (after, next-day): nothing felt before the end counts, linked or not.
    if (p.at <= end || (!linked && p.at > end + in_hours(rules.follow_up_window_h))) {
      if (linked)
        e.not_counted.push_back(fmt::format("entry {} does not count: {}", p.id,
                                            follow_up_problem(prof, rules, end, p)
                                                .value_or(fmt::format("it was felt more than {:g} h after the session ended",
                                                                      rules.follow_up_window_h))));
      continue;
    }
    e.swelling_after = std::max(e.swelling_after, swelling_rank(p.swelling));
    if (p.swelling == model::Swelling::significant) e.significant_swelling = true;
    auto problem = follow_up_problem(prof, rules, end, p);
    if (problem) {
      if (linked || p.when == model::PainWhen::next_day) e.not_counted.push_back(fmt::format("entry {} does not count: {}", p.id, *problem));
      continue;
    }
    if (p.when == model::PainWhen::after) first(e.after60, after_at, p);
    else first(e.next_day, next_at, p);
  }
  return e;
}

}  // namespace

Response classify_response(const Profile& p, const EngineRules& rules, const SessionSummary& s,
                           const std::vector<PainRecord>& pain, const model::Athlete& athlete, TimePoint now,
                           std::optional<TimePoint> next_start) {
  const std::string day = format_date(s.started_at);
  Evidence e = gather(p, s, pain, rules, next_start);
  if (e.significant_swelling)
    return {ResponseKind::red_flag, fmt::format("significant swelling logged after the {} session (red flag)", day)};

  bool pain_stop = s.status == model::SessionStatus::stopped && s.stop_reason.rfind("pain", 0) == 0;
  if (pain_stop)
    return {ResponseKind::unacceptable, fmt::format("the {} session was stopped for pain ({})", day, s.stop_reason)};
  // Not reported is not zero (domain.md, Evidence): no during score is no evidence of pain above the limit.
  std::optional<int> during_seen = s.max_pain_during;
  if (e.during) during_seen = std::max(during_seen.value_or(0), *e.during);
  int during = during_seen.value_or(0);
  if (during > p.during_limit)
    return {ResponseKind::unacceptable, fmt::format("pain {}/10 during the {} session, above the {} profile's limit of {}/10",
                                                    during, day, p.name, p.during_limit)};
  if (s.status != model::SessionStatus::completed)
    return {ResponseKind::not_counted,
            fmt::format("the {} session ended early ({}) and does not count", day,
                        s.stop_reason.empty() ? model::name(s.status) : std::string_view(s.stop_reason))};
  if (e.swelling_after > e.swelling_before)
    return {ResponseKind::unacceptable, fmt::format("swelling increased after the {} session", day)};

  // Baselines: seed compares with the athlete's resting baseline; trek and silbernagel with the
  // pre-run level. Each falls back to the other, then to 0 (no pain), when not recorded.
  int resting = athlete.baseline_pain.value_or(-1);
  int pre_run = e.before ? *e.before : (resting >= 0 ? resting : 0);
  int baseline = p.resting_baseline ? (resting >= 0 ? resting : pre_run) : pre_run;
  const char* base_word = p.resting_baseline ? "baseline" : "pre-run level";
  if (p.after_60min && e.after60 && *e.after60 > baseline)
    return {ResponseKind::unacceptable, fmt::format("pain {}/10 within 60 min after the {} session, above the {} {}/10",
                                                    *e.after60, day, base_word, baseline)};
  if (e.next_day && *e.next_day > baseline)
    return {ResponseKind::unacceptable,
            fmt::format("next-day pain {}/10 after the {} session, above the {} {}/10", *e.next_day, day, base_word, baseline)};

  std::string missing;
  if (!e.next_day) missing = fmt::format("no 24-h log after the {} session", day);
  else if (p.after_60min && !e.after60) missing = fmt::format("no log within 60 min after the {} session", day);
  if (!missing.empty() && !e.not_counted.empty()) {
    std::string list;
    for (const auto& n : e.not_counted) list += (list.empty() ? "" : "; ") + n;
    missing += fmt::format(" ({})", list);
  }
  if (!missing.empty()) {
    bool final = next_start.has_value() || now >= follow_up_deadline(rules, s);
    return {final ? ResponseKind::missing : ResponseKind::pending, missing};
  }
  std::string during_words = during_seen ? fmt::format("during {}/10 <= {}/10", during, p.during_limit)
                                         : std::string("during: not reported, so no evidence of pain above the limit");
  return {ResponseKind::acceptable,
          fmt::format("acceptable response to the {} session ({}, next-day {}/10 <= {} {}/10)", day, during_words,
                      *e.next_day, base_word, baseline)};
}

std::optional<std::string> worsening_week(const std::vector<PainRecord>& pain, TimePoint at, double threshold) {
  double sum_now = 0, sum_prev = 0;
  int n_now = 0, n_prev = 0;
  for (const auto& p : pain) {
    if (p.when != model::PainWhen::next_day) continue;
    if (p.at > at - hours(24 * 7) && p.at <= at) {
      sum_now += p.score;
      ++n_now;
    } else if (p.at > at - hours(24 * 14) && p.at <= at - hours(24 * 7)) {
      sum_prev += p.score;
      ++n_prev;
    }
  }
  if (n_now == 0 || n_prev == 0) return std::nullopt;
  double now_mean = sum_now / n_now, prev_mean = sum_prev / n_prev;
  if (now_mean - prev_mean < threshold - 1e-9) return std::nullopt;
  return fmt::format("follow-up pain is worsening week-on-week (mean {:.1f}/10 vs {:.1f}/10 the week before, +{:.1f} >= {:.1f})",
                     now_mean, prev_mean, now_mean - prev_mean, threshold);
}

}  // namespace lever::plan
