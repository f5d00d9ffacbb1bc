// Time for control loops: a real clock, a scaled clock and a virtual clock behind one interface, so
// that a 30-minute session against the in-process simulator runs in seconds with the same loop code.
#pragma once
#include <chrono>
#include <cstdint>

namespace lever::device {

/// Nanoseconds since the clock's own epoch (its creation); monotonic.
using Nanos = std::chrono::nanoseconds;

/// A monotonic clock that a control loop paces itself with. Inject it; never call steady_clock directly.
class Clock {
public:
  virtual ~Clock() = default;
  /// The current time.
  virtual Nanos now() = 0;
  /// Waits until `t` (returns at once if t has passed). A real clock returns early while a stop
  /// signal's wake-up is pending (signals.hpp) (see signals.hpp); a virtual clock simply jumps to t.
  virtual void sleep_until(Nanos t) = 0;
  /// True when time only moves because someone sleeps (nothing happens "meanwhile").
  virtual bool is_virtual() const = 0;
};

/// Wall time from std::chrono::steady_clock, optionally running `scale` times faster.
class RealClock final : public Clock {
public:
  /// A clock whose time runs `scale` times as fast as real time (1 = real time).
  explicit RealClock(double scale = 1.0);
  Nanos now() override;
  void sleep_until(Nanos t) override;
  bool is_virtual() const override { return false; }

private:
  std::chrono::steady_clock::time_point start_;
  double scale_;
};

/// Time that stands still until someone sleeps: sleep_until jumps straight to its target.
class VirtualClock final : public Clock {
public:
  Nanos now() override { return now_; }
  void sleep_until(Nanos t) override {
    if (t > now_) now_ = t;
  }
  bool is_virtual() const override { return true; }

private:
  Nanos now_{0};
};

/// Converts a clock reading to milliseconds as a double (for messages and statistics).
inline double to_ms(Nanos d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace lever::device
