// The pain and symptom log (pain/<athlete>.ndjson, schemas/pain-entry.schema.json): entries, and the
// corrections that void or amend them (entries are never edited in place).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lever/model/instant.hpp"
#include "lever/model/vocab.hpp"

namespace lever::model {

/// The symptoms recorded beside a score (each absent when not asked).
struct Symptoms {
  std::optional<Swelling> swelling;     ///< knee swelling; significant is a stop signal
  std::optional<bool> theatre_sign;     ///< pain after sitting with bent knees, easing when straightened
  std::optional<bool> stairs_pain;      ///< pain on stairs or downhill
  std::optional<bool> grinding;         ///< grinding or clicking
  std::optional<bool> stiffness;        ///< stiffness after long runs
};

/// One pain entry as stored; a corrected view (PainLog) may also carry amended_by/amended_at.
struct PainEntry {
  static constexpr std::string_view kCollection = "pain";  ///< the log collection
  std::string id;                          ///< entry ID
  std::string athlete_id;                  ///< whose pain
  int score = 0;                           ///< 0-10 NRS
  PainWhen when = PainWhen::after;         ///< when it was felt relative to a run
  Instant at;                              ///< when it was felt
  Instant logged_at;                       ///< when lever recorded it
  std::optional<std::string> session_id;   ///< the session it belongs to (absent: not linked)
  Symptoms symptoms;                       ///< swelling and the other symptoms
  std::optional<std::string> note;         ///< free text
  std::string by;                          ///< who logged it
  std::optional<PainSource> source;        ///< cli, import or run
  std::optional<std::string> amended_by;   ///< corrected view only: the amendment applied to it
  std::optional<Instant> amended_at;       ///< corrected view only: when that amendment was logged
};

/// A correction record: voids an entry, or amends its score and the other fields it carries.
struct PainCorrectionRecord {
  static constexpr std::string_view kCollection = "pain";  ///< the log collection
  std::string id;                          ///< record ID
  std::string athlete_id;                  ///< whose log
  CorrectionKind kind = CorrectionKind::void_entry;  ///< void or amend
  std::string corrects;                    ///< the entry it applies to
  std::string reason;                      ///< why
  Instant logged_at;                       ///< when it was recorded
  std::string by;                          ///< who recorded it
  std::optional<PainSource> source;        ///< cli or import
  std::optional<int> score;                ///< amend: the new score (required for amend)
  std::optional<PainWhen> when;            ///< amend: a new time context
  std::optional<Instant> at;               ///< amend: a new time felt
  std::optional<std::string> session_id;   ///< amend: a new linked session
  Symptoms symptoms;                       ///< amend: new symptom fields
  std::optional<std::string> note;         ///< amend: a new note
};

/// True when a pain log record is a correction (it has a kind) rather than an entry.
bool is_correction_record(const nlohmann::json& record);

/// Writes the symptom fields into an entry or correction object.
void write_symptoms(nlohmann::json& j, const Symptoms& s);
/// Reads the symptom fields of an entry or correction object.
Symptoms read_symptoms(const nlohmann::json& j);

/// Writes a pain entry.
void to_json(nlohmann::json& j, const PainEntry& v);
/// Reads a pain entry (validated first).
void from_json(const nlohmann::json& j, PainEntry& v);
/// Writes a correction record.
void to_json(nlohmann::json& j, const PainCorrectionRecord& v);
/// Reads a correction record (validated first).
void from_json(const nlohmann::json& j, PainCorrectionRecord& v);

}  // namespace lever::model
