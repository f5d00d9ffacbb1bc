// `lever report calibration UNIT`: a calibration certificate from a calibration record, or, for a
// failed or aborted attempt or a verification check, a report that says plainly what it is.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/calibration.hpp"
#include "lever/store/store.hpp"

namespace lever::report {

/// What a calibration record amounts to, in the words the report prints.
struct CertificateVerdict {
  bool certificate = false;  ///< true only for a passing, verified calibration that was written to the unit
  std::string result;        ///< "PASS", "FAIL" or "ABORTED"
  std::string headline;      ///< e.g. "Calibration certificate" or "CALIBRATION FAILED: NOT A VALID CERTIFICATE"
  std::string detail;        ///< one sentence: what this means for the unit
};

/// Judges a calibration record. A record that claims a pass without a passing verification or a
/// calibration written to the unit is not a certificate either.
CertificateVerdict certificate_verdict(const model::Calibration& record);

/// The record to report from a unit's records (oldest first): `record_id` when given (it must be
/// among them), else the newest record of kind calibration (whatever its result). Error(not_found)
/// with a hint when there is none.
model::Calibration pick_calibration_record(const std::vector<model::Calibration>& history, const std::string& unit,
                                           const std::string& record_id);

/// The report as data: verdict, record details, references, readings, fits, verification points.
nlohmann::json calibration_report(const Store& store, const std::string& unit, const std::string& record_id);

/// The record details of a report as one flat row (its columns: cli/report/calibration.hpp).
nlohmann::json certificate_details(const nlohmann::json& report);

}  // namespace lever::report
