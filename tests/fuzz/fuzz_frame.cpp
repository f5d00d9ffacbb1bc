// libFuzzer target for the frame codec: arbitrary bytes in arbitrary chunks must never crash the
// decoder, every frame it accepts must re-encode to bytes that decode to the same frame, and the
// typed decoders (status, identity, calibration) must accept or reject without undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lever/device/frame.hpp"
#include "lever/device/protocol.hpp"

using namespace lever::device;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  FrameDecoder d;
  size_t chunk = size ? (data[0] % 17) + 1 : 1;  // the first byte picks the chunking
  for (size_t i = 0; i < in.size(); i += chunk) {
    for (const Frame& f : d.feed(in.substr(i, chunk))) {
      (void)get_status(f);
      (void)get_identity(f);
      (void)get_calibration(f);
      std::string again = encode(f);
      FrameDecoder d2;
      auto back = d2.feed(again);
      if (back.size() != 1 || back[0].seq != f.seq || back[0].verb != f.verb || back[0].fields != f.fields) std::abort();
    }
  }
  auto st = d.stats();
  if (st.frames > size) std::abort();
  return 0;
}
