// The closed sets of lever's domain, each declared once as a table: pain times, swelling grades,
// session and plan statuses, affected sides, presentations, clinician flags, stop phases, output
// formats. The enums are what code compares; the tables give the spelling in files and on the command
// line, and the CLI choices, completions, man pages and schema enums are tested against them
// (tests/unit/test_model_vocab.cpp), so adding a member is one row here plus its rule.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lever::model {

/// One member of a closed set: its value and its spelling in files and on the command line.
template <class E>
struct Term {
  E value;                ///< the member
  std::string_view name;  ///< how files and the command line spell it
};

/// When a pain score was felt relative to a run (domain.md, "Pain monitoring").
enum class PainWhen { before, during, after, next_day };
/// Reported knee swelling; significant is a stop signal (domain.md, "Stop signals").
enum class Swelling { none, mild, moderate, significant };
/// How a session ended (schemas/session.schema.json status).
enum class SessionStatus { running, completed, stopped, incomplete };
/// Whether a plan is being followed.
enum class PlanStatus { active, suspended };
/// The affected knee.
enum class Side { left, right, both };
/// The presentation a plan is built for; severe is refused (domain.md, "mild-to-moderate only").
enum class Severity { mild, moderate, severe };
/// The clinician flags on an athlete; the first three block runs until cleared.
enum class AthleteFlag { suspected_meniscal, suspected_ligament, significant_swelling, review };
/// Where in a run a session ended (schemas/session.schema.json stop_phase).
enum class StopPhase { start, warm_up, run, walk, cool_down, stopping, lowering };
/// Where a pain entry came from.
enum class PainSource { cli, import, run };
/// What a correction of a pain entry does: withdraw it, or replace fields of it.
enum class CorrectionKind { void_entry, amend };
/// How a command prints records (lever(1), OUTPUT).
enum class Format { table, json, ndjson, csv };
/// What a calibration record is.
enum class CalibrationKind { calibration, check };
/// How a calibration ended.
enum class CalibrationResult { pass, fail, aborted };
/// A unit's state as it reports it (lever-protocol(7), "STATES"; device::State is the same set).
enum class UnitState { idle, armed, run, hold, fault, estop };
/// A fault a unit reports, by its wire name (lever-protocol(7), "FAULTS"; device's fault table).
enum class UnitFault { link, crc, estop, key, tracking, overload, overspeed, sensor, wdreset, config };
/// The kind of a programme phase (schemas/program.schema.json; running phases count for load).
enum class PhaseKind { warm_up, run, walk, cool_down };

/// The table of a closed set, in documented order (the first is the default where there is one).
template <class E>
std::span<const Term<E>> terms();

template <> std::span<const Term<PainWhen>> terms<PainWhen>();
template <> std::span<const Term<Swelling>> terms<Swelling>();
template <> std::span<const Term<SessionStatus>> terms<SessionStatus>();
template <> std::span<const Term<PlanStatus>> terms<PlanStatus>();
template <> std::span<const Term<Side>> terms<Side>();
template <> std::span<const Term<Severity>> terms<Severity>();
template <> std::span<const Term<AthleteFlag>> terms<AthleteFlag>();
template <> std::span<const Term<StopPhase>> terms<StopPhase>();
template <> std::span<const Term<PainSource>> terms<PainSource>();
template <> std::span<const Term<CorrectionKind>> terms<CorrectionKind>();
template <> std::span<const Term<Format>> terms<Format>();
template <> std::span<const Term<CalibrationKind>> terms<CalibrationKind>();
template <> std::span<const Term<CalibrationResult>> terms<CalibrationResult>();
template <> std::span<const Term<UnitState>> terms<UnitState>();
template <> std::span<const Term<UnitFault>> terms<UnitFault>();
template <> std::span<const Term<PhaseKind>> terms<PhaseKind>();

/// A type that has a table of terms.
template <class E>
concept Vocabulary = std::is_enum_v<E> && requires { terms<E>(); };

/// How files and the command line spell v.
template <Vocabulary E>
std::string_view name(E v) {
  for (const auto& t : terms<E>())
    if (t.value == v) return t.name;
  return {};
}

/// The member spelled s, or nullopt.
template <Vocabulary E>
std::optional<E> parse(std::string_view s) {
  for (const auto& t : terms<E>())
    if (t.name == s) return t.value;
  return std::nullopt;
}

/// Every spelling, in documented order (CLI choices, completions, schema enums).
template <Vocabulary E>
std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& t : terms<E>()) out.emplace_back(t.name);
  return out;
}

/// "a, b, c or d": the spellings for a message.
template <Vocabulary E>
std::string names_in_words() {
  std::string out;
  const auto all = terms<E>();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i) out += i + 1 == all.size() ? " or " : ", ";
    out += all[i].name;
  }
  return out;
}

/// Writes a member as its spelling.
template <Vocabulary E>
void to_json(nlohmann::json& j, E v) {
  j = std::string(name(v));
}

/// Reads a member from its spelling; nlohmann::json::other_error for anything else (the store validates
/// documents against their schemas first, so this is a programming error, not bad input).
template <Vocabulary E>
void from_json(const nlohmann::json& j, E& v) {
  auto p = j.is_string() ? parse<E>(j.get_ref<const std::string&>()) : std::nullopt;
  if (!p) throw nlohmann::json::other_error::create(599, "not a member of a closed set: " + j.dump(), &j);
  v = *p;
}

/// True for the clinician flags that block runs until a clinician clears them (domain.md, stop signals).
bool blocks_runs(AthleteFlag f);

/// A pain-monitoring profile (domain.md, "Pain-monitoring profiles"): the row of its numbers. The rule
/// that applies them is plan/response.cpp's classify_response.
struct Profile {
  std::string_view name;       ///< seed, trek or silbernagel
  int during_limit = 4;        ///< highest acceptable pain during running, 0-10
  bool after_60min = false;    ///< also needs a log within 60 min after the run, back to the pre-run level (trek)
  bool weekly_trend = true;    ///< the week-on-week follow-up pain trend applies by default
  bool resting_baseline = false;  ///< follow-up pain is compared with the athlete's resting baseline (seed), else the pre-run level
  std::string_view follow_up;  ///< the follow-up rule in words, for reasons and `plan show`
  std::string_view source;     ///< where the numbers come from
};

/// Every profile, the default (seed) first.
std::span<const Profile> profiles();

/// The default profile (domain.md: seed).
const Profile& default_profile();

/// The profile with this name; throws Error(usage) naming the known profiles.
const Profile& profile(std::string_view name);

/// The profile names, default first.
std::vector<std::string> profile_names();

}  // namespace lever::model
