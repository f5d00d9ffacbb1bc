// domain.md, "Evidence": corrections are records of their own, every reader uses the corrected view,
// and unreadable evidence is named rather than skipped.
#include "lever/store/pain_log.hpp"

#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/json_row.hpp"
#include "lever/util/text.hpp"

namespace lever {

using nlohmann::json;

bool is_correction(const json& record) { return record.contains("kind"); }

json pain_entry_row(const json& entry) {
  return fields_or_null(entry, {"schema_version", "id", "athlete_id", "score", "when", "at", "logged_at", "by", "source",
                                "session_id", "swelling", "theatre_sign", "stairs_pain", "grinding", "stiffness", "note",
                                "amended_by", "amended_at"});
}

json correction_row(const json& record) {
  return fields_or_null(record, {"schema_version", "id", "athlete_id", "kind", "corrects", "reason", "logged_at", "by",
                                 "source", "score", "when", "at", "session_id", "swelling", "theatre_sign", "stairs_pain",
                                 "grinding", "stiffness", "note"});
}

PainLog apply_corrections(std::vector<json> records) {
  PainLog log;
  std::map<std::string, size_t> at;  // entry ID -> index in `records`
  std::vector<bool> voided(records.size(), false);
  for (size_t i = 0; i < records.size(); ++i) {
    json& r = records[i];
    if (!is_correction(r)) {
      at.emplace(r.value("id", ""), i);
      continue;
    }
    log.corrections.push_back(r);
    auto it = at.find(r.value("corrects", ""));
    if (it == at.end()) continue;  // its entry is not in these records (a tail read)
    if (r["kind"] == "void") {
      voided[it->second] = true;
      continue;
    }
    json& e = records[it->second];
    for (const char* k : {"score", "when", "at", "session_id", "swelling", "theatre_sign", "stairs_pain", "grinding",
                          "stiffness", "note"})
      if (r.contains(k)) e[k] = r[k];
    e["amended_by"] = r["id"];
    if (r.contains("logged_at")) e["amended_at"] = r["logged_at"];
  }
  for (size_t i = 0; i < records.size(); ++i)
    if (!is_correction(records[i]) && !voided[i]) log.entries.push_back(std::move(records[i]));
  return log;
}

PainLog read_pain_log(const Store& store, const std::string& athlete) {
  std::vector<StoreProblem> problems;
  auto records = store.read_log(collection("pain"), athlete, &problems);
  PainLog log = apply_corrections(std::move(records));
  log.problems = std::move(problems);
  return log;
}

std::vector<StoreProblem> damage(const std::vector<StoreProblem>& problems) {
  std::vector<StoreProblem> out;
  for (const auto& p : problems)
    if (!p.warning) out.push_back(p);
  return out;
}

namespace {

std::string where(const StoreProblem& p) {
  return p.line > 0 ? fmt::format("{} line {}", p.file, p.line) : p.file;
}

}  // namespace

size_t warn_unreadable(const std::vector<StoreProblem>& problems) {
  size_t n = 0;
  for (const auto& p : damage(problems)) {
    // The message may quote the damaged record: shown escaped, never obeyed by the terminal.
    std::cerr << escape_text(fmt::format("lever: warning: {}: {}: left out (repair it: 'lever store check' names every "
                                         "damaged record)",
                                         where(p), p.message))
              << '\n';
    ++n;
  }
  return n;
}

void refuse_unreadable(const std::vector<StoreProblem>& problems, const std::string& what) {
  auto bad = damage(problems);
  if (bad.empty()) return;
  throw Error(Exit::invalid_data,
              fmt::format("{}: {} cannot be read ({}){}; lever will not decide on partial evidence", what, where(bad.front()),
                          bad.front().message, bad.size() > 1 ? fmt::format(", and {} more", bad.size() - 1) : ""),
              "'lever store check' lists every damaged record; restore the line from a backup or remove it, then try again");
}

std::optional<std::string> find_pain_entry_owner(const Store& store, const std::string& id) {
  // Entry IDs are unique across the store; a log is parsed only if its text holds the ID.
  const std::string& needle = id;
  for (const auto& athlete : store.list(collection("pain"))) {
    auto text = read_file(store.path(collection("pain"), athlete), store.dir());
    if (!text || text->find(needle) == std::string::npos) continue;
    for (const auto& r : store.read_log(collection("pain"), athlete))
      if (r.value("id", "") == id) return is_correction(r) ? std::nullopt : std::optional<std::string>(athlete);
  }
  return std::nullopt;
}

json build_correction(const Store& store, const std::string& athlete, const PainCorrection& c, const std::string& user,
                      TimePoint now_t) {
  if (c.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(Exit::usage, "a correction needs a reason", "say why with --reason TEXT; it is kept beside the original entry");
  if (c.reason.size() > 2000) throw Error(Exit::usage, "the reason is longer than 2000 characters", "say it shorter");
  std::vector<StoreProblem> problems;
  auto records = store.read_log(collection("pain"), athlete, &problems);
  const json* original = nullptr;
  bool voided = false;
  for (const auto& r : records) {
    if (!is_correction(r) && r.value("id", "") == c.entry) original = &r;
    if (is_correction(r) && r.value("corrects", "") == c.entry && r["kind"] == "void") voided = true;
  }
  if (!original)
    throw Error(Exit::not_found, fmt::format("no pain entry '{}' in the log of '{}'", c.entry, athlete),
                fmt::format("list the entries with 'lever report pain {}' (the Entry column)", athlete));
  if (voided)
    throw Error(Exit::invalid_data, fmt::format("pain entry '{}' is already void", c.entry),
                "a voided entry stays void; log the right value as a new entry");
  json r = {{"schema_version", kSchemaVersion}, {"id", new_record_id("p")}, {"athlete_id", athlete},
            {"kind", c.void_it ? "void" : "amend"}, {"corrects", c.entry}, {"reason", c.reason},
            {"logged_at", format_iso(now_t)}, {"by", user}, {"source", "cli"}};
  if (c.void_it) return r;
  // The amended entry is checked as a whole, exactly as a new entry would be.
  auto given = [&](const char* f) { return std::find(c.given.begin(), c.given.end(), f) != c.given.end(); };
  PainInput in;
  in.athlete = athlete;
  in.score = c.amend.score;
  in.when = given("when") ? c.amend.when : original->value("when", "after");
  in.at = given("at") ? c.amend.at : original->value("at", "");
  in.session = given("session_id") ? c.amend.session : original->value("session_id", "");
  in.swelling = given("swelling") ? c.amend.swelling : original->value("swelling", "");
  in.note = given("note") ? c.amend.note : original->value("note", "");
  PainRefs refs(store);
  std::vector<FieldError> errors;
  auto built = build_pain_entry(in, refs, user, "cli", now_t, errors);
  if (!built) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e.field + ": " + e.message;
    throw Error(Exit::usage, fmt::format("the amendment of '{}' is not a valid entry: {}", c.entry, all),
                "see lever-log-pain(1), CORRECTIONS");
  }
  r["score"] = (*built)["score"];
  for (const char* f : {"when", "at", "session_id", "swelling", "note"})
    if (given(f) && built->contains(f)) r[f] = (*built)[f];
  return r;
}

}  // namespace lever
