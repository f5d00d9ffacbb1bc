// Programme files from JSON, as schemas/program.schema.json names their fields.
#include "lever/model/program_helpers.hpp"

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

void from_json(const json& j, ProgramFilePhase& v) {
  read_opt(j, "name", v.name);
  read_or(j, "kind", v.kind);
  j.at("duration_s").get_to(v.duration_s);
  j.at("support_pct").get_to(v.support_pct);
  j.at("speed_kmh").get_to(v.speed_kmh);
  read_or(j, "incline_pct", v.incline_pct);
  read_opt(j, "cadence_target_spm", v.cadence_target_spm);
}

void from_json(const json& j, ProgramFile& v) {
  read_opt(j, "name", v.name);
  j.at("phases").get_to(v.phases);
}

}  // namespace lever::model
