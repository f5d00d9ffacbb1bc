#include "lever/sim/server.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>

#include <fmt/format.h>

#include "lever/sim/sim_transport.hpp"
#include "lever/util/error.hpp"
#include "lever/util/signals.hpp"

namespace lever::sim {

namespace {

using Clock = std::chrono::steady_clock;

// One direction of a serial line: a byte takes byte_ns; a frame is delivered when its last byte arrives.
struct Line {
  Line(double ns, bool p) : byte_ns(ns), pace(p) {}
  double byte_ns;
  bool pace;
  std::int64_t free_at = 0;
  std::deque<std::pair<std::int64_t, std::string>> q;
  void push(std::int64_t now, std::string bytes) {
    std::int64_t start = std::max(now, free_at);
    std::int64_t done = pace ? start + static_cast<std::int64_t>(byte_ns * static_cast<double>(bytes.size())) : now;
    free_at = done;
    q.emplace_back(done, std::move(bytes));
  }
};

// The link end the simulator owns: a pty master (plus a held slave so the line never hangs up while
// no host is attached) or a TCP listener with at most one client.
struct Endpoint {
  int master = -1, slave = -1, listener = -1, client = -1;
  std::string link;  // pty symlink to remove on exit
  int data_fd() const { return master >= 0 ? master : client; }
  void close_link() {
    for (int* fd : {&master, &slave, &client, &listener})
      if (*fd >= 0) ::close(*fd), *fd = -1;
    if (!link.empty()) std::filesystem::remove(link), link.clear();
  }
  ~Endpoint() { close_link(); }
};

void open_pty(Endpoint& ep, const std::string& path, const ServerOptions& opt) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec)) && !std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec)))
    throw Error(Exit::usage, fmt::format("--pty {}: a file that is not a symlink is in the way", path), "choose another path");
  ep.master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (ep.master < 0 || ::grantpt(ep.master) != 0 || ::unlockpt(ep.master) != 0)
    throw Error(Exit::failure, fmt::format("cannot create a pseudo-terminal: {}", std::strerror(errno)), "");
  std::string slave = ::ptsname(ep.master);
  ep.slave = ::open(slave.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  termios tio{};
  ::tcgetattr(ep.slave, &tio);
  ::cfmakeraw(&tio);
  ::cfsetspeed(&tio, B115200);
  ::tcsetattr(ep.slave, TCSANOW, &tio);
  std::filesystem::remove(path, ec);
  std::filesystem::create_symlink(slave, path, ec);
  if (ec) throw Error(Exit::failure, fmt::format("--pty {}: cannot create the symlink: {}", path, ec.message()), "choose a writable path");
  ep.link = path;
  if (opt.log) opt.log(fmt::format("serving on pty {} -> {} at {} baud{}", path, slave, opt.baud, opt.pace ? "" : " (unpaced)"));
}

void open_tcp(Endpoint& ep, const std::string& addr, const ServerOptions& opt) {
  std::string host, port = addr;
  if (size_t c = addr.rfind(':'); c != std::string::npos) host = addr.substr(0, c), port = addr.substr(c + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res) != 0 || !res)
    throw Error(Exit::usage, fmt::format("--tcp {}: not an address", addr), "use HOST:PORT, :PORT or PORT, e.g. --tcp 127.0.0.1:5050");
  ep.listener = ::socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, res->ai_protocol);
  int one = 1;
  ::setsockopt(ep.listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc = ::bind(ep.listener, res->ai_addr, res->ai_addrlen);
  int err = errno;
  ::freeaddrinfo(res);
  if (rc != 0 || ::listen(ep.listener, 2) != 0)
    throw Error(Exit::unit_unavailable, fmt::format("--tcp {}: cannot listen: {}", addr, std::strerror(rc ? err : errno)),
                "choose a free port");
  if (opt.log) opt.log(fmt::format("serving on tcp {} at {} baud{}", addr, opt.baud, opt.pace ? "" : " (unpaced)"));
}

}  // namespace

int run_sim_server(const SimConfig& cfg, const ServerOptions& opt) {
  device::install_stop_signals();
  NvramLock lock(cfg.nvram_file, opt.pty_path.empty() ? "tcp:" + opt.tcp_addr : "pty:" + opt.pty_path, cfg.nvram_root);
  Simulator sim(cfg);
  sim.log = opt.log;
  Endpoint ep;
  if (!opt.pty_path.empty()) open_pty(ep, opt.pty_path, opt);
  else open_tcp(ep, opt.tcp_addr, opt);

  const double scale = opt.time_scale > 0 ? opt.time_scale : 1.0;
  const auto start = Clock::now();
  auto real_ns = [&] { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count(); };
  auto to_sim = [&](std::int64_t ns) { return static_cast<Micros>(static_cast<double>(ns) * scale / 1000.0); };
  auto from_sim = [&](Micros us) { return static_cast<std::int64_t>(static_cast<double>(us) * 1000.0 / scale); };
  Line in(byte_time_us(opt.baud) * 1000, opt.pace), out(byte_time_us(opt.baud) * 1000, opt.pace);
  bool linked = true;
  std::uint64_t discarded = 0;

  // Reads what the host has sent (closing a TCP client that went away). `waiting`: the bytes were
  // already on the line when the simulator looked, so their transmission ended by now, not after it.
  auto read_host = [&](int fd, bool waiting) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      std::int64_t at = real_ns();
      if (waiting && in.pace) at -= static_cast<std::int64_t>(in.byte_ns * static_cast<double>(n));
      in.push(at, std::string(buf, static_cast<size_t>(n)));
    } else if (ep.client >= 0 && (n == 0 || (errno != EAGAIN && errno != EINTR))) {
      ::close(ep.client);
      ep.client = -1;
      if (opt.log) opt.log("TCP client disconnected");
    }
  };

  while (!device::stop_requested()) {
    // Bytes the host sent while this process was not scheduled are on the line already: take them
    // before the clock advances, or a starved simulator would blame the host's link for its own delay.
    if (int fd = ep.data_fd(); fd >= 0) {
      pollfd q{fd, POLLIN, 0};
      if (::poll(&q, 1, 0) > 0 && (q.revents & POLLIN)) read_host(fd, true);
    }
    std::int64_t now = real_ns();
    if (opt.seconds > 0 && static_cast<double>(now) / 1e9 >= opt.seconds) break;
    while (!in.q.empty() && in.q.front().first <= now) {
      sim.receive(in.q.front().second, to_sim(in.q.front().first));
      in.q.pop_front();
    }
    sim.advance(to_sim(now));
    for (auto& [due, frame] : sim.take_frames(to_sim(now))) {
      std::int64_t at = std::min(now, from_sim(due));  // when the unit had it ready to send
      // Like a UART transmit buffer: a status frame that finds the line more than one status frame
      // behind is discarded (the host sees the gap in sequence numbers); answers are never discarded.
      bool status = frame.find(" ST ") != std::string::npos;
      if (status && opt.pace && out.free_at - at > static_cast<std::int64_t>(out.byte_ns * static_cast<double>(frame.size()))) {
        ++discarded;
        continue;
      }
      out.push(at, std::move(frame));
    }
    if (linked && sim.disconnected()) {
      ep.close_link();
      linked = false;
      out.q.clear();
    }
    while (!out.q.empty() && out.q.front().first <= now) {
      int fd = ep.data_fd();
      if (fd >= 0) {
        [[maybe_unused]] ssize_t n = ::send(fd, out.q.front().second.data(), out.q.front().second.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == ENOTSOCK)
          n = ::write(fd, out.q.front().second.data(), out.q.front().second.size());  // a pty; EAGAIN = nobody reads: lost
      }
      out.q.pop_front();
    }

    std::int64_t next = now + 100'000'000;
    if (!out.q.empty()) next = std::min(next, out.q.front().first);
    if (!in.q.empty()) next = std::min(next, in.q.front().first);
    next = std::min(next, from_sim(sim.next_event(to_sim(now))));
    std::int64_t wait = std::max<std::int64_t>(0, next - real_ns());
    timespec ts{static_cast<time_t>(wait / 1000000000), static_cast<long>(wait % 1000000000)};
    pollfd p[3] = {{ep.data_fd(), POLLIN, 0}, {ep.listener, POLLIN, 0}, {device::stop_fd(), POLLIN, 0}};
    if (::ppoll(p, 3, &ts, nullptr) <= 0) continue;
    if (p[1].revents & POLLIN) {
      int c = ::accept4(ep.listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c >= 0 && ep.client >= 0) {
        ::close(c);  // one host at a time, like a serial line
        if (opt.log) opt.log("refused a second TCP client: the unit is in use");
      } else if (c >= 0) {
        int one = 1;
        ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ep.client = c;
        if (opt.log) opt.log("TCP client connected");
      }
    }
    if (p[0].fd >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) read_host(p[0].fd, false);
  }
  if (discarded && opt.log) opt.log(fmt::format("{} status frames discarded: the status rate exceeded the line rate", discarded));
  return device::stop_signal();
}

}  // namespace lever::sim
