// The closed sets' tables (vocab.hpp). Spellings are the schemas' enums; order is the documented one.
#include "lever/model/vocab.hpp"

#include <array>

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever::model {

// One table per closed set: the specialisation returns a view of a static array.
#define LEVER_TERMS(E, ...)                                   \
  template <>                                                 \
  std::span<const Term<E>> terms<E>() {                       \
    static constexpr std::array<Term<E>, std::initializer_list<Term<E>>{__VA_ARGS__}.size()> t{{__VA_ARGS__}}; \
    return t;                                                 \
  }

LEVER_TERMS(PainWhen, {PainWhen::before, "before"}, {PainWhen::during, "during"}, {PainWhen::after, "after"},
            {PainWhen::next_day, "next-day"})
LEVER_TERMS(Swelling, {Swelling::none, "none"}, {Swelling::mild, "mild"}, {Swelling::moderate, "moderate"},
            {Swelling::significant, "significant"})
LEVER_TERMS(SessionStatus, {SessionStatus::running, "running"}, {SessionStatus::completed, "completed"},
            {SessionStatus::stopped, "stopped"}, {SessionStatus::incomplete, "incomplete"})
LEVER_TERMS(PlanStatus, {PlanStatus::active, "active"}, {PlanStatus::suspended, "suspended"})
LEVER_TERMS(Side, {Side::left, "left"}, {Side::right, "right"}, {Side::both, "both"})
LEVER_TERMS(Severity, {Severity::mild, "mild"}, {Severity::moderate, "moderate"}, {Severity::severe, "severe"})
LEVER_TERMS(AthleteFlag, {AthleteFlag::suspected_meniscal, "suspected-meniscal"},
            {AthleteFlag::suspected_ligament, "suspected-ligament"},
            {AthleteFlag::significant_swelling, "significant-swelling"}, {AthleteFlag::review, "review"})
LEVER_TERMS(StopPhase, {StopPhase::start, "start"}, {StopPhase::warm_up, "warm-up"}, {StopPhase::run, "run"},
            {StopPhase::walk, "walk"}, {StopPhase::cool_down, "cool-down"}, {StopPhase::stopping, "stopping"},
            {StopPhase::lowering, "lowering"})
LEVER_TERMS(PainSource, {PainSource::cli, "cli"}, {PainSource::import, "import"}, {PainSource::run, "run"})
LEVER_TERMS(CorrectionKind, {CorrectionKind::void_entry, "void"}, {CorrectionKind::amend, "amend"})
LEVER_TERMS(Format, {Format::table, "table"}, {Format::json, "json"}, {Format::ndjson, "ndjson"}, {Format::csv, "csv"})
LEVER_TERMS(CalibrationKind, {CalibrationKind::calibration, "calibration"}, {CalibrationKind::check, "check"})
LEVER_TERMS(CalibrationResult, {CalibrationResult::pass, "pass"}, {CalibrationResult::fail, "fail"},
            {CalibrationResult::aborted, "aborted"})
LEVER_TERMS(UnitState, {UnitState::idle, "IDLE"}, {UnitState::armed, "ARMED"}, {UnitState::run, "RUN"},
            {UnitState::hold, "HOLD"}, {UnitState::fault, "FAULT"}, {UnitState::estop, "ESTOP"})
LEVER_TERMS(UnitFault, {UnitFault::link, "link"}, {UnitFault::crc, "crc"}, {UnitFault::estop, "estop"},
            {UnitFault::key, "key"}, {UnitFault::tracking, "tracking"}, {UnitFault::overload, "overload"},
            {UnitFault::overspeed, "overspeed"}, {UnitFault::sensor, "sensor"}, {UnitFault::wdreset, "wdreset"},
            {UnitFault::config, "config"})
LEVER_TERMS(PhaseKind, {PhaseKind::warm_up, "warm-up"}, {PhaseKind::run, "run"}, {PhaseKind::walk, "walk"},
            {PhaseKind::cool_down, "cool-down"})

#undef LEVER_TERMS

bool blocks_runs(AthleteFlag f) { return f != AthleteFlag::review; }

std::span<const Profile> profiles() {
  // domain.md's table: during-limit, the 60-min after log, whether the weekly trend applies, which
  // baseline follow-up pain is compared with, and the follow-up rule in words.
  static constexpr std::array<Profile, 3> all{{
      {"seed", 4, false, true, true, "back to baseline within 24 h",
       "seed document (cites Crossley 2016; the numbers are the seed's)"},
      {"trek", 2, true, false, false, "back to the pre-run level within 60 min; no increase next morning",
       "TREK education for runners with PFP (La Trobe)"},
      {"silbernagel", 5, false, true, false, "settled (back to the pre-run level) by next morning",
       "Silbernagel 2007 (after Thomee 1997)"},
  }};
  return all;
}

const Profile& default_profile() { return profiles().front(); }

const Profile& profile(std::string_view name) {
  for (const auto& p : profiles())
    if (p.name == name) return p;
  std::string known;
  for (const auto& p : profiles()) {
    if (!known.empty()) known += &p == &profiles().back() ? " or " : ", ";
    known += &p == &default_profile() ? fmt::format("{} (the default: pain <= {}/10 during)", p.name, p.during_limit)
                                      : fmt::format("{} (<= {}/10)", p.name, p.during_limit);
  }
  throw Error(Exit::usage, fmt::format("unknown pain-monitoring profile '{}'", name), fmt::format("use {}", known));
}

std::vector<std::string> profile_names() {
  std::vector<std::string> out;
  for (const auto& p : profiles()) out.emplace_back(p.name);
  return out;
}

}  // namespace lever::model
