#include "lever/report/pain_export.hpp"

#include "lever/store/athletes.hpp"
#include "lever/store/pain_log.hpp"

namespace lever::report {

PainExport pain_export(Store& store, const std::string& athlete, const ReportOptions& o) {
  require_athlete(store, athlete);
  std::string shown = o.deidentify ? pseudonym(pseudonym_salt(store), athlete) : athlete;
  PainExport r;
  auto log = read_pain_log(store, athlete);
  r.problems = std::move(log.problems);
  for (auto& e : log.entries) {
    auto t = parse_iso(e.value("at", ""));
    if (!t || (o.since && *t < *o.since) || (o.until && *t > *o.until)) continue;
    e.erase("schema_version");
    e["athlete_id"] = shown;
    if (o.deidentify) {
      e.erase("note");
      e.erase("by");
    }
    r.rows.push_back(std::move(e));
  }
  return r;
}

}  // namespace lever::report
