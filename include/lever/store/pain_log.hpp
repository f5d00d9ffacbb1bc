// The pain log as every reader must see it (domain.md, "Evidence"): entries are never edited in
// place; a correction (void or amend) is its own record naming the entry, and readers apply them.
// A line that cannot be read is never skipped silently: it is named with its file and line.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/pain.hpp"
#include "lever/store/store.hpp"

namespace lever {

/// One athlete's pain log with its corrections applied.
struct PainLog {
  std::vector<nlohmann::json> entries;      ///< the corrected entries, in log order (voided ones left out)
  std::vector<nlohmann::json> corrections;  ///< the correction records, in log order
  std::vector<StoreProblem> problems;       ///< lines that could not be read (warnings: a torn unacknowledged tail)
};

/// True when a pain log record is a correction (void or amend) rather than an entry.
bool is_correction(const nlohmann::json& record);

/// A pain entry as an output row: every field of an entry and of the corrected view (amended_by,
/// amended_at), null where the entry has none (schemas/output/pain-entry.schema.json).
nlohmann::json pain_entry_row(const nlohmann::json& entry);

/// A correction record as an output row: every field a correction can carry, null where it carries
/// none (schemas/output/pain-correction.schema.json).
nlohmann::json correction_row(const nlohmann::json& record);

/// Applies the corrections among `records` (log order) to the entries among them: a voided entry is
/// left out, an amended one takes the amendment's fields and names it in "amended_by". A correction
/// whose entry is not among `records` (a log tail) is ignored.
PainLog apply_corrections(std::vector<nlohmann::json> records);

/// Reads an athlete's whole pain log, corrected. Damaged lines are in `problems`.
PainLog read_pain_log(const Store& store, const std::string& athlete);

/// The problems that are damage (not the warning of a torn, never acknowledged last line).
std::vector<StoreProblem> damage(const std::vector<StoreProblem>& problems);

/// Names each damaged line on stderr ("lever: warning: pain/ann.ndjson line 3: ...") for readers that
/// show what they could read; returns how many were named.
size_t warn_unreadable(const std::vector<StoreProblem>& problems);

/// Throws Error(invalid_data) naming the first damaged line (file and line) and how to repair it,
/// for deciders (the progression engine) that must not decide on partial evidence.
void refuse_unreadable(const std::vector<StoreProblem>& problems, const std::string& what);

/// A correction a user asks for: void an entry, or amend its fields.
struct PainCorrection {
  std::string entry;                      ///< the ID of the entry to correct
  bool void_it = false;                   ///< true: withdraw it; false: amend it
  std::string reason;                     ///< why (required)
  PainInput amend;                        ///< amend: the new score, and the other fields named in `given`
  std::vector<std::string> given;         ///< amend: which fields besides the score replace the entry's (when, at, ...)
};

/// The athlete whose pain log holds entry `id` (a plain entry, not a correction), or nullopt.
std::optional<std::string> find_pain_entry_owner(const Store& store, const std::string& id);

/// Checks a correction against the athlete's log (the entry exists, is not a correction itself and
/// is not voided already) and builds the record to append; throws Error naming what is wrong.
nlohmann::json build_correction(const Store& store, const std::string& athlete, const PainCorrection& c,
                                const std::string& user, TimePoint now_t);

}  // namespace lever
