// Typed errors carrying the documented exit code; caught once in main and printed as "lever: error: ...".
#pragma once
#include <stdexcept>
#include <string>

namespace lever {

/// Exit codes shared by every command (product.md, "Output and exit codes"); scripts depend on them.
enum class Exit : int {
  ok = 0,                ///< success
  failure = 1,           ///< any other failure (I/O error, internal error)
  usage = 2,             ///< bad command line
  safety = 3,            ///< stopped or refused for safety (pain limit, unit fault, e-stop, pre-flight)
  not_found = 4,         ///< a named athlete, session, unit or file does not exist
  invalid_data = 5,      ///< input or stored data that fails validation
  unit_unavailable = 6,  ///< the unit cannot be reached or does not answer
  store_busy = 7,        ///< the store is locked by another invocation
};

/// An expected failure: what went wrong (what), and what the user should do about it (hint).
class Error : public std::runtime_error {
public:
  /// Builds an error with its exit code, a message naming the problem, and an optional remedy.
  Error(Exit code, std::string what, std::string hint = {});
  /// The documented exit code this error maps to.
  Exit code() const noexcept { return code_; }
  /// What the user can do about it; may be empty.
  const std::string& hint() const noexcept { return hint_; }

private:
  Exit code_;
  std::string hint_;
};

/// Prints a warning on stderr ("lever: warning: ..."), control characters shown escaped; always shown.
void print_warning(const std::string& msg);

/// Converts an exit code to the process status.
constexpr int to_int(Exit e) noexcept { return static_cast<int>(e); }

}  // namespace lever
