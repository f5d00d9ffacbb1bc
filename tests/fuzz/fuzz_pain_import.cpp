// libFuzzer target: the pain-log import parser (CSV and NDJSON) must never crash or hang on any input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lever/store/pain.hpp"
#include "lever/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* format : {"csv", "ndjson", "auto"}) {
    std::vector<lever::ImportError> errors;
    try {
      auto rows = lever::parse_pain_import(text, format, errors);
      (void)rows;
    } catch (const lever::Error&) {
      // A clear error (e.g. an unterminated quote) is a correct answer.
    }
  }
  return 0;
}
