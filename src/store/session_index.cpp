#include "lever/store/session_index.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "lever/store/schemas.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/hash.hpp"

namespace lever {

namespace {

constexpr int kFormat = 2;
constexpr std::string_view kMagic = "lever-session-index";

int64_t ns(const timespec& t) { return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec; }

void fill(const struct stat& st, FileStamp& out) {
  out = {uint64_t(st.st_ino), uint64_t(st.st_size), ns(st.st_mtim), ns(st.st_ctim)};
}

// Names what the entries were made by: the index format, session.schema.json (a document valid
// under one schema may not be under the next) and the field list; any change rebuilds the index.
std::string index_key() {
  Fnv1a h;
  h.mix(std::to_string(kFormat));
  h.mix(schemas::embedded().at("session.schema.json"));
  for (const auto& f : indexed_session_fields()) h.mix(f);
  return fmt::format("{:016x}", h.value());
}

// Splits the next tab-separated field off `line`.
std::string_view next_field(std::string_view& line) {
  auto tab = line.find('\t');
  auto f = line.substr(0, tab);
  line = tab == std::string_view::npos ? std::string_view() : line.substr(tab + 1);
  return f;
}

template <class T>
bool number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool parse_entry(std::string_view line, SessionIndexEntry& e) {
  e.id = next_field(line);
  if (!number(next_field(line), e.stamp.ino) || !number(next_field(line), e.stamp.size) ||
      !number(next_field(line), e.stamp.mtime_ns) || !number(next_field(line), e.stamp.ctime_ns))
    return false;
  auto v = next_field(line);
  if (v != "v" && v != "x") return false;
  e.valid = v == "v";
  e.athlete = next_field(line);
  e.started = next_field(line);
  e.fields = line;  // the JSON text, which holds no tab or newline (both are escaped in JSON strings)
  return !e.id.empty() && (!e.valid || (!e.athlete.empty() && e.fields.size() >= 2 && e.fields.front() == '{'));
}

}  // namespace

bool stamp_at(int dirfd, const char* name, FileStamp& out) {
  struct stat st{};
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
  if (!S_ISREG(st.st_mode)) {
    errno = EINVAL;  // present but not a plain file: the caller must not take it for a vanished one
    return false;
  }
  fill(st, out);
  return true;
}

bool stamp_of(int fd, FileStamp& out) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return false;
  fill(st, out);
  return true;
}

std::chrono::nanoseconds& racy_stamp_margin() {
  static std::chrono::nanoseconds margin = std::chrono::seconds(2);  // far above any file-time tick
  return margin;
}

bool stamp_is_racy(const FileStamp& s) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return ns(now) - std::max(s.mtime_ns, s.ctime_ns) < racy_stamp_margin().count();
}

const std::vector<std::string>& indexed_session_fields() {
  static const std::vector<std::string> f = {
      "id", "athlete_id", "started_at", "ended_at", "status", "plan_step", "stop_reason", "run_minutes", "run_s",
      "duration_s", "support_pct", "measured_support_pct", "knee_load", "max_pain_during"};
  return f;
}

SessionIndex::SessionIndex(SessionIndex&& o) noexcept
    : map_(std::exchange(o.map_, nullptr)), size_(std::exchange(o.size_, 0)), entries_(std::move(o.entries_)) {}

SessionIndex& SessionIndex::operator=(SessionIndex&& o) noexcept {
  std::swap(map_, o.map_);
  std::swap(size_, o.size_);
  std::swap(entries_, o.entries_);
  return *this;
}

SessionIndex::~SessionIndex() {
  if (map_) ::munmap(map_, size_);
}

SessionIndex SessionIndex::load(const std::filesystem::path& file, const std::filesystem::path& root) {
  SessionIndex out;
  int fd = -1;
  try {
    fd = root.empty() ? ::open(file.c_str(), O_RDONLY | O_CLOEXEC) : open_confined(root, file, O_RDONLY);
  } catch (const Error&) {
    return out;  // a link or a non-file in the cache's place is not read; `store check` names it
  }
  if (fd < 0) return out;  // missing or unreadable: the reports read the sessions themselves
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
    ::close(fd);
    return out;
  }
  void* m = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) return out;
  out.map_ = m;
  out.size_ = size_t(st.st_size);
  std::string_view t(static_cast<const char*>(m), out.size_);
  std::string header = fmt::format("{} {}\n", kMagic, index_key());
  if (t.substr(0, header.size()) != header) return out;
  t.remove_prefix(header.size());
  // The last line names the entry count: a file cut short by a crash lacks it and is ignored.
  if (t.empty() || t.back() != '\n') return out;
  auto last = t.rfind('\n', t.size() - 2);
  std::string_view trailer = last == std::string_view::npos ? t : t.substr(last + 1);
  size_t count = 0;
  if (trailer.substr(0, 4) != "end " || !number(trailer.substr(4, trailer.size() - 5), count)) return out;
  t = last == std::string_view::npos ? std::string_view() : t.substr(0, last + 1);
  auto& v = out.entries_;
  v.reserve(count);
  while (!t.empty()) {
    auto nl = t.find('\n');
    SessionIndexEntry e;
    if (!parse_entry(t.substr(0, nl), e)) {
      v.clear();
      return out;
    }
    v.push_back(e);
    t.remove_prefix(nl + 1);
  }
  if (v.size() != count) v.clear();
  return out;
}

bool save_session_index(const std::filesystem::path& file, const std::vector<SessionIndexEntry>& entries,
                        const std::filesystem::path& root) {
  std::string text = fmt::format("{} {}\n", kMagic, index_key());
  for (const auto& e : entries)
    fmt::format_to(std::back_inserter(text), "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", e.id, e.stamp.ino, e.stamp.size,
                   e.stamp.mtime_ns, e.stamp.ctime_ns, e.valid ? "v" : "x", e.athlete, e.started, e.fields);
  fmt::format_to(std::back_inserter(text), "end {}\n", entries.size());
  try {
    make_private_dirs(file.parent_path(), root);
    write_file_atomic(file, text, Durability::cache, root);
  } catch (const Error&) {
    return false;
  }
  return true;
}

}  // namespace lever
