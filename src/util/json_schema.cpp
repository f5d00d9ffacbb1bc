#include "lever/util/json_schema.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>

#include <fmt/format.h>
#include <simdjson.h>

#include "simdjson_json.hpp"

#include "lever/util/ids.hpp"
#include "lever/util/time.hpp"

namespace lever {

using nlohmann::json;

const std::vector<std::string>& SchemaValidator::supported_keywords() {
  static const std::vector<std::string> k = {
      "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default", "deprecated",
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

// The "type" names as bits, so a node's allowed types are one mask (unknown names match nothing).
enum TypeBit : unsigned { kObject = 1, kArray = 2, kString = 4, kBoolean = 8, kNull = 16, kNumber = 32, kInteger = 64 };

unsigned type_bit(const std::string& t) {
  static const std::map<std::string, unsigned> bits = {{"object", kObject}, {"array", kArray}, {"string", kString},
      {"boolean", kBoolean}, {"null", kNull}, {"number", kNumber}, {"integer", kInteger}};
  auto it = bits.find(t);
  return it == bits.end() ? 0 : it->second;
}

bool type_matches(unsigned mask, const json& v) {
  switch (v.type()) {
    case json::value_t::object: return mask & kObject;
    case json::value_t::array: return mask & kArray;
    case json::value_t::string: return mask & kString;
    case json::value_t::boolean: return mask & kBoolean;
    case json::value_t::null: return mask & kNull;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return mask & (kNumber | kInteger);
    case json::value_t::number_float: {
      if (mask & kNumber) return true;
      double d = v.get<double>();
      return (mask & kInteger) && std::isfinite(d) && std::floor(d) == d;
    }
    default: return false;
  }
}

std::string type_name(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  return v.type_name();
}


std::string short_dump(const json& v) {
  auto s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

// The value operations the checker needs, for nlohmann values (validate: with messages) and for
// simdjson ones (parse_valid: a yes, or "not sure", with no nlohmann tree built first).
namespace dom = simdjson::dom;

const json& as_json(const json& v) { return v; }
bool is_num(const json& v) { return v.is_number(); }
double num(const json& v) { return v.get<double>(); }
bool is_str(const json& v) { return v.is_string(); }
std::string_view text(const json& v) { return v.get_ref<const std::string&>(); }
bool is_arr(const json& v) { return v.is_array(); }
bool is_obj(const json& v) { return v.is_object(); }
const json& elements(const json& v) { return v; }
std::vector<std::pair<std::string_view, const json*>> members(const json& v) {
  std::vector<std::pair<std::string_view, const json*>> out;
  out.reserve(v.size());
  for (auto it = v.begin(); it != v.end(); ++it) out.emplace_back(it.key(), &it.value());
  return out;
}
const json& deref(const json* v) { return *v; }
bool same(const json& v, const json& want) { return v == want; }

bool is_int(dom::element e) { return e.type() == dom::element_type::INT64 || e.type() == dom::element_type::UINT64; }
bool is_num(dom::element e) { return is_int(e) || e.type() == dom::element_type::DOUBLE; }
double num(dom::element e) { return double(e); }  // an integer converts, as nlohmann's get<double> does
bool is_str(dom::element e) { return e.type() == dom::element_type::STRING; }
std::string_view text(dom::element e) { return std::string_view(e); }
bool is_arr(dom::element e) { return e.type() == dom::element_type::ARRAY; }
bool is_obj(dom::element e) { return e.type() == dom::element_type::OBJECT; }
std::vector<dom::element> elements(dom::element e) {
  std::vector<dom::element> out;
  for (dom::element x : dom::array(e)) out.push_back(x);
  return out;
}
std::vector<std::pair<std::string_view, dom::element>> members(dom::element e) {
  std::vector<std::pair<std::string_view, dom::element>> out;
  for (dom::key_value_pair kv : dom::object(e)) out.emplace_back(kv.key, kv.value);
  return out;
}
dom::element deref(dom::element e) { return e; }

bool type_matches(unsigned mask, dom::element e) {
  switch (e.type()) {
    case dom::element_type::OBJECT: return mask & kObject;
    case dom::element_type::ARRAY: return mask & kArray;
    case dom::element_type::STRING: return mask & kString;
    case dom::element_type::BOOL: return mask & kBoolean;
    case dom::element_type::NULL_VALUE: return mask & kNull;
    case dom::element_type::INT64:
    case dom::element_type::UINT64: return mask & (kNumber | kInteger);
    case dom::element_type::DOUBLE: {
      if (mask & kNumber) return true;
      double d = double(e);
      return (mask & kInteger) && std::isfinite(d) && std::floor(d) == d;
    }
  }
  return false;
}

json to_json(dom::element e) { return detail::simdjson_to_json(e); }

json as_json(dom::element e) { return to_json(e); }
bool same(dom::element e, const json& want) {
  switch (e.type()) {
    case dom::element_type::STRING: return want.is_string() && want.get_ref<const std::string&>() == std::string_view(e);
    case dom::element_type::BOOL: return want.is_boolean() && want.get<bool>() == bool(e);
    case dom::element_type::NULL_VALUE: return want.is_null();
    default: return to_json(e) == want;
  }
}

// True when simdjson's tree is certainly what nlohmann's parser builds from the same text: no
// object repeats a key (nlohmann keeps the last) and no number is a negative zero (the two
// libraries have differed on how "-0" is stored). Anything else is left to nlohmann.
bool plain(dom::element e) {
  switch (e.type()) {
    case dom::element_type::ARRAY:
      for (dom::element x : dom::array(e))
        if (!plain(x)) return false;
      return true;
    case dom::element_type::OBJECT: {
      auto fields = members(e);
      for (size_t i = 0; i < fields.size(); ++i) {
        if (!plain(fields[i].second)) return false;
        for (size_t j = 0; j < i; ++j)
          if (fields[i].first == fields[j].first) return false;
      }
      return true;
    }
    case dom::element_type::DOUBLE: return !(double(e) == 0 && std::signbit(double(e)));
    default: return true;
  }
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

bool is_date_time(std::string_view str) {
  // RFC 3339 date-time: a full time with an offset.
  bool has_t = str.size() > 10 && (str[10] == 'T' || str[10] == 't');
  bool has_off = !str.empty() && (str.back() == 'Z' || str.back() == 'z' ||
                                  (str.size() > 6 && (str[str.size() - 6] == '+' || str[str.size() - 6] == '-')));
  return has_t && has_off && parse_iso(str);
}

namespace {

// One schema (sub)document with its keywords looked up once, so validating a value costs no
// string compares against keyword names (a report validates hundreds of thousands of values).
struct Node {
  bool is_bool = false, allow = true;
  const Node* ref = nullptr;
  std::string bad_ref;  // a $ref that did not resolve: validating through it throws, as it always did
  bool has_type = false;
  unsigned types = 0;
  std::string want;  // the type names, as the message words them
  const json* enum_ = nullptr;
  const json* const_ = nullptr;
  const json *minimum = nullptr, *maximum = nullptr, *ex_min = nullptr, *ex_max = nullptr;
  std::optional<size_t> min_len, max_len, min_items, max_items, min_props;
  const std::string* pattern = nullptr;
  bool id_pattern = false;  // the ID pattern, tested by is_valid_id (std::regex is slow)
  std::optional<std::regex> re;
  enum class Format { none, date_time, date } format = Format::none;
  const Node* items = nullptr;
  bool unique = false;
  std::vector<std::string> required;
  const Node* property_names = nullptr;
  bool has_properties = false;
  std::vector<std::pair<std::string, const Node*>> properties;  // sorted by name
  const Node* additional = nullptr;
  bool additional_false = false;
  std::vector<const Node*> all_of, any_of, one_of;
  bool has_any_of = false, has_one_of = false;
  const Node *not_ = nullptr, *if_ = nullptr, *then_ = nullptr, *else_ = nullptr;

  const Node* property(std::string_view key) const {
    auto it = std::lower_bound(properties.begin(), properties.end(), key,
                               [](const auto& p, std::string_view k) { return p.first < k; });
    return it != properties.end() && it->first == key ? it->second : nullptr;
  }
};

// A JSON Pointer built only when a message needs it: a chain of parent links.
struct Ptr {
  const Ptr* parent = nullptr;
  std::string_view key;
  size_t index = 0;
  bool is_index = false;

  std::string str() const {
    if (!parent) return "";
    std::string base = parent->str();
    return is_index ? base + "/" + std::to_string(index) : pointer_append(base, std::string(key));
  }
};

using Issues = std::vector<SchemaIssue>;

}  // namespace

struct SchemaValidator::Compiled {
  json root;
  std::deque<Node> nodes;                    // stable addresses as nodes are added
  std::map<const json*, const Node*> done;  // so a recursive $ref compiles once
  const Node* top = nullptr;

  const json& resolve(const std::string& ref) const {
    if (ref.rfind("#", 0) != 0) throw std::invalid_argument("only local $ref is supported: " + ref);
    return root.at(json::json_pointer(ref.substr(1)));
  }

  const Node* compile(const json& s) {
    if (auto it = done.find(&s); it != done.end()) return it->second;
    Node& n = nodes.emplace_back();
    done[&s] = &n;
    if (s.is_boolean()) {
      n.is_bool = true;
      n.allow = s.get<bool>();
      return &n;
    }
    auto has = [&](const char* k) { return s.contains(k); };
    if (has("$ref")) {
      try {
        n.ref = compile(resolve(s["$ref"].get<std::string>()));
      } catch (const std::exception&) {
        n.bad_ref = s["$ref"].get<std::string>();
      }
    }
    if (has("type")) {
      n.has_type = true;
      const json& t = s["type"];
      if (t.is_string()) {
        n.types = type_bit(t.get<std::string>());
        n.want = t.get<std::string>();
      } else {
        for (const auto& one : t) {
          n.types |= type_bit(one.get<std::string>());
          n.want += (n.want.empty() ? "" : " or ") + one.get<std::string>();
        }
      }
    }
    if (has("enum")) n.enum_ = &s["enum"];
    if (has("const")) n.const_ = &s["const"];
    if (has("minimum")) n.minimum = &s["minimum"];
    if (has("maximum")) n.maximum = &s["maximum"];
    if (has("exclusiveMinimum")) n.ex_min = &s["exclusiveMinimum"];
    if (has("exclusiveMaximum")) n.ex_max = &s["exclusiveMaximum"];
    if (has("minLength")) n.min_len = s["minLength"].get<size_t>();
    if (has("maxLength")) n.max_len = s["maxLength"].get<size_t>();
    if (has("pattern")) {
      n.pattern = &s["pattern"].get_ref<const std::string&>();
      n.id_pattern = *n.pattern == "^[a-z0-9][a-z0-9._-]{0,63}$";
      if (!n.id_pattern) n.re.emplace(*n.pattern, std::regex::ECMAScript);
    }
    if (has("format") && s["format"] == "date-time") n.format = Node::Format::date_time;
    if (has("format") && s["format"] == "date") n.format = Node::Format::date;
    if (has("minItems")) n.min_items = s["minItems"].get<size_t>();
    if (has("maxItems")) n.max_items = s["maxItems"].get<size_t>();
    if (has("items")) n.items = compile(s["items"]);
    n.unique = s.value("uniqueItems", false);
    if (has("required"))
      for (const auto& r : s["required"]) n.required.push_back(r.get<std::string>());
    if (has("minProperties")) n.min_props = s["minProperties"].get<size_t>();
    if (has("propertyNames")) n.property_names = compile(s["propertyNames"]);
    if (has("properties")) {
      n.has_properties = true;
      if (s["properties"].is_object())
        for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it)
          n.properties.emplace_back(it.key(), compile(it.value()));  // a std::map's order: sorted
    }
    if (has("additionalProperties")) {
      const json& ap = s["additionalProperties"];
      n.additional_false = ap.is_boolean() && !ap.get<bool>();
      n.additional = compile(ap);
    }
    auto list = [&](const char* k, std::vector<const Node*>& into) {
      if (has(k))
        for (const auto& sub : s[k]) into.push_back(compile(sub));
    };
    list("allOf", n.all_of);
    list("anyOf", n.any_of);
    list("oneOf", n.one_of);
    n.has_any_of = has("anyOf");
    n.has_one_of = has("oneOf");
    if (has("not")) n.not_ = compile(s["not"]);
    if (has("if")) n.if_ = compile(s["if"]);
    if (has("then")) n.then_ = compile(s["then"]);
    if (has("else")) n.else_ = compile(s["else"]);
    return &n;
  }

  // Appends v's problems against node s to out and returns true when there are none; with out null
  // it only answers that, stopping at the first problem.
  template <class V>
  bool check(const Node& s, const V& v, const Ptr& p, Issues* out) const {
    if (s.is_bool) {
      if (s.allow) return true;
      if (out) out->push_back({p.str(), "is not allowed here"});
      return false;
    }
    bool ok = true;
    // One failed keyword: recorded (or, when only asked whether v is valid, the answer).
#define LEVER_SCHEMA_FAIL(msg)              \
  do {                                      \
    ok = false;                             \
    if (!out) return false;                 \
    out->push_back({p.str(), (msg)});       \
  } while (0)
#define LEVER_SCHEMA_SUB(call) \
  do {                         \
    if (!(call)) {             \
      ok = false;              \
      if (!out) return false;  \
    }                          \
  } while (0)
    if (!s.bad_ref.empty()) resolve(s.bad_ref);  // throws the error the reference gives
    if (s.ref) LEVER_SCHEMA_SUB(check(*s.ref, v, p, out));
    if (s.has_type && !type_matches(s.types, v)) {
      LEVER_SCHEMA_FAIL(fmt::format("must be {} (found {})", s.want, type_name(as_json(v))));
      return false;  // further keywords would only repeat the type problem
    }
    if (s.enum_ && std::none_of(s.enum_->begin(), s.enum_->end(), [&](const json& o) { return same(v, o); })) {
      std::string opts;
      for (const auto& o : *s.enum_) opts += (opts.empty() ? "" : ", ") + o.dump();
      LEVER_SCHEMA_FAIL(fmt::format("must be one of {} (found {})", opts, short_dump(as_json(v))));
    }
    if (s.const_ && !same(v, *s.const_)) LEVER_SCHEMA_FAIL(fmt::format("must be {}", s.const_->dump()));
    if (is_num(v)) {
      double d = num(v);
      if (s.minimum && d < s.minimum->get<double>())
        LEVER_SCHEMA_FAIL(fmt::format("must be at least {} (found {})", s.minimum->dump(), as_json(v).dump()));
      if (s.maximum && d > s.maximum->get<double>())
        LEVER_SCHEMA_FAIL(fmt::format("must be at most {} (found {})", s.maximum->dump(), as_json(v).dump()));
      if (s.ex_min && d <= s.ex_min->get<double>())
        LEVER_SCHEMA_FAIL(fmt::format("must be greater than {} (found {})", s.ex_min->dump(), as_json(v).dump()));
      if (s.ex_max && d >= s.ex_max->get<double>())
        LEVER_SCHEMA_FAIL(fmt::format("must be less than {} (found {})", s.ex_max->dump(), as_json(v).dump()));
    }
    if (is_str(v)) {
      std::string_view str = text(v);
      if (s.min_len && str.size() < *s.min_len) LEVER_SCHEMA_FAIL(fmt::format("must be at least {} characters long", *s.min_len));
      if (s.max_len && str.size() > *s.max_len) LEVER_SCHEMA_FAIL(fmt::format("must be at most {} characters long", *s.max_len));
      if (s.pattern && !(s.id_pattern ? is_valid_id(str) : std::regex_search(str.begin(), str.end(), *s.re)))
        LEVER_SCHEMA_FAIL(fmt::format("'{}' does not match the pattern {}", str.substr(0, 40), *s.pattern));
      if (s.format == Node::Format::date_time && !is_date_time(str))
        LEVER_SCHEMA_FAIL(fmt::format("'{}' is not an ISO 8601 date-time with offset", str));
      if (s.format == Node::Format::date && (str.size() != 10 || !parse_iso(str)))
        LEVER_SCHEMA_FAIL(fmt::format("'{}' is not an ISO 8601 date (YYYY-MM-DD)", str));
    }
    if (is_arr(v)) {
      auto items = elements(v);
      if (s.min_items && items.size() < *s.min_items) LEVER_SCHEMA_FAIL(fmt::format("must have at least {} items", *s.min_items));
      if (s.max_items && items.size() > *s.max_items) LEVER_SCHEMA_FAIL(fmt::format("must have at most {} items", *s.max_items));
      if (s.items)
        for (size_t i = 0; i < items.size(); ++i) LEVER_SCHEMA_SUB(check(*s.items, items[i], Ptr{&p, {}, i, true}, out));
      if (s.unique)
        for (size_t i = 0; i < items.size(); ++i)
          for (size_t j = i + 1; j < items.size(); ++j)
            if (as_json(items[i]) == as_json(items[j])) LEVER_SCHEMA_FAIL(fmt::format("items {} and {} are the same", i, j));
    }
    if (is_obj(v)) {
      auto fields = members(v);
      for (const auto& r : s.required)
        if (std::none_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == r; })) {
          ok = false;
          if (!out) return false;
          out->push_back({pointer_append(p.str(), r), "is required but missing"});
        }
      if (s.min_props && fields.size() < *s.min_props) LEVER_SCHEMA_FAIL(fmt::format("must have at least {} fields", *s.min_props));
      for (const auto& [key, value] : fields) {
        Ptr child{&p, key};
        if (s.property_names) LEVER_SCHEMA_SUB(check(*s.property_names, json(std::string(key)), child, out));
        const Node* prop = s.has_properties ? s.property(key) : nullptr;
        if (prop) {
          LEVER_SCHEMA_SUB(check(*prop, deref(value), child, out));
        } else if (s.additional_false) {
          ok = false;
          if (!out) return false;
          out->push_back({child.str(), "is not a known field"});
        } else if (s.additional) {
          LEVER_SCHEMA_SUB(check(*s.additional, deref(value), child, out));
        }
      }
    }
    auto count_valid = [&](const std::vector<const Node*>& list) {
      size_t n = 0;
      for (const Node* sub : list) n += check(*sub, v, p, nullptr);
      return n;
    };
    for (const Node* sub : s.all_of) LEVER_SCHEMA_SUB(check(*sub, v, p, out));
    if (s.has_any_of && count_valid(s.any_of) == 0) LEVER_SCHEMA_FAIL("matches none of the allowed forms");
    if (s.has_one_of && count_valid(s.one_of) != 1) LEVER_SCHEMA_FAIL("must match exactly one of the allowed forms");
    if (s.not_ && check(*s.not_, v, p, nullptr)) LEVER_SCHEMA_FAIL("matches a form that is not allowed");
    if (s.if_) {
      bool holds = check(*s.if_, v, p, nullptr);
      if (holds && s.then_) LEVER_SCHEMA_SUB(check(*s.then_, v, p, out));
      if (!holds && s.else_) LEVER_SCHEMA_SUB(check(*s.else_, v, p, out));
    }
#undef LEVER_SCHEMA_FAIL
#undef LEVER_SCHEMA_SUB
    return ok;
  }
};

SchemaValidator::SchemaValidator(json schema) {
  check_keywords(schema, "#");
  auto c = std::make_shared<Compiled>();
  c->root = std::move(schema);
  c->top = c->compile(c->root);
  compiled_ = std::move(c);
}

std::vector<SchemaIssue> SchemaValidator::validate(const json& instance) const {
  std::vector<SchemaIssue> out;
  compiled_->check(*compiled_->top, instance, Ptr{}, &out);
  return out;
}

bool SchemaValidator::accepts(const json& instance) const { return compiled_->check(*compiled_->top, instance, Ptr{}, nullptr); }

std::optional<json> SchemaValidator::parse_valid(std::string_view text, const std::vector<std::string>& fields) const {
  // A \u escape is left to nlohmann: simdjson versions differ on lone surrogates, which it refuses.
  for (size_t i = text.find('\\'); i != std::string_view::npos; i = text.find('\\', i + 2))
    if (i + 1 < text.size() && text[i + 1] == 'u') return std::nullopt;
  thread_local dom::parser parser;
  dom::element doc;
  if (parser.parse(text.data(), text.size()).get(doc)) return std::nullopt;
  if (!plain(doc) || !compiled_->check(*compiled_->top, doc, Ptr{}, nullptr)) return std::nullopt;
  if (fields.empty() || !is_obj(doc)) return to_json(doc);
  json out = json::object();
  for (const auto& [key, value] : members(doc))
    if (std::find(fields.begin(), fields.end(), key) != fields.end()) out[std::string(key)] = to_json(value);
  return out;
}

}  // namespace lever
