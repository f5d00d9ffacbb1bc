// Pain check-ins during a run from the operator's keyboard: single keys on a TTY (0-9, x = 10), or
// lines ("6") on a piped stdin. Reading never blocks the control loop.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <termios.h>

#include "lever/run/loop.hpp"

namespace lever::run {

/// Scores in keys typed on a TTY: digits 0-9, 'x' or 'X' for 10; other keys are ignored.
std::vector<int> parse_pain_keys(std::string_view keys);

/// Scores in complete lines of `buffer` (whole numbers 0-10); consumed lines are removed, a partial
/// last line stays. Lines that are not a score are returned in `ignored`.
std::vector<int> parse_pain_lines(std::string& buffer, std::vector<std::string>& ignored);

/// Non-blocking pain input from a file descriptor (stdin); a TTY is put in non-canonical, no-echo
/// mode (signals still work) and restored on destruction.
class PainKeys {
public:
  /// Watches `fd`.
  explicit PainKeys(int fd);
  /// Restores the terminal.
  ~PainKeys();
  PainKeys(const PainKeys&) = delete;
  PainKeys& operator=(const PainKeys&) = delete;
  /// Scores typed since the last call (never waits).
  std::vector<int> poll();
  /// True when the input is a terminal.
  bool tty() const { return tty_; }

private:
  int fd_;
  bool tty_ = false;
  bool eof_ = false;
  std::optional<termios> saved_;
  std::string buf_;
};

/// The one-line live display: phase, elapsed/remaining, support % and effective body weight, target vs
/// measured support, speed, incline, cadence vs target, faults.
std::string live_line(const LiveView& v);

}  // namespace lever::run
