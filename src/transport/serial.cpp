// The production path: a USB-serial adapter or RS-232 port through libserialport.
#include "lever/transport/serial.hpp"

#include <libserialport.h>
#include <poll.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "lever/transport/fd_transport.hpp"
#include "lever/util/error.hpp"
#include "lever/util/signals.hpp"

namespace lever::transport {

namespace {

class SerialTransport final : public Transport {
public:
  SerialTransport(sp_port* port, int fd, std::string name) : port_(port), fd_(fd), name_(std::move(name)) {}
  ~SerialTransport() override {
    sp_close(port_);
    sp_free_port(port_);
  }
  SerialTransport(const SerialTransport&) = delete;
  SerialTransport& operator=(const SerialTransport&) = delete;

  void write(std::string_view bytes) override {
    sp_return r = sp_blocking_write(port_, bytes.data(), bytes.size(), 1000);
    if (r < 0) lost(sp_last_error_message());
    if (static_cast<size_t>(r) != bytes.size()) lost("the line does not take data (flow blocked for 1 s)");
  }

  size_t read(char* buf, size_t cap, device::Nanos timeout) override {
    // sp_blocking_read cannot be interrupted (it retries EINTR): poll the handle with the stop pipe.
    auto deadline = clock_.now() + timeout;
    for (;;) {
      pollfd p[2] = {{fd_, POLLIN, 0}, {device::stop_fd(), POLLIN, 0}};
      auto left = deadline - clock_.now();
      if (left < device::Nanos(0)) left = device::Nanos(0);
      timespec ts{static_cast<time_t>(left.count() / 1000000000), static_cast<long>(left.count() % 1000000000)};
      int r = ::ppoll(p, p[1].fd >= 0 ? 2 : 1, &ts, nullptr);  // the stop pipe ends any wait
      if (r < 0 && errno != EINTR) lost(std::strerror(errno));
      if (r > 0 && (p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN)) lost("the port hung up");
      if (r > 0 && (p[0].revents & POLLIN)) {
        sp_return n = sp_nonblocking_read(port_, buf, cap);
        if (n < 0) lost(sp_last_error_message());
        if (n > 0) return static_cast<size_t>(n);
        lost("the port reports data but none can be read (device removed?)");
      }
      if ((r > 0 && (p[1].revents & POLLIN)) || (r < 0 && device::stop_requested())) return 0;
      if (clock_.now() >= deadline) return 0;
    }
  }

  device::Clock& clock() override { return clock_; }
  const std::string& name() const override { return name_; }

private:
  [[noreturn]] void lost(const std::string& why) const {
    throw Error(Exit::unit_unavailable, fmt::format("lost the link to the unit on {}: {}", name_, why),
                "check the cable and the unit's power; the unit holds the support and stops the belt on its own "
                "within its watchdog time");
  }
  sp_port* port_;
  int fd_;
  std::string name_;
  device::RealClock clock_;
};

}  // namespace

std::unique_ptr<Transport> open_serial(const std::string& path, int baud, const std::string& name) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw_open_error(name, path, errno);
  sp_port* port = nullptr;
  if (sp_get_port_by_name(path.c_str(), &port) != SP_OK)
    throw Error(Exit::not_found, fmt::format("port {}: {} is not a serial port the system knows", name, path),
                "'lever devices' lists serial ports; for the simulator's pseudo-terminal use pty:PATH");
  if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
    int err = sp_last_error_code();
    std::string msg = sp_last_error_message();
    sp_free_port(port);
    if (err == ENOENT || err == EACCES || err == EPERM || err == EBUSY) throw_open_error(name, path, err);
    throw Error(Exit::unit_unavailable, fmt::format("port {}: cannot open {}: {}", name, path, msg),
                "check that it is a serial port and the unit is connected");
  }
  int fd = -1;
  sp_get_port_handle(port, &fd);
  auto t = std::make_unique<SerialTransport>(port, fd, name);
  lock_port(fd, name);
  if (sp_set_baudrate(port, baud) != SP_OK || sp_set_bits(port, 8) != SP_OK || sp_set_parity(port, SP_PARITY_NONE) != SP_OK ||
      sp_set_stopbits(port, 1) != SP_OK || sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) != SP_OK)
    throw Error(Exit::unit_unavailable, fmt::format("port {}: cannot configure {} baud 8N1: {}", name, baud, sp_last_error_message()),
                "check that the adapter supports the unit's line rate");
  sp_flush(port, SP_BUF_BOTH);
  return t;
}

std::vector<SerialPortInfo> list_serial_ports() {
  sp_port** ports = nullptr;
  if (sp_list_ports(&ports) != SP_OK)
    throw Error(Exit::failure, fmt::format("cannot list serial ports: {}", sp_last_error_message()), "");
  std::vector<SerialPortInfo> out;
  auto str = [](const char* s) { return s ? std::string(s) : std::string(); };
  for (sp_port** p = ports; *p; ++p) {
    SerialPortInfo i;
    i.name = str(sp_get_port_name(*p));
    i.description = str(sp_get_port_description(*p));
    switch (sp_get_port_transport(*p)) {
      case SP_TRANSPORT_USB: {
        i.transport = "usb";
        int vid = -1, pid = -1;
        if (sp_get_port_usb_vid_pid(*p, &vid, &pid) == SP_OK) i.usb_vid = vid, i.usb_pid = pid;
        i.serial = str(sp_get_port_usb_serial(*p));
        i.manufacturer = str(sp_get_port_usb_manufacturer(*p));
        break;
      }
      case SP_TRANSPORT_BLUETOOTH: i.transport = "bluetooth"; break;
      case SP_TRANSPORT_NATIVE: i.transport = "native"; break;
      default: i.transport = "unknown";
    }
    out.push_back(std::move(i));
  }
  sp_free_port_list(ports);
  return out;
}

}  // namespace lever::transport
