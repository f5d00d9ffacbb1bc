// Helpers for the model's JSON conversions (model/*.cpp only): optional fields read when present and
// not null, and written either not at all or as null, as each field has always been stored.
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

/// What a read-then-written document lost or changed, compared as stored text with null and absent
/// taken as the same (the schemas give them one meaning); empty when nothing. For the round-trip
/// check at the store boundary (LEVER_MODEL_CHECK) and the model's tests.
std::string round_trip_difference(const nlohmann::json& stored, const nlohmann::json& written);

}  // namespace lever::model
