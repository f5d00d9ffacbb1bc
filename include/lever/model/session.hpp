// A session summary (sessions/<id>.json, schemas/session.schema.json): written by `lever run` at the
// start (status running, pid, host) and again at the end with the outcome and the summary; the
// telemetry stays a streamed log (telemetry/<id>.ndjson) and is not part of this type.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/instant.hpp"
#include "lever/model/vocab.hpp"

namespace lever::model {

/// Which clock a session ran on.
enum class ClockKind { virtual_clock, wall_clock };

template <> std::span<const Term<ClockKind>> terms<ClockKind>();

/// One phase of the programme a session ran, every default filled in.
struct Phase {
  std::string name;                          ///< e.g. "warm-up", "run 2/4"
  PhaseKind kind = PhaseKind::run;           ///< warm-up, run, walk or cool-down
  double duration_s = 0;                     ///< how long it lasts, s
  double support_pct = 0;                    ///< commanded support, % of body weight
  double speed_kmh = 0;                      ///< belt speed, km/h
  double incline_pct = 0;                    ///< belt incline, % grade (never negative)
  std::optional<double> cadence_target_spm;  ///< cadence target, steps/min; empty (stored null) when none
};

/// The programme a session ran, as lever resolved it.
struct Program {
  std::string source;            ///< "plan", "command line", or the programme file's name ("-": standard input)
  std::string name;              ///< a title for people
  std::optional<int> plan_step;  ///< the plan step it runs (1-based); empty (stored null) when not a plan session
  double duration_s = 0;         ///< total length, s
  double distance_km = 0;        ///< total belt distance, km
  std::vector<Phase> phases;     ///< in order (at least one)
};

/// A run that went ahead with --allow-uncalibrated (audited).
struct UncalibratedRun {
  std::string problem;  ///< which calibration check failed, with dates and numbers
  std::string reason;   ///< the reason given with --allow-uncalibrated
};

/// The calibration gate's verdict at the start of a session.
struct CalibrationGate {
  std::optional<std::string> record;                  ///< the passing calibration record in force; empty (null) when none
  std::optional<UncalibratedRun> allowed_uncalibrated;  ///< "override": empty (null) when the calibration was in order
};

/// Time spent at one commanded support level.
struct SupportTime {
  double support_pct = 0;  ///< commanded support, % of body weight (to 0.1)
  double duration_s = 0;   ///< time at it, s
};

/// Control-loop timing on a real clock (absent on the simulator's virtual clock).
struct LoopTiming {
  std::optional<std::int64_t> ticks;                ///< loop periods measured
  std::optional<double> period_jitter_p50_ms;       ///< median distance of a wake-up from its nominal period, ms
  std::optional<double> period_jitter_p99_ms;       ///< its 99th percentile, ms
  std::optional<double> period_jitter_max_ms;       ///< the largest, ms
  std::optional<std::int64_t> hold_sent_unix_ns;    ///< wall time the HOLD frame left at a stop, ns since the Unix epoch
  std::optional<double> fault_to_hold_ms;           ///< from the unit's fault to lever's HOLD, ms
};

/// A session summary as stored. The fields `lever run` writes at the end (outcome and summary) are
/// empty while it runs and in a recovered session, which has only its end, stop reason and duration.
struct Session {
  static constexpr std::string_view kCollection = "session";  ///< where sessions are stored
  std::string id;                                   ///< session ID
  std::string athlete_id;                           ///< the athlete who ran it
  Instant started_at;                               ///< when the run started (sessions are ordered by it)
  std::optional<Instant> ended_at;                  ///< when it ended (the follow-up windows count from here)
  SessionStatus status = SessionStatus::running;    ///< running, completed, stopped or incomplete
  std::optional<std::string> stop_reason;           ///< why it ended early ('pain', 'e-stop', 'lever-killed'...); empty when completed
  std::optional<StopPhase> stop_phase;              ///< where it was when it stopped; empty when completed
  std::optional<int> plan_step;                     ///< the plan step it ran (1-based); empty: not a plan session
  std::optional<double> support_pct;                ///< commanded support, % of body weight (highest running phase)
  std::optional<double> measured_support_pct;       ///< mean measured support while running, %; empty when nothing ran
  std::optional<int> max_pain_during;               ///< highest pain reported during the run, 0-10 NRS
  std::optional<std::int64_t> pid;                  ///< process ID of the lever running it (only while running)
  std::optional<std::string> host;                  ///< host name of the machine that ran it
  std::optional<std::string> unit_id;               ///< the unit it ran on
  std::optional<std::string> port;                  ///< the serial port (or simulator endpoint) of the unit
  std::optional<ClockKind> clock;                   ///< virtual (the simulator's accelerated clock) or real
  std::optional<std::string> profile;               ///< the pain-monitoring profile in force (seed, trek, silbernagel)
  std::optional<int> pain_limit_during;             ///< the profile's during-run pain limit, 0-10 NRS
  std::optional<int> pain_before;                   ///< pain reported before the run, 0-10 NRS
  std::optional<double> mass_kg;                    ///< the athlete's body mass at the start, kg
  std::optional<Program> program;                   ///< the programme it ran
  std::optional<CalibrationGate> calibration;       ///< the calibration gate's verdict at the start
  std::optional<double> planned_duration_s;         ///< programme length, s
  std::optional<double> duration_s;                 ///< time the loop ran, s (recovered: its last sample's t_s)
  std::optional<double> planned_run_s;              ///< planned running time, s
  std::optional<double> run_s;                      ///< time actually running, s
  std::optional<double> planned_distance_km;        ///< programme belt distance, km
  std::optional<double> distance_km;                ///< belt distance covered, km
  std::optional<std::int64_t> steps;                ///< steps counted from the unit's cadence
  std::optional<double> cadence_spm;                ///< mean cadence while running, steps/min
  std::optional<double> cadence_target_spm;         ///< mean cadence target of the running phases, steps/min
  std::optional<std::vector<SupportTime>> time_at_support;  ///< time at each commanded support, ascending
  std::optional<double> knee_load;                  ///< knee-load index of the running steps (dimensionless)
  std::optional<UnitState> final_state;             ///< the unit's state at the end
  std::optional<double> final_support_target_n;     ///< the unit's support target at the end, N
  std::optional<double> final_support_measured_n;   ///< the unit's measured support at the end, N
  std::optional<double> final_speed_kmh;            ///< the measured belt speed at the end, km/h
  std::optional<std::vector<UnitFault>> faults;     ///< every fault bit the unit showed when it stopped
  std::optional<std::string> message;               ///< what happened, in words
  std::optional<int> exit_code;                     ///< the exit code 'lever run' ended with (128+N for signal N)
  std::optional<LoopTiming> loop_timing;            ///< control-loop timing (real clocks only)
  std::optional<Instant> recovered_at;              ///< when a later 'lever run' marked it incomplete

  /// True once the lever that ran it wrote its end (it then writes the empty summary fields as null).
  bool summarised() const { return exit_code.has_value(); }
};

/// Writes a programme phase.
void to_json(nlohmann::json& j, const Phase& v);
/// Reads a programme phase.
void from_json(const nlohmann::json& j, Phase& v);
/// Writes a programme.
void to_json(nlohmann::json& j, const Program& v);
/// Reads a programme.
void from_json(const nlohmann::json& j, Program& v);
/// Writes an uncalibrated-run override.
void to_json(nlohmann::json& j, const UncalibratedRun& v);
/// Reads an uncalibrated-run override.
void from_json(const nlohmann::json& j, UncalibratedRun& v);
/// Writes the calibration gate's verdict.
void to_json(nlohmann::json& j, const CalibrationGate& v);
/// Reads the calibration gate's verdict.
void from_json(const nlohmann::json& j, CalibrationGate& v);
/// Writes a time-at-support entry.
void to_json(nlohmann::json& j, const SupportTime& v);
/// Reads a time-at-support entry.
void from_json(const nlohmann::json& j, SupportTime& v);
/// Writes loop timing.
void to_json(nlohmann::json& j, const LoopTiming& v);
/// Reads loop timing.
void from_json(const nlohmann::json& j, LoopTiming& v);
/// Writes a session document.
void to_json(nlohmann::json& j, const Session& v);
/// Reads a session document (validated against its schema first).
void from_json(const nlohmann::json& j, Session& v);

}  // namespace lever::model
