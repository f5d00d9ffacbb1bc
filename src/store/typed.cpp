// The typed store boundary's round-trip check (typed.hpp).
#include "lever/store/typed.hpp"

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "lever/model/json_io.hpp"
#include "lever/util/error.hpp"

namespace lever {

bool model_check_enabled() {
  static const bool on = [] {
    const char* v = std::getenv("LEVER_MODEL_CHECK");
    return v && std::strcmp(v, "1") == 0;
  }();
  return on;
}

void check_round_trip(const nlohmann::json& stored, const nlohmann::json& written, const std::string& what) {
  auto d = model::round_trip_difference(stored, written);
  if (!d.empty())
    throw Error(Exit::failure, fmt::format("the typed model would not keep {} as stored: {}", what, d),
                "this is a bug in lever (LEVER_MODEL_CHECK=1 found it); please report it with the record");
}

}  // namespace lever
