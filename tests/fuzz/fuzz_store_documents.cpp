// libFuzzer target: every store document loader (parse + schema validation, for every collection)
// reports a bad document as an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "lever/store/collections.hpp"
#include "lever/store/store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  for (const auto& c : lever::collections()) (void)lever::Store::validate(c, doc);
  return 0;
}
