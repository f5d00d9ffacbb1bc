#include "lever/store/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "lever/store/schemas.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"

namespace lever {

using nlohmann::json;

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

std::string join_issues(const std::vector<SchemaIssue>& issues) {
  std::string s;
  for (const auto& i : issues) s += (s.empty() ? "" : "; ") + (i.pointer.empty() ? "document" : i.pointer) + " " + i.message;
  return s;
}

}  // namespace

StoreLock::~StoreLock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

fs::path Store::resolve_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* s = env("LEVER_STORE")) return s;
  if (const char* x = env("XDG_DATA_HOME")) return fs::path(x) / "lever";
  if (const char* h = env("HOME")) return fs::path(h) / ".local/share/lever";
  throw Error(Exit::usage, "cannot find a place for the store: HOME is not set",
              "name one with --store DIR or LEVER_STORE");
}

Store::Store(fs::path dir) : dir_(std::move(dir)) {}

bool Store::exists() const { return fs::exists(dir_ / "store.json"); }

std::string Store::rel(const fs::path& p) const { return fs::relative(p, dir_).string(); }

void Store::ensure_created() {
  std::error_code ec;
  if (fs::exists(dir_, ec) && !fs::is_directory(dir_, ec))
    throw Error(Exit::usage, fmt::format("the store path {} is not a directory", dir_.string()),
                "name a directory with --store DIR or LEVER_STORE");
  make_private_dirs(dir_);
  if (!exists()) {
    json doc = {{"schema_version", kSchemaVersion}, {"kind", "lever-store"}, {"created_at", format_iso(now())},
                {"config", json::object()}};
    write_file_atomic(dir_ / "store.json", doc.dump(2) + "\n");
  }
}

std::unique_ptr<StoreLock> Store::lock() {
  ensure_created();
  fs::path lp = dir_ / ".lock";
  int fd = ::open(lp.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw_io_error("open the lock file", lp, errno);
  double timeout = 10;
  if (const char* t = env("LEVER_LOCK_TIMEOUT")) timeout = std::atof(t);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int e = errno;
      ::close(fd);
      throw_io_error("lock", lp, e);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder;
      char buf[128] = {};
      if (::pread(fd, buf, sizeof buf - 1, 0) > 0) holder = buf;
      ::close(fd);
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
      throw Error(Exit::store_busy,
                  fmt::format("the store {} is busy: another lever holds its lock{}", dir_.string(),
                              holder.empty() ? "" : " (" + holder + ")"),
                  fmt::format("wait for it to finish and try again (waited {:g} s; LEVER_LOCK_TIMEOUT sets the wait)", timeout));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto guard = std::unique_ptr<StoreLock>(new StoreLock(fd));
  std::string who = fmt::format("pid {}", ::getpid());
  if (::ftruncate(fd, 0) == 0) (void)::pwrite(fd, who.data(), who.size(), 0);
  // Under the exclusive lock no other writer is mid-write: leftover temp files are from a crash.
  for (const auto& c : collections()) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir_ / c.dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      auto name = it->path().filename().string();
      if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) fs::remove(it->path(), ec);
    }
  }
  recover_journal();
  return guard;
}

fs::path Store::path(const Collection& c, const std::string& id) const {
  require_id(c.name, id);
  return dir_ / c.dir / (id + (c.is_log ? ".ndjson" : ".json"));
}

bool Store::has(const Collection& c, const std::string& id) const {
  std::error_code ec;
  return fs::exists(path(c, id), ec);
}

std::vector<std::string> Store::validate(const Collection& c, const json& doc) {
  std::vector<std::string> out;
  for (const auto& i : schemas::validator(c.schema).validate(doc))
    out.push_back((i.pointer.empty() ? std::string("document") : i.pointer) + " " + i.message);
  return out;
}

json Store::parse_document(const fs::path& file, const std::string& text) const {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(Exit::invalid_data, fmt::format("{} is not valid JSON: {}", rel(file), e.what()),
                "restore it from a backup or fix it by hand, then run 'lever store check'");
  }
  if (doc.is_object() && doc.contains("schema_version") && doc["schema_version"].is_number_integer() &&
      doc["schema_version"].get<int>() > kSchemaVersion)
    throw Error(Exit::invalid_data,
                fmt::format("{} has schema_version {}, newer than this lever understands ({})", rel(file),
                            doc["schema_version"].get<int>(), kSchemaVersion),
                "upgrade lever to read this store");
  return doc;
}

std::optional<json> Store::load(const Collection& c, const std::string& id) const { return load(c, id, {}); }

std::optional<json> Store::load(const Collection& c, const std::string& id, const std::vector<std::string>& fields) const {
  fs::path p = path(c, id);
  auto text = read_file(p);
  if (!text) return std::nullopt;
  const auto& v = schemas::validator(c.schema);
  // The quick parse vouches only for valid documents; a newer schema_version still gets its error
  // (so it is read along with the fields asked for, and dropped again if not asked for).
  std::vector<std::string> want = fields;
  bool add_version = !want.empty() && std::find(want.begin(), want.end(), "schema_version") == want.end();
  if (add_version) want.push_back("schema_version");
  if (auto quick = v.parse_valid(*text, want)) {
    auto ver = quick->find("schema_version");
    if (!quick->is_object() || ver == quick->end() || !ver->is_number_integer() || ver->get<int>() <= kSchemaVersion) {
      if (add_version && quick->is_object()) quick->erase("schema_version");
      return quick;
    }
  }
  json doc = parse_document(p, *text);
  auto issues = v.validate(doc);
  if (!issues.empty())
    throw Error(Exit::invalid_data, fmt::format("{} is not a valid {} document: {}", rel(p), c.name, join_issues(issues)),
                "fix or restore that file, then run 'lever store check'");
  return only_fields(std::move(doc), fields);
}

json only_fields(json doc, const std::vector<std::string>& fields) {
  if (fields.empty() || !doc.is_object()) return doc;
  json out = json::object();
  for (const auto& k : fields)
    if (auto it = doc.find(k); it != doc.end()) out[k] = std::move(*it);
  return out;
}

void Store::save(const Collection& c, const std::string& id, const json& doc) {
  auto problems = validate(c, doc);
  if (!problems.empty())
    throw Error(Exit::invalid_data, fmt::format("refusing to write an invalid {} '{}': {}", c.name, id, problems.front()));
  fs::path p = path(c, id);
  make_private_dirs(p.parent_path());
  write_file_atomic(p, doc.dump(2) + "\n");
}

std::vector<std::string> Store::list(const Collection& c) const {
  std::vector<std::string> ids;
  list_batches(c, SIZE_MAX, [&](std::vector<std::string>&& batch) { ids = std::move(batch); });
  std::sort(ids.begin(), ids.end());
  return ids;
}

void Store::list_batches(const Collection& c, size_t batch, const std::function<void(std::vector<std::string>&&)>& sink) const {
  // readdir directly: a report lists tens of thousands of sessions, and directory_iterator builds a
  // path object per entry.
  std::vector<std::string> ids;
  std::string_view ext = c.is_log ? ".ndjson" : ".json";
  DIR* d = ::opendir((dir_ / c.dir).c_str());
  if (!d) return;
  while (const dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() <= ext.size() || name.substr(name.size() - ext.size()) != ext) continue;
    auto id = name.substr(0, name.size() - ext.size());
    if (!is_valid_id(id)) continue;
    ids.emplace_back(id);
    if (ids.size() == batch) sink(std::exchange(ids, {}));
  }
  ::closedir(d);
  if (!ids.empty()) sink(std::move(ids));
}

void Store::append(const Collection& c, const std::string& key, const json& record) {
  auto problems = validate(c, record);
  if (!problems.empty())
    throw Error(Exit::invalid_data, fmt::format("refusing to log an invalid {} record: {}", c.name, problems.front()));
  fs::path p = path(c, key);
  make_private_dirs(p.parent_path());
  append_line_durable(p, record.dump());
}

std::vector<json> Store::read_log(const Collection& c, const std::string& key, std::vector<StoreProblem>* problems) const {
  std::vector<json> out;
  fs::path p = path(c, key);
  auto text = read_file(p);
  if (!text) return out;
  const auto& v = schemas::validator(c.schema);
  size_t pos = 0;
  long line = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    ++line;
    if (nl == std::string::npos) {
      // An unterminated last line was never acknowledged (a crash mid-append): not a record.
      if (problems)
        problems->push_back({rel(p), line, "unfinished last line from an interrupted write (never acknowledged; the next write removes it)", true});
      break;
    }
    std::string_view sv(text->data() + pos, nl - pos);
    pos = nl + 1;
    if (sv.empty()) continue;
    if (auto quick = v.parse_valid(sv)) {
      out.push_back(std::move(*quick));
      continue;
    }
    json rec = json::parse(sv, nullptr, false);
    if (rec.is_discarded()) {
      if (problems) problems->push_back({rel(p), line, "not valid JSON"});
      continue;
    }
    auto issues = v.validate(rec);
    if (!issues.empty()) {
      if (problems) problems->push_back({rel(p), line, join_issues(issues)});
      continue;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

std::vector<json> Store::read_log_tail(const Collection& c, const std::string& key, size_t n,
                                       const std::vector<std::string>& fields, std::vector<StoreProblem>* problems) const {
  std::vector<json> out;
  fs::path p = path(c, key);
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    throw_io_error("read", p, errno);
  }
  struct stat st{};
  ::fstat(fd, &st);
  const auto& v = schemas::validator(c.schema);
  std::vector<std::pair<off_t, std::string>> bad;  // offset and problem of each damaged line in the tail
  // Read the last block and take the newest n intact records from it; when it holds fewer (long
  // lines, damaged ones), read a block four times larger, up to the whole file. A report reads
  // the tails of a thousand logs, so the first block is small.
  for (off_t block = 8192;; block *= 4) {
    off_t start = st.st_size > block ? st.st_size - block : 0;
    std::string tail(static_cast<size_t>(st.st_size - start), '\0');
    if (::pread(fd, tail.data(), tail.size(), start) != static_cast<ssize_t>(tail.size())) {
      int e = errno;
      ::close(fd);
      throw_io_error("read", p, e);
    }
    if (!tail.empty() && tail.back() != '\n') tail.erase(tail.rfind('\n') == std::string::npos ? 0 : tail.rfind('\n') + 1);
    std::vector<std::string_view> lines;
    size_t pos = 0;
    while (pos < tail.size()) {
      size_t nl = tail.find('\n', pos);
      lines.emplace_back(tail.data() + pos, nl - pos);
      pos = nl + 1;
    }
    if (start > 0 && !lines.empty()) lines.erase(lines.begin());  // the first may be cut mid-record
    out.clear();
    bad.clear();
    for (auto it = lines.rbegin(); it != lines.rend() && out.size() < n; ++it) {
      if (auto quick = v.parse_valid(*it, fields)) {
        out.push_back(std::move(*quick));
        continue;
      }
      json rec = json::parse(*it, nullptr, false);
      if (!rec.is_discarded() && v.accepts(rec)) out.push_back(only_fields(std::move(rec), fields));
      else if (!it->empty()) bad.emplace_back(start + (it->data() - tail.data()), rec.is_discarded() ? "not valid JSON" : join_issues(v.validate(rec)));
    }
    if (out.size() >= n || start == 0) break;
  }
  // A damaged line is named with its line number: counting the lines before it reads the file up to
  // there, which only happens when something is damaged.
  if (problems && !bad.empty()) {
    // `bad` runs newest first, so its first offset is the largest.
    std::string head(static_cast<size_t>(bad.front().first), '\0');
    ssize_t got = std::max<ssize_t>(0, ::pread(fd, head.data(), head.size(), 0));
    for (auto b = bad.rbegin(); b != bad.rend(); ++b) {
      auto upto = head.begin() + std::min<ssize_t>(static_cast<ssize_t>(b->first), got);
      problems->push_back({rel(p), 1 + static_cast<long>(std::count(head.begin(), upto, '\n')), b->second});
    }
  }
  ::close(fd);
  std::reverse(out.begin(), out.end());
  return out;
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
  make_private_dirs(jdir);
  fs::path jfile = jdir / (new_record_id("batch") + ".ndjson");
  write_file_atomic(jfile, journal_text);
  std::vector<std::pair<fs::path, uintmax_t>> done;  // logs appended so far, with their old sizes
  try {
    for (const auto& [key, lines] : by_key) {
      fs::path p = path(c, key);
      make_private_dirs(p.parent_path());
      std::error_code ec;
      uintmax_t old = fs::exists(p, ec) ? fs::file_size(p, ec) : 0;
      append_lines_durable(p, lines);
      done.emplace_back(p, old);
    }
  } catch (const Error&) {
    // The caller is told the batch failed, so none of it may appear later: cut the logs back and
    // drop the journal. If that fails too, the journal stays and the next write completes the batch.
    try {
      for (const auto& [p, old] : done) truncate_durable(p, old);
      fs::remove(jfile);
      sync_directory(jdir);
    } catch (const std::exception&) {
    }
    throw;
  }
  fs::remove(jfile);
  sync_directory(jdir);
}

void Store::recover_journal() {
  std::error_code ec;
  fs::path jdir = dir_ / "journal";
  std::vector<fs::path> files;
  for (auto it = fs::directory_iterator(jdir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().extension() == ".ndjson") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  for (const auto& jf : files) {
    auto text = read_file(jf);
    if (!text) continue;
    std::map<std::pair<std::string, std::string>, std::vector<json>> groups;
    size_t pos = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) break;
      json e = json::parse(std::string_view(text->data() + pos, nl - pos), nullptr, false);
      pos = nl + 1;
      if (e.is_discarded()) continue;
      groups[{e.value("collection", ""), e.value("key", "")}].push_back(e["record"]);
    }
    for (const auto& [ck, recs] : groups) {
      const Collection& c = collection(ck.first);
      std::set<std::string> present;
      for (const auto& r : read_log(c, ck.second)) present.insert(r.value("id", ""));
      std::string lines;
      for (const auto& r : recs)
        if (!present.count(r.value("id", ""))) lines += r.dump() + "\n";
      if (!lines.empty()) {
        fs::path p = path(c, ck.second);
        make_private_dirs(p.parent_path());
        append_lines_durable(p, lines);
      }
    }
    fs::remove(jf);
    sync_directory(jdir);
  }
}

void Store::audit(const std::string& user, const std::string& action, const std::string& target, const json& details) {
  auto t = now();
  json rec = {{"schema_version", kSchemaVersion}, {"id", new_record_id("a")}, {"at", format_iso(t)},
              {"user", user}, {"action", action}, {"target", target}, {"details", details}};
  append(collection("audit"), format_date(t).substr(0, 7), rec);
}

json Store::config() const {
  auto text = read_file(dir_ / "store.json");
  if (!text) return json::object();
  json doc = parse_document(dir_ / "store.json", *text);
  return doc.is_object() && doc.contains("config") ? doc["config"] : json::object();
}

void Store::set_config(const json& config) {
  auto text = read_file(dir_ / "store.json");
  json doc = text ? parse_document(dir_ / "store.json", *text) : json::object();
  doc["config"] = config;
  auto issues = schemas::validator("store.schema.json").validate(doc);
  if (!issues.empty()) throw Error(Exit::invalid_data, "refusing to write an invalid store configuration: " + join_issues(issues));
  write_file_atomic(dir_ / "store.json", doc.dump(2) + "\n");
}

std::vector<StoreProblem> Store::check() const {
  std::vector<StoreProblem> out;
  if (!fs::is_directory(dir_)) {
    out.push_back({dir_.string(), 0, "the store directory does not exist"});
    return out;
  }
  struct stat st{};
  if (::stat(dir_.c_str(), &st) == 0 && (st.st_mode & 077))
    out.push_back({".", 0, fmt::format("the store directory is open to other users (mode {:o}); run chmod 700 on it", st.st_mode & 0777), true});
  // store.json
  if (auto text = read_file(dir_ / "store.json")) {
    try {
      auto issues = schemas::validator("store.schema.json").validate(parse_document(dir_ / "store.json", *text));
      if (!issues.empty()) out.push_back({"store.json", 0, join_issues(issues)});
    } catch (const Error& e) {
      out.push_back({"store.json", 0, e.what()});
    }
  } else {
    out.push_back({"store.json", 0, "missing (not a lever store, or it was deleted)"});
  }
  // Which IDs exist, for cross-references.
  std::map<std::string, std::set<std::string>> present;
  for (const auto& c : collections()) {
    auto ids = list(c);
    present[c.name] = std::set<std::string>(ids.begin(), ids.end());
  }
  auto check_refs = [&](const Collection& c, const json& rec, const std::string& file, long line) {
    for (const auto& r : c.refs) {
      if (!rec.contains(r.field) || rec[r.field].is_null()) continue;
      auto id = rec[r.field].get<std::string>();
      if (!present[r.collection].count(id))
        out.push_back({file, line, fmt::format("{} '{}' refers to a {} that does not exist", r.field, id, r.collection)});
    }
  };
  auto check_mode = [&](const fs::path& p) {
    struct stat fst{};
    if (::stat(p.c_str(), &fst) == 0 && (fst.st_mode & 077))
      out.push_back({rel(p), 0, fmt::format("readable by other users (mode {:o}); run chmod 600 on it", fst.st_mode & 0777), true});
  };
  for (const auto& c : collections()) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir_ / c.dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      auto name = it->path().filename().string();
      std::string ext = c.is_log ? ".ndjson" : ".json";
      if (!it->is_regular_file()) continue;
      if (name.size() <= ext.size() || name.compare(name.size() - ext.size(), ext.size(), ext) != 0 ||
          !is_valid_id(name.substr(0, name.size() - ext.size()))) {
        out.push_back({rel(it->path()), 0, "a file lever did not write (unexpected name)", true});
        continue;
      }
      std::string id = name.substr(0, name.size() - ext.size());
      check_mode(it->path());
      if (!c.is_log) {
        try {
          auto doc = load(c, id);
          if (doc && doc->value("id", "") != id)
            out.push_back({rel(it->path()), 0, fmt::format("its id '{}' does not match its file name", doc->value("id", ""))});
          if (doc) check_refs(c, *doc, rel(it->path()), 0);
        } catch (const Error& e) {
          out.push_back({rel(it->path()), 0, e.what()});
        }
        continue;
      }
      std::vector<StoreProblem> lp;
      auto recs = read_log(c, id, &lp);
      out.insert(out.end(), lp.begin(), lp.end());
      std::set<std::string> seen;
      long n = 0;
      for (const auto& r : recs) {
        ++n;
        auto rid = r.value("id", "");
        if (!seen.insert(rid).second) out.push_back({rel(it->path()), 0, fmt::format("record id '{}' appears twice", rid)});
        if (!c.key_field.empty() && r.value(c.key_field, "") != id)
          out.push_back({rel(it->path()), 0, fmt::format("record '{}' has {} '{}' but sits in the log of '{}'", rid, c.key_field, r.value(c.key_field, ""), id)});
        check_refs(c, r, rel(it->path()), 0);
      }
    }
  }
  std::error_code ec;
  if (fs::exists(dir_ / "journal", ec) && !fs::is_empty(dir_ / "journal", ec))
    out.push_back({"journal", 0, "an interrupted import is pending; the next write finishes it", true});
  return out;
}

std::string resolve_user(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* u = env("LEVER_USER")) return u;
  if (struct passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  if (const char* u = env("USER")) return u;
  return "unknown";
}

}  // namespace lever
