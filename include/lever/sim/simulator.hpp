// The simulated BWS unit: the lever protocol's unit side plus physics, with no I/O of its own.
// Transports feed it host bytes and take its output bytes; time is whatever the caller says it is,
// which is what lets the same simulator run in real time over a pty or on a virtual clock in-process.
#pragma once
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "lever/device/frame.hpp"
#include "lever/device/protocol.hpp"
#include "lever/sim/faults.hpp"
#include "lever/sim/nvram.hpp"

namespace lever::sim {

/// How to build a simulator.
struct SimConfig {
  std::filesystem::path nvram_file;  ///< its non-volatile memory (created when absent)
  std::filesystem::path nvram_root;  ///< the store holding it (its default place), so it is confined there; empty: a file the user named
  std::string serial = "SIM-0001";   ///< serial for a factory-fresh memory file
  std::uint64_t seed = 1;            ///< seeds noise and fault dice: same seed, same run
  FaultPlan faults;                  ///< scripted faults
  double runner_mass_kg = 75;        ///< the runner in the harness
  double cadence_spm = 170;          ///< the runner's running cadence
  double gain_error = 0;             ///< if non-zero: the true load-cell gain is off the calibration by this fraction (persisted)
  double offset_error_n = 0;         ///< if non-zero: the true zero is off by this many newtons (persisted)
};

/// Microseconds of unit time since the simulator started (its boot).
using Micros = std::int64_t;

/// One simulated unit.
class Simulator {
public:
  /// Loads or creates the memory file and boots at time 0 in IDLE.
  explicit Simulator(SimConfig cfg);

  /// Host bytes that finished arriving at `now` (after advance(now)).
  void receive(std::string_view bytes, Micros now);
  /// Runs physics, watchdog and scripted faults up to `now` and queues status frames.
  void advance(Micros now);
  /// The unit's output bytes due by `now`, with link faults applied.
  std::string take_output(Micros now);
  /// The same, frame by frame with the time each became due (a paced line schedules from that time,
  /// so a simulator process woken late by a busy machine does not lose line capacity).
  std::vector<std::pair<Micros, std::string>> take_frames(Micros now);
  /// The next time something happens on its own (a status frame, a delayed frame, a scripted fault).
  Micros next_event(Micros now) const;
  /// True once a scripted disconnect happened: the transport must drop the link.
  bool disconnected() const { return disconnected_; }

  /// The current state.
  device::State state() const { return state_; }
  /// The latest status as it would be sent.
  device::Status status() const;
  /// The non-volatile memory (truth included).
  const NvMemory& nvram() const { return nv_; }
  /// Receives one line per state change and notable event ("t=12.345 RUN -> HOLD (link: ...)").
  std::function<void(const std::string&)> log;

private:
  friend struct SimPhysics;
  // protocol side (simulator.cpp)
  void handle(const device::Frame& f);
  std::string reply_to(const device::Frame& f);
  device::Frame ack(const device::Frame& f) const;
  void queue_frame(device::Frame f);
  void enter(device::State s, std::uint32_t fault, const std::string& why);
  void emit(const std::string& line);
  device::Identity identity() const;
  // physics side (physics.cpp)
  void step(double dt);
  void apply_scripted(double t_s);
  void check_faults(double dt);
  double nominal_force() const;
  double gauss(double sigma);
  bool dice(double p);

  SimConfig cfg_;
  NvMemory nv_;
  std::mt19937_64 rng_;
  device::FrameDecoder decoder_;
  Micros now_ = 0;          // simulated time
  Micros boot_ = 0;         // time of the last (re)boot: the unit clock starts there
  double step_rest_ = 0;    // physics time not yet stepped (s)

  // state machine
  device::State state_ = device::State::idle;
  std::uint32_t faults_ = 0;
  std::string first_fault_;
  std::uint16_t tx_seq_ = 0;
  std::uint16_t host_seq_ = 0;
  bool have_host_seq_ = false;
  std::string last_reply_;
  Micros last_host_frame_ = 0;
  std::deque<Micros> crc_times_;
  std::uint32_t crc_errors_ = 0;
  int status_hz_ = 20;
  Micros next_status_ = 0;

  // commands and physics
  double cmd_f_ = 0;        // commanded support (N)
  double tgt_f_ = 0;        // slew-limited nominal target (N)
  double drive_ = 0;        // actuator drive (what the firmware outputs)
  bool drive_frozen_ = false;  // safe state: drive held (brake)
  double lower_rate_ = 0;   // N/s while lowering on operator command
  double act_f_ = 0;        // force the actuator delivers (N)
  double v_cmd_ = 0, v_ = 0, i_cmd_ = 0, i_ = 0;
  double v_expect_ = 0;     // belt speed the drive should have (overspeed check)
  double gait_phase_ = 0, cadence_ = 0;
  double meas_ = 0, meas_filt_ = 0, meas2_ = 0, raw_ = 0;
  double ref_mass_ = 0;
  bool estop_in_ = false, key_out_ = false;
  double tgt_filt_ = 0;     // target through the same lag as the measurement (tracking check)
  double track_timer_ = 0, overload_timer_ = 0, sensor_timer_ = 0;
  // scripted fault state
  std::vector<bool> fired_;
  bool stalled_ = false, runaway_ = false, disconnected_ = false;
  double drift_target_ = 0, drift_ = 0, sensor_err_ = 0, extra_load_until_ = -1, extra_load_n_ = 0;
  double estop_until_ = -1, key_until_ = -1;
  double noise_n_ = 0, noise_until_ = -1;  // injected load-cell noise burst (N, 1 sigma) and its end
  double silence_until_ = -1, deaf_until_ = -1;
  double p_drop_ = 0, p_corrupt_ = 0, p_dup_ = 0, p_delay_ = 0;
  int reported_proto_ = device::kProtocolVersion;
  std::uint16_t reported_table_ = 0;

  std::deque<std::pair<Micros, std::string>> out_;  // frames with the time they may leave
};

}  // namespace lever::sim
