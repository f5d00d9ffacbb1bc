#include "schema_check.hpp"

#include <algorithm>
#include <string_view>

#include "lever/util/ids.hpp"
#include "lever/util/json_schema.hpp"

namespace lever {

using nlohmann::json;
namespace dom = simdjson::dom;

namespace {

enum : unsigned { kObject = 1, kArray = 2, kString = 4, kBool = 8, kNull = 16, kInteger = 32, kNumber = 64 };

unsigned type_bit(const std::string& t) {
  if (t == "object") return kObject;
  if (t == "array") return kArray;
  if (t == "string") return kString;
  if (t == "boolean") return kBool;
  if (t == "null") return kNull;
  if (t == "integer") return kInteger;
  if (t == "number") return kNumber;
  return 0;  // no type this check knows: never sure
}

// The types `v` surely is: an integer written 2.0 is only a number here (the validator also takes
// it as an integer; this check leaves it to the validator).
unsigned types_of(dom::element v) {
  switch (v.type()) {
    case dom::element_type::OBJECT: return kObject;
    case dom::element_type::ARRAY: return kArray;
    case dom::element_type::STRING: return kString;
    case dom::element_type::BOOL: return kBool;
    case dom::element_type::NULL_VALUE: return kNull;
    case dom::element_type::INT64:
    case dom::element_type::UINT64: return kInteger | kNumber;
    case dom::element_type::DOUBLE: return kNumber;
  }
  return 0;
}

// An "enum" member or "const" equal to `v`: strings, booleans, null and integers are compared;
// anything else is not sure.
bool same_scalar(const json& want, dom::element v) {
  if (want.is_string()) return v.type() == dom::element_type::STRING && std::string_view(v) == want.get_ref<const std::string&>();
  if (want.is_boolean()) return v.type() == dom::element_type::BOOL && bool(v) == want.get<bool>();
  if (want.is_null()) return v.type() == dom::element_type::NULL_VALUE;
  if (want.is_number_integer() && v.type() == dom::element_type::INT64) return int64_t(v) == want.get<int64_t>();
  return false;
}

template <class T>
std::optional<T> opt(const json& s, const char* key) {
  auto it = s.find(key);
  return it == s.end() ? std::nullopt : std::optional<T>(it->get<T>());
}

}  // namespace

SureCheck::SureCheck(const json& root, const json& part) : top_(compile(root, part)) {
  done_.clear();  // it points into `root`, which need not outlive this check
}

const SureCheck::Node* SureCheck::compile(const json& root, const json& s) {
  Node& n = nodes_.emplace_back();
  if (s.is_boolean() || !s.is_object()) {
    n.never = !(s.is_boolean() && s.get<bool>());
    return &n;
  }
  for (const char* k : {"anyOf", "oneOf", "allOf", "not", "if", "propertyNames", "minProperties"})
    if (s.contains(k)) n.never = true;  // not read here: never sure
  if (auto it = s.find("$ref"); it != s.end()) {
    const auto& ref = it->get_ref<const std::string&>();
    if (ref.rfind("#", 0) != 0) {
      n.never = true;
    } else {
      const json& target = root.at(json::json_pointer(ref.substr(1)));
      auto d = std::find_if(done_.begin(), done_.end(), [&](const auto& p) { return p.first == &target; });
      if (d != done_.end()) {
        n.ref = d->second;
      } else {
        done_.emplace_back(&target, nullptr);
        const size_t slot = done_.size() - 1;
        n.ref = compile(root, target);
        done_[slot].second = n.ref;
      }
    }
  }
  if (auto it = s.find("type"); it != s.end()) {
    for (const auto& t : it->is_string() ? json::array({*it}) : *it) {
      const unsigned bit = type_bit(t.get<std::string>());
      n.never = n.never || bit == 0;
      n.types |= bit;
    }
  }
  if (auto it = s.find("enum"); it != s.end()) n.allowed = std::vector<json>(it->begin(), it->end());
  if (auto it = s.find("const"); it != s.end()) n.allowed = std::vector<json>{*it};
  n.min = opt<double>(s, "minimum");
  n.max = opt<double>(s, "maximum");
  n.xmin = opt<double>(s, "exclusiveMinimum");
  n.xmax = opt<double>(s, "exclusiveMaximum");
  n.min_len = opt<size_t>(s, "minLength");
  n.max_len = opt<size_t>(s, "maxLength");
  n.min_items = opt<size_t>(s, "minItems");
  n.max_items = opt<size_t>(s, "maxItems");
  n.unique = s.value("uniqueItems", false);
  // Only the ID pattern (on nearly every field) and date-time are tested; any other: not sure.
  if (auto it = s.find("pattern"); it != s.end()) {
    n.id_pattern = *it == "^[a-z0-9][a-z0-9._-]{0,63}$";
    n.never = n.never || !n.id_pattern;
  }
  if (auto it = s.find("format"); it != s.end()) {
    n.date_time = *it == "date-time";
    n.never = n.never || !n.date_time;
  }
  if (auto it = s.find("items"); it != s.end()) n.items = compile(root, *it);
  if (auto it = s.find("properties"); it != s.end())
    for (auto p = it->begin(); p != it->end(); ++p) n.props.emplace_back(p.key(), compile(root, p.value()));
  if (auto it = s.find("additionalProperties"); it != s.end()) n.extra = compile(root, *it);
  if (auto it = s.find("required"); it != s.end())
    for (const auto& r : *it) n.required.push_back(r.get<std::string>());
  return &n;
}

bool SureCheck::surely(const Node& n, dom::element v) const {
  if (n.never) return false;
  if (n.ref && !surely(*n.ref, v)) return false;
  if (n.types && !(n.types & types_of(v))) return false;
  if (n.allowed && std::none_of(n.allowed->begin(), n.allowed->end(), [&](const json& e) { return same_scalar(e, v); }))
    return false;
  switch (v.type()) {
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: {
      const double d = v.type() == dom::element_type::DOUBLE ? double(v)
                       : v.type() == dom::element_type::INT64 ? static_cast<double>(int64_t(v))
                                                               : static_cast<double>(uint64_t(v));
      return (!n.min || d >= *n.min) && (!n.max || d <= *n.max) && (!n.xmin || d > *n.xmin) && (!n.xmax || d < *n.xmax);
    }
    case dom::element_type::STRING: {
      std::string_view s(v);
      return (!n.min_len || s.size() >= *n.min_len) && (!n.max_len || s.size() <= *n.max_len) &&
             (!n.id_pattern || is_valid_id(s)) && (!n.date_time || is_date_time(s));
    }
    case dom::element_type::ARRAY: {
      dom::array a(v);
      if ((n.min_items && a.size() < *n.min_items) || (n.max_items && a.size() > *n.max_items)) return false;
      if (n.unique) {  // strings only (fault names); other items: not sure
        for (size_t i = 0; i < a.size(); ++i) {
          if (a.at(i).type() != dom::element_type::STRING) return false;
          for (size_t j = i + 1; j < a.size(); ++j)
            if (std::string_view(a.at(i)) == std::string_view(a.at(j))) return false;
        }
      }
      if (n.items)
        for (dom::element x : a)
          if (!surely(*n.items, x)) return false;
      return true;
    }
    case dom::element_type::OBJECT: {
      dom::object o(v);
      // Every occurrence of a repeated key is tested (the validator sees only the last): a stricter
      // answer, never a wrong yes.
      for (dom::key_value_pair kv : o) {
        const Node* sub = n.extra;
        for (const auto& [name, node] : n.props)
          if (name == kv.key) {
            sub = node;
            break;
          }
        if (sub && !surely(*sub, kv.value)) return false;
      }
      for (const auto& r : n.required) {
        dom::element x;
        if (o.at_key(r).get(x)) return false;
      }
      return true;
    }
    default: return true;
  }
}

}  // namespace lever
