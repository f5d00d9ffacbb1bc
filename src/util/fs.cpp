#include "lever/util/fs.hpp"

#include <dirent.h>
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

std::string describe_mode(mode_t m) {
  if (S_ISLNK(m)) return "a symbolic link";
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a named pipe (FIFO)";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device file";
  if (S_ISREG(m)) return "a regular file";
  return "not a regular file";
}

std::string link_target(const fs::path& p) {
  char buf[4096];
  ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// A directory of the store is a symlink or something else: named, with the fix.
[[noreturn]] void throw_not_own_dir(const fs::path& p, mode_t m) {
  if (S_ISLNK(m))
    throw Error(Exit::invalid_data,
                fmt::format("{} is a symbolic link (to {}), not a directory of the store", p.string(), link_target(p)),
                "lever never follows links inside a store: put the real directory there (mode 0700) in place of "
                "the link, then run 'lever store check'");
  throw Error(Exit::invalid_data, fmt::format("{} is {}, where the store keeps a directory", p.string(), describe_mode(m)),
              "move it out of the store, then run 'lever store check'");
}

// After a confined open failed: throws if an entry that is no regular file is there, else keeps errno.
void refuse_if_not_regular(const fs::path& path, int err) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) throw_not_a_record_file(path);
  errno = err;
}

// The plain or the confined open, as the caller asked; -1 with errno on failure.
int open_file(const fs::path& root, const fs::path& path, int flags, unsigned mode) {
  if (root.empty()) return ::open(path.c_str(), flags | O_CLOEXEC, mode);
  return open_confined(root, path, flags, mode);
}

}  // namespace

EntryKind entry_kind(const fs::path& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return EntryKind::missing;
    throw_io_error("inspect", path, errno);
  }
  if (S_ISREG(st.st_mode)) return EntryKind::regular;
  if (S_ISDIR(st.st_mode)) return EntryKind::directory;
  if (S_ISLNK(st.st_mode)) return EntryKind::symlink;
  return EntryKind::other;
}

std::string describe_entry(const fs::path& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return "missing";
  return describe_mode(st.st_mode);
}

void throw_not_a_record_file(const fs::path& path) {
  struct stat st{};
  mode_t m = ::lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
  if (S_ISLNK(m))
    throw Error(Exit::invalid_data,
                fmt::format("{} is a symbolic link (to {}); lever never follows links inside a store", path.string(),
                            link_target(path)),
                "put the real file there in place of the link (copied in, mode 0600) or remove the link, then run "
                "'lever store check' (nothing was read or written through it)");
  throw Error(Exit::invalid_data, fmt::format("{} is {}, where lever keeps a record file", path.string(), describe_mode(m)),
              "move it out of the store (nothing was read from it or written to it), then run 'lever store check'");
}

namespace {

// Walks the directories from the store root `root` down to `dir`, each of which must be a real
// directory (never a link). A missing one ends the walk (nothing below it exists), or with
// `create` is made 0700. A path outside the store is a bug in lever, never followed.
void walk_own_dirs(const fs::path& root, const fs::path& dir, const fs::path& named, bool create) {
  fs::path rel = dir.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..")
    throw Error(Exit::failure, fmt::format("{} lies outside the store {}", named.string(), root.string()),
                "this is a bug in lever: please report it");
  fs::path cur = root;
  for (const auto& part : rel) {
    if (part == ".") continue;
    cur /= part;
    struct stat st{};
    if (::lstat(cur.c_str(), &st) != 0) {
      if (errno != ENOENT) throw_io_error("inspect", cur, errno);
      if (!create) return;
      if (::mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST) throw_io_error("create directory", cur, errno);
      if (::lstat(cur.c_str(), &st) != 0) throw_io_error("inspect", cur, errno);
    }
    if (!S_ISDIR(st.st_mode)) throw_not_own_dir(cur, st.st_mode);
  }
}

}  // namespace

void check_own_dirs(const fs::path& root, const fs::path& file) { walk_own_dirs(root, file.parent_path(), file, false); }

int open_confined(const fs::path& root, const fs::path& path, int flags, unsigned mode) {
  check_own_dirs(root, path);
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below as any non-file is.
  int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
  if (fd < 0) {
    int e = errno;
    if (e != ENOENT) refuse_if_not_regular(path, e);
    errno = e;
    return -1;
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw_not_a_record_file(path);
  }
  int fl = ::fcntl(fd, F_GETFL);
  if (fl >= 0) (void)::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

int open_dir_confined(const fs::path& root, const fs::path& dir) {
  if (dir != root) check_own_dirs(root, dir / ".");
  int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (dir != root ? O_NOFOLLOW : 0);
  int fd = ::open(dir.c_str(), flags);
  if (fd < 0) {
    int e = errno;
    struct stat st{};
    if (e != ENOENT && ::lstat(dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode) && (dir != root || !S_ISLNK(st.st_mode)))
      throw_not_own_dir(dir, st.st_mode);
    errno = e;
    return -1;
  }
  return fd;
}

std::vector<std::string> list_confined(const fs::path& root, const fs::path& dir) {
  std::vector<std::string> out;
  int fd = open_dir_confined(root, dir);
  if (fd < 0) {
    if (errno == ENOENT) return out;
    throw_io_error("list", dir, errno);
  }
  DIR* d = ::fdopendir(fd);
  if (!d) {
    int e = errno;
    ::close(fd);
    throw_io_error("list", dir, e);
  }
  while (const dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") out.emplace_back(name);
  }
  ::closedir(d);
  return out;
}

bool remove_confined(const fs::path& root, const fs::path& path) {
  check_own_dirs(root, path);
  switch (entry_kind(path)) {
    case EntryKind::missing: return false;
    case EntryKind::regular: break;
    default: throw_not_a_record_file(path);
  }
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return false;
    throw_io_error("remove", path, errno);
  }
  return true;
}

std::optional<std::string> read_file(const fs::path& path, const fs::path& root) {
  Fd f(open_file(root, path, O_RDONLY, 0));
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

std::string read_open_file(int fd, size_t size, const fs::path& path) {
  std::string out(size, '\0');
  size_t have = 0;
  for (;;) {
    if (have == out.size()) out.resize(have + 4096);  // it grew since it was checked: read on
    ssize_t n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error("read", path, errno);
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  out.resize(have);
  return out;
}

void sync_directory(const fs::path& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd < 0) throw_io_error("open directory", dir, errno);
  if (::fsync(d.fd) != 0 && errno != EINVAL) throw_io_error("sync directory", dir, errno);
}

void write_file_atomic(const fs::path& path, std::string_view content, Durability d, const fs::path& root) {
  fs::path dir = path.parent_path();
  if (!root.empty()) {
    // rename() would replace a link or a FIFO silently; what is not a record file stays for the user.
    check_own_dirs(root, path);
    auto k = entry_kind(path);
    if (k != EntryKind::missing && k != EntryKind::regular) throw_not_a_record_file(path);
  }
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  int raw = ::mkstemp(tmpl.data());  // O_EXCL: never through a link
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

void truncate_durable(const fs::path& path, uintmax_t size, const fs::path& root) {
  Fd f(open_file(root, path, O_WRONLY, 0));
  if (f.fd < 0) throw_io_error("open", path, errno);
  if (::ftruncate(f.fd, static_cast<off_t>(size)) != 0) throw_io_error("truncate", path, errno);
  if (::fsync(f.fd) != 0) throw_io_error("sync", path, errno);
}

size_t repair_torn_tail(const fs::path& path, const fs::path& root) {
  Fd f(open_file(root, path, O_RDWR, 0));
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

void append_lines_durable(const fs::path& path, std::string_view lines, const fs::path& root) {
  repair_torn_tail(path, root);
  bool existed = root.empty() ? fs::exists(path) : entry_kind(path) != EntryKind::missing;
  Fd f(open_file(root, path, O_WRONLY | O_APPEND | O_CREAT, 0600));
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

void append_line_durable(const fs::path& path, std::string_view line, const fs::path& root) {
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf.push_back('\n');
  append_lines_durable(path, buf, root);
}

void make_private_dirs(const fs::path& dir, const fs::path& root) {
  if (!root.empty()) {
    // The root is where the user put the store (it may be a link); below it, only real directories.
    make_private_dirs(root);
    walk_own_dirs(root, dir, dir, true);
    return;
  }
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (dir.has_parent_path() && dir.parent_path() != dir) make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw_io_error("create directory", dir, errno);
}

}  // namespace lever
