// Shared by the device tests: a temp store and a Unit on the in-process simulator with a virtual clock.
#pragma once
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "lever/device/unit.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/sim/sim_transport.hpp"
#include "lever/store/store.hpp"

namespace test {

using namespace std::chrono_literals;

/// A private temp directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() / ("lever-unit-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

/// A unit on `sim:` with a virtual clock; `options` are extra port options ("faults=estop@2s").
struct SimUnit {
  TempDir dir;
  lever::Store store{dir.path / "store"};
  std::unique_ptr<lever::device::Unit> unit;
  lever::sim::Simulator* sim = nullptr;

  explicit SimUnit(const std::string& options = "") {
    std::string port = "sim:?clock=virtual" + (options.empty() ? "" : "&" + options);
    auto spec = lever::transport::parse_port(port);
    auto t = lever::transport::open_transport(spec, store.dir());
    sim = &dynamic_cast<lever::sim::SimTransport&>(*t).simulator();
    unit = std::make_unique<lever::device::Unit>(std::move(t));
    unit->identify();
  }

  /// A control loop at 20 Hz for `seconds`, heartbeat every tick; `each` sees every tick.
  /// Stops early (returns false) when the unit leaves ARMED/RUN.
  bool loop(double seconds, const std::function<void()>& each = {}) {
    auto& clock = unit->clock();
    auto end = clock.now() + std::chrono::duration_cast<lever::device::Nanos>(std::chrono::duration<double>(seconds));
    for (auto next = clock.now() + 50ms; next < end; next += 50ms) {
      unit->poll_until(next);
      if (each) each();
      if (!unit->status_fresh()) {  // no status since the last command yet (lost or delayed frames)
        unit->heartbeat();
        continue;
      }
      auto st = unit->status().state;
      if (st != lever::device::State::run && st != lever::device::State::armed) return false;
      unit->heartbeat();
    }
    return true;
  }

  /// Arms, sets targets and starts the belt.
  void run_at(double force_n, double speed_kmh, double incline = 0) {
    unit->arm();
    unit->set_targets({force_n, speed_kmh, incline});
    unit->start();
  }
};

}  // namespace test
