// `lever report pain`: the athlete's raw pain and symptom log for export, filtered by time and
// de-identified on request.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/report/athlete.hpp"
#include "lever/store/store.hpp"

namespace lever::report {

/// The exported entries and the log lines that could not be read.
struct PainExport {
  std::vector<nlohmann::json> rows;   ///< the corrected entries felt within since..until, in log order
  std::vector<StoreProblem> problems; ///< damaged lines of the log (left out; the caller names them)
};

/// Every field of an exported row, in the order a CSV export writes them (schemas/output/report-pain.schema.json).
const std::vector<std::string>& pain_export_fields();

/// The athlete's corrected pain entries felt within `o.since`..`o.until`, without schema_version,
/// each with every field of pain_export_fields() (null when not recorded); with `o.deidentify` the
/// athlete is its pseudonym and notes and authors are null.
/// Error(not_found) for an unknown athlete.
PainExport pain_export(Store& store, const std::string& athlete, const ReportOptions& o);

}  // namespace lever::report
