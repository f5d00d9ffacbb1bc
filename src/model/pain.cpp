// Pain log records to and from JSON, as schemas/pain-entry.schema.json names their fields.
#include "lever/model/pain.hpp"

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

bool is_correction_record(const json& record) { return record.is_object() && record.contains("kind"); }

void write_symptoms(json& j, const Symptoms& s) {
  write_opt(j, "swelling", s.swelling);
  write_opt(j, "theatre_sign", s.theatre_sign);
  write_opt(j, "stairs_pain", s.stairs_pain);
  write_opt(j, "grinding", s.grinding);
  write_opt(j, "stiffness", s.stiffness);
}

Symptoms read_symptoms(const json& j) {
  Symptoms s;
  read_opt(j, "swelling", s.swelling);
  read_opt(j, "theatre_sign", s.theatre_sign);
  read_opt(j, "stairs_pain", s.stairs_pain);
  read_opt(j, "grinding", s.grinding);
  read_opt(j, "stiffness", s.stiffness);
  return s;
}

void to_json(json& j, const PainEntry& v) {
  j = {{"schema_version", 1}, {"id", v.id}, {"athlete_id", v.athlete_id}, {"score", v.score}, {"when", v.when},
       {"at", v.at}, {"logged_at", v.logged_at}, {"by", v.by}};
  write_opt(j, "source", v.source);
  write_opt(j, "session_id", v.session_id);
  write_symptoms(j, v.symptoms);
  write_opt(j, "note", v.note);
  write_opt(j, "amended_by", v.amended_by);
  write_opt(j, "amended_at", v.amended_at);
}

void from_json(const json& j, PainEntry& v) {
  read_or(j, "id", v.id);
  read_or(j, "athlete_id", v.athlete_id);
  read_or(j, "score", v.score);
  read_or(j, "when", v.when);
  read_or(j, "at", v.at);
  read_or(j, "logged_at", v.logged_at);
  read_or(j, "by", v.by);
  read_opt(j, "source", v.source);
  read_opt(j, "session_id", v.session_id);
  v.symptoms = read_symptoms(j);
  read_opt(j, "note", v.note);
  read_opt(j, "amended_by", v.amended_by);
  read_opt(j, "amended_at", v.amended_at);
}

void to_json(json& j, const PainCorrectionRecord& v) {
  j = {{"schema_version", 1}, {"id", v.id}, {"athlete_id", v.athlete_id}, {"kind", v.kind}, {"corrects", v.corrects},
       {"reason", v.reason}, {"logged_at", v.logged_at}, {"by", v.by}};
  write_opt(j, "source", v.source);
  write_opt(j, "score", v.score);
  write_opt(j, "when", v.when);
  write_opt(j, "at", v.at);
  write_opt(j, "session_id", v.session_id);
  write_symptoms(j, v.symptoms);
  write_opt(j, "note", v.note);
}

void from_json(const json& j, PainCorrectionRecord& v) {
  read_or(j, "id", v.id);
  read_or(j, "athlete_id", v.athlete_id);
  read_or(j, "kind", v.kind);
  read_or(j, "corrects", v.corrects);
  read_or(j, "reason", v.reason);
  read_or(j, "logged_at", v.logged_at);
  read_or(j, "by", v.by);
  read_opt(j, "source", v.source);
  read_opt(j, "score", v.score);
  read_opt(j, "when", v.when);
  read_opt(j, "at", v.at);
  read_opt(j, "session_id", v.session_id);
  v.symptoms = read_symptoms(j);
  read_opt(j, "note", v.note);
}

}  // namespace lever::model
