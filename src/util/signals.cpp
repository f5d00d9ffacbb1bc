#include "lever/util/signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>

namespace lever::device {

namespace {

std::atomic<int> g_signal{0};
int g_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int sig) {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, sig);
  if (g_pipe[1] >= 0) {
    char b = 1;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &b, 1);  // async-signal-safe; a full pipe is fine
  }
}

}  // namespace

void install_stop_signals() {
  // The pipe is made once; the handlers are set on every call, because something else in the
  // process (a test framework's crash handler, say) may have replaced them since.
  if (g_pipe[0] < 0 && ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR and the loop notices
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a dropped TCP link must surface as EPIPE, not kill the host
}

bool stop_requested() { return g_signal.load() != 0; }
int stop_signal() { return g_signal.load(); }
int stop_fd() { return g_pipe[0]; }

bool stop_wakeup_pending() {
  if (g_pipe[0] < 0) return false;
  pollfd p{g_pipe[0], POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

void consume_stop_wakeup() {
  char buf[64];
  if (g_pipe[0] >= 0)
    while (::read(g_pipe[0], buf, sizeof buf) > 0) {
    }
}

void clear_stop_request() {
  g_signal = 0;
  char buf[64];
  if (g_pipe[0] >= 0)
    while (::read(g_pipe[0], buf, sizeof buf) > 0) {
    }
}

}  // namespace lever::device
