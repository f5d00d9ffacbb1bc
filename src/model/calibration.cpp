// Calibration records to and from JSON, field for field as schemas/calibration.schema.json names them,
// with null where `lever calibrate` writes null (src/calibrate/workflow.cpp base_record, procedure.cpp).
#include "lever/model/calibration.hpp"

#include <array>

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

template <>
std::span<const Term<PointKind>> terms<PointKind>() {
  static constexpr std::array<Term<PointKind>, 2> t{{{PointKind::actuator, "actuator"}, {PointKind::reference, "reference"}}};
  return t;
}

template <>
std::span<const Term<ReadingStep>> terms<ReadingStep>() {
  static constexpr std::array<Term<ReadingStep>, 4> t{{{ReadingStep::zero, "zero"},
                                                       {ReadingStep::span, "span"},
                                                       {ReadingStep::sweep, "sweep"},
                                                       {ReadingStep::verify, "verify"}}};
  return t;
}

void to_json(json& j, const ReferenceMass& v) {
  j = {{"mass_kg", v.mass_kg}};
  write_opt(j, "certificate", v.certificate, Empty::null);
}

void from_json(const json& j, ReferenceMass& v) {
  j.at("mass_kg").get_to(v.mass_kg);
  read_opt(j, "certificate", v.certificate);
}

void to_json(json& j, const UnitCalibration& v) {
  j = {{"zero_counts", v.zero_counts},
       {"gain_n_per_count", v.gain_n_per_count},
       {"act_gain", v.act_gain},
       {"act_offset_n", v.act_offset_n},
       {"calibrated_at", v.calibrated_at}};
  write_opt(j, "frame_height_cm", v.frame_height_cm);
}

void from_json(const json& j, UnitCalibration& v) {
  j.at("zero_counts").get_to(v.zero_counts);
  j.at("gain_n_per_count").get_to(v.gain_n_per_count);
  j.at("act_gain").get_to(v.act_gain);
  j.at("act_offset_n").get_to(v.act_offset_n);
  j.at("calibrated_at").get_to(v.calibrated_at);
  read_opt(j, "frame_height_cm", v.frame_height_cm);
}

void to_json(json& j, const VerificationPoint& v) {
  j = {{"kind", v.kind},
       {"reference_n", v.reference_n},
       {"measured_n", v.measured_n},
       {"error_n", v.error_n},
       {"pass", v.pass}};
  write_opt(j, "target_n", v.target_n);
  write_opt(j, "mass_kg", v.mass_kg);
}

void from_json(const json& j, VerificationPoint& v) {
  j.at("kind").get_to(v.kind);
  j.at("reference_n").get_to(v.reference_n);
  j.at("measured_n").get_to(v.measured_n);
  j.at("error_n").get_to(v.error_n);
  j.at("pass").get_to(v.pass);
  read_opt(j, "target_n", v.target_n);
  read_opt(j, "mass_kg", v.mass_kg);
}

void to_json(json& j, const Verification& v) {
  j = {{"pass", v.pass}, {"points", v.points}};
  write_opt(j, "tolerance_n", v.tolerance_n);
}

void from_json(const json& j, Verification& v) {
  j.at("pass").get_to(v.pass);
  j.at("points").get_to(v.points);
  read_opt(j, "tolerance_n", v.tolerance_n);
}

void to_json(json& j, const SensorFit& v) {
  j = {{"zero_counts", v.zero_counts},
       {"gain_n_per_count", v.gain_n_per_count},
       {"residuals_n", v.residuals_n},
       {"rms_n", v.rms_n},
       {"max_abs_n", v.max_abs_n}};
}

void from_json(const json& j, SensorFit& v) {
  j.at("zero_counts").get_to(v.zero_counts);
  j.at("gain_n_per_count").get_to(v.gain_n_per_count);
  j.at("residuals_n").get_to(v.residuals_n);
  j.at("rms_n").get_to(v.rms_n);
  j.at("max_abs_n").get_to(v.max_abs_n);
}

void to_json(json& j, const ActuatorFit& v) {
  j = {{"act_gain", v.act_gain},
       {"act_offset_n", v.act_offset_n},
       {"residuals_n", v.residuals_n},
       {"rms_n", v.rms_n},
       {"max_abs_n", v.max_abs_n}};
}

void from_json(const json& j, ActuatorFit& v) {
  j.at("act_gain").get_to(v.act_gain);
  j.at("act_offset_n").get_to(v.act_offset_n);
  j.at("residuals_n").get_to(v.residuals_n);
  j.at("rms_n").get_to(v.rms_n);
  j.at("max_abs_n").get_to(v.max_abs_n);
}

void to_json(json& j, const Fits& v) {
  j = json::object();
  write_opt(j, "sensor", v.sensor);
  write_opt(j, "actuator", v.actuator);
}

void from_json(const json& j, Fits& v) {
  read_opt(j, "sensor", v.sensor);
  read_opt(j, "actuator", v.actuator);
}

void to_json(json& j, const Reading& v) {
  j = {{"step", v.step}, {"counts", v.counts}, {"noise_n", v.noise_n}, {"n", v.n}};
  write_opt(j, "reference_n", v.reference_n);
  write_opt(j, "mass_kg", v.mass_kg);
  write_opt(j, "target_n", v.target_n);
  write_opt(j, "drive", v.drive);
  write_opt(j, "measured_n", v.measured_n);
}

void from_json(const json& j, Reading& v) {
  j.at("step").get_to(v.step);
  j.at("counts").get_to(v.counts);
  j.at("noise_n").get_to(v.noise_n);
  j.at("n").get_to(v.n);
  read_opt(j, "reference_n", v.reference_n);
  read_opt(j, "mass_kg", v.mass_kg);
  read_opt(j, "target_n", v.target_n);
  read_opt(j, "drive", v.drive);
  read_opt(j, "measured_n", v.measured_n);
}

void to_json(json& j, const Calibration& v) {
  j = {{"schema_version", 1}, {"id", v.id},       {"unit_id", v.unit_id},       {"serial", v.serial},
       {"firmware", v.firmware}, {"kind", v.kind}, {"result", v.result}, {"started_at", v.started_at},
       {"technician", v.technician}};
  // `calibrate` starts every record with these fields null and fills in what the attempt reached.
  const Empty unset = v.written_by_calibrate() ? Empty::null : Empty::omit;
  write_opt(j, "model", v.model);
  write_opt(j, "failure_reason", v.failure_reason, unset);
  write_opt(j, "finished_at", v.finished_at, unset);
  write_opt(j, "port", v.port);
  write_opt(j, "frame_height_cm", v.frame_height_cm, unset);
  write_opt(j, "references", v.references);
  write_opt(j, "tolerance_n", v.tolerance_n);
  write_opt(j, "full_scale_n", v.full_scale_n);
  write_opt(j, "calibration", v.calibration, unset);
  write_opt(j, "old_calibration", v.old_calibration);
  write_opt(j, "due_at", v.due_at, unset);
  write_opt(j, "verification", v.verification, unset);
  write_opt(j, "fits", v.fits);
  write_opt(j, "readings", v.readings);
}

void from_json(const json& j, Calibration& v) {
  j.at("id").get_to(v.id);
  j.at("unit_id").get_to(v.unit_id);
  j.at("serial").get_to(v.serial);
  j.at("firmware").get_to(v.firmware);
  j.at("kind").get_to(v.kind);
  j.at("result").get_to(v.result);
  j.at("started_at").get_to(v.started_at);
  j.at("technician").get_to(v.technician);
  read_opt(j, "model", v.model);
  read_opt(j, "failure_reason", v.failure_reason);
  read_opt(j, "finished_at", v.finished_at);
  read_opt(j, "port", v.port);
  read_opt(j, "frame_height_cm", v.frame_height_cm);
  read_opt(j, "references", v.references);
  read_opt(j, "tolerance_n", v.tolerance_n);
  read_opt(j, "full_scale_n", v.full_scale_n);
  read_opt(j, "calibration", v.calibration);
  read_opt(j, "old_calibration", v.old_calibration);
  read_opt(j, "due_at", v.due_at);
  read_opt(j, "verification", v.verification);
  read_opt(j, "fits", v.fits);
  read_opt(j, "readings", v.readings);
}

}  // namespace lever::model
