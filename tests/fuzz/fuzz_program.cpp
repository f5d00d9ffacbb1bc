// libFuzzer target: a session program file (run --program) is accepted or refused with the
// schema's JSON Pointer problems, never a crash.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "lever/run/program.hpp"
#include "lever/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  try {
    auto p = lever::run::program_from_json(doc, "fuzz");
    (void)lever::run::program_json(p);
  } catch (const lever::Error&) {
    // A refusal naming the problem is a correct answer.
  }
  return 0;
}
