#include "lever/store/athlete_use_cases.hpp"

#include <fmt/format.h>

#include "lever/store/pain_log.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"

namespace lever {

using nlohmann::json;

json add_athlete(Store& store, const std::string& id, const AthleteFields& fields, const std::string& user) {
  StoreWriter w(store);
  if (w.store().has(collection("athlete"), id))
    throw Error(Exit::invalid_data, fmt::format("athlete '{}' already exists", id),
                fmt::format("change it with 'lever athlete edit {}', or choose another ID", id));
  auto doc = make_athlete(id, fields, now());
  w.save(collection("athlete"), id, doc, {{user, "athlete.add", id, {{"mass_kg", doc["mass_kg"]}}}});
  return doc;
}

namespace {

// The top-level fields that differ between two versions of a document (null: removed), not counting
// the time stamp every edit moves.
json changed_fields(const json& before, const json& after) {
  json changes = json::object();
  for (auto it = after.begin(); it != after.end(); ++it)
    if (it.key() != "updated_at" && (!before.contains(it.key()) || before[it.key()] != it.value())) changes[it.key()] = it.value();
  for (auto it = before.begin(); it != before.end(); ++it)
    if (!after.contains(it.key())) changes[it.key()] = nullptr;
  return changes;
}

}  // namespace

AthleteEdited change_athlete(Store& store, const std::string& id, const AthleteEdit& edit, const std::string& user) {
  StoreWriter w(store);
  AthleteEdited r;
  r.doc = require_athlete(w.store(), id);
  json before = r.doc;
  auto t = now();
  edit_athlete(r.doc, edit.fields, t);
  for (const auto& fl : edit.clear_flags)
    if (!clear_athlete_flag(r.doc, fl)) r.flags_not_set.push_back(fl);
  for (const auto& fl : edit.set_flags) set_athlete_flag(r.doc, fl, edit.flag_note, user, t);
  r.changes = changed_fields(before, r.doc);
  if (!r.changes.empty()) w.save(collection("athlete"), id, r.doc, {{user, "athlete.edit", id, {{"changes", r.changes}}}});
  return r;
}

AthleteOverview athlete_overview(const Store& store, const std::string& id, size_t recent) {
  AthleteOverview o;
  o.doc = require_athlete(store, id);
  // A few more than shown: corrections in the tail take lines of their own.
  o.recent_pain = apply_corrections(store.read_log_tail(collection("pain"), id, recent + 16, {}, &o.problems)).entries;
  if (o.recent_pain.size() > recent) o.recent_pain.erase(o.recent_pain.begin(), o.recent_pain.end() - static_cast<long>(recent));
  for (auto& e : o.recent_pain) e = pain_entry_row(e);
  return o;
}

std::vector<json> read_athletes(const Store& store, std::vector<std::string>& unreadable) {
  std::vector<json> docs;
  for (const auto& id : store.list(collection("athlete"))) {
    try {
      if (auto doc = store.load(collection("athlete"), id)) docs.push_back(*doc);
    } catch (const Error& e) {
      unreadable.push_back(e.what());
    }
  }
  return docs;
}

}  // namespace lever
