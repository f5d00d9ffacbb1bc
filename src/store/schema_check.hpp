// A yes/no reading of a JSON Schema over a simdjson document, for the reports' quick session path:
// the schema compiled once, no messages, no allocations per field, and "not sure" for anything it
// does not test the way lever's validator (src/util/json_schema.cpp) does, so such a document goes
// to that validator.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace lever {

/// One part of a schema, compiled to answer "does this value certainly pass it?".
class SureCheck {
public:
  /// Compiles `part`, a schema inside the document `root` (whose "#/..." $refs it follows).
  SureCheck(const nlohmann::json& root, const nlohmann::json& part);
  /// True only when `value` certainly passes the part as SchemaValidator judges it; false when it
  /// fails or when this check cannot be sure.
  bool surely(simdjson::dom::element value) const { return surely(*top_, value); }

private:
  struct Node {
    bool never = false;                     ///< false schema, or a keyword this check does not read
    unsigned types = 0;                     ///< bit per JSON type allowed (0: any)
    std::optional<std::vector<nlohmann::json>> allowed;  ///< enum, or const as a one-item list
    std::optional<double> min, max, xmin, xmax;
    std::optional<size_t> min_len, max_len, min_items, max_items;
    bool id_pattern = false, date_time = false, unique = false;
    const Node* ref = nullptr;
    const Node* items = nullptr;
    std::vector<std::pair<std::string, const Node*>> props;
    const Node* extra = nullptr;            ///< additionalProperties; nullptr: any
    std::vector<std::string> required;
  };
  const Node* compile(const nlohmann::json& root, const nlohmann::json& s);
  bool surely(const Node& n, simdjson::dom::element v) const;

  std::deque<Node> nodes_;
  std::vector<std::pair<const nlohmann::json*, const Node*>> done_;  ///< $ref targets compiled so far (while compiling)
  const Node* top_ = nullptr;
};

}  // namespace lever
