#include "lever/util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever {

void throw_io_error(std::string_view doing, const fs::path& path, int err) {
  std::string hint;
  switch (err) {
    case ENOSPC:
    case EDQUOT: hint = "the disk is full: free some space and try again (nothing was saved)"; break;
    case EROFS: hint = "the file system is read-only: use a writable store (--store DIR or LEVER_STORE)"; break;
    case EACCES:
    case EPERM: hint = "check the permissions of the store directory (it should belong to you, mode 0700)"; break;
    case EIO: hint = "the storage device reported an I/O error: check the disk before trusting this store"; break;
    default: break;
  }
  throw Error(Exit::failure, fmt::format("cannot {} {}: {}", doing, path.string(), std::strerror(err)),
              hint);
}

namespace {

// Owns a file descriptor and closes it on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::optional<std::string> read_file(const fs::path& path) {
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw_io_error("read", path, errno);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error("read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void sync_directory(const fs::path& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd < 0) throw_io_error("open directory", dir, errno);
  if (::fsync(d.fd) != 0 && errno != EINVAL) throw_io_error("sync directory", dir, errno);
}

void write_file_atomic(const fs::path& path, std::string_view content, Durability d) {
  fs::path dir = path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  int raw = ::mkstemp(tmpl.data());
  if (raw < 0) throw_io_error("create a temporary file in", dir, errno);
  Fd f(raw);
  bool committed = false;
  // The temp file is removed on every failure path, so a half-written document never appears.
  struct Cleanup {
    const std::string& name;
    bool& done;
    ~Cleanup() {
      if (!done) ::unlink(name.c_str());
    }
  } cleanup{tmpl, committed};
  if (::fchmod(f.fd, 0600) != 0) throw_io_error("set permissions on", tmpl, errno);
  write_all(f.fd, content, path);
  if (d == Durability::synced && ::fsync(f.fd) != 0) throw_io_error("sync", path, errno);
  if (::rename(tmpl.c_str(), path.c_str()) != 0) throw_io_error("replace", path, errno);
  committed = true;
  if (d == Durability::synced) sync_directory(dir);
}

void truncate_durable(const fs::path& path, uintmax_t size) {
  Fd f(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (f.fd < 0) throw_io_error("open", path, errno);
  if (::ftruncate(f.fd, static_cast<off_t>(size)) != 0) throw_io_error("truncate", path, errno);
  if (::fsync(f.fd) != 0) throw_io_error("sync", path, errno);
}

size_t repair_torn_tail(const fs::path& path) {
  Fd f(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (f.fd < 0) {
    if (errno == ENOENT) return 0;
    throw_io_error("open", path, errno);
  }
  struct stat st{};
  if (::fstat(f.fd, &st) != 0) throw_io_error("stat", path, errno);
  off_t size = st.st_size;
  if (size == 0) return 0;
  char last = 0;
  if (::pread(f.fd, &last, 1, size - 1) != 1) throw_io_error("read", path, errno);
  if (last == '\n') return 0;
  // Scan backwards in blocks for the last newline; everything after it is a torn record.
  off_t pos = size;
  char buf[4096];
  off_t keep = 0;
  while (pos > 0) {
    off_t start = pos > static_cast<off_t>(sizeof buf) ? pos - static_cast<off_t>(sizeof buf) : 0;
    auto len = static_cast<size_t>(pos - start);
    if (::pread(f.fd, buf, len, start) != static_cast<ssize_t>(len)) throw_io_error("read", path, errno);
    bool found = false;
    for (size_t i = len; i-- > 0;) {
      if (buf[i] == '\n') {
        keep = start + static_cast<off_t>(i) + 1;
        found = true;
        break;
      }
    }
    if (found) break;
    pos = start;
  }
  if (::ftruncate(f.fd, keep) != 0) throw_io_error("repair", path, errno);
  if (::fsync(f.fd) != 0) throw_io_error("sync", path, errno);
  return static_cast<size_t>(size - keep);
}

void append_lines_durable(const fs::path& path, std::string_view lines) {
  repair_torn_tail(path);
  bool existed = fs::exists(path);
  Fd f(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (f.fd < 0) throw_io_error("open", path, errno);
  struct stat before{};
  if (::fstat(f.fd, &before) != 0) throw_io_error("stat", path, errno);
  try {
    write_all(f.fd, lines, path);
    if (::fsync(f.fd) != 0) throw_io_error("sync", path, errno);
  } catch (...) {
    // A partial append (disk full mid-write) is cut back so the log holds only whole records.
    if (::ftruncate(f.fd, before.st_size) == 0) (void)::fsync(f.fd);
    throw;
  }
  if (!existed) sync_directory(path.parent_path());
}

void append_line_durable(const fs::path& path, std::string_view line) {
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf.push_back('\n');
  append_lines_durable(path, buf);
}

void make_private_dirs(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (dir.has_parent_path() && dir.parent_path() != dir) make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw_io_error("create directory", dir, errno);
}

}  // namespace lever
