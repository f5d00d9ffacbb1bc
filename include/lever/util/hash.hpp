// A small non-cryptographic hash for cache keys: cheap, stable across runs and builds (unlike
// std::hash), so a cache written by one lever process is understood by the next.
#pragma once
#include <cstdint>
#include <string_view>

namespace lever {

/// FNV-1a (64 bit) over a sequence of strings; each string is closed by a separator byte, so
/// ("ab", "c") and ("a", "bc") differ.
class Fnv1a {
public:
  /// Adds one string to the hash.
  void mix(std::string_view s) {
    for (unsigned char c : s) h_ = (h_ ^ c) * kPrime;
    h_ = (h_ ^ 0xff) * kPrime;
  }
  /// The hash so far.
  uint64_t value() const { return h_; }

private:
  static constexpr uint64_t kPrime = 1099511628211ull;
  uint64_t h_ = 1469598103934665603ull;
};

}  // namespace lever
