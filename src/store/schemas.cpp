#include "lever/store/schemas.hpp"

#include <mutex>

namespace lever::schemas {

const SchemaValidator& validator(const std::string& file) {
  static std::mutex mu;
  static std::map<std::string, SchemaValidator> cache;
  std::lock_guard<std::mutex> g(mu);
  auto it = cache.find(file);
  if (it == cache.end()) {
    auto text = embedded().at(file);
    it = cache.emplace(file, SchemaValidator(nlohmann::json::parse(text))).first;
  }
  return it->second;
}

}  // namespace lever::schemas
