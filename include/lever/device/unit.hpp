// The host side of the lever unit protocol: one Unit per open port (lever-protocol(7)).
//
// How a control loop uses it (run and calibrate build on this):
//
//   auto unit = device::open_unit(port, store);        // sim/open_port.hpp: transport + HELLO; Error(6) if no answer
//   auto& clock = unit->clock();                       // virtual for sim:?clock=virtual: pace with it only
//   device::install_stop_signals();                    // Ctrl-C wakes any wait at once
//   unit->set_status_rate(20);
//   unit->arm();                                       // refuses (Error 3) a unit of another dialect
//   unit->set_targets({force_n, 0, 0});                // absolute targets, checked against the limits
//   unit->start();
//   for (auto next = clock.now(); ; next += 50ms) {    // the loop owns the heartbeat
//     unit->poll_until(next);                          // reads status frames until the tick
//     if (device::stop_requested()) { unit->hold(); break; }   // stop frame leaves within ms
//     const auto& s = unit->status();                  // latest status (state, forces, belt, faults)
//     unit->require_running();                         // Error(3) naming the fault if the unit left RUN
//     ... own checks (pain, plan, telemetry) ...
//     unit->set_targets(...);                          // only when targets change
//     unit->heartbeat();                               // only after every check above passed
//   }
//   unit->lower_support(10); ... unit->disarm();       // operator-driven release
//
// Nothing here starts a thread: if the loop hangs, heartbeats stop and the unit's watchdog puts it
// in HOLD (belt stopped under control, support held). Every command is sent with a fresh sequence
// number and resent with the same number up to kMaxTries times (the unit answers a resend without
// executing it twice); then the link is declared faulty with Error(unit_unavailable).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lever/device/frame.hpp"
#include "lever/device/protocol.hpp"
#include "lever/transport/transport.hpp"
#include "lever/util/clock.hpp"
#include "lever/util/error.hpp"

namespace lever::device {

/// Link health as seen by the host.
struct LinkStats {
  std::uint64_t frames = 0;        ///< good frames received
  std::uint64_t bad_frames = 0;    ///< frames rejected by the decoder (CRC, syntax, truncated)
  std::uint64_t garbage_bytes = 0; ///< bytes outside frames
  std::uint64_t lost_frames = 0;   ///< gaps in the unit's sequence numbers
  std::uint64_t resends = 0;       ///< commands sent again after a timeout
  std::uint64_t statuses = 0;      ///< status frames received
};

/// Host-time mapping of the unit clock (lowest observed offset: transmission delay only adds).
struct ClockSync {
  bool valid = false;           ///< at least one status seen
  std::int64_t offset_ns = 0;   ///< host clock (Clock::now) minus unit clock, minimum seen
  bool unit_restarted = false;  ///< the unit clock went backwards (watchdog reset)
};

/// A command the unit refused with NAK; what() names the command, reason() the code.
class NakError : public Error {
public:
  /// Builds the error for a NAK of `verb` with `reason`.
  NakError(Nak reason, Exit code, std::string what, std::string hint) : Error(code, std::move(what), std::move(hint)), reason_(reason) {}
  /// The unit's reason code.
  Nak reason() const { return reason_; }

private:
  Nak reason_;
};

/// One unit on one port.
class Unit {
public:
  /// Resends after this many tries without an answer declare the link faulty.
  static constexpr int kMaxTries = 4;
  /// No frame at all from the unit for this long means the link is lost (status runs at >= 10 Hz).
  static constexpr std::chrono::milliseconds kLinkTimeout{500};
  /// How long to wait for the answer to one try of a command: short enough that a command and one
  /// lost re-send (the loop is blocked meanwhile, sending no heartbeat) fit in the unit's 300 ms watchdog.
  static constexpr std::chrono::milliseconds kReplyTimeout{100};

  /// Takes over an open transport (call identify() before anything else).
  explicit Unit(std::unique_ptr<transport::Transport> t);

  /// HELLO: learns identity, limits and dialect. Error(unit_unavailable) when nothing answers or the
  /// device speaks something that is not this protocol.
  const Identity& identify();
  /// The identity from identify().
  const Identity& identity() const { return id_; }
  /// True when the unit speaks this lever's protocol version and message table.
  bool compatible() const;
  /// Why it is not compatible (empty when it is).
  std::string incompatibility() const;

  /// Reads the calibration from the unit's non-volatile memory.
  Calibration read_calibration();
  /// Writes the calibration to non-volatile memory (IDLE only) and reads it back to verify.
  Calibration write_calibration(const Calibration& c);
  /// Sets the status rate (10-100 Hz).
  void set_status_rate(int hz);

  /// IDLE -> ARMED. Error(safety) for a unit of another dialect or one that refuses.
  void arm();
  /// ARMED -> RUN: the belt starts following its target.
  void start();
  /// Sends absolute targets after checking them against the unit's limits (Error(safety) if outside).
  /// A stop signal ends the wait for the ACK at once (the unit may or may not have taken the SET): the
  /// caller's next poll returns at once too, so its HOLD leaves within a millisecond, not after the ACK.
  void set_targets(const Targets& t);
  /// Sends a heartbeat (never answered). Call it only from the control loop, after its checks pass.
  void heartbeat();
  /// Requests HOLD: belt controlled stop, support held. Never refused by the unit. The frame is
  /// written before anything else happens; then the ACK is awaited (Error(6) if none comes).
  void hold();
  /// HOLD -> RUN on operator command (belt target 0, support continues from the held value).
  void resume();
  /// Lowers the support to zero at `rate_n_s` (1-20 N/s) on operator command.
  void lower_support(double rate_n_s);
  /// ARMED/HOLD -> IDLE (refused while the belt moves or the support is still on).
  void disarm();
  /// FAULT/ESTOP -> HOLD once the cause is cleared, on operator command.
  void reset_fault();
  /// Technician rig: hangs (kg > 0) or removes (0) a reference mass on the harness (IDLE only).
  void hang_reference_mass(double kg);

  /// Reads frames until the next status arrives or `wait` passes; true when a new status arrived.
  /// Error(unit_unavailable) when the unit has been silent for kLinkTimeout.
  bool poll(Nanos wait);
  /// Reads frames until `deadline` on the unit's clock (a control loop's tick).
  void poll_until(Nanos deadline);
  /// Waits up to `wait` for a status satisfying `pred`; returns whether one did.
  template <class Pred>
  bool wait_for(Pred pred, Nanos wait) {
    auto deadline = clock().now() + wait;
    while (clock().now() < deadline) {
      if (poll(deadline - clock().now()) && pred(status_)) return true;
    }
    return has_status_ && pred(status_);
  }
  /// True once a status has been received.
  bool has_status() const { return has_status_; }
  /// The latest status.
  const Status& status() const { return status_; }
  /// True when the latest status left the unit after the last command was acknowledged (the line is
  /// FIFO), i.e. it already reflects that command. A loop judges the state only on fresh statuses.
  bool status_fresh() const { return fresh_; }
  /// Error(safety) naming the fault when the latest fresh status is not RUN/ARMED (HOLD, FAULT, ESTOP).
  void require_running() const;

  /// Link counters.
  LinkStats link_stats() const;
  /// Unit-clock correlation.
  const ClockSync& clock_sync() const { return sync_; }
  /// Host clock time (Clock::now scale) of a unit clock reading.
  Nanos host_time_of(std::int64_t unit_ms) const;
  /// The clock that paces this unit's loop.
  Clock& clock() { return t_->clock(); }
  /// The PORT string.
  const std::string& port() const { return t_->name(); }
  /// When lever last wrote a frame that feeds the unit's watchdog (any but HELLO and CAL), on this
  /// unit's clock: a gap longer than Limits::watchdog_ms means the unit has put itself in HOLD.
  Nanos last_sent() const { return last_tx_; }

private:
  // Sends a command and waits for its answer; with `stop_interrupts`, a stop signal ends the wait and
  // an empty frame (no verb) comes back.
  Frame command(const std::string& verb, Frame args = {}, bool stop_interrupts = false);
  [[noreturn]] void no_answer(const std::string& verb) const;
  void send(Frame& f);
  void handle(const Frame& f);
  bool pump(Nanos wait);
  std::unique_ptr<transport::Transport> t_;
  FrameDecoder decoder_;
  std::uint16_t seq_ = 0;
  Identity id_;
  bool identified_ = false;
  Status status_;
  bool has_status_ = false;
  bool new_status_ = false;
  bool fresh_ = false;
  bool stop_woke_ = false;  // a stop signal ended a wait; the next poll returns at once
  std::optional<Frame> reply_;
  std::uint16_t awaiting_ = 0;
  bool have_unit_seq_ = false;
  std::uint16_t unit_seq_ = 0;
  Nanos last_rx_{0};
  Nanos last_tx_{0};
  LinkStats stats_;
  ClockSync sync_;
};

/// One line naming the faults in a bit set, e.g. "estop (the hardware e-stop was pressed)".
std::string describe_faults(std::uint32_t bits);

}  // namespace lever::device
