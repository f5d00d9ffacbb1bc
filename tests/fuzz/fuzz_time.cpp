// libFuzzer target: the time and quantity parsers accept or refuse, never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lever/util/error.hpp"
#include "lever/util/time.hpp"
#include "lever/util/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto ref = lever::now();
  if (auto t = lever::parse_iso(s)) (void)lever::format_iso(*t);
  try { (void)lever::parse_user_time(s, ref); } catch (const lever::Error&) {}
  try { (void)lever::parse_duration(s); } catch (const lever::Error&) {}
  try { (void)lever::parse_mass_kg(s, "x"); } catch (const lever::Error&) {}
  try { (void)lever::parse_speed_kmh(s, "x"); } catch (const lever::Error&) {}
  return 0;
}
