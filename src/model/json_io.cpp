// The round-trip comparison and the Instant conversion.
#include "lever/model/json_io.hpp"

#include <cmath>
#include <cstdint>

#include "lever/model/instant.hpp"

namespace lever::model {

void to_json(nlohmann::json& j, const Instant& v) { j = v.text; }

void from_json(const nlohmann::json& j, Instant& v) {
  v.text = j.get<std::string>();
  v.at = parse_iso(v.text).value_or(TimePoint{});
}

nlohmann::json whole_or_decimal(double v) {
  if (std::trunc(v) == v && std::fabs(v) < 9007199254740992.0) return static_cast<int64_t>(v);
  return v;
}

namespace {

// The document with every null-valued object member removed, at any depth.
nlohmann::json without_nulls(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
      if (!it->is_null()) out[it.key()] = without_nulls(*it);
    return out;
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : j) out.push_back(without_nulls(e));
    return out;
  }
  return j;
}

// The first place where a and b differ as text, as a JSON Pointer with both values.
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b, const std::string& at) {
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) return at + "/" + it.key() + ": lost (was " + it->dump() + ")";
      auto d = first_difference(*it, b.at(it.key()), at + "/" + it.key());
      if (!d.empty()) return d;
    }
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) return at + "/" + it.key() + ": added (" + it->dump() + ")";
    return {};
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) {
      auto d = first_difference(a[i], b[i], at + "/" + std::to_string(i));
      if (!d.empty()) return d;
    }
    return {};
  }
  // JSON has one number type: 1 and 1.0 are the same value (a template's "run_min": 1 is read into a
  // double and written as 1.0).
  if (a.is_number() && b.is_number() && a.get<double>() == b.get<double>()) return {};
  auto ta = a.dump(), tb = b.dump();
  return ta == tb ? std::string() : (at.empty() ? "/" : at) + ": " + ta + " became " + tb;
}

}  // namespace

std::string round_trip_difference(const nlohmann::json& stored, const nlohmann::json& written) {
  return first_difference(without_nulls(stored), without_nulls(written), "");
}

}  // namespace lever::model
