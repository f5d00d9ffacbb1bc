// Classifying one session's pain response with a profile (domain.md, "Pain-monitoring profiles" and
// "Progression engine"), and the worsening-week rule. Pure functions used by the engine.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/plan/engine.hpp"

namespace lever::plan {

/// How a session's response is judged.
enum class ResponseKind {
  acceptable,    ///< within the during-limit, back to baseline in the window, no swelling increase
  unacceptable,  ///< above a limit, not settled, more swelling, or stopped for pain
  red_flag,      ///< significant swelling (domain.md stop signal): suspend
  missing,       ///< the follow-up log never came (final): hold, never progress
  pending,       ///< the follow-up log can still arrive: no decision yet
  not_counted,   ///< ended early for a reason other than pain (unit fault, e-stop): hold
};

/// A classified response and the evidence in words.
struct Response {
  ResponseKind kind = ResponseKind::missing;  ///< the judgement
  std::string why;                            ///< e.g. "next-day pain 3/10 above the baseline 1/10"
};

/// Judges session `s` from the pain entries that belong to it (linked by session_id, or unlinked and
/// inside its time windows). `next_start` is when the next plan session started, if any: a log after
/// it cannot belong to `s`, and its existence makes a missing log final.
Response classify_response(const Profile& p, const EngineRules& rules, const SessionSummary& s,
                           const std::vector<PainRecord>& pain, const model::Athlete& athlete, TimePoint now,
                           std::optional<TimePoint> next_start);

/// The worsening-week rule: the mean next-day (follow-up) pain of the 7 days up to `at` is at least
/// `threshold` points above the mean of the 7 days before. Returns the evidence in words, or nullopt.
std::optional<std::string> worsening_week(const std::vector<PainRecord>& pain, TimePoint at, double threshold);

/// Why a follow-up entry (after, next-day) felt at e.at cannot count as the response to a session that
/// ended at `session_end_t` under profile `p` (felt before the end, or outside the window), or nullopt
/// when it can. Entries of other kinds always return nullopt.
std::optional<std::string> follow_up_problem(const Profile& p, const EngineRules& rules, TimePoint session_end_t,
                                             const PainRecord& e);

/// The session's end (ended_at, else started_at).
TimePoint session_end(const SessionSummary& s);

/// From when a follow-up log still missing for session s is final (held for missing evidence), not
/// awaited: its end plus the rules' deadline (domain.md, Evidence).
TimePoint follow_up_deadline(const EngineRules& rules, const SessionSummary& s);

}  // namespace lever::plan
