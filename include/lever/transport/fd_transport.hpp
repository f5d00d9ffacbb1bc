// A Transport over a POSIX file descriptor (pty, tty, TCP socket, or libserialport's handle):
// poll() with the stop pipe so Ctrl-C wakes a waiting reader at once.
#pragma once
#include <string>

#include "lever/transport/transport.hpp"

namespace lever::transport {

/// Reads and writes a non-blocking descriptor it owns (closed on destruction unless `owns` is false).
class FdTransport : public Transport {
public:
  /// Wraps `fd`; `name` is the PORT string for messages.
  FdTransport(int fd, std::string name, bool owns = true);
  ~FdTransport() override;
  FdTransport(const FdTransport&) = delete;
  FdTransport& operator=(const FdTransport&) = delete;
  void write(std::string_view bytes) override;
  size_t read(char* buf, size_t cap, device::Nanos timeout) override;
  device::Clock& clock() override { return clock_; }
  const std::string& name() const override { return name_; }

protected:
  /// The descriptor.
  int fd() const { return fd_; }

private:
  [[noreturn]] void lost(const std::string& why) const;
  int fd_;
  std::string name_;
  bool owns_;
  device::RealClock clock_;
};

/// Takes an exclusive advisory lock (flock) on an open port, or throws Error(unit_unavailable)
/// saying that another program (another lever?) holds it.
void lock_port(int fd, const std::string& name);

/// Throws the Error for a failed open of a port device: not found (4), permission or busy (6).
[[noreturn]] void throw_open_error(const std::string& name, const std::string& path, int err);

}  // namespace lever::transport
