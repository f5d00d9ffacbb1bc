#include "lever/transport/fd_transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/signals.hpp"

namespace lever::transport {

namespace {

speed_t baud_constant(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return 0;
  }
}

timespec to_timespec(device::Nanos d) {
  if (d < device::Nanos(0)) d = device::Nanos(0);
  return {static_cast<time_t>(d.count() / 1000000000), static_cast<long>(d.count() % 1000000000)};
}

}  // namespace

void throw_open_error(const std::string& name, const std::string& path, int err) {
  if (err == ENOENT || err == ENODEV || err == ENXIO)
    throw Error(Exit::not_found, fmt::format("port {}: {} does not exist ({})", name, path, std::strerror(err)),
                "check the cable and the device name; 'lever devices' lists serial ports");
  if (err == EACCES || err == EPERM)
    throw Error(Exit::unit_unavailable, fmt::format("port {}: permission denied opening {}", name, path),
                "add your user to the group that owns the device (usually 'dialout') and log in again");
  if (err == EBUSY)
    throw Error(Exit::unit_unavailable, fmt::format("port {}: {} is busy", name, path),
                "close the other program using the port (another lever?) and try again");
  throw Error(Exit::unit_unavailable, fmt::format("port {}: cannot open {}: {}", name, path, std::strerror(err)),
              "check the cable and that the unit is powered");
}

void lock_port(int fd, const std::string& name) {
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return;
  int err = errno;
  if (err == EWOULDBLOCK)
    throw Error(Exit::unit_unavailable, fmt::format("port {} is busy: another program (another lever?) holds it", name),
                "finish or stop the other lever using this unit, then try again");
  throw Error(Exit::unit_unavailable, fmt::format("port {}: cannot lock: {}", name, std::strerror(err)), "");
}

FdTransport::FdTransport(int fd, std::string name, bool owns) : fd_(fd), name_(std::move(name)), owns_(owns) {}

FdTransport::~FdTransport() {
  if (owns_ && fd_ >= 0) ::close(fd_);
}

void FdTransport::lost(const std::string& why) const {
  throw Error(Exit::unit_unavailable, fmt::format("lost the link to the unit on {}: {}", name_, why),
              "check the cable and the unit's power; the unit holds the support and stops the belt on its own "
              "within its watchdog time");
}

void FdTransport::write(std::string_view bytes) {
  size_t done = 0;
  auto deadline = clock_.now() + std::chrono::seconds(1);
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) lost(std::strerror(errno));
    if (clock_.now() > deadline) lost("the line does not take data (flow blocked for 1 s)");
    pollfd p{fd_, POLLOUT, 0};
    ::poll(&p, 1, 10);
  }
}

size_t FdTransport::read(char* buf, size_t cap, device::Nanos timeout) {
  auto deadline = clock_.now() + timeout;
  for (;;) {
    // The stop pipe stays readable until the session consumes the wake-up: a Ctrl-C ends any wait.
    pollfd p[2] = {{fd_, POLLIN, 0}, {device::stop_fd(), POLLIN, 0}};
    timespec ts = to_timespec(deadline - clock_.now());
    int r = ::ppoll(p, p[1].fd >= 0 ? 2 : 1, &ts, nullptr);
    if (r < 0 && errno != EINTR) lost(std::strerror(errno));
    if (r > 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = ::read(fd_, buf, cap);
      if (n > 0) return static_cast<size_t>(n);
      if (n == 0) lost("the other end closed the connection");
      if (errno != EAGAIN && errno != EINTR) lost(std::strerror(errno));
    }
    if ((r > 0 && (p[1].revents & POLLIN)) || (r < 0 && device::stop_requested())) return 0;
    if (clock_.now() >= deadline) return 0;
  }
}

std::unique_ptr<Transport> open_pty(const std::string& path, int baud, const std::string& name) {
  speed_t sp = baud_constant(baud);
  if (!sp) throw Error(Exit::usage, fmt::format("unsupported baud rate {} in port {}", baud, name), "use 115200 (the unit's rate)");
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw_open_error(name, path, errno);
  auto t = std::make_unique<FdTransport>(fd, name);
  lock_port(fd, name);
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0)
    throw Error(Exit::unit_unavailable, fmt::format("port {}: {} is not a terminal", name, path),
                "pty: expects a pseudo-terminal such as the one 'lever sim --pty PATH' creates");
  ::cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  ::cfsetispeed(&tio, sp);
  ::cfsetospeed(&tio, sp);
  ::tcsetattr(fd, TCSANOW, &tio);
  ::tcflush(fd, TCIOFLUSH);  // stale bytes from before we opened are not ours
  return t;
}

std::unique_ptr<Transport> open_tcp(const std::string& host, int port, const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int gai = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (gai != 0)
    throw Error(Exit::unit_unavailable, fmt::format("port {}: cannot resolve '{}': {}", name, host, ::gai_strerror(gai)),
                "check the device server's host name or use its IP address");
  int last_err = ECONNREFUSED;
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, 3000) == 1 ? 0 : -1;
      int err = rc == 0 ? 0 : ETIMEDOUT;
      socklen_t len = sizeof err;
      if (rc == 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err) rc = -1, errno = err;
    }
    if (rc == 0) {
      ::freeaddrinfo(res);
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // frames are small and latency matters
      return std::make_unique<FdTransport>(fd, name);
    }
    last_err = errno;
    ::close(fd);
  }
  ::freeaddrinfo(res);
  throw Error(Exit::unit_unavailable, fmt::format("port {}: cannot connect: {}", name, std::strerror(last_err)),
              "check that the device server (or 'lever sim --tcp') is running and reachable");
}

}  // namespace lever::transport
