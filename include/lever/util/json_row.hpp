// Output rows with a fixed set of fields: machine formats print every field of a row in every state,
// null when the record has no value for it (lever(1), OUTPUT; schemas/output/).
#pragma once
#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lever {

/// The fields of `record` named by `keys`, each one null where `record` lacks it; nothing else.
nlohmann::json fields_or_null(const nlohmann::json& record, std::initializer_list<std::string_view> keys);

}  // namespace lever
