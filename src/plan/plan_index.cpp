#include "lever/plan/plan_index.hpp"

#include <fcntl.h>

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"

namespace lever::plan {

namespace {

// The first line names the format and the lever that wrote it: another lever's engine may decide
// differently, so its stamps vouch for nothing here.
std::string header() { return fmt::format("lever-plan-index 1 {}", LEVER_VERSION); }

template <class T>
bool number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Splits `line` at spaces into exactly n fields.
bool split(std::string_view line, std::string_view* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    auto sp = line.find(' ');
    if ((sp == std::string_view::npos) != (i + 1 == n)) return false;
    out[i] = line.substr(0, sp);
    line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  }
  return true;
}

bool parse_stamp(const std::string_view* f, FileStamp& s) {
  return number(f[0], s.ino) && number(f[1], s.size) && number(f[2], s.mtime_ns) && number(f[3], s.ctime_ns);
}

std::string stamp_text(const FileStamp& s) { return fmt::format("{} {} {} {}", s.ino, s.size, s.mtime_ns, s.ctime_ns); }

// Stamps dir/name into `out`; a missing file (allowed when `optional`) is all zero.
bool stamp_file(const Store& store, const Collection& c, const std::string& id, bool optional, FileStamp& out) {
  auto p = store.path(c, id);
  if (stamp_at(AT_FDCWD, p.c_str(), out)) return !stamp_is_racy(out);
  out = {};
  return optional && errno == ENOENT;
}

}  // namespace

std::filesystem::path plan_index_file(const Store& store) { return store.dir() / "cache" / "plans.index"; }

PlanIndex load_plan_index(const std::filesystem::path& file) {
  PlanIndex out;
  auto text = read_file(file);
  if (!text) return out;
  std::string_view rest(*text);
  auto take_line = [&](std::string_view& line) {
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return false;  // torn: no trusted last line
    line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return true;
  };
  std::string_view line;
  if (!take_line(line) || line != header()) return {};
  size_t count = 0;
  while (take_line(line)) {
    std::string_view f[15];
    if (line.rfind("end ", 0) == 0) {
      size_t n = 0;
      return number(line.substr(4), n) && n == count && rest.empty() ? out : PlanIndex{};
    }
    if (!split(line, f, 15)) return {};
    PlanEvidenceStamp s;
    if (!parse_stamp(f + 1, s.plan) || !parse_stamp(f + 5, s.athlete) || !parse_stamp(f + 9, s.pain) ||
        !number(f[13], s.sessions) || !number(f[14], s.recheck_at))
      return {};
    out[std::string(f[0])] = s;
    ++count;
  }
  return {};  // no end line: torn
}

bool save_plan_index(const std::filesystem::path& file, const PlanIndex& index) {
  std::string text = header() + "\n";
  for (const auto& [id, s] : index)
    fmt::format_to(std::back_inserter(text), "{} {} {} {} {} {}\n", id, stamp_text(s.plan), stamp_text(s.athlete),
                   stamp_text(s.pain), s.sessions, s.recheck_at);
  fmt::format_to(std::back_inserter(text), "end {}\n", index.size());
  try {
    make_private_dirs(file.parent_path());
    write_file_atomic(file, text, Durability::cache);
  } catch (const Error&) {
    return false;
  }
  return true;
}

std::optional<PlanEvidenceStamp> stamp_plan_files(const Store& store, const std::string& id) {
  PlanEvidenceStamp s;
  if (!stamp_file(store, collection("plan"), id, false, s.plan) || !stamp_file(store, collection("athlete"), id, false, s.athlete) ||
      !stamp_file(store, collection("pain"), id, true, s.pain))
    return std::nullopt;
  return s;
}

bool still_current(const PlanEvidenceStamp& stored, const PlanEvidenceStamp& now_stamp, TimePoint now) {
  if (stored.plan != now_stamp.plan || stored.athlete != now_stamp.athlete || stored.pain != now_stamp.pain ||
      stored.sessions != now_stamp.sessions)
    return false;
  return stored.recheck_at == 0 || std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() < stored.recheck_at;
}

}  // namespace lever::plan
