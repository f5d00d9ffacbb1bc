// Plan templates: JSON documents (schemas/template.schema.json). The default return-to-run template of
// domain.md is built in; a clinic adds its own to the store (templates/<id>.json).
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/store.hpp"
#include "lever/util/json_schema.hpp"

namespace lever::plan {

namespace templates {
/// Every src/plan/templates/*.json, by file name, as embedded at build time.
const std::map<std::string, std::string_view>& embedded();
}  // namespace templates

/// The template `plan new` uses when none is named.
inline constexpr const char* kDefaultTemplate = "return-to-run";

/// The built-in templates, parsed, by ID.
const std::map<std::string, nlohmann::json>& builtin_templates();

/// Every problem in a template: schema issues first, then lever's graded-exposure rules (support only
/// steps down, by at most 10 points; run/walk and duration change only while support is held; duration
/// rises at most max_duration_increase_pct per step). Each names a JSON Pointer into the document.
std::vector<SchemaIssue> template_problems(const nlohmann::json& doc);

/// Throws Error(invalid_data) listing the problems with their JSON Pointers; `what` names the source.
void require_valid_template(const nlohmann::json& doc, const std::string& what);

/// A built-in or stored template by ID; Error(not_found) with a hint to list templates.
nlohmann::json load_template(const Store& store, const std::string& id);

/// True when a built-in template has this ID (store templates may not reuse it).
bool is_builtin_template(const std::string& id);

/// The listing row of one template: id, title, origin (built-in|store), steps per severity.
nlohmann::json template_row(const nlohmann::json& doc, const std::string& origin);

/// One listing row per template: the built-in ones, then the store's.
std::vector<nlohmann::json> template_rows(const Store& store);

/// The steps of a template as rows, mild ladder first: severity, step (1-based), support, run/walk
/// minutes, duration, and the step's own speed and note (null when it has none).
std::vector<nlohmann::json> template_step_rows(const nlohmann::json& doc);

/// Parses JSON text read from `what` (a file name), or throws Error(invalid_data) with the position.
nlohmann::json parse_json_text(const std::string& text, const std::string& what);

}  // namespace lever::plan
