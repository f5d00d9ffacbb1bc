// libFuzzer target: PORT strings (serial, pty, tcp, and sim: with its options, fault script, mass
// and seed) are parsed or refused with a usage error, never a crash; nothing is opened.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lever/sim/open_port.hpp"
#include "lever/sim/sim_transport.hpp"
#include "lever/util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  try {
    auto spec = lever::transport::parse_port(s);
    if (spec.kind == lever::transport::PortSpec::Kind::sim) (void)lever::sim::sim_config(spec, "/nonexistent-store");
  } catch (const lever::Error&) {
    // A clear refusal is a correct answer.
  }
  return 0;
}
