// The lever unit protocol as data: states, faults, NAK reasons, the message table and its checksum,
// and the typed messages (identity, calibration, status) both ends encode and decode the same way.
// The normative text is man lever-protocol(7); this header and that page must agree.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lever/device/frame.hpp"

namespace lever::device {

/// The protocol version this lever speaks; HELLO and its answer never change across versions.
inline constexpr int kProtocolVersion = 1;

/// Unit states (lever-protocol(7), "STATES"). FAULT and ESTOP are latched until RESET.
enum class State { idle, armed, run, hold, fault, estop };

/// The wire name of a state ("IDLE", "ARMED", ...).
const char* state_name(State s);
/// Parses a wire state name; nullopt when unknown.
std::optional<State> parse_state(std::string_view s);
/// True for the states where the belt is stopped under control and the support is held.
bool is_safe_state(State s);

/// Fault bits as carried in the status field `flt` (hexadecimal).
enum FaultBit : std::uint32_t {
  kFaultLink = 1u << 0,       ///< watchdog: no valid host frame within the watchdog time
  kFaultCrc = 1u << 1,        ///< too many corrupted host frames per second
  kFaultEstop = 1u << 2,      ///< hardware e-stop pressed
  kFaultKey = 1u << 3,        ///< safety key pulled
  kFaultTracking = 1u << 4,   ///< measured support away from target too long (stall, drift)
  kFaultOverload = 1u << 5,   ///< measured support above the unit's overload limit
  kFaultOverspeed = 1u << 6,  ///< belt faster than commanded / allowed
  kFaultSensor = 1u << 7,     ///< the two load cells disagree
  kFaultWdReset = 1u << 8,    ///< the unit's firmware watchdog restarted it
  kFaultConfig = 1u << 9,     ///< non-volatile configuration invalid or a host of another table tried to arm
};

/// One row of the fault table: name, meaning, the unit's reaction and the operator's remedy.
struct FaultInfo {
  std::uint32_t bit;     ///< the FaultBit
  const char* name;      ///< wire/short name, e.g. "estop"
  const char* meaning;   ///< what happened, for people
  State goes_to;         ///< the state the unit enters
  const char* remedy;    ///< what the operator should do
};

/// Every fault the protocol defines, in bit order.
const std::vector<FaultInfo>& fault_table();
/// The row for one bit, or nullptr.
const FaultInfo* fault_info(std::uint32_t bit);
/// The names of the bits set in `bits`, e.g. {"estop", "link"}.
std::vector<std::string> fault_names(std::uint32_t bits);
/// Parses a fault name ("estop"); 0 when unknown.
std::uint32_t fault_bit(std::string_view name);
/// True when the unit stopped because the link was lost (its watchdog held) rather than for a
/// safety reason: lever then exits 6 (unit not answering), not 3. An e-stop or a pulled safety key
/// outranks it.
bool stopped_for_link(std::uint32_t faults);

/// NAK reason codes (the `reason` field of NAK).
enum class Nak { range, state, busy, unknown, syntax, config };
/// Wire name of a NAK reason.
const char* nak_name(Nak n);
/// Parses a NAK reason; nullopt when unknown.
std::optional<Nak> parse_nak(std::string_view s);

/// One message of the protocol: verb, direction, fields, and the states it is accepted in.
struct MessageDef {
  const char* verb;      ///< e.g. "SET"
  const char* from;      ///< "host" or "unit"
  const char* fields;    ///< space-separated field names in wire order
  const char* purpose;   ///< one line
};

/// The message table; its checksum identifies the dialect (MAVLink's CRC_EXTRA idea).
const std::vector<MessageDef>& message_table();
/// CRC-16/CCITT of the canonical text of message_table() (verb, from and fields, one line each).
std::uint16_t message_table_crc();

/// The unit's limits, enforced on the unit and checked again on the host.
struct Limits {
  double max_force_n = 0;        ///< highest support force
  double min_force_n = 0;        ///< lowest non-zero support the unit can hold steadily
  double max_slew_n_s = 0;       ///< fastest support change, N/s
  double max_speed_kmh = 0;      ///< fastest belt speed
  double max_accel_kmh_s = 0;    ///< belt acceleration/deceleration, km/h per s
  double max_incline_pct = 0;    ///< steepest incline
  double min_incline_pct = 0;    ///< lowest incline (0: no decline)
  int watchdog_ms = 0;           ///< unit watchdog: HOLD when no host frame for this long
};

/// What HELLO returns: who the unit is and which dialect it speaks.
struct Identity {
  int protocol = 0;             ///< protocol version
  std::uint16_t table_crc = 0;  ///< message table checksum
  std::string serial;           ///< serial number (also the store ID, lower-cased)
  std::string firmware;         ///< firmware version
  std::string model;            ///< model name
  Limits limits;                ///< the unit's limits
  int status_hz = 0;            ///< current status rate
};

/// The unit's calibration in non-volatile memory.
struct Calibration {
  double zero_counts = 0;       ///< load-cell reading with no load (raw counts)
  double gain_n_per_count = 0;  ///< newtons per raw count
  double act_gain = 1;          ///< actuator map: delivered force = drive x act_gain + act_offset_n
  double act_offset_n = 0;      ///< actuator map offset
  double frame_height_cm = 0;   ///< arm/frame height the calibration was made at
  std::string calibrated_at;    ///< when (compact UTC, e.g. 20261125T151700Z; "-" = never)
};

/// Absolute targets for one SET command.
struct Targets {
  double force_n = 0;      ///< support (unloading) force
  double speed_kmh = 0;    ///< belt speed
  double incline_pct = 0;  ///< incline
};

/// One status frame, decoded.
struct Status {
  std::uint16_t seq = 0;       ///< unit frame sequence number
  std::int64_t unit_ms = 0;    ///< unit clock, ms since boot
  State state = State::idle;   ///< state
  double cmd_n = 0;            ///< commanded support
  double target_n = 0;         ///< slew-limited support target
  double meas_n = 0;           ///< measured support (calibrated)
  double raw_counts = 0;       ///< raw load-cell reading
  double speed_cmd_kmh = 0;    ///< commanded belt speed
  double speed_kmh = 0;        ///< measured belt speed
  double incline_cmd_pct = 0;  ///< commanded incline
  double incline_pct = 0;      ///< measured incline
  double cadence_spm = 0;      ///< detected cadence, steps/min (0 when not running)
  std::uint32_t faults = 0;    ///< FaultBit set
  std::string first_fault;     ///< first latched fault name, empty for none
  bool estop = false;          ///< hardware e-stop input active
  double ref_mass_kg = 0;      ///< reference mass hung on the harness (technician rig), 0 = none
  std::uint16_t host_seq = 0;  ///< last valid host sequence number the unit saw
  std::uint32_t crc_errors = 0;///< corrupted host frames since boot
};

/// Encodes identity fields into an ACK frame.
void put_identity(Frame& f, const Identity& id);
/// Decodes identity fields; nullopt when a required field is missing or bad.
std::optional<Identity> get_identity(const Frame& f);
/// Encodes calibration fields (CAL answer and CALSET).
void put_calibration(Frame& f, const Calibration& c);
/// Decodes calibration fields; nullopt when one is missing or bad.
std::optional<Calibration> get_calibration(const Frame& f);
/// Encodes a status frame (verb ST).
Frame status_frame(const Status& s);
/// Decodes an ST frame; nullopt when a field is missing or bad.
std::optional<Status> get_status(const Frame& f);

}  // namespace lever::device
