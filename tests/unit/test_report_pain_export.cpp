// `report pain` as a library call: the corrected log filtered by the time felt, de-identified on request.
#include <doctest/doctest.h>

#include "lever/report/pain_export.hpp"
#include "lever/store/athlete_use_cases.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

json entry(const std::string& id, const std::string& at) {
  return {{"schema_version", 1}, {"id", id}, {"athlete_id", "ann"}, {"score", 2}, {"when", "after"}, {"at", at},
          {"logged_at", at}, {"by", "nurse"}, {"note", "stairs"}};
}

}  // namespace

TEST_CASE("pain export: entries felt within since..until, without schema_version") {
  TempDir t;
  Store s(t.path);
  AthleteFields f;
  f.mass_kg = 70;
  add_athlete(s, "ann", f, "dr");
  {
    StoreWriter w(s);
    for (const auto& [id, at] : {std::pair{"p-1", "2026-11-01T08:00:00Z"}, {"p-2", "2026-11-10T08:00:00Z"}, {"p-3", "2026-11-20T08:00:00Z"}})
      w.append(collection("pain"), "ann", entry(id, at), {});
  }
  report::ReportOptions o;
  o.since = parse_iso("2026-11-05T00:00:00Z");
  o.until = parse_iso("2026-11-15T00:00:00Z");
  auto r = report::pain_export(s, "ann", o);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0]["id"] == "p-2");
  CHECK(r.rows[0]["athlete_id"] == "ann");
  CHECK(r.rows[0]["note"] == "stairs");
  CHECK_FALSE(r.rows[0].contains("schema_version"));
  CHECK(r.problems.empty());

  report::ReportOptions deid;
  deid.deidentify = true;
  r = report::pain_export(s, "ann", deid);
  REQUIRE(r.rows.size() == 3);
  for (const auto& row : r.rows) {
    CHECK(row["athlete_id"] != "ann");
    CHECK(row["athlete_id"].get<std::string>().rfind("r-", 0) == 0);
    CHECK(row.at("note").is_null());  // every field present (output contract), the private ones null
    CHECK(row.at("by").is_null());
  }
  try {
    report::pain_export(s, "zed", o);
    FAIL("exported an unknown athlete");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::not_found);
  }
}
