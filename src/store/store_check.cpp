// `lever store check`: every file of the store, its kind and mode, its schema, its cross-references,
// record IDs that appear twice, and interrupted imports. Reports; never repairs.
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "lever/store/schemas.hpp"
#include "lever/store/store.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"

namespace lever {

using nlohmann::json;

namespace {

std::string join(const std::vector<SchemaIssue>& issues) {
  std::string s;
  for (const auto& i : issues) s += (s.empty() ? "" : "; ") + (i.pointer.empty() ? "document" : i.pointer) + " " + i.message;
  return s;
}

// What is wrong with the entry at `p` that should be a regular file (or, with dir, a directory),
// and what to do; empty when it is right. Wrong modes are problems too: this is health data.
std::string entry_problem(const fs::path& p, bool dir) {
  struct stat st{};
  if (::lstat(p.c_str(), &st) != 0) return {};
  if (S_ISLNK(st.st_mode)) {
    char buf[4096];
    ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
    return fmt::format("a symbolic link (to {}): lever never follows links inside a store and refuses to use it; "
                       "put the real {} there in its place or remove the link",
                       n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?", dir ? "directory" : "file");
  }
  if (dir && !S_ISDIR(st.st_mode))
    return fmt::format("{} where the store keeps a directory; move it out of the store", describe_entry(p));
  if (!dir && !S_ISREG(st.st_mode))
    return fmt::format("{} where lever keeps a record file; move it out of the store", describe_entry(p));
  unsigned want = dir ? 0700 : 0600;
  if (st.st_mode & 077)
    return fmt::format("open to other users (mode {:o}, should be {:o}); run chmod {:o} on it", st.st_mode & 0777, want, want);
  return {};
}

}  // namespace

void Store::check_entries(std::vector<StoreProblem>& out) const {
  auto report = [&](const fs::path& p, bool dir) {
    auto why = entry_problem(p, dir);
    if (!why.empty()) out.push_back({rel(p), 0, why});
    return why.empty();
  };
  struct stat st{};
  if (::stat(dir_.c_str(), &st) == 0 && (st.st_mode & 077))
    out.push_back({".", 0, fmt::format("the store directory is open to other users (mode {:o}, should be 700); run chmod 700 on it", st.st_mode & 0777)});
  report(dir_ / ".lock", false);
  std::set<std::string> dirs = {"journal", "cache", "sim"};
  for (const auto& c : collections()) dirs.insert(c.dir);
  for (const auto& name : dirs) {
    fs::path d = dir_ / name;
    if (!report(d, true) || entry_kind(d) != EntryKind::directory) continue;
    if (name == "sim" || name == "cache") {
      // The simulator's memory and the report cache: files lever reads back, so the same rules.
      for (const auto& f : list_confined(dir_, d)) report(d / f, false);
    }
  }
}

void Store::check_journals(std::vector<StoreProblem>& out) const {
  fs::path jdir = dir_ / "journal";
  if (entry_kind(jdir) != EntryKind::directory) return;
  size_t pending = 0;
  for (const auto& name : list_confined(dir_, jdir)) {
    fs::path jf = jdir / name;
    auto why = entry_problem(jf, false);
    if (!why.empty()) {
      out.push_back({rel(jf), 0, why});
      continue;
    }
    if (jf.extension() != ".ndjson") {
      out.push_back({rel(jf), 0, "a file lever did not write (unexpected name)", true});
      continue;
    }
    try {
      parse_journal(jf, read_file(jf, dir_).value_or(""));
      ++pending;
    } catch (const Error& e) {
      out.push_back({rel(jf), 0, std::string(e.what()) + " (" + e.hint() + ")"});
    }
  }
  if (pending) out.push_back({"journal", 0, "an interrupted import is pending; the next write finishes it", true});
}

std::vector<StoreProblem> Store::check() const {
  std::vector<StoreProblem> out;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    out.push_back({dir_.string(), 0, "the store directory does not exist"});
    return out;
  }
  check_entries(out);
  if (auto why = entry_problem(dir_ / "store.json", false); !why.empty()) {
    out.push_back({"store.json", 0, why});
  } else if (auto text = read_file(dir_ / "store.json", dir_)) {
    try {
      auto issues = schemas::validator("store.schema.json").validate(parse_document(dir_ / "store.json", *text));
      if (!issues.empty()) out.push_back({"store.json", 0, join(issues)});
    } catch (const Error& e) {
      out.push_back({"store.json", 0, e.what()});
    }
  } else {
    out.push_back({"store.json", 0, "missing (not a lever store, or it was deleted)"});
  }
  // Which IDs exist, for cross-references (a collection whose directory is a link has none).
  std::map<std::string, std::set<std::string>> present;
  for (const auto& c : collections()) {
    try {
      auto ids = list(c);
      present[c.name] = std::set<std::string>(ids.begin(), ids.end());
    } catch (const Error&) {
    }
  }
  auto check_refs = [&](const Collection& c, const json& rec, const std::string& file, long line) {
    for (const auto& r : c.refs) {
      if (!rec.contains(r.field) || rec[r.field].is_null()) continue;
      auto id = rec[r.field].get<std::string>();
      if (!present[r.collection].count(id))
        out.push_back({file, line, fmt::format("{} '{}' refers to a {} that does not exist", r.field, id, r.collection)});
    }
  };
  // Record IDs of every log but telemetry (whose IDs carry their session's), store-wide: where each was first seen.
  std::unordered_map<std::string, std::pair<std::string, long>> first_seen;
  for (const auto& c : collections()) {
    fs::path cdir = dir_ / c.dir;
    if (entry_kind(cdir) != EntryKind::directory) continue;
    std::string ext = c.is_log ? ".ndjson" : ".json";
    auto names = list_confined(dir_, cdir);
    std::sort(names.begin(), names.end());  // a duplicate is named in the same place every time
    for (const auto& name : names) {
      fs::path p = cdir / name;
      std::string file = rel(p);
      bool regular = entry_kind(p) == EntryKind::regular;
      if (regular && name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) {
        out.push_back({file, 0, "a temporary file left by an interrupted write (the next write removes it)", true});
        continue;
      }
      if (auto why = entry_problem(p, false); !why.empty()) {
        out.push_back({file, 0, why});
        if (!regular) continue;
      }
      if (name.size() <= ext.size() || name.compare(name.size() - ext.size(), ext.size(), ext) != 0 ||
          !is_valid_id(name.substr(0, name.size() - ext.size()))) {
        out.push_back({file, 0, "a file lever did not write (unexpected name)", true});
        continue;
      }
      std::string id = name.substr(0, name.size() - ext.size());
      if (!c.is_log) {
        try {
          auto doc = load(c, id);
          if (doc && doc->value("id", "") != id)
            out.push_back({file, 0, fmt::format("its id '{}' does not match its file name", doc->value("id", ""))});
          if (doc) check_refs(c, *doc, file, 0);
        } catch (const Error& e) {
          out.push_back({file, 0, e.what()});
        }
        continue;
      }
      std::vector<StoreProblem> lp;
      std::vector<long> lines;
      std::vector<json> recs;
      try {
        recs = read_log(c, id, &lp, &lines);
      } catch (const Error& e) {
        out.push_back({file, 0, e.what()});
        continue;
      }
      out.insert(out.end(), lp.begin(), lp.end());
      std::unordered_map<std::string, long> here;
      for (size_t k = 0; k < recs.size(); ++k) {
        const auto& r = recs[k];
        long line = lines[k];
        auto rid = r.value("id", "");
        if (auto [it, fresh] = here.emplace(rid, line); !fresh) {
          out.push_back({file, line, fmt::format("record id '{}' appears twice (also at line {})", rid, it->second)});
        } else if (c.name != "telemetry") {
          auto [g, first] = first_seen.emplace(c.name + "\n" + rid, std::make_pair(file, line));
          if (!first)
            out.push_back({file, line, fmt::format("record id '{}' appears twice in the store (also in {} line {})", rid,
                                                   g->second.first, g->second.second)});
        }
        if (!c.key_field.empty() && r.value(c.key_field, "") != id)
          out.push_back({file, line, fmt::format("record '{}' has {} '{}' but sits in the log of '{}'", rid, c.key_field, r.value(c.key_field, ""), id)});
        check_refs(c, r, file, line);
      }
    }
  }
  check_journals(out);
  return out;
}

}  // namespace lever
