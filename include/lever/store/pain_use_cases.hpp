// What `lever log-pain` does to the store, callable without the command line: one entry, a
// correction (void or amend) and an all-or-nothing import, each written and audited by StoreWriter.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/pain.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/store.hpp"
#include "lever/util/error.hpp"

namespace lever {

/// The refusal of one entry: every problem in one message, with the exit code of the first.
Error entry_refusal(const std::vector<FieldError>& errors);

/// Logs one entry typed at the command line (source "cli"): checked before the lock so a typo fails
/// fast, checked again under it, appended to the athlete's pain log and audited as "pain.log".
/// Throws entry_refusal when the entry is not valid.
nlohmann::json log_pain_entry(Store& store, const PainInput& in, const std::string& user);

/// Appends a correction (void or amend) beside the entry it names, in whichever athlete's log holds
/// it, and audits it as "pain.void" or "pain.amend". Error(not_found) when no log holds the entry;
/// build_correction's errors otherwise.
nlohmann::json correct_pain_entry(Store& store, const PainCorrection& c, const std::string& user);

/// What an import did: the good entries, all written unless there are bad records (then none is).
struct PainImport {
  std::string source;                   ///< the file as named in reports and the audit log ("stdin" for -)
  std::vector<nlohmann::json> entries;  ///< the good entries: appended when `errors` is empty
  std::vector<ImportError> errors;      ///< every bad record, by line; non-empty = nothing imported
};

/// Imports pain entries from `path` ("-" for standard input): format "csv", "ndjson" or "auto" (by
/// the file name's extension, else the content). Every record is checked under the lock; only when
/// all are good are they appended all-or-nothing and audited as one "pain.import". Error(not_found)
/// when the file does not exist.
PainImport import_pain(Store& store, const std::string& path, const std::string& format, const std::string& user);

/// The report of a refused import, one line per problem ("SOURCE: line N, field F: what"), at most
/// 200 of them and then how many bad records there are in all; the file's own text is in them as it is.
std::vector<std::string> import_problem_lines(const PainImport& import);

/// The error that refuses an import with bad records (Error(invalid_data): nothing was imported).
Error import_refusal(const PainImport& import);

}  // namespace lever
