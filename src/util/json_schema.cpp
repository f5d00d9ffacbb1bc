#include "lever/util/json_schema.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "lever/util/ids.hpp"
#include "lever/util/time.hpp"

namespace lever {

using nlohmann::json;

const std::vector<std::string>& SchemaValidator::supported_keywords() {
  static const std::vector<std::string> k = {
      "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default",
      "type", "enum", "const", "properties", "required", "additionalProperties", "items",
      "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
      "minLength", "maxLength", "pattern", "format", "anyOf", "oneOf", "allOf", "not", "if", "then",
      "else", "uniqueItems", "minProperties", "propertyNames"};
  return k;
}

namespace {

void check_keywords(const json& s, const std::string& where) {
  if (s.is_boolean()) return;
  if (!s.is_object()) throw std::invalid_argument(where + ": a schema must be an object or boolean");
  const auto& known = SchemaValidator::supported_keywords();
  for (auto it = s.begin(); it != s.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      throw std::invalid_argument(fmt::format("{}: unsupported keyword '{}'", where, it.key()));
  }
  auto sub = [&](const char* key) {
    if (s.contains(key)) check_keywords(s[key], where + "/" + key);
  };
  for (const char* key : {"items", "additionalProperties", "not", "if", "then", "else", "propertyNames"}) sub(key);
  for (const char* key : {"properties", "$defs"})
    if (s.contains(key))
      for (auto it = s[key].begin(); it != s[key].end(); ++it)
        check_keywords(it.value(), where + "/" + key + "/" + it.key());
  for (const char* key : {"anyOf", "oneOf", "allOf"})
    if (s.contains(key))
      for (size_t i = 0; i < s[key].size(); ++i) check_keywords(s[key][i], fmt::format("{}/{}/{}", where, key, i));
}

bool type_matches(const std::string& t, const json& v) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  if (t == "number") return v.is_number();
  if (t == "integer") {
    if (v.is_number_integer()) return true;
    if (v.is_number_float()) {
      double d = v.get<double>();
      return std::isfinite(d) && std::floor(d) == d;
    }
    return false;
  }
  return false;
}

std::string type_name(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  return v.type_name();
}

const std::regex& cached_regex(const std::string& pattern) {
  static thread_local std::map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return it->second;
}

std::string short_dump(const json& v) {
  auto s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

}  // namespace

std::string pointer_append(const std::string& base, const std::string& token) {
  std::string t;
  for (char c : token) {
    if (c == '~') t += "~0";
    else if (c == '/') t += "~1";
    else t += c;
  }
  return base + "/" + t;
}

SchemaValidator::SchemaValidator(json schema) : root_(std::move(schema)) { check_keywords(root_, "#"); }

const json& SchemaValidator::resolve(const std::string& ref) const {
  if (ref.rfind("#", 0) != 0) throw std::invalid_argument("only local $ref is supported: " + ref);
  return root_.at(json::json_pointer(ref.substr(1)));
}

namespace {
// The ID pattern is on nearly every field of every record, and std::regex is slow (a report
// validates hundreds of thousands of fields): it is tested by is_valid_id, which is that pattern.
bool pattern_matches(const std::string& pattern, const std::string& str) {
  if (pattern == "^[a-z0-9][a-z0-9._-]{0,63}$") return is_valid_id(str);
  return std::regex_search(str, cached_regex(pattern));
}
}  // namespace

bool is_date_time(std::string_view str) {
  // RFC 3339 date-time: a full time with an offset.
  bool has_t = str.size() > 10 && (str[10] == 'T' || str[10] == 't');
  bool has_off = !str.empty() && (str.back() == 'Z' || str.back() == 'z' ||
                                  (str.size() > 6 && (str[str.size() - 6] == '+' || str[str.size() - 6] == '-')));
  return has_t && has_off && parse_iso(str);
}

std::vector<SchemaIssue> SchemaValidator::validate(const json& instance) const {
  std::vector<SchemaIssue> out;
  check(root_, instance, "", out);
  return out;
}

void SchemaValidator::check(const json& s, const json& v, const std::string& ptr,
                            std::vector<SchemaIssue>& out) const {
  if (s.is_boolean()) {
    if (!s.get<bool>()) out.push_back({ptr, "is not allowed here"});
    return;
  }
  auto fail = [&](std::string msg) { out.push_back({ptr, std::move(msg)}); };
  if (s.contains("$ref")) check(resolve(s["$ref"].get<std::string>()), v, ptr, out);
  if (s.contains("type")) {
    const json& t = s["type"];
    bool ok = false;
    std::string want;
    if (t.is_string()) {
      ok = type_matches(t.get<std::string>(), v);
      want = t.get<std::string>();
    } else {
      for (const auto& one : t) {
        ok = ok || type_matches(one.get<std::string>(), v);
        want += (want.empty() ? "" : " or ") + one.get<std::string>();
      }
    }
    if (!ok) {
      fail(fmt::format("must be {} (found {})", want, type_name(v)));
      return;  // further keywords would only repeat the type problem
    }
  }
  if (s.contains("enum")) {
    const json& e = s["enum"];
    if (std::find(e.begin(), e.end(), v) == e.end()) {
      std::string opts;
      for (const auto& o : e) opts += (opts.empty() ? "" : ", ") + o.dump();
      fail(fmt::format("must be one of {} (found {})", opts, short_dump(v)));
    }
  }
  if (s.contains("const") && s["const"] != v) fail(fmt::format("must be {}", s["const"].dump()));
  if (v.is_number()) {
    double d = v.get<double>();
    if (s.contains("minimum") && d < s["minimum"].get<double>())
      fail(fmt::format("must be at least {} (found {})", s["minimum"].dump(), v.dump()));
    if (s.contains("maximum") && d > s["maximum"].get<double>())
      fail(fmt::format("must be at most {} (found {})", s["maximum"].dump(), v.dump()));
    if (s.contains("exclusiveMinimum") && d <= s["exclusiveMinimum"].get<double>())
      fail(fmt::format("must be greater than {} (found {})", s["exclusiveMinimum"].dump(), v.dump()));
    if (s.contains("exclusiveMaximum") && d >= s["exclusiveMaximum"].get<double>())
      fail(fmt::format("must be less than {} (found {})", s["exclusiveMaximum"].dump(), v.dump()));
  }
  if (v.is_string()) {
    const auto& str = v.get_ref<const std::string&>();
    if (s.contains("minLength") && str.size() < s["minLength"].get<size_t>())
      fail(fmt::format("must be at least {} characters long", s["minLength"].get<size_t>()));
    if (s.contains("maxLength") && str.size() > s["maxLength"].get<size_t>())
      fail(fmt::format("must be at most {} characters long", s["maxLength"].get<size_t>()));
    if (s.contains("pattern") && !pattern_matches(s["pattern"].get_ref<const std::string&>(), str))
      fail(fmt::format("'{}' does not match the pattern {}", str.substr(0, 40), s["pattern"].get<std::string>()));
    if (s.contains("format") && s["format"] == "date-time" && !is_date_time(str))
      fail(fmt::format("'{}' is not an ISO 8601 date-time with offset", str));
    if (s.contains("format") && s["format"] == "date" && (str.size() != 10 || !parse_iso(str)))
      fail(fmt::format("'{}' is not an ISO 8601 date (YYYY-MM-DD)", str));
  }
  if (v.is_array()) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>())
      fail(fmt::format("must have at least {} items", s["minItems"].get<size_t>()));
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>())
      fail(fmt::format("must have at most {} items", s["maxItems"].get<size_t>()));
    if (s.contains("items"))
      for (size_t i = 0; i < v.size(); ++i) check(s["items"], v[i], ptr + "/" + std::to_string(i), out);
    if (s.value("uniqueItems", false))
      for (size_t i = 0; i < v.size(); ++i)
        for (size_t j = i + 1; j < v.size(); ++j)
          if (v[i] == v[j]) fail(fmt::format("items {} and {} are the same", i, j));
  }
  if (v.is_object()) {
    if (s.contains("required"))
      for (const auto& r : s["required"])
        if (!v.contains(r.get<std::string>()))
          out.push_back({pointer_append(ptr, r.get<std::string>()), "is required but missing"});
    if (s.contains("minProperties") && v.size() < s["minProperties"].get<size_t>())
      fail(fmt::format("must have at least {} fields", s["minProperties"].get<size_t>()));
    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto child = pointer_append(ptr, it.key());
      if (s.contains("propertyNames")) check(s["propertyNames"], json(it.key()), child, out);
      if (props && props->contains(it.key())) {
        check((*props)[it.key()], it.value(), child, out);
      } else if (s.contains("additionalProperties")) {
        const json& ap = s["additionalProperties"];
        if (ap.is_boolean() && !ap.get<bool>()) out.push_back({child, "is not a known field"});
        else check(ap, it.value(), child, out);
      }
    }
  }
  auto count_valid = [&](const json& list) {
    size_t n = 0;
    for (const auto& sub : list) {
      std::vector<SchemaIssue> tmp;
      check(sub, v, ptr, tmp);
      if (tmp.empty()) ++n;
    }
    return n;
  };
  if (s.contains("allOf"))
    for (const auto& sub : s["allOf"]) check(sub, v, ptr, out);
  if (s.contains("anyOf") && count_valid(s["anyOf"]) == 0) fail("matches none of the allowed forms");
  if (s.contains("oneOf") && count_valid(s["oneOf"]) != 1) fail("must match exactly one of the allowed forms");
  if (s.contains("not")) {
    std::vector<SchemaIssue> tmp;
    check(s["not"], v, ptr, tmp);
    if (tmp.empty()) fail("matches a form that is not allowed");
  }
  if (s.contains("if")) {
    std::vector<SchemaIssue> tmp;
    check(s["if"], v, ptr, tmp);
    if (tmp.empty() && s.contains("then")) check(s["then"], v, ptr, out);
    if (!tmp.empty() && s.contains("else")) check(s["else"], v, ptr, out);
  }
}

}  // namespace lever
