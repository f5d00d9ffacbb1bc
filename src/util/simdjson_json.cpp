#include "simdjson_json.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace lever::detail {

namespace dom = simdjson::dom;
using nlohmann::json;

json simdjson_to_json(dom::element e) {
  switch (e.type()) {
    case dom::element_type::ARRAY: {
      json a = json::array();
      for (dom::element x : dom::array(e)) a.push_back(simdjson_to_json(x));
      return a;
    }
    case dom::element_type::OBJECT: {
      json o = json::object();
      for (dom::key_value_pair kv : dom::object(e)) o[std::string(kv.key)] = simdjson_to_json(kv.value);  // last wins, as json::parse
      return o;
    }
    case dom::element_type::INT64: {
      int64_t v = int64_t(e);  // nlohmann's parser stores non-negative integers unsigned
      return v >= 0 ? json(static_cast<uint64_t>(v)) : json(v);
    }
    case dom::element_type::UINT64: return json(uint64_t(e));
    case dom::element_type::DOUBLE: return json(double(e));
    case dom::element_type::STRING: return json(std::string(std::string_view(e)));
    case dom::element_type::BOOL: return json(bool(e));
    case dom::element_type::NULL_VALUE: return json();
  }
  return json();
}

}  // namespace lever::detail
