// The plan index: a derived cache, <store>/cache/plans.index, of the evidence each plan was last
// found current against, so that the clinic overview re-runs the engine only for the plans whose
// evidence changed (or whose follow-up deadline passed) instead of re-reading every pain log.
// Deleting it loses nothing: the next overview runs every plan's engine and writes it again.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "lever/store/session_index.hpp"
#include "lever/store/store.hpp"
#include "lever/util/time.hpp"

namespace lever::plan {

/// The evidence behind one plan's decisions as it was when the plan was found current.
struct PlanEvidenceStamp {
  FileStamp plan;           ///< plans/ID.json
  FileStamp athlete;        ///< athletes/ID.json (flags, baseline pain)
  FileStamp pain;           ///< pain/ID.ndjson (all zero: no log yet)
  uint64_t sessions = 0;    ///< a hash of the athlete's session summaries (sessions_hash)
  int64_t recheck_at = 0;   ///< Unix seconds from which time alone may change a decision (a follow-up deadline); 0: never
  bool operator==(const PlanEvidenceStamp&) const = default;
};

/// Plan (athlete) ID -> its stamp.
using PlanIndex = std::map<std::string, PlanEvidenceStamp>;

/// Where the plan index lives in a store.
std::filesystem::path plan_index_file(const Store& store);

/// The index at `file`; empty when missing, torn, or written by another lever version.
PlanIndex load_plan_index(const std::filesystem::path& file);

/// Replaces the index atomically (a cache: not fsynced); false when it cannot be written.
bool save_plan_index(const std::filesystem::path& file, const PlanIndex& index);

/// The files' stamps behind athlete `id`'s plan, now (sessions and recheck_at left 0); nullopt when
/// one is not a plain file or was written too recently to trust (stamp_is_racy).
std::optional<PlanEvidenceStamp> stamp_plan_files(const Store& store, const std::string& id);

/// True when `stored` still vouches for `now_stamp` at time `now`: same files, same sessions, and
/// no follow-up deadline passed since.
bool still_current(const PlanEvidenceStamp& stored, const PlanEvidenceStamp& now_stamp, TimePoint now);

}  // namespace lever::plan
