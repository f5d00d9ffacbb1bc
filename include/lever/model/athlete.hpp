// An athlete (athletes/<id>.json, schemas/athlete.schema.json): body mass, baseline cadence, affected
// side, baseline pain, clinician flags.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/instant.hpp"
#include "lever/model/vocab.hpp"

namespace lever::model {

/// A clinician flag set on an athlete.
struct FlagEntry {
  AthleteFlag flag = AthleteFlag::review;  ///< which flag
  std::optional<std::string> note;         ///< the clinician's note
  Instant set_at;                          ///< when it was set
  std::string set_by;                      ///< who set it
};

/// An athlete as stored.
struct Athlete {
  static constexpr std::string_view kCollection = "athlete";  ///< where athletes are stored
  std::string id;                          ///< athlete ID
  std::optional<std::string> name;         ///< display name (health data: never in de-identified exports)
  double mass_kg = 0;                      ///< body mass, kg (20-300)
  std::optional<double> cadence_spm;       ///< baseline running step rate, steps/min (100-240)
  std::optional<Side> side;                ///< affected knee
  std::optional<int> baseline_pain;        ///< resting pain, 0-10 NRS
  std::optional<std::string> note;         ///< free text
  std::vector<FlagEntry> flags;            ///< clinician flags, in the order set
  Instant created_at;                      ///< when it was added
  Instant updated_at;                      ///< when it was last changed

  /// The flags that block runs until a clinician clears them, in the order set.
  std::vector<AthleteFlag> blocking_flags() const;
  /// The resting pain used as the baseline of the pain response (0 when not recorded).
  int baseline() const { return baseline_pain.value_or(0); }
};

/// Writes a flag entry.
void to_json(nlohmann::json& j, const FlagEntry& v);
/// Reads a flag entry.
void from_json(const nlohmann::json& j, FlagEntry& v);
/// Writes an athlete document.
void to_json(nlohmann::json& j, const Athlete& v);
/// Reads an athlete document (validated against its schema first).
void from_json(const nlohmann::json& j, Athlete& v);

}  // namespace lever::model
