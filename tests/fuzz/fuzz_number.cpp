// libFuzzer target: the one number reader (lever/util/number.hpp) and the quantity parsers built on
// it. Every answer is a finite number or a refusal, never a crash, and the readers agree.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lever/util/error.hpp"
#include "lever/util/number.hpp"
#include "lever/util/units.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

template <typename F>
void finite_or_refused(F&& parse) {
  try {
    require(std::isfinite(parse()));
  } catch (const lever::Error& e) {
    require(e.code() == lever::Exit::usage);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto d = lever::read_decimal(s);
  if (d) require(std::isfinite(*d) && lever::decimal_prefix(s) == s.size());
  require(lever::decimal_prefix(s) <= s.size());
  if (auto w = lever::read_whole(s)) {
    require(d.has_value());  // every whole number is a decimal too
    if (std::llabs(*w) < (1LL << 53)) require(*d == static_cast<double>(*w));
  }
  lever::NumberRange r{-100, 100, (size & 1) != 0, "N"};
  double v = 0;
  if (lever::number_problem(s, r, &v).empty()) require(d && v >= -100 && v <= 100);
  finite_or_refused([&] { return lever::parse_in_range(s, "--x", r); });
  finite_or_refused([&] { return lever::parse_number(s, "--x"); });
  finite_or_refused([&] { return lever::parse_mass_kg(s, "--mass"); });
  finite_or_refused([&] { return lever::parse_speed_kmh(s, "--speed"); });
  finite_or_refused([&] { return lever::parse_percent(s, "--support"); });
  return 0;
}
