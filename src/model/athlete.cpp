// Athlete documents to and from JSON, field for field as schemas/athlete.schema.json names them.
#include "lever/model/athlete.hpp"

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

std::vector<AthleteFlag> Athlete::blocking_flags() const {
  std::vector<AthleteFlag> out;
  for (const auto& f : flags)
    if (blocks_runs(f.flag)) out.push_back(f.flag);
  return out;
}

void to_json(json& j, const FlagEntry& v) {
  j = {{"flag", v.flag}, {"set_at", v.set_at}, {"set_by", v.set_by}};
  write_opt(j, "note", v.note);
}

void from_json(const json& j, FlagEntry& v) {
  read_or(j, "flag", v.flag);
  read_or(j, "set_at", v.set_at);
  read_or(j, "set_by", v.set_by);
  read_opt(j, "note", v.note);
}

void to_json(json& j, const Athlete& v) {
  j = {{"schema_version", 1}, {"id", v.id}, {"mass_kg", v.mass_kg}, {"flags", v.flags},
       {"created_at", v.created_at}, {"updated_at", v.updated_at}};
  write_opt(j, "name", v.name);
  write_opt(j, "cadence_spm", v.cadence_spm);
  write_opt(j, "side", v.side);
  write_opt(j, "baseline_pain", v.baseline_pain);
  write_opt(j, "note", v.note);
}

void from_json(const json& j, Athlete& v) {
  read_or(j, "id", v.id);
  read_or(j, "mass_kg", v.mass_kg);
  read_or(j, "flags", v.flags);
  read_or(j, "created_at", v.created_at);
  read_or(j, "updated_at", v.updated_at);
  read_opt(j, "name", v.name);
  read_opt(j, "cadence_spm", v.cadence_spm);
  read_opt(j, "side", v.side);
  read_opt(j, "baseline_pain", v.baseline_pain);
  read_opt(j, "note", v.note);
}

}  // namespace lever::model
