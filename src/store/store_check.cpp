// `lever store check`: every file of the store, its kind and mode, its schema, its cross-references,
// record IDs that appear twice, and interrupted imports. Reports; never repairs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "lever/store/schemas.hpp"
#include "lever/store/store.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/parallel.hpp"

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
std::string entry_problem(const fs::path& p, bool dir, const struct stat& st) {
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

// The same for the entry at `p` as it is now (nothing when it does not exist).
std::string entry_problem(const fs::path& p, bool dir) {
  struct stat st{};
  if (::lstat(p.c_str(), &st) != 0) return {};
  return entry_problem(p, dir, st);
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

namespace {

// A finding of one file: a problem, or (with store_wide_id) a record ID still to be checked against
// the IDs of the files before it.
struct CheckFinding {
  StoreProblem problem;       ///< the problem (for an ID check: where the record is)
  std::string store_wide_id;  ///< a log record's ID to check store-wide; empty for a plain problem
};

using IdsByCollection = std::unordered_map<std::string, std::unordered_set<std::string>>;

// Every finding of one file of collection c: its kind and mode, its name, its schema, duplicate
// record IDs within it, and references to records that do not exist (`present`).
std::vector<CheckFinding> check_file(const Store& store, const Collection& c, int dirfd, const std::string& name,
                                     const IdsByCollection& present) {
  std::vector<CheckFinding> out;
  auto problem = [&](std::string file, long line, std::string what, bool note = false) {
    out.push_back({{std::move(file), line, std::move(what), note}, {}});
  };
  auto check_refs = [&](const json& rec, const std::string& file, long line) {
    for (const auto& r : c.refs) {
      if (!rec.contains(r.field) || rec[r.field].is_null()) continue;
      auto id = rec[r.field].get<std::string>();
      auto ids = present.find(r.collection);
      if (ids == present.end() || !ids->second.count(id))
        problem(file, line, fmt::format("{} '{}' refers to a {} that does not exist", r.field, id, r.collection));
    }
  };
  const std::string ext = c.is_log ? ".ndjson" : ".json";
  fs::path p = store.dir() / c.dir / name;
  std::string file = c.dir + "/" + name;  // relative to the store, as Store::rel gives it
  // Opened once, relative to the directory already opened (nothing above it is resolved again) and
  // never through a link (as Store::load opens; O_NONBLOCK: a FIFO must not wait for a writer); its
  // kind and mode come from the open file. Only what cannot be opened is looked at by name.
  struct Opened {
    int fd = -1;
    ~Opened() {
      if (fd >= 0) ::close(fd);
    }
  } f;
  struct stat st{};
  f.fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  const int open_errno = errno;
  if (f.fd >= 0 ? ::fstat(f.fd, &st) != 0 : ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return out;  // gone since it was listed
  bool regular = S_ISREG(st.st_mode);
  if (regular && name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) {
    problem(file, 0, "a temporary file left by an interrupted write (the next write removes it)", true);
    return out;
  }
  if (auto why = entry_problem(p, false, st); !why.empty()) {
    problem(file, 0, why);
    if (!regular) return out;
  }
  if (name.size() <= ext.size() || name.compare(name.size() - ext.size(), ext.size(), ext) != 0 ||
      !is_valid_id(name.substr(0, name.size() - ext.size()))) {
    problem(file, 0, "a file lever did not write (unexpected name)", true);
    return out;
  }
  std::string id = name.substr(0, name.size() - ext.size());
  // Each record is validated whole; only the fields checked here are kept of it.
  std::vector<std::string> fields = {"id"};
  if (!c.key_field.empty()) fields.push_back(c.key_field);
  for (const auto& r : c.refs) fields.push_back(r.field);
  if (f.fd < 0) {  // a regular file that could not be opened
    problem(file, 0, fmt::format("cannot be read: {}", std::strerror(open_errno)));
    return out;
  }
  std::optional<std::string> text;
  try {
    text = read_open_file(f.fd, static_cast<size_t>(st.st_size), p);
  } catch (const Error& e) {
    problem(file, 0, e.what());
    return out;
  }
  if (!c.is_log) {
    try {
      auto doc = store.document_from_text(c, p, *text, fields);
      if (doc.value("id", "") != id)
        problem(file, 0, fmt::format("its id '{}' does not match its file name", doc.value("id", "")));
      check_refs(doc, file, 0);
    } catch (const Error& e) {
      problem(file, 0, e.what());
    }
    return out;
  }
  std::vector<StoreProblem> lp;
  std::vector<long> lines;
  std::vector<json> recs;
  try {
    recs = store.log_from_text(c, p, *text, &lp, &lines, fields);
  } catch (const Error& e) {
    problem(file, 0, e.what());
    return out;
  }
  for (auto& x : lp) out.push_back({std::move(x), {}});
  std::unordered_map<std::string, long> here;
  here.reserve(recs.size());
  for (size_t k = 0; k < recs.size(); ++k) {
    const auto& r = recs[k];
    long line = lines[k];
    auto rid = r.value("id", "");
    if (auto [it, fresh] = here.emplace(rid, line); !fresh)
      problem(file, line, fmt::format("record id '{}' appears twice (also at line {})", rid, it->second));
    else if (c.name != "telemetry")
      out.push_back({{file, line, "", false}, rid});  // checked against the whole store in file order
    if (!c.key_field.empty() && r.value(c.key_field, "") != id)
      problem(file, line, fmt::format("record '{}' has {} '{}' but sits in the log of '{}'", rid, c.key_field, r.value(c.key_field, ""), id));
    check_refs(r, file, line);
  }
  return out;
}

}  // namespace

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
  IdsByCollection present;
  for (const auto& c : collections()) {
    try {
      auto ids = list(c);
      present[c.name] = std::unordered_set<std::string>(ids.begin(), ids.end());
    } catch (const Error&) {
    }
  }
  // Every file of every collection, in a fixed order (a duplicate is named in the same place every time).
  struct FileToCheck {
    const Collection* c;
    int dirfd;  // the collection's directory, opened once
    std::string name;
  };
  std::vector<FileToCheck> files;
  struct OpenDirs {  // closed when the check ends, however it ends
    std::vector<int> fds;
    ~OpenDirs() {
      for (int fd : fds) ::close(fd);
    }
  } dirs;
  for (const auto& c : collections()) {
    if (entry_kind(dir_ / c.dir) != EntryKind::directory) continue;
    int fd = open_dir_confined(dir_, dir_ / c.dir);
    if (fd < 0) continue;
    dirs.fds.push_back(fd);
    auto names = list_confined(dir_, dir_ / c.dir);
    std::sort(names.begin(), names.end());
    for (auto& name : names) files.push_back({&c, fd, std::move(name)});
  }
  // Each file is checked on its own, on every core (reading and parsing is the cost); its findings
  // are then taken in file order, with the store-wide duplicate check between, so the report is the
  // same whatever the threads did.
  std::vector<std::vector<CheckFinding>> found(files.size());
  parallel_for(files.size(), [&](size_t i, unsigned) { found[i] = check_file(*this, *files[i].c, files[i].dirfd, files[i].name, present); });
  // Record IDs of every log but telemetry (whose IDs carry their session's), store-wide per
  // collection: the finding where each was first seen (the IDs stay in `found` until the end).
  std::unordered_map<const Collection*, std::unordered_map<std::string_view, const CheckFinding*>> first_seen;
  for (size_t i = 0; i < files.size(); ++i) {
    auto& seen = first_seen[files[i].c];
    for (const auto& f : found[i]) {
      if (f.store_wide_id.empty()) {
        out.push_back(f.problem);
        continue;
      }
      auto [g, first] = seen.emplace(f.store_wide_id, &f);
      if (!first)
        out.push_back({f.problem.file, f.problem.line, fmt::format("record id '{}' appears twice in the store (also in {} line {})",
                                                                   f.store_wide_id, g->second->problem.file, g->second->problem.line)});
    }
  }
  check_journals(out);
  return out;
}

}  // namespace lever
