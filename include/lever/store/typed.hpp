// The store boundary for the typed model (include/lever/model/): documents are validated against
// their schema by Store::load/save and converted to and from their types here, once. With
// LEVER_MODEL_CHECK=1 (the test suites set it) every typed load also writes the value back and refuses
// a document the model would not store exactly as it was (null and absent count as the same).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/store.hpp"
#include "lever/store/writer.hpp"

namespace lever {

/// True when LEVER_MODEL_CHECK=1: typed loads check that the model keeps every stored field.
bool model_check_enabled();

/// Throws Error(failure) naming `what` and the first difference when `value` written back is not `stored`
/// (only while model_check_enabled()).
void check_round_trip(const nlohmann::json& stored, const nlohmann::json& written, const std::string& what);

/// Converts a validated record into its model type (checking the round trip when enabled).
template <class T>
T from_stored(const nlohmann::json& doc, const std::string& what) {
  T value = doc.get<T>();
  if (model_check_enabled()) check_round_trip(doc, nlohmann::json(value), what);
  return value;
}

/// Loads a document as its model type (T::kCollection names the collection); nullopt when absent.
template <class T>
std::optional<T> load_as(const Store& store, const std::string& id) {
  auto doc = store.load(collection(std::string(T::kCollection)), id);
  if (!doc) return std::nullopt;
  return from_stored<T>(*doc, std::string(T::kCollection) + " '" + id + "'");
}

/// Validates and writes a typed document under its ID through the one audited write path.
template <class T>
void save_as(StoreWriter& w, const T& value, const std::vector<AuditEntry>& audit) {
  w.save(collection(std::string(T::kCollection)), value.id, nlohmann::json(value), audit);
}

}  // namespace lever
