// domain.md, "Default return-to-run template": templates are data, checked against their schema and
// against the template rules of domain.md before lever builds a plan from them.
#include "lever/plan/templates.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lever/store/schemas.hpp"
#include "lever/util/error.hpp"
#include "lever/util/json_row.hpp"

namespace lever::plan {

using nlohmann::json;

const std::map<std::string, json>& builtin_templates() {
  static const std::map<std::string, json> all = [] {
    std::map<std::string, json> m;
    for (const auto& [file, text] : templates::embedded()) {
      json doc = json::parse(text);
      m[doc.at("id").get<std::string>()] = doc;
    }
    return m;
  }();
  return all;
}

bool is_builtin_template(const std::string& id) { return builtin_templates().count(id) > 0; }

namespace {

// domain.md: "Run/walk intervals ... and session duration rise only while support is held; +10 %
// duration per step at most"; run bouts about +50 % per step at most; "Support steps down by 5
// points"; published protocols 5-10 % per change.
void ladder_rules(const json& doc, const std::string& severity, std::vector<SchemaIssue>& out) {
  const json& steps = doc["severities"][severity]["steps"];
  double max_rise = doc.value("max_duration_increase_pct", 10.0);
  for (size_t i = 1; i < steps.size(); ++i) {
    const json& a = steps[i - 1];
    const json& b = steps[i];
    std::string at = fmt::format("/severities/{}/steps/{}", severity, i);
    double sa = a["support_pct"].get<double>(), sb = b["support_pct"].get<double>();
    if (sb > sa)
      out.push_back({at + "/support_pct", fmt::format("rises from {:g} % to {:g} %; support only steps down", sa, sb)});
    else if (sa - sb > 10 + 1e-9)
      out.push_back({at + "/support_pct", fmt::format("drops {:g} points in one step; change support by at most 10 % of body weight", sa - sb)});
    if (sb != sa) {
      for (const char* k : {"run_min", "walk_min", "duration_min"})
        if (a[k] != b[k])
          out.push_back({at + "/" + k, "changes together with support_pct; change one variable at a time (run/walk and duration rise only while support is held)"});
    }
    // domain.md: continuous run bouts rise gradually, about +50 % per step at most, never doubling.
    double ra = a["run_min"].get<double>(), rb = b["run_min"].get<double>();
    double max_run = doc.value("max_run_increase_pct", 50.0);
    if (rb > ra * (1 + max_run / 100) + 1e-9)
      out.push_back({at + "/run_min", fmt::format("rises from {:g} to {:g} min ({:.0f} %); a run bout rises at most {:g} % per step",
                                                  ra, rb, (rb / ra - 1) * 100, max_run)});
    double da = a["duration_min"].get<double>(), db = b["duration_min"].get<double>();
    if (db > da * (1 + max_rise / 100) + 1e-9)
      out.push_back({at + "/duration_min", fmt::format("rises {:.1f} % over the previous step; at most {:g} % per step", (db / da - 1) * 100, max_rise)});
  }
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i]["run_min"].get<double>() > steps[i]["duration_min"].get<double>())
      out.push_back({fmt::format("/severities/{}/steps/{}/run_min", severity, i), "is longer than the session (duration_min)"});
}

}  // namespace

std::vector<SchemaIssue> template_problems(const json& doc) {
  auto issues = schemas::validator("template.schema.json").validate(doc);
  if (!issues.empty()) return issues;
  for (const char* sev : {"mild", "moderate"}) ladder_rules(doc, sev, issues);
  return issues;
}

void require_valid_template(const json& doc, const std::string& what) {
  auto issues = template_problems(doc);
  if (issues.empty()) return;
  std::string list;
  for (const auto& i : issues) list += fmt::format("{}{} {}", list.empty() ? "" : "; ", i.pointer.empty() ? "/" : i.pointer, i.message);
  throw Error(Exit::invalid_data, fmt::format("{} is not a valid plan template: {}", what, list),
              "fix the fields named by the JSON Pointers (schema: schemas/template.schema.json), then try again");
}

json load_template(const Store& store, const std::string& id) {
  auto it = builtin_templates().find(id);
  if (it != builtin_templates().end()) return it->second;
  if (auto doc = store.load(collection("template"), id)) return *doc;
  throw Error(Exit::not_found, fmt::format("no plan template '{}'", id),
              "list templates with 'lever plan templates', or add one with 'lever plan template add FILE'");
}

json template_row(const json& doc, const std::string& origin) {
  return {{"id", doc.value("id", "")}, {"title", doc.value("title", "")}, {"origin", origin},
          {"mild_steps", doc["severities"]["mild"]["steps"].size()},
          {"moderate_steps", doc["severities"]["moderate"]["steps"].size()}};
}

std::vector<json> template_rows(const Store& store) {
  std::vector<json> rows;
  for (const auto& [id, t] : builtin_templates()) rows.push_back(template_row(t, "built-in"));
  for (const auto& id : store.list(collection("template")))
    if (auto t = store.load(collection("template"), id)) rows.push_back(template_row(*t, "store"));
  return rows;
}

std::vector<json> template_step_rows(const json& doc) {
  std::vector<json> rows;
  for (const char* severity : {"mild", "moderate"}) {
    int n = 0;
    for (const auto& s : doc["severities"][severity]["steps"]) {
      json row = fields_or_null(s, {"support_pct", "run_min", "walk_min", "duration_min", "speed_kmh", "note"});
      row["severity"] = severity;
      row["step"] = ++n;
      rows.push_back(row);
    }
  }
  return rows;
}

json parse_json_text(const std::string& text, const std::string& what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e999
    throw Error(Exit::invalid_data, fmt::format("{} is not valid JSON: {}", what, e.what()), "fix the JSON syntax and try again");
  }
}

}  // namespace lever::plan
