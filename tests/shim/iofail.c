/* Test-only LD_PRELOAD shim that injects I/O errors into lever's store writes (test_io_faults.sh).
 * A full disk, a read-only remount or a dying disk cannot be summoned on demand in CI; this makes
 * the Nth matching libc call fail with a chosen errno, so every write path can be tested at every
 * step (create the temp file, write, fsync, rename, fsync the directory, append, truncate).
 *
 * Environment:
 *   LEVER_IOFAIL_OP     comma list of: open (opens that create or write, mkstemp), openr (read-only
 *                       opens), write, read, fsync, fdatasync, rename, ftruncate, mkdir
 *   LEVER_IOFAIL_ERRNO  EIO, ENOSPC, EROFS, EDQUOT, EACCES, EPERM or a number (default EIO)
 *   LEVER_IOFAIL_AFTER  fail the Nth matching call (1-based; default 1; 0 = never, count only)
 *   LEVER_IOFAIL_COUNT  how many calls fail from the Nth on (default 0 = every one: a full disk stays full)
 *   LEVER_IOFAIL_PATH   only calls on paths containing this text (default: $LEVER_STORE)
 *   LEVER_IOFAIL_SHORT  1: the first failing write writes half its bytes and succeeds (a partial write)
 *   LEVER_IOFAIL_LOG    append "N OP PATH fail|ok" for every matching call to this file
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long g_seen;     /* matching calls so far (all threads) */
static int g_short_done;

static const char* env_or(const char* name, const char* dflt) {
  const char* v = getenv(name);
  return v && *v ? v : dflt;
}

static int errno_from_env(void) {
  const char* e = env_or("LEVER_IOFAIL_ERRNO", "EIO");
  static const struct { const char* name; int value; } names[] = {
      {"EIO", EIO}, {"ENOSPC", ENOSPC}, {"EROFS", EROFS}, {"EDQUOT", EDQUOT}, {"EACCES", EACCES}, {"EPERM", EPERM}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (strcmp(e, names[i].name) == 0) return names[i].value;
  int n = atoi(e);
  return n > 0 ? n : EIO;
}

/* True when `op` is in the comma list LEVER_IOFAIL_OP. */
static int op_selected(const char* op) {
  const char* list = getenv("LEVER_IOFAIL_OP");
  if (!list) return 0;
  size_t n = strlen(op);
  for (const char* p = list; *p;) {
    const char* end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, op, n) == 0) return 1;
    if (!end) break;
    p = end + 1;
  }
  return 0;
}

static int path_selected(const char* path) {
  const char* want = env_or("LEVER_IOFAIL_PATH", getenv("LEVER_STORE"));
  return path && want && strstr(path, want) != NULL;
}

static int fd_path(int fd, char* buf, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, buf, size - 1);
  if (n < 0) return 0;
  buf[n] = '\0';
  return 1;
}

static void log_call(long n, const char* op, const char* path, int failing) {
  const char* log = getenv("LEVER_IOFAIL_LOG");
  if (!log) return;
  static int (*real_open)(const char*, int, ...) = 0;
  if (!real_open) real_open = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, "open");
  static ssize_t (*real_write)(int, const void*, size_t) = 0;
  if (!real_write) real_write = (ssize_t (*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
  int fd = real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  char line[PATH_MAX + 64];
  int len = snprintf(line, sizeof line, "%ld %s %s %s\n", n, op, path, failing ? "fail" : "ok");
  if (len > 0) (void)real_write(fd, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
  close(fd);
}

/* Decides whether this call fails: 1 = fail with the chosen errno, 2 = a partial write, 0 = pass. */
static int should_fail(const char* op, const char* path) {
  if (!op_selected(op) || !path_selected(path)) return 0;
  int saved = errno;
  long n = __atomic_add_fetch(&g_seen, 1, __ATOMIC_SEQ_CST);
  long after = atol(env_or("LEVER_IOFAIL_AFTER", "1"));
  long count = atol(env_or("LEVER_IOFAIL_COUNT", "0"));
  int failing = after > 0 && n >= after && (count <= 0 || n < after + count);
  int verdict = failing ? 1 : 0;
  if (failing && strcmp(op, "write") == 0 && strcmp(env_or("LEVER_IOFAIL_SHORT", "0"), "1") == 0 &&
      !__atomic_exchange_n(&g_short_done, 1, __ATOMIC_SEQ_CST))
    verdict = 2;
  log_call(n, op, path, failing);
  errno = saved;
  return verdict;
}

static int should_fail_fd(const char* op, int fd) {
  char path[PATH_MAX];
  if (!getenv("LEVER_IOFAIL_OP") || !fd_path(fd, path, sizeof path)) return 0;
  return should_fail(op, path);
}

#define REAL(ret, name, args) \
  static ret(*real_##name) args = 0; \
  if (!real_##name) real_##name = (ret(*) args)dlsym(RTLD_NEXT, #name)

static int fail_with_errno(void) {
  errno = errno_from_env();
  return -1;
}

/* The mode argument of a variadic open call: only present when the flags create a file. Must
   expand inside the variadic function itself, which is why it is a macro. */
#define OPEN_MODE(flags)                            \
  mode_t mode = 0;                                  \
  if ((flags) & (O_CREAT | O_TMPFILE)) {            \
    va_list ap;                                     \
    va_start(ap, flags);                            \
    mode = (mode_t)va_arg(ap, int);                 \
    va_end(ap);                                     \
  }

static int open_common(const char* name, int dirfd, const char* path, int flags, mode_t mode) {
  const char* op = (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) ? "open" : "openr";
  if (should_fail(op, path)) return fail_with_errno();
  if (strcmp(name, "openat") == 0) {
    REAL(int, openat, (int, const char*, int, ...));
    return real_openat(dirfd, path, flags, mode);
  }
  REAL(int, open, (const char*, int, ...));
  return real_open(path, flags, mode);
}

int open(const char* path, int flags, ...) {
  OPEN_MODE(flags);
  return open_common("open", AT_FDCWD, path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  OPEN_MODE(flags);
  return open_common("open", AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  OPEN_MODE(flags);
  return open_common("openat", dirfd, path, flags, mode);
}

int mkstemp(char* tmpl) {
  if (should_fail("open", tmpl)) return fail_with_errno();
  REAL(int, mkstemp, (char*));
  return real_mkstemp(tmpl);
}

int mkstemp64(char* tmpl) {
  if (should_fail("open", tmpl)) return fail_with_errno();
  REAL(int, mkstemp64, (char*));
  return real_mkstemp64(tmpl);
}

ssize_t write(int fd, const void* buf, size_t n) {
  REAL(ssize_t, write, (int, const void*, size_t));
  int v = fd > 2 ? should_fail_fd("write", fd) : 0;
  if (v == 2 && n > 1) return real_write(fd, buf, n / 2);
  if (v) return fail_with_errno();
  return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  REAL(ssize_t, pwrite, (int, const void*, size_t, off_t));
  if (fd > 2 && should_fail_fd("write", fd)) return fail_with_errno();
  return real_pwrite(fd, buf, n, off);
}

ssize_t read(int fd, void* buf, size_t n) {
  REAL(ssize_t, read, (int, void*, size_t));
  if (fd > 2 && should_fail_fd("read", fd)) return fail_with_errno();
  return real_read(fd, buf, n);
}

ssize_t pread(int fd, void* buf, size_t n, off_t off) {
  REAL(ssize_t, pread, (int, void*, size_t, off_t));
  if (fd > 2 && should_fail_fd("read", fd)) return fail_with_errno();
  return real_pread(fd, buf, n, off);
}

int fsync(int fd) {
  REAL(int, fsync, (int));
  if (should_fail_fd("fsync", fd)) return fail_with_errno();
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(int, fdatasync, (int));
  if (should_fail_fd("fdatasync", fd)) return fail_with_errno();
  return real_fdatasync(fd);
}

int ftruncate(int fd, off_t len) {
  REAL(int, ftruncate, (int, off_t));
  if (should_fail_fd("ftruncate", fd)) return fail_with_errno();
  return real_ftruncate(fd, len);
}

int rename(const char* from, const char* to) {
  REAL(int, rename, (const char*, const char*));
  if (should_fail("rename", to)) return fail_with_errno();
  return real_rename(from, to);
}

int mkdir(const char* path, mode_t mode) {
  REAL(int, mkdir, (const char*, mode_t));
  if (should_fail("mkdir", path)) return fail_with_errno();
  return real_mkdir(path, mode);
}
