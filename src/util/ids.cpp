#include "lever/util/ids.hpp"

#include <chrono>
#include <ctime>
#include <random>

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

std::string new_record_id(std::string_view prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dt%H%M%Sz", &tm);
  return fmt::format("{}-{}-{:08x}", prefix, stamp, static_cast<unsigned>(rng() & 0xffffffffu));
}

}  // namespace lever
