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

Store::Store(fs::path dir, bool may_create) : dir_(dir.lexically_normal()), may_create_(may_create) {
  // "store/" and "store" are one store: every file's path is dir_ / ..., compared lexically.
  if (!dir_.has_filename() && dir_.has_parent_path() && dir_ != dir_.root_path()) dir_ = dir_.parent_path();
}

bool Store::exists() const { return entry_kind(dir_ / "store.json") != EntryKind::missing; }

std::string Store::rel(const fs::path& p) const { return p.lexically_relative(dir_).string(); }  // never through a link

namespace {

// A directory with nothing in it but what lever itself puts in a store (a lock, the simulator's
// memory, a cache, empty collections): a store may be made there. Anything else means the path is
// wrong, and lever writes nothing into it.
bool empty_dir(const fs::path& d) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(d, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    auto name = it->path().filename().string();
    bool ours = name == ".lock" || name == "sim" || name == "cache" || name == "journal" || name.rfind(".store.json.tmp-", 0) == 0;
    for (const auto& c : collections()) ours = ours || name == c.dir;
    if (!ours) return false;
  }
  return !ec;
}

}  // namespace

void Store::require_readable() const {
  std::error_code ec;
  auto st = fs::status(dir_, ec);  // the store directory itself may be a link the user made
  if (!fs::exists(st)) {
    if (may_create_) return;  // the configured place before the first write: an empty store
    throw Error(Exit::not_found, fmt::format("no lever store at {}: the directory does not exist", dir_.string()),
                fmt::format("check the path given to --store; 'lever store init {}' creates a new store there", dir_.string()));
  }
  if (!fs::is_directory(st))
    throw Error(Exit::not_found, fmt::format("{} is not a lever store: it is not a directory", dir_.string()),
                "name the store directory with --store DIR or LEVER_STORE ('lever store path' shows the one in use)");
  if (exists()) return;
  bool empty = empty_dir(dir_);
  if (may_create_ && empty) return;
  if (empty)
    throw Error(Exit::not_found, fmt::format("{} is an empty directory, not yet a lever store", dir_.string()),
                fmt::format("make it one with 'lever store init {}', or check the path given to --store", dir_.string()));
  throw Error(Exit::not_found, fmt::format("{} is not a lever store: it has no store.json", dir_.string()),
              fmt::format("check the path given to --store or LEVER_STORE; an empty directory becomes a store with "
                          "'lever store init {}'", dir_.string()));
}

bool Store::init(const fs::path& dir) {
  std::error_code ec;
  auto st = fs::status(dir, ec);
  if (fs::exists(st) && !fs::is_directory(st))
    throw Error(Exit::usage, fmt::format("cannot make {} a store: it is not a directory", dir.string()),
                "name a new or empty directory");
  Store s(dir, true);
  if (s.exists()) {
    s.config();  // a store.json that is a link, damaged or from a newer lever is refused here too
    return false;
  }
  if (fs::exists(st) && !empty_dir(dir))
    throw Error(Exit::usage, fmt::format("cannot make {} a store: it is a directory with other things in it", dir.string()),
                "name a new or empty directory for the store");
  s.ensure_created();
  // An existing directory becomes private as a new one is: the store holds health data.
  struct stat dst{};
  if (::stat(s.dir_.c_str(), &dst) == 0 && (dst.st_mode & 077) && ::chmod(s.dir_.c_str(), 0700) != 0)
    throw_io_error("make private (chmod 700)", s.dir_, errno);
  return true;
}

void Store::ensure_created() {
  std::error_code ec;
  auto st = fs::status(dir_, ec);
  if (fs::exists(st) && !fs::is_directory(st))
    throw Error(Exit::not_found, fmt::format("{} is not a lever store: it is not a directory", dir_.string()),
                "name the store directory with --store DIR or LEVER_STORE");
  if (!exists()) {
    if (!may_create_ && !fs::exists(st))
      throw Error(Exit::not_found, fmt::format("no lever store at {}: the directory does not exist (nothing was written)", dir_.string()),
                  fmt::format("check the path given to --store; 'lever store init {}' creates a new store there", dir_.string()));
    if (fs::exists(st) && !empty_dir(dir_))
      throw Error(Exit::not_found, fmt::format("{} is not a lever store: it has no store.json (nothing was written)", dir_.string()),
                  "check the path given to --store or LEVER_STORE; 'lever store init DIR' makes an empty directory a store");
    if (!may_create_)
      throw Error(Exit::not_found, fmt::format("{} is an empty directory, not yet a lever store (nothing was written)", dir_.string()),
                  fmt::format("make it one with 'lever store init {}', or check the path given to --store", dir_.string()));
    make_private_dirs(dir_);
    json doc = {{"schema_version", kSchemaVersion}, {"kind", "lever-store"}, {"created_at", format_iso(now())},
                {"config", json::object()}};
    write_file_atomic(dir_ / "store.json", doc.dump(2) + "\n", Durability::synced, dir_);
    return;
  }
  // A store from a newer lever is never written to: its files may mean what this lever cannot know.
  auto text = read_file(dir_ / "store.json", dir_);
  json doc = text ? json::parse(*text, nullptr, false) : json();
  if (doc.is_object() && doc.contains("schema_version") && doc["schema_version"].is_number_integer() &&
      doc["schema_version"].get<long long>() > kSchemaVersion)
    throw Error(Exit::invalid_data,
                fmt::format("{} has schema_version {}: the store was written by a newer lever (this one writes {}); "
                            "nothing was written", (dir_ / "store.json").string(), doc["schema_version"].get<long long>(),
                            kSchemaVersion),
                "upgrade lever to change this store (reading it still works)");
  if (!doc.is_object() || doc.value("kind", "") != "lever-store")
    throw Error(Exit::invalid_data, fmt::format("{} is not a lever store.json (nothing was written)", (dir_ / "store.json").string()),
                "restore it from a backup, then run 'lever store check'");
}

std::unique_ptr<StoreLock> Store::lock() {
  ensure_created();
  fs::path lp = dir_ / ".lock";
  int fd = open_confined(dir_, lp, O_RDWR | O_CREAT, 0600);
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
  // Only regular files are removed; anything else there is refused where it matters and reported
  // by `store check`.
  std::vector<fs::path> dirs = {dir_, dir_ / "journal", dir_ / "cache"};
  for (const auto& c : collections()) dirs.push_back(dir_ / c.dir);
  for (const auto& d : dirs) {
    std::vector<std::string> names;
    try {
      names = list_confined(dir_, d);
    } catch (const Error&) {
      continue;  // a linked directory: the write that needs it refuses it by name
    }
    for (const auto& name : names) {
      if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) {
        try {
          remove_confined(dir_, d / name);
        } catch (const Error&) {
        }
      }
    }
  }
  // Every write ends in the audit log: a link or a non-file in its place is refused before anything
  // is changed (the audit write itself only warns, as the change is then already saved).
  fs::path audit_log = path(collection("audit"), format_date(now()).substr(0, 7));
  check_own_dirs(dir_, audit_log);
  if (auto k = entry_kind(audit_log); k != EntryKind::missing && k != EntryKind::regular) throw_not_a_record_file(audit_log);
  recover_journal();
  return guard;
}

fs::path Store::path(const Collection& c, const std::string& id) const {
  require_id(c.name, id);
  return dir_ / c.dir / (id + (c.is_log ? ".ndjson" : ".json"));
}

bool Store::has(const Collection& c, const std::string& id) const {
  // A link or a non-file in a record's place is neither a record nor a free name: it is refused.
  fs::path p = path(c, id);
  check_own_dirs(dir_, p);
  auto k = entry_kind(p);
  if (k != EntryKind::missing && k != EntryKind::regular) throw_not_a_record_file(p);
  return k == EntryKind::regular;
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
  auto text = read_file(p, dir_);
  if (!text) return std::nullopt;
  return document_from_text(c, p, *text, fields);
}

json Store::document_from_text(const Collection& c, const fs::path& p, const std::string& text,
                               const std::vector<std::string>& fields) const {
  const auto& v = schemas::validator(c.schema);
  // The quick parse vouches only for valid documents; a newer schema_version still gets its error
  // (so it is read along with the fields asked for, and dropped again if not asked for).
  std::vector<std::string> want = fields;
  bool add_version = !want.empty() && std::find(want.begin(), want.end(), "schema_version") == want.end();
  if (add_version) want.push_back("schema_version");
  if (auto quick = v.parse_valid(text, want)) {
    auto ver = quick->find("schema_version");
    if (!quick->is_object() || ver == quick->end() || !ver->is_number_integer() || ver->get<int>() <= kSchemaVersion) {
      if (add_version && quick->is_object()) quick->erase("schema_version");
      return std::move(*quick);
    }
  }
  json doc = parse_document(p, text);
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
  make_private_dirs(p.parent_path(), dir_);
  write_file_atomic(p, doc.dump(2) + "\n", Durability::synced, dir_);
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
  int fd = open_dir_confined(dir_, dir_ / c.dir);
  if (fd < 0) return;
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return;
  }
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
  make_private_dirs(p.parent_path(), dir_);
  append_line_durable(p, record.dump(), dir_);
}

std::vector<json> Store::read_log(const Collection& c, const std::string& key, std::vector<StoreProblem>* problems,
                                  std::vector<long>* lines, const std::vector<std::string>& fields) const {
  fs::path p = path(c, key);
  auto text = read_file(p, dir_);
  if (!text) return {};
  return log_from_text(c, p, *text, problems, lines, fields);
}

std::vector<json> Store::log_from_text(const Collection& c, const fs::path& p, std::string_view text,
                                       std::vector<StoreProblem>* problems, std::vector<long>* lines,
                                       const std::vector<std::string>& fields) const {
  std::vector<json> out;
  const auto& v = schemas::validator(c.schema);
  size_t pos = 0;
  long line = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    ++line;
    if (nl == std::string::npos) {
      // An unterminated last line was never acknowledged (a crash mid-append): not a record.
      if (problems)
        problems->push_back({rel(p), line, "unfinished last line from an interrupted write (never acknowledged; the next write removes it)", true});
      break;
    }
    std::string_view sv(text.data() + pos, nl - pos);
    pos = nl + 1;
    if (sv.empty()) continue;
    if (auto quick = v.parse_valid(sv, fields)) {
      out.push_back(std::move(*quick));
      if (lines) lines->push_back(line);
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
    out.push_back(only_fields(std::move(rec), fields));
    if (lines) lines->push_back(line);
  }
  return out;
}

std::vector<json> Store::read_log_tail(const Collection& c, const std::string& key, size_t n,
                                       const std::vector<std::string>& fields, std::vector<StoreProblem>* problems) const {
  std::vector<json> out;
  fs::path p = path(c, key);
  int fd = open_confined(dir_, p, O_RDONLY);
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

void Store::audit(const std::string& user, const std::string& action, const std::string& target, const json& details) {
  auto t = now();
  json rec = {{"schema_version", kSchemaVersion}, {"id", new_record_id("a")}, {"at", format_iso(t)},
              {"user", user}, {"action", action}, {"target", target}, {"details", details}};
  append(collection("audit"), format_date(t).substr(0, 7), rec);
}

json Store::config() const {
  auto text = read_file(dir_ / "store.json", dir_);
  if (!text) return json::object();
  json doc = parse_document(dir_ / "store.json", *text);
  return doc.is_object() && doc.contains("config") ? doc["config"] : json::object();
}

void Store::set_config(const json& config) {
  auto text = read_file(dir_ / "store.json", dir_);
  json doc = text ? parse_document(dir_ / "store.json", *text) : json::object();
  doc["config"] = config;
  auto issues = schemas::validator("store.schema.json").validate(doc);
  if (!issues.empty()) throw Error(Exit::invalid_data, "refusing to write an invalid store configuration: " + join_issues(issues));
  write_file_atomic(dir_ / "store.json", doc.dump(2) + "\n", Durability::synced, dir_);
}

std::string resolve_user(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* u = env("LEVER_USER")) return u;
  if (struct passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  if (const char* u = env("USER")) return u;
  return "unknown";
}

}  // namespace lever
