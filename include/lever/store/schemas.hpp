// Access to the JSON Schemas compiled into the binary from schemas/.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "lever/util/json_schema.hpp"

namespace lever::schemas {

/// Every schemas/*.json file, by file name, as embedded at build time.
const std::map<std::string, std::string_view>& embedded();

/// The compiled validator for one schema file; throws std::out_of_range if it is not embedded.
const SchemaValidator& validator(const std::string& file);

}  // namespace lever::schemas
