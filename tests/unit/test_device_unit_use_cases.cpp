// `unit info` and `unit watch` as library calls on the simulator: the unit document recorded, and a
// watch that stops at its limit or when its reader goes away.
#include <doctest/doctest.h>

#include "lever/util/signals.hpp"
#include "lever/device/unit_use_cases.hpp"
#include "lever/store/collections.hpp"
#include "sim_fixture.hpp"

using namespace lever::device;
using test::SimUnit;

TEST_CASE("inspect_unit records the unit document with its first status") {
  SimUnit s;
  auto info = inspect_unit(*s.unit, s.store);
  REQUIRE(info.status.has_value());
  CHECK(info.status->state == State::idle);
  CHECK(info.doc["serial"] == "SIM-0001");
  auto stored = s.store.load(lever::collection("unit"), info.doc["id"].get<std::string>());
  REQUIRE(stored.has_value());
  CHECK((*stored)["serial"] == "SIM-0001");
}

TEST_CASE("watch hands over statuses until its count, its time, or a reader that goes away") {
  SimUnit s;
  clear_stop_request();
  int n = 0;
  watch(*s.unit, {50, 7, 0}, [&](const Status&) { return ++n > 0; });
  CHECK(n == 7);
  n = 0;
  watch(*s.unit, {50, 0, 0}, [&](const Status&) { return ++n < 3; });
  CHECK(n == 3);  // the third status found the reader gone
  n = 0;
  auto start = s.unit->clock().now();
  watch(*s.unit, {20, 0, 1.0}, [&](const Status&) { return ++n > 0; });
  CHECK(s.unit->clock().now() - start >= std::chrono::seconds(1));
  CHECK(n >= 15);
  CHECK(n <= 25);
}
