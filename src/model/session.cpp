// Session documents to and from JSON, field for field as schemas/session.schema.json names them, with
// null where `lever run` writes null (src/run/command.cpp, session.cpp, summary.cpp, record.cpp).
#include "lever/model/session.hpp"

#include <array>

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

template <>
std::span<const Term<ClockKind>> terms<ClockKind>() {
  static constexpr std::array<Term<ClockKind>, 2> t{{{ClockKind::virtual_clock, "virtual"}, {ClockKind::wall_clock, "real"}}};
  return t;
}

void to_json(json& j, const Phase& v) {
  j = {{"name", v.name},           {"kind", v.kind},         {"duration_s", v.duration_s}, {"support_pct", v.support_pct},
       {"speed_kmh", v.speed_kmh}, {"incline_pct", v.incline_pct}};
  write_opt(j, "cadence_target_spm", v.cadence_target_spm, Empty::null);
}

void from_json(const json& j, Phase& v) {
  j.at("name").get_to(v.name);
  j.at("kind").get_to(v.kind);
  j.at("duration_s").get_to(v.duration_s);
  j.at("support_pct").get_to(v.support_pct);
  j.at("speed_kmh").get_to(v.speed_kmh);
  j.at("incline_pct").get_to(v.incline_pct);
  read_opt(j, "cadence_target_spm", v.cadence_target_spm);
}

void to_json(json& j, const Program& v) {
  j = {{"source", v.source}, {"name", v.name}, {"duration_s", v.duration_s}, {"distance_km", v.distance_km}, {"phases", v.phases}};
  write_opt(j, "plan_step", v.plan_step, Empty::null);
}

void from_json(const json& j, Program& v) {
  j.at("source").get_to(v.source);
  j.at("name").get_to(v.name);
  j.at("duration_s").get_to(v.duration_s);
  j.at("distance_km").get_to(v.distance_km);
  j.at("phases").get_to(v.phases);
  read_opt(j, "plan_step", v.plan_step);
}

void to_json(json& j, const UncalibratedRun& v) { j = {{"problem", v.problem}, {"reason", v.reason}}; }

void from_json(const json& j, UncalibratedRun& v) {
  j.at("problem").get_to(v.problem);
  j.at("reason").get_to(v.reason);
}

void to_json(json& j, const CalibrationGate& v) {
  j = json::object();
  write_opt(j, "record", v.record, Empty::null);
  write_opt(j, "override", v.allowed_uncalibrated, Empty::null);
}

void from_json(const json& j, CalibrationGate& v) {
  read_opt(j, "record", v.record);
  read_opt(j, "override", v.allowed_uncalibrated);
}

void to_json(json& j, const SupportTime& v) { j = {{"support_pct", v.support_pct}, {"duration_s", v.duration_s}}; }

void from_json(const json& j, SupportTime& v) {
  j.at("support_pct").get_to(v.support_pct);
  j.at("duration_s").get_to(v.duration_s);
}

void to_json(json& j, const LoopTiming& v) {
  j = json::object();
  write_opt(j, "ticks", v.ticks);
  write_opt(j, "period_jitter_p50_ms", v.period_jitter_p50_ms);
  write_opt(j, "period_jitter_p99_ms", v.period_jitter_p99_ms);
  write_opt(j, "period_jitter_max_ms", v.period_jitter_max_ms);
  write_opt(j, "hold_sent_unix_ns", v.hold_sent_unix_ns);
  write_opt(j, "fault_to_hold_ms", v.fault_to_hold_ms);
}

void from_json(const json& j, LoopTiming& v) {
  read_opt(j, "ticks", v.ticks);
  read_opt(j, "period_jitter_p50_ms", v.period_jitter_p50_ms);
  read_opt(j, "period_jitter_p99_ms", v.period_jitter_p99_ms);
  read_opt(j, "period_jitter_max_ms", v.period_jitter_max_ms);
  read_opt(j, "hold_sent_unix_ns", v.hold_sent_unix_ns);
  read_opt(j, "fault_to_hold_ms", v.fault_to_hold_ms);
}

void to_json(json& j, const Session& v) {
  j = {{"schema_version", 1}, {"id", v.id}, {"athlete_id", v.athlete_id}, {"started_at", v.started_at}, {"status", v.status}};
  // The start writes plan_step always; the end writes the rest of these as null when there is nothing
  // to say. A running or recovered session has none of them.
  const Empty ended = v.summarised() ? Empty::null : Empty::omit;
  write_opt(j, "ended_at", v.ended_at);
  write_opt(j, "stop_reason", v.stop_reason, ended);
  write_opt(j, "stop_phase", v.stop_phase, ended);
  write_opt(j, "plan_step", v.plan_step, Empty::null);
  write_opt(j, "support_pct", v.support_pct, ended);
  write_opt(j, "measured_support_pct", v.measured_support_pct, ended);
  write_opt(j, "max_pain_during", v.max_pain_during, ended);
  write_opt(j, "pid", v.pid);
  write_opt(j, "host", v.host);
  write_opt(j, "unit_id", v.unit_id);
  write_opt(j, "port", v.port);
  write_opt(j, "clock", v.clock);
  write_opt(j, "profile", v.profile);
  write_opt(j, "pain_limit_during", v.pain_limit_during);
  write_opt(j, "pain_before", v.pain_before);
  write_opt(j, "mass_kg", v.mass_kg);
  write_opt(j, "program", v.program);
  write_opt(j, "calibration", v.calibration);
  write_opt(j, "planned_duration_s", v.planned_duration_s);
  write_opt(j, "duration_s", v.duration_s);
  write_opt(j, "planned_run_s", v.planned_run_s);
  write_opt(j, "run_s", v.run_s);
  write_opt(j, "planned_distance_km", v.planned_distance_km);
  write_opt(j, "distance_km", v.distance_km);
  write_opt(j, "steps", v.steps);
  write_opt(j, "cadence_spm", v.cadence_spm, ended);
  write_opt(j, "cadence_target_spm", v.cadence_target_spm, ended);
  write_opt(j, "time_at_support", v.time_at_support);
  write_opt(j, "knee_load", v.knee_load, ended);
  write_opt(j, "final_state", v.final_state);
  write_opt(j, "final_support_target_n", v.final_support_target_n);
  write_opt(j, "final_support_measured_n", v.final_support_measured_n);
  write_opt(j, "final_speed_kmh", v.final_speed_kmh);
  write_opt(j, "faults", v.faults);
  write_opt(j, "message", v.message);
  write_opt(j, "exit_code", v.exit_code);
  write_opt(j, "loop_timing", v.loop_timing);
  write_opt(j, "recovered_at", v.recovered_at);
}

void from_json(const json& j, Session& v) {
  j.at("id").get_to(v.id);
  j.at("athlete_id").get_to(v.athlete_id);
  j.at("started_at").get_to(v.started_at);
  j.at("status").get_to(v.status);
  read_opt(j, "ended_at", v.ended_at);
  read_opt(j, "stop_reason", v.stop_reason);
  read_opt(j, "stop_phase", v.stop_phase);
  read_opt(j, "plan_step", v.plan_step);
  read_opt(j, "support_pct", v.support_pct);
  read_opt(j, "measured_support_pct", v.measured_support_pct);
  read_opt(j, "max_pain_during", v.max_pain_during);
  read_opt(j, "pid", v.pid);
  read_opt(j, "host", v.host);
  read_opt(j, "unit_id", v.unit_id);
  read_opt(j, "port", v.port);
  read_opt(j, "clock", v.clock);
  read_opt(j, "profile", v.profile);
  read_opt(j, "pain_limit_during", v.pain_limit_during);
  read_opt(j, "pain_before", v.pain_before);
  read_opt(j, "mass_kg", v.mass_kg);
  read_opt(j, "program", v.program);
  read_opt(j, "calibration", v.calibration);
  read_opt(j, "planned_duration_s", v.planned_duration_s);
  read_opt(j, "duration_s", v.duration_s);
  read_opt(j, "planned_run_s", v.planned_run_s);
  read_opt(j, "run_s", v.run_s);
  read_opt(j, "planned_distance_km", v.planned_distance_km);
  read_opt(j, "distance_km", v.distance_km);
  read_opt(j, "steps", v.steps);
  read_opt(j, "cadence_spm", v.cadence_spm);
  read_opt(j, "cadence_target_spm", v.cadence_target_spm);
  read_opt(j, "time_at_support", v.time_at_support);
  read_opt(j, "knee_load", v.knee_load);
  read_opt(j, "final_state", v.final_state);
  read_opt(j, "final_support_target_n", v.final_support_target_n);
  read_opt(j, "final_support_measured_n", v.final_support_measured_n);
  read_opt(j, "final_speed_kmh", v.final_speed_kmh);
  read_opt(j, "faults", v.faults);
  read_opt(j, "message", v.message);
  read_opt(j, "exit_code", v.exit_code);
  read_opt(j, "loop_timing", v.loop_timing);
  read_opt(j, "recovered_at", v.recovered_at);
}

}  // namespace lever::model
