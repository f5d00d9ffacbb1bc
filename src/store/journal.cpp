// Batch appends across several logs, all or nothing even across a crash: the batch is written to a
// journal first, and the next writer finishes a journal it finds (after validating every line of it).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "lever/store/schemas.hpp"
#include "lever/store/store.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"

namespace lever {

using nlohmann::json;

namespace {

// The journal's name and line with what is wrong and what to do: lever cannot finish that import.
[[noreturn]] void bad_journal(const fs::path& file, long line, const std::string& why) {
  throw Error(Exit::invalid_data,
              fmt::format("the interrupted import {} is damaged{}: {}; no write can go ahead until it is dealt with",
                          file.string(), line ? fmt::format(" at line {}", line) : "", why),
              fmt::format("move it out of the store (mv {} ~/), check with 'lever store check' which of its records "
                          "the logs already hold, and import the rest again", file.string()));
}

}  // namespace

Journal parse_journal(const fs::path& file, const std::string& text) {
  Journal j;
  j.file = file;
  std::map<std::pair<std::string, std::string>, size_t> where;
  std::set<std::string> ids;
  size_t pos = 0;
  long line = 0;
  if (text.empty()) bad_journal(file, 0, "it is empty");
  if (text.back() != '\n') bad_journal(file, 0, "its last line is cut short (lever writes journals whole)");
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    ++line;
    json e = json::parse(std::string_view(text.data() + pos, nl - pos), nullptr, false);
    pos = nl + 1;
    if (e.is_discarded() || !e.is_object()) bad_journal(file, line, "not a JSON object");
    if (!e.contains("collection") || !e["collection"].is_string()) bad_journal(file, line, "no \"collection\" string");
    if (!e.contains("key") || !e["key"].is_string()) bad_journal(file, line, "no \"key\" string");
    if (!e.contains("record") || !e["record"].is_object()) bad_journal(file, line, "no \"record\" object");
    auto cname = e["collection"].get<std::string>();
    const auto& all = collections();
    auto c = std::find_if(all.begin(), all.end(), [&](const Collection& x) { return x.name == cname && x.is_log; });
    if (c == all.end()) bad_journal(file, line, fmt::format("'{}' is not a kind of log lever keeps", cname));
    auto key = e["key"].get<std::string>();
    if (!is_valid_id(key)) bad_journal(file, line, fmt::format("the key '{}' is not a valid ID ({})", key, id_problem(key)));
    auto issues = Store::validate(*c, e["record"]);
    if (!issues.empty()) bad_journal(file, line, fmt::format("the record is not a valid {} record: {}", c->name, issues.front()));
    if (!c->key_field.empty() && e["record"].value(c->key_field, "") != key)
      bad_journal(file, line, fmt::format("the record's {} is not its key '{}'", c->key_field, key));
    auto rid = e["record"].value("id", "");
    if (!rid.empty() && !ids.insert(cname + "\n" + rid).second)
      bad_journal(file, line, fmt::format("the record id '{}' appears twice", rid));
    auto k = std::make_pair(cname, key);
    auto [it, fresh] = where.emplace(k, j.groups.size());
    if (fresh) j.groups.push_back({k, {}});
    j.groups[it->second].second.push_back(std::move(e["record"]));
  }
  return j;
}

void Store::append_batch(const Collection& c, const std::vector<std::pair<std::string, json>>& records) {
  std::map<std::string, std::string> by_key;
  std::string journal_text;
  for (const auto& [key, rec] : records) {
    auto problems = validate(c, rec);
    if (!problems.empty())
      throw Error(Exit::invalid_data, fmt::format("refusing to log an invalid {} record: {}", c.name, problems.front()));
    path(c, key);  // validates the key
    by_key[key] += rec.dump() + "\n";
    journal_text += json{{"collection", c.name}, {"key", key}, {"record", rec}}.dump() + "\n";
  }
  // The journal makes the batch atomic across files: after a crash the next lock() finishes it.
  fs::path jdir = dir_ / "journal";
  make_private_dirs(jdir, dir_);
  fs::path jfile = jdir / (new_record_id("batch") + ".ndjson");
  write_file_atomic(jfile, journal_text, Durability::synced, dir_);
  std::vector<std::pair<fs::path, uintmax_t>> done;  // logs appended so far, with their old sizes
  try {
    for (const auto& [key, lines] : by_key) {
      fs::path p = path(c, key);
      make_private_dirs(p.parent_path(), dir_);
      check_own_dirs(dir_, p);
      std::error_code ec;
      uintmax_t old = entry_kind(p) == EntryKind::regular ? fs::file_size(p, ec) : 0;
      append_lines_durable(p, lines, dir_);
      done.emplace_back(p, old);
    }
  } catch (const Error&) {
    // The caller is told the batch failed, so none of it may appear later: cut the logs back and
    // drop the journal. If that fails too, the journal stays and the next write completes the batch.
    try {
      for (const auto& [p, old] : done) truncate_durable(p, old, dir_);
      remove_confined(dir_, jfile);
      sync_directory(jdir);
    } catch (const std::exception&) {
    }
    throw;
  }
  remove_confined(dir_, jfile);
  sync_directory(jdir);
}

void Store::recover_journal() {
  fs::path jdir = dir_ / "journal";
  std::vector<fs::path> files;
  for (const auto& name : list_confined(dir_, jdir))
    if (fs::path(name).extension() == ".ndjson") files.push_back(jdir / name);
  std::sort(files.begin(), files.end());
  // Every journal is validated before any is applied: a damaged one stops the write, named.
  std::vector<Journal> journals;
  for (const auto& jf : files) {
    auto text = read_file(jf, dir_);
    if (text) journals.push_back(parse_journal(jf, *text));
  }
  for (const auto& j : journals) {
    for (const auto& [ck, recs] : j.groups) {
      const Collection& c = collection(ck.first);
      std::set<std::string> present;
      for (const auto& r : read_log(c, ck.second)) present.insert(r.value("id", ""));
      std::string lines;
      for (const auto& r : recs)
        if (!present.count(r.value("id", ""))) lines += r.dump() + "\n";
      if (!lines.empty()) {
        fs::path p = path(c, ck.second);
        make_private_dirs(p.parent_path(), dir_);
        append_lines_durable(p, lines, dir_);
      }
    }
    remove_confined(dir_, j.file);
    sync_directory(jdir);
  }
}

}  // namespace lever
