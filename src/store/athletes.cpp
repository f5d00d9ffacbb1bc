#include "lever/store/athletes.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/model/vocab.hpp"
#include "lever/util/error.hpp"
#include "lever/util/json_row.hpp"

namespace lever {

using nlohmann::json;

const std::vector<std::string>& athlete_flag_names() {
  static const std::vector<std::string> names = model::names<model::AthleteFlag>();
  return names;
}

bool is_blocking_flag(const std::string& flag) {
  // domain.md: suspected meniscal or ligament involvement and significant swelling block runs.
  auto f = model::parse<model::AthleteFlag>(flag);
  return f && model::blocks_runs(*f);
}

namespace {

void check_fields(const AthleteFields& f) {
  if (f.mass_kg && !(*f.mass_kg >= 20 && *f.mass_kg <= 300))
    throw Error(Exit::usage, fmt::format("body mass {:g} kg is outside the range lever accepts (20-300 kg)", *f.mass_kg),
                "give the mass in kg (75) or with a unit (75kg, 165lb)");
  if (f.cadence_spm && !(*f.cadence_spm >= 100 && *f.cadence_spm <= 240))
    throw Error(Exit::usage, fmt::format("cadence {:g} steps/min is outside 100-240", *f.cadence_spm),
                "give the baseline running step rate in steps per minute (both feet), e.g. 164");
  if (f.side && *f.side != "left" && *f.side != "right" && *f.side != "both")
    throw Error(Exit::usage, fmt::format("unknown side '{}'", *f.side), "use left, right or both");
  if (f.baseline_pain && (*f.baseline_pain < 0 || *f.baseline_pain > 10))
    throw Error(Exit::usage, fmt::format("baseline pain {} is outside 0-10", *f.baseline_pain));
  if (f.name && f.name->size() > 200) throw Error(Exit::usage, "name is longer than 200 characters");
  if (f.note && f.note->size() > 2000) throw Error(Exit::usage, "note is longer than 2000 characters");
}

void apply(json& doc, const AthleteFields& f) {
  if (f.mass_kg) doc["mass_kg"] = std::round(*f.mass_kg * 100) / 100;
  if (f.name) {
    if (f.name->empty()) doc.erase("name");
    else doc["name"] = *f.name;
  }
  if (f.cadence_spm) doc["cadence_spm"] = std::round(*f.cadence_spm * 10) / 10;
  if (f.side) doc["side"] = *f.side;
  if (f.baseline_pain) doc["baseline_pain"] = *f.baseline_pain;
  if (f.note) {
    if (f.note->empty()) doc.erase("note");
    else doc["note"] = *f.note;
  }
}

}  // namespace

json make_athlete(const std::string& id, const AthleteFields& f, TimePoint at) {
  if (!f.mass_kg)
    throw Error(Exit::usage, "an athlete needs a body mass", "add --mass KG (e.g. --mass 75 or --mass 165lb)");
  check_fields(f);
  json doc = {{"schema_version", kSchemaVersion}, {"id", id}, {"flags", json::array()},
              {"created_at", format_iso(at)}, {"updated_at", format_iso(at)}};
  apply(doc, f);
  return doc;
}

void edit_athlete(json& doc, const AthleteFields& f, TimePoint at) {
  check_fields(f);
  apply(doc, f);
  doc["updated_at"] = format_iso(at);
}

void set_athlete_flag(json& doc, const std::string& flag, const std::string& note, const std::string& user,
                      TimePoint at) {
  const auto& names = athlete_flag_names();
  if (std::find(names.begin(), names.end(), flag) == names.end())
    throw Error(Exit::usage, fmt::format("unknown flag '{}'", flag),
                "flags are suspected-meniscal, suspected-ligament, significant-swelling (these block runs) and review");
  clear_athlete_flag(doc, flag);
  json f = {{"flag", flag}, {"set_at", format_iso(at)}, {"set_by", user}};
  if (!note.empty()) f["note"] = note;
  doc["flags"].push_back(f);
  doc["updated_at"] = format_iso(at);
}

bool clear_athlete_flag(json& doc, const std::string& flag) {
  auto& flags = doc["flags"];
  auto before = flags.size();
  json kept = json::array();
  for (const auto& f : flags)
    if (f.value("flag", "") != flag) kept.push_back(f);
  flags = kept;
  return kept.size() != before;
}

std::vector<std::string> blocking_flags(const json& doc) {
  std::vector<std::string> out;
  for (const auto& f : doc.value("flags", json::array()))
    if (is_blocking_flag(f.value("flag", ""))) out.push_back(f.value("flag", ""));
  return out;
}

json require_athlete(const Store& store, const std::string& id) {
  auto doc = store.load(collection("athlete"), id);
  if (!doc)
    throw Error(Exit::not_found, fmt::format("no athlete '{}' in the store {}", id, store.dir().string()),
                fmt::format("list athletes with 'lever athlete list', or add one with 'lever athlete add {} --mass KG'", id));
  return *doc;
}

json athlete_row(const json& doc) {
  json row = fields_or_null(doc, {"id", "name", "mass_kg", "cadence_spm", "side", "baseline_pain", "note", "created_at",
                                  "updated_at"});
  json names = json::array();
  for (const auto& f : doc.value("flags", json::array())) names.push_back(f.value("flag", ""));
  row["flags"] = names;
  row["blocked"] = !blocking_flags(doc).empty();
  return row;
}

json athlete_document(const json& doc) {
  json out = fields_or_null(doc, {"schema_version", "id", "name", "mass_kg", "cadence_spm", "side", "baseline_pain", "note",
                                  "created_at", "updated_at"});
  json flags = json::array();
  for (const auto& f : doc.value("flags", json::array())) flags.push_back(fields_or_null(f, {"flag", "note", "set_at", "set_by"}));
  out["flags"] = flags;
  out["blocked"] = !blocking_flags(doc).empty();
  return out;
}

}  // namespace lever
