// One session on an open unit: the loop with its store and terminal hooks, then the final records.
#pragma once
#include <string>

#include "lever/device/unit.hpp"
#include "lever/model/athlete.hpp"
#include "lever/model/pain.hpp"
#include "lever/model/session.hpp"
#include "lever/run/command.hpp"
#include "lever/run/loop.hpp"

namespace lever::run {

/// Runs the loop with telemetry to the store, pain check-ins (keys, stdin lines, the pain log), ndjson
/// events and the live display. Returns how it ended.
LoopResult drive_session(const RunEnv& env, device::Unit& unit, const RunRequest& r, const Program& program,
                         const model::Athlete& athlete, int during_limit, const std::string& sid, TimePoint started);

/// A pain log entry by `lever run` (source "run") for the athlete, linked to session `sid`.
model::PainEntry make_pain_entry(const RunEnv& env, const std::string& athlete, int score, model::PainWhen when,
                                 const std::string& sid);

/// Completes the session document (summary, status, stop reason, the unit's final state), hands a plan
/// session to the engine under the same lock, prints the summary and the next-day reminder, and throws
/// the outcome's exit code when it did not complete.
void finish_session(const RunEnv& env, model::Session session, const LoopResult& res, bool plan_session);

}  // namespace lever::run
