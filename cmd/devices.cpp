// lever devices: the serial ports present (name, description, USB VID:PID, serial number).
#include <fmt/format.h>

#include "commands.hpp"
#include "lever/transport/serial.hpp"

namespace lever::cmd {

void add_devices(CLI::App& app, Context& ctx) {
  app.callback([&ctx] {
    std::vector<nlohmann::json> rows;
    for (const auto& p : transport::list_serial_ports()) {
      bool usb = p.usb_vid >= 0;
      rows.push_back({{"port", p.name},
                      {"description", p.description},
                      {"transport", p.transport},
                      {"usb_vid_pid", usb ? nlohmann::json(fmt::format("{:04x}:{:04x}", p.usb_vid, p.usb_pid)) : nlohmann::json(nullptr)},
                      {"serial_number", p.serial.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.serial)},
                      {"manufacturer", p.manufacturer.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.manufacturer)}});
    }
    ctx.out().records({{"port", "Port"}, {"description", "Description"}, {"transport", "Transport"},
                       {"usb_vid_pid", "USB VID:PID"}, {"serial_number", "Serial number"}, {"manufacturer", "Manufacturer"}},
                      rows);
    if (rows.empty()) ctx.note("no serial ports found; use --port sim: for the built-in simulator, or tcp:HOST:PORT");
  });
}

}  // namespace lever::cmd
