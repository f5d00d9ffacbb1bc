#include "lever/util/json_row.hpp"

namespace lever {

using nlohmann::json;

json fields_or_null(const json& record, std::initializer_list<std::string_view> keys) {
  json row = json::object();
  for (auto key : keys) {
    const std::string k(key);
    auto it = record.find(k);
    row[k] = it == record.end() ? json(nullptr) : *it;
  }
  return row;
}

}  // namespace lever
