// Serial ports through libserialport: listing for `lever devices` (the transport is in transport.hpp).
#pragma once
#include <string>
#include <vector>

namespace lever::transport {

/// One serial port as the operating system reports it.
struct SerialPortInfo {
  std::string name;         ///< device path, e.g. /dev/ttyUSB0
  std::string description;  ///< human description from the driver
  std::string transport;    ///< "usb", "bluetooth", "native" or "unknown"
  int usb_vid = -1;         ///< USB vendor ID, -1 when not USB
  int usb_pid = -1;         ///< USB product ID, -1 when not USB
  std::string serial;       ///< USB serial number, empty when unknown
  std::string manufacturer; ///< USB manufacturer, empty when unknown
};

/// The serial ports present now; throws Error(failure) when enumeration fails.
std::vector<SerialPortInfo> list_serial_ports();

}  // namespace lever::transport
