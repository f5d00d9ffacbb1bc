// `sim:` — the simulator in-process behind the Transport interface, on a real, scaled or virtual clock.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "lever/sim/simulator.hpp"
#include "lever/transport/transport.hpp"

namespace lever::sim {

/// Checks the options of a `sim:` PORT (faults, seed, time-scale, clock, mass, cadence, gain-error,
/// offset-error, nvram, serial, log); throws Error(usage) naming an unknown or bad one.
void check_sim_options(const transport::PortSpec& spec);

/// The simulator configuration a `sim:` PORT describes; its memory lives in <store>/sim/ unless nvram= says otherwise.
SimConfig sim_config(const transport::PortSpec& spec, const std::filesystem::path& store_dir);

/// Holds an exclusive lock on a simulated unit's memory file: one lever (or `lever sim`) per unit, like a port.
class NvramLock {
public:
  /// Locks `<nvram file>.lock`, or throws Error(unit_unavailable) when another process holds it.
  /// With a root (the store holding the memory), the lock file is confined to it.
  NvramLock(const std::filesystem::path& nvram_file, const std::string& port_name, const std::filesystem::path& root = {});
  ~NvramLock();
  NvramLock(const NvramLock&) = delete;
  NvramLock& operator=(const NvramLock&) = delete;

private:
  int fd_ = -1;
};

/// The in-process link: writes go straight into the simulator, reads advance it on the clock.
class SimTransport final : public transport::Transport {
public:
  /// Builds the simulator from `cfg`, driven by `clock`; `name` is the PORT string.
  SimTransport(SimConfig cfg, std::unique_ptr<device::Clock> clock, std::string name);
  /// Closes the simulator log.
  ~SimTransport() override;
  SimTransport(const SimTransport&) = delete;
  SimTransport& operator=(const SimTransport&) = delete;
  /// Appends the simulator's account (one line per state change and notable event, as `lever sim`
  /// prints them) to `file` (created 0600, never through a symlink); Error when it cannot be opened.
  void log_to(const std::filesystem::path& file);
  void write(std::string_view bytes) override;
  size_t read(char* buf, size_t cap, device::Nanos timeout) override;
  device::Clock& clock() override { return *clock_; }
  const std::string& name() const override { return name_; }
  /// The simulator itself (tests inspect its state and truth).
  Simulator& simulator() { return sim_; }

private:
  Micros micros() { return std::chrono::duration_cast<std::chrono::microseconds>(clock_->now()).count(); }
  void check_link() const;
  std::unique_ptr<device::Clock> clock_;
  std::string name_;
  NvramLock lock_;
  Simulator sim_;
  std::string pending_;
  int log_fd_ = -1;
};

/// Opens `sim:` from a parsed PORT.
std::unique_ptr<transport::Transport> open_sim_transport(const transport::PortSpec& spec, const std::filesystem::path& store_dir);

}  // namespace lever::sim
