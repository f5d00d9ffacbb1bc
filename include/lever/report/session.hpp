// `lever report session SID`: one session's summary, its pain check-ins and its telemetry trace.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/report/athlete.hpp"
#include "lever/store/store.hpp"

namespace lever::report {

/// One telemetry sample as a trace row with stable columns (faults as one space-separated string).
nlohmann::json trace_row(const nlohmann::json& sample);

/// The trace condensed for people: one row per minute, split where the phase changes, with the mean
/// support (target, measured), speed, incline and cadence, the states seen and every fault seen.
std::vector<nlohmann::json> trace_minutes(const std::vector<nlohmann::json>& rows);

/// Where the faults appear in a trace: one {t_s, faults} per sample whose fault set differs from the
/// previous sample's and is not empty.
std::vector<nlohmann::json> fault_onsets(const std::vector<nlohmann::json>& rows);

/// The session report as data: summary, pain check-ins, trace rows, the condensed trace and
/// warnings (telemetry missing or damaged). Error(not_found) for an unknown session. With
/// `opt.deidentify` the athlete appears under its pseudonym, without name or free text.
nlohmann::json session_report(Store& store, const std::string& session_id, const ReportOptions& opt);

}  // namespace lever::report
