// `lever report clinic` and `lever report units`: the Monday-morning overview of every athlete and
// every unit, built from the store without changing it.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/report/athlete.hpp"
#include "lever/store/store.hpp"

namespace lever::report {

/// Hours after a session's end by which the next-day pain log is due (lever's choice: the seed's
/// 24-hour response, with a working day's grace; configurable as store config follow_up_hours).
double follow_up_hours(const nlohmann::json& config);

/// One row per athlete: plan step and support, plan status, last session, red flags, follow-up state.
/// An athlete whose document cannot be read is left out and named in `left_out` (for a warning).
std::vector<nlohmann::json> clinic_rows(Store& store, const ReportOptions& opt, TimePoint now_t,
                                        std::vector<std::string>& left_out);

/// One row per unit: serial, firmware, last calibration, result, due date and whether it is due.
/// A unit whose document cannot be read is left out and named in `left_out` (for a warning).
std::vector<nlohmann::json> unit_rows(const Store& store, TimePoint now_t, int due_within_days,
                                      std::vector<std::string>& left_out);

}  // namespace lever::report
