// How lever reaches a unit: one byte-stream interface, selected explicitly by a PORT string
// (product.md): /dev/ttyUSB0, serial:/dev/ttyUSB0?baud=115200, tcp:HOST:PORT, pty:PATH, sim:?k=v&...
#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "lever/util/clock.hpp"

namespace lever::transport {

/// A byte stream to one unit. Errors are lever::Error: unit_unavailable when the link is lost.
class Transport {
public:
  virtual ~Transport() = default;
  /// Sends all bytes (bounded wait); throws Error(unit_unavailable) when the link is gone.
  virtual void write(std::string_view bytes) = 0;
  /// Reads what is available, waiting up to `timeout` on this transport's clock; 0 bytes means
  /// nothing arrived in time or a stop signal arrived. Throws Error(unit_unavailable) on a lost link.
  virtual size_t read(char* buf, size_t cap, device::Nanos timeout) = 0;
  /// The clock that governs this link: real for hardware, possibly virtual for `sim:`.
  virtual device::Clock& clock() = 0;
  /// The PORT string it was opened from, for messages.
  virtual const std::string& name() const = 0;
};

/// A parsed PORT string (parse_port and the opening by name are in sim/open_port.hpp).
struct PortSpec {
  enum class Kind { serial, tcp, pty, sim };
  Kind kind = Kind::serial;                   ///< which transport
  std::string text;                           ///< the string as given
  std::string path;                           ///< serial/pty device path, or tcp host
  int tcp_port = 0;                           ///< tcp port number
  int baud = 115200;                          ///< serial line rate
  std::map<std::string, std::string> options; ///< sim options (faults, seed, time-scale, clock, ...)
};

/// Opens a pseudo-terminal (or any tty) with plain POSIX termios, raw, at `baud`, locked (flock).
std::unique_ptr<Transport> open_pty(const std::string& path, int baud, const std::string& name);
/// Connects to a TCP serial device server (3 s timeout).
std::unique_ptr<Transport> open_tcp(const std::string& host, int port, const std::string& name);
/// Opens a serial port through libserialport, 8N1, no flow control, locked (flock).
std::unique_ptr<Transport> open_serial(const std::string& path, int baud, const std::string& name);

}  // namespace lever::transport
