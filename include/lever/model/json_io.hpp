// Helpers for the model's JSON conversions (model/*.cpp only): fields read when present and not null
// (a missing one keeps its default: the store has validated whole documents against their schema
// already, and a document cut down to some fields converts to the fields it has), and optional
// fields written either not at all or as null, as each has always been stored.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace lever::model {

/// Reads j[key] into out when present and not null (out stays empty otherwise).
template <class T>
void read_opt(const nlohmann::json& j, const char* key, std::optional<T>& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->template get<T>();
}

/// Reads j[key] into out when present and not null (out keeps its value otherwise).
template <class T>
void read_or(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it != j.end() && !it->is_null()) out = it->template get<T>();
}

/// How an empty optional field is written.
enum class Empty { omit, null };

/// Writes v at j[key]; an empty v is left out (Empty::omit) or written as null (Empty::null).
template <class T>
void write_opt(nlohmann::json& j, const char* key, const std::optional<T>& v, Empty empty = Empty::omit) {
  if (v) j[key] = *v;
  else if (empty == Empty::null) j[key] = nullptr;
}

/// v as a JSON number written as an integer when it is whole (|v| < 2^53), else as a decimal: for
/// fields lever has always stored as whole numbers where they are whole (minutes from a template,
/// a rounded step rate, hours of a rule), so that their stored text stays as it was.
nlohmann::json whole_or_decimal(double v);

/// What a read-then-written document lost or changed, compared as stored text with null and absent
/// taken as the same (the schemas give them one meaning) and numbers by value (1 is 1.0); empty when nothing. For the round-trip
/// check at the store boundary (LEVER_MODEL_CHECK) and the model's tests.
std::string round_trip_difference(const nlohmann::json& stored, const nlohmann::json& written);

}  // namespace lever::model
