#include "lever/report/pain_export.hpp"

#include "lever/store/athletes.hpp"

namespace lever::report {

PainExport pain_export(Store& store, const std::string& athlete, const ReportOptions& o) {
  require_athlete(store, athlete);
  std::string shown = o.deidentify ? pseudonym(pseudonym_salt(store), athlete) : athlete;
  PainExport r;
  auto log = read_pain_entries(store, athlete);
  r.problems = std::move(log.problems);
  for (auto& e : log.entries) {
    const TimePoint t = e.at.at;
    if ((o.since && t < *o.since) || (o.until && t > *o.until)) continue;
    e.athlete_id = shown;
    nlohmann::json row = e;  // the entry as stored
    row.erase("schema_version");
    if (o.deidentify) {
      row.erase("note");
      row.erase("by");
    }
    r.rows.push_back(std::move(row));
  }
  return r;
}

}  // namespace lever::report
