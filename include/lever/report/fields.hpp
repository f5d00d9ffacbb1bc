// Typed values as fields of the reports' output rows (rows are JSON: they are printed as json, csv
// or tables), so that rows are built from the model's members instead of the stored documents.
#pragma once
#include <optional>

#include <nlohmann/json.hpp>

namespace lever::report {

/// An optional member as a row field: its value (closed sets by their spelling), or null when empty.
template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace lever::report
