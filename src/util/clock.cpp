#include "lever/util/clock.hpp"

#include <poll.h>
#include <time.h>

#include <cmath>

#include "lever/util/signals.hpp"

namespace lever::device {

RealClock::RealClock(double scale) : start_(std::chrono::steady_clock::now()), scale_(scale > 0 ? scale : 1.0) {}

Nanos RealClock::now() {
  auto real = std::chrono::steady_clock::now() - start_;
  if (scale_ == 1.0) return std::chrono::duration_cast<Nanos>(real);
  return Nanos(static_cast<std::int64_t>(static_cast<double>(real.count()) * scale_));
}

void RealClock::sleep_until(Nanos t) {
  Nanos left = t - now();
  if (left <= Nanos(0)) return;
  auto real_ns = static_cast<std::int64_t>(std::ceil(static_cast<double>(left.count()) / scale_));
  timespec ts{static_cast<time_t>(real_ns / 1000000000), static_cast<long>(real_ns % 1000000000)};
  // Sleep in poll() on the stop pipe so that Ctrl-C ends the wait at once.
  pollfd p{stop_fd(), POLLIN, 0};
  if (p.fd >= 0) ::ppoll(&p, 1, &ts, nullptr);  // an unconsumed stop wake-up ends the sleep at once
  else ::nanosleep(&ts, nullptr);
}

}  // namespace lever::device
