#include "lever/util/ids.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever {

namespace {
bool first_ok(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool rest_ok(char c) { return first_ok(c) || c == '.' || c == '_' || c == '-'; }
}  // namespace

std::string id_problem(std::string_view s) {
  if (s.empty()) return "it is empty";
  if (s.size() > 64) return fmt::format("it is {} characters long (at most 64)", s.size());
  if (s[0] >= 'A' && s[0] <= 'Z') return fmt::format("it starts with upper-case '{}' (use lower case)", s[0]);
  if (!first_ok(s[0]))
    return fmt::format("it starts with '{}' (must start with a lower-case letter or digit)", s[0]);
  for (char c : s) {
    if (!rest_ok(c)) {
      if (c >= 'A' && c <= 'Z') return fmt::format("it contains upper-case '{}' (use lower case)", c);
      return fmt::format("it contains '{}' (allowed: a-z 0-9 . _ -)", c);
    }
  }
  return {};
}

bool is_valid_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64 || !first_ok(s[0])) return false;
  for (char c : s)
    if (!rest_ok(c)) return false;
  return true;
}

void require_id(std::string_view kind, std::string_view s) {
  auto why = id_problem(s);
  if (!why.empty())
    throw Error(Exit::usage, fmt::format("invalid {} ID '{}': {}", kind, s, why),
                "IDs are 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
}

namespace {

// 64 bits from the kernel's CSPRNG (getrandom), drawn in blocks to spare system calls. The block is
// per thread and dropped in a forked child, so no two processes or threads ever share random bits.
uint64_t random64() {
  struct Pool {
    uint64_t words[32];
    size_t next = 32;
    pid_t pid = 0;
  };
  static thread_local Pool pool;
  if (pool.next == 32 || pool.pid != ::getpid()) {
    auto* p = reinterpret_cast<unsigned char*>(pool.words);
    size_t got = 0;
    while (got < sizeof pool.words) {
      ssize_t n = ::getrandom(p + got, sizeof pool.words - got, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error(Exit::failure, fmt::format("cannot draw random bits for a record ID: {}", std::strerror(errno)),
                    "the kernel's random source (getrandom) failed; try again");
      }
      got += static_cast<size_t>(n);
    }
    pool.next = 0;
    pool.pid = ::getpid();
  }
  return pool.words[pool.next++];
}

}  // namespace

std::string new_record_id(std::string_view prefix) {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dt%H%M%S", &tm);
  // Millisecond time keeps IDs roughly in creation order; 64 random bits make a collision between
  // any two of them (one import, or two machines sharing a store) a 1 in 2^64 chance per millisecond.
  return fmt::format("{}-{}{:03d}z-{:016x}", prefix, stamp, static_cast<int>(ms % 1000), random64());
}

}  // namespace lever
