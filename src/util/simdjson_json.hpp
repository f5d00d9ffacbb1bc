// A simdjson DOM value converted to the nlohmann document json::parse would have built from the
// same text; shared by the fast read paths (json_schema.cpp, store/session_reader.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace lever::detail {

/// `e` as nlohmann stores it: non-negative integers unsigned, the last of repeated keys kept.
nlohmann::json simdjson_to_json(simdjson::dom::element e);

}  // namespace lever::detail
