// Audit records to and from JSON.
#include "lever/model/audit.hpp"

#include "lever/model/json_io.hpp"

namespace lever::model {

using nlohmann::json;

void to_json(json& j, const AuditEntry& v) {
  j = {{"schema_version", 1}, {"id", v.id}, {"at", v.at}, {"user", v.user},
       {"action", v.action}, {"target", v.target}, {"details", v.details}};
}

void from_json(const json& j, AuditEntry& v) {
  read_or(j, "id", v.id);
  read_or(j, "at", v.at);
  read_or(j, "user", v.user);
  read_or(j, "action", v.action);
  read_or(j, "target", v.target);
  read_or(j, "details", v.details);
}

}  // namespace lever::model
