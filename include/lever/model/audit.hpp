// An audit log record (audit/<yyyy-mm>.ndjson, schemas/audit-entry.schema.json): who did what to which record.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lever/model/instant.hpp"

namespace lever::model {

/// One audit record.
struct AuditEntry {
  static constexpr std::string_view kCollection = "audit";  ///< the log collection
  std::string id;              ///< record ID
  Instant at;                  ///< when it happened
  std::string user;            ///< who did it (--user, LEVER_USER or the login name)
  std::string action;          ///< e.g. athlete.add, pain.log, run.override
  std::string target;          ///< the record acted on, usually by its ID
  nlohmann::json details = nlohmann::json::object();  ///< facts that differ per action: free-form by design (the schema's word)
};

/// Writes an audit record.
void to_json(nlohmann::json& j, const AuditEntry& v);
/// Reads an audit record (validated first).
void from_json(const nlohmann::json& j, AuditEntry& v);

}  // namespace lever::model
