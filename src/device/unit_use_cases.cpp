#include "lever/device/unit_use_cases.hpp"

#include "lever/device/records.hpp"
#include "lever/util/signals.hpp"

namespace lever::device {

using namespace std::chrono_literals;

UnitInfo inspect_unit(Unit& unit, Store& store) {
  std::optional<Calibration> cal;
  if (unit.compatible()) cal = unit.read_calibration();
  UnitInfo info;
  if (unit.wait_for([](const Status&) { return true; }, 1s)) info.status = unit.status();
  info.doc = unit_document(unit.identity(), cal, info.status, unit.compatible(), unit.port());
  save_unit_document(store, info.doc);
  return info;
}

void watch(Unit& unit, const WatchOptions& opt, const std::function<bool(const Status&)>& on_status) {
  if (opt.status_hz) unit.set_status_rate(*opt.status_hz);
  auto& clock = unit.clock();
  auto end = clock.now() + std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(opt.seconds));
  long n = 0;
  while (!stop_requested()) {
    if (opt.count > 0 && n >= opt.count) break;
    if (opt.seconds > 0 && clock.now() >= end) break;
    if (unit.poll(200ms)) {
      ++n;
      if (!on_status(unit.status())) break;
    }
  }
}

}  // namespace lever::device
