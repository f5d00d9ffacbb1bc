// Device benchmarks against a simulator over a pty (tests/bench/bench_device.sh runs them; not ctest):
//   bench_device rate PORT HZ SECONDS   status stream at HZ while running: received, lost, line use
//   bench_device rtt PORT N             command round trip (write -> ACK decoded), median and p99
//   bench_device sigint PORT N          SIGINT -> HOLD frame written by the control loop, median and p99
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lever/device/unit.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/sim/server.hpp"
#include "lever/util/error.hpp"
#include "lever/util/signals.hpp"

using namespace lever;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::atomic<std::int64_t> g_hold_written_ns{0};
std::atomic<std::uint64_t> g_bytes_in{0};

std::int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch()).count(); }

// Wraps the real transport to time when a HOLD frame has left the host and to count bytes in.
class Timing final : public transport::Transport {
public:
  explicit Timing(std::unique_ptr<transport::Transport> t) : t_(std::move(t)) {}
  void write(std::string_view b) override {
    t_->write(b);
    if (b.find(" HOLD*") != std::string_view::npos) g_hold_written_ns = now_ns();
  }
  size_t read(char* buf, size_t cap, device::Nanos timeout) override {
    size_t n = t_->read(buf, cap, timeout);
    g_bytes_in += n;
    return n;
  }
  device::Clock& clock() override { return t_->clock(); }
  const std::string& name() const override { return t_->name(); }

private:
  std::unique_ptr<transport::Transport> t_;
};

std::unique_ptr<device::Unit> open(const std::string& port) {
  auto spec = transport::parse_port(port);
  auto unit = std::make_unique<device::Unit>(std::make_unique<Timing>(transport::open_transport(spec, "/tmp")));
  unit->identify();
  return unit;
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

int rate(const std::string& port, int hz, double seconds) {
  auto unit = open(port);
  unit->set_status_rate(hz);
  unit->arm();
  unit->set_targets({100, 8, 1});
  unit->start();
  auto& clock = unit->clock();
  // Settle one second, then measure.
  for (auto next = clock.now() + 50ms, end = clock.now() + 1s; next < end; next += 50ms) {
    unit->poll_until(next);
    unit->heartbeat();
  }
  auto before = unit->link_stats();
  std::uint64_t bytes0 = g_bytes_in;
  auto t0 = clock.now();
  auto end = t0 + std::chrono::duration_cast<device::Nanos>(std::chrono::duration<double>(seconds));
  for (auto next = t0 + 50ms; next < end; next += 50ms) {
    unit->poll_until(next);
    unit->require_running();
    unit->heartbeat();
  }
  double secs = device::to_ms(clock.now() - t0) / 1000;
  auto after = unit->link_stats();
  double got = static_cast<double>(after.statuses - before.statuses);
  double lost = static_cast<double>(after.lost_frames - before.lost_frames);
  double bytes_per_s = static_cast<double>(g_bytes_in - bytes0) / secs;
  double line = 115200.0 / 10;
  std::printf("rate %d Hz: %.1f status/s received, %.0f lost, %llu bad; %.0f bytes/s = %.1f %% of the line\n", hz,
              got / secs, lost, static_cast<unsigned long long>(after.bad_frames - before.bad_frames), bytes_per_s,
              100 * bytes_per_s / line);
  unit->hold();
  return lost == 0 && after.bad_frames == before.bad_frames ? 0 : 1;
}

int rtt(const std::string& port, int n) {
  auto unit = open(port);
  unit->set_status_rate(20);
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    auto t0 = SteadyClock::now();
    unit->set_status_rate(20);  // a real command with an ACK; harmless to repeat
    ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
    unit->poll(std::chrono::milliseconds(5 + i % 20));  // spread the phase against the status stream
  }
  std::printf("command round trip over %d commands: median %.2f ms, p99 %.2f ms (status at 20 Hz on the line)\n", n,
              pct(ms, 50), pct(ms, 99));
  return 0;
}

int sigint(const std::string& port, int n) {
  device::install_stop_signals();
  auto unit = open(port);
  unit->set_status_rate(20);
  unit->arm();
  unit->set_targets({50, 0, 0});
  unit->start();
  std::vector<double> ms;
  std::mt19937 rng(1);
  pthread_t main_thread = pthread_self();
  for (int i = 0; i < n; ++i) {
    device::clear_stop_request();
    std::int64_t fired = 0;
    int delay_ms = std::uniform_int_distribution<int>(60, 260)(rng);
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      fired = now_ns();
      pthread_kill(main_thread, SIGINT);
    });
    auto& clock = unit->clock();
    for (auto next = clock.now() + 50ms;; next += 50ms) {  // the control loop run and calibrate will use
      unit->poll_until(next);
      if (device::stop_requested()) {
        unit->hold();
        break;
      }
      unit->require_running();
      unit->heartbeat();
    }
    killer.join();
    ms.push_back(static_cast<double>(g_hold_written_ns - fired) / 1e6);
    unit->resume();
  }
  std::printf("SIGINT -> HOLD frame written over %d trials: median %.3f ms, p99 %.3f ms, max %.3f ms\n", n, pct(ms, 50),
              pct(ms, 99), *std::max_element(ms.begin(), ms.end()));
  unit->hold();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_device rate PORT HZ SECONDS | rtt PORT N | sigint PORT N\n");
    return 2;
  }
  try {
    std::string mode = argv[1], port = argv[2];
    if (mode == "rate" && argc == 5) return rate(port, std::atoi(argv[3]), std::atof(argv[4]));
    if (mode == "rtt") return rtt(port, std::atoi(argv[3]));
    if (mode == "sigint") return sigint(port, std::atoi(argv[3]));
  } catch (const Error& e) {
    std::fprintf(stderr, "bench_device: %s\n", e.what());
    return 1;
  }
  return 2;
}
