// A JSON Schema (2020-12) validator for the keyword subset lever's own schemas use.
// Unsupported keywords in a schema are an error, so nothing is silently left unchecked.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lever {

/// One validation failure: where in the instance (JSON Pointer, "" = the root) and what is wrong.
struct SchemaIssue {
  std::string pointer;  ///< JSON Pointer into the validated document, e.g. "/mass_kg"
  std::string message;  ///< what is wrong, e.g. "must be at least 1"
};

/// Validates instances against one schema document (with its local "$defs").
class SchemaValidator {
public:
  /// Takes a parsed schema; throws std::invalid_argument if it uses a keyword this validator lacks.
  explicit SchemaValidator(nlohmann::json schema);
  /// Every problem found in `instance`; empty means valid.
  std::vector<SchemaIssue> validate(const nlohmann::json& instance) const;
  /// True when validate(instance) would be empty, found without building any message.
  bool accepts(const nlohmann::json& instance) const;
  /// The JSON document in `text`, when it is certainly valid, parsed quickly (simdjson) and cut
  /// down to `fields` (top-level names; empty = all) -- exactly what nlohmann::json::parse gives.
  /// nullopt means "not certain": parse it with nlohmann and validate() it for the messages.
  std::optional<nlohmann::json> parse_valid(std::string_view text, const std::vector<std::string>& fields = {}) const;
  /// The keywords this validator understands (tests check every shipped schema against this list).
  static const std::vector<std::string>& supported_keywords();

  /// The schema compiled once into a tree of keyword tests (shared by copies of this validator).
  struct Compiled;

private:
  std::shared_ptr<const Compiled> compiled_;
};

/// True when s is what the schema keyword "format": "date-time" accepts (RFC 3339, with an offset).
bool is_date_time(std::string_view s);

/// Builds "/a/b" JSON Pointer text by appending one escaped token.
std::string pointer_append(const std::string& base, const std::string& token);

}  // namespace lever
