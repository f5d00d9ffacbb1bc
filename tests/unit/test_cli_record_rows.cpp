// The rows the record commands print carry every field in every state (null when not known), so a
// script sees one shape (schemas/output/); renamed fields keep their old name beside the new one.
#include <algorithm>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "lever/cli/columns/plan.hpp"
#include "lever/cli/columns/renamed.hpp"
#include "lever/model/plan.hpp"
#include "lever/plan/view.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/util/json_row.hpp"

using namespace lever;
using nlohmann::json;

namespace {

std::vector<std::string> keys(const json& row) {
  std::vector<std::string> k;
  for (auto it = row.begin(); it != row.end(); ++it) k.push_back(it.key());
  return k;
}

const json kMinimalAthlete = {{"schema_version", 1}, {"id", "min"}, {"mass_kg", 70}, {"flags", json::array()},
                              {"created_at", "2026-12-01T10:00:00+00:00"}, {"updated_at", "2026-12-01T10:00:00+00:00"}};

}  // namespace

TEST_CASE("fields_or_null: exactly the named fields, null where the record has none") {
  const json row = fields_or_null({{"a", 1}, {"extra", true}}, {"a", "b"});
  CHECK(row == json{{"a", 1}, {"b", nullptr}});
}

TEST_CASE("athlete rows and the show document have the same fields whatever was recorded") {
  json full = kMinimalAthlete;
  full.update({{"name", "Ann"}, {"cadence_spm", 164}, {"side", "left"}, {"baseline_pain", 2}, {"note", "n"}});
  full["flags"] = json::array({{{"flag", "suspected-meniscal"}, {"set_at", "2026-12-01T10:00:00+00:00"}, {"set_by", "c"}}});
  CHECK(keys(athlete_row(kMinimalAthlete)) == keys(athlete_row(full)));
  CHECK(athlete_row(kMinimalAthlete).at("baseline_pain").is_null());
  CHECK(athlete_row(full).at("flags") == json::array({"suspected-meniscal"}));
  CHECK(athlete_row(full).at("blocked") == true);
  CHECK_FALSE(athlete_row(full).contains("schema_version"));
  const json doc = athlete_document(full);
  CHECK(keys(athlete_document(kMinimalAthlete)) == keys(doc));
  CHECK(doc.at("flags")[0].at("note").is_null());  // a flag set without a note
}

TEST_CASE("pain rows: an entry and a correction with every field") {
  const json entry = {{"schema_version", 1}, {"id", "p-1"}, {"athlete_id", "ann"}, {"score", 3}, {"when", "after"},
                      {"at", "2026-12-01T10:00:00+00:00"}, {"logged_at", "2026-12-01T10:00:00+00:00"}, {"by", "e2e"}};
  const json row = pain_entry_row(entry);
  CHECK(row.size() == 18);
  CHECK(row.at("session_id").is_null());
  CHECK(row.at("amended_by").is_null());
  const json corr = correction_row({{"id", "c-1"}, {"kind", "void"}, {"corrects", "p-1"}});
  CHECK(corr.size() == 19);
  CHECK(corr.at("score").is_null());
}

TEST_CASE("plan history rows: every field, redecision false and supersedes empty when not a re-decision") {
  model::HistoryEntry e;
  e.id = "h-1";
  e.kind = model::HistoryKind::created;
  e.by = "c";
  e.reason = "created";
  const json row = plan::history_row(e);
  CHECK(row.at("redecision") == false);
  CHECK(row.at("supersedes") == json::array());
  for (const char* k : {"requested_by", "decision", "session_id", "acceptable", "review"}) CHECK(row.at(k).is_null());
}

TEST_CASE("a renamed column keeps its old key in machine formats, once in tables") {
  const auto& cols = plan::plan_list_columns();
  CHECK(columns_for(Format::table, cols).size() == cols.size());
  const auto csv = columns_for(Format::csv, cols);
  REQUIRE(csv.size() == cols.size() + 1);
  auto at = std::find_if(csv.begin(), csv.end(), [](const Column& c) { return c.key == "template_id"; });
  REQUIRE(at != csv.end());
  CHECK((at + 1)->key == "template");
}
