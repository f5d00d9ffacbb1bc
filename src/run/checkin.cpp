#include "lever/run/checkin.hpp"

#include <algorithm>
#include <cctype>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include "lever/util/text.hpp"

namespace lever::run {

std::vector<int> parse_pain_keys(std::string_view keys) {
  std::vector<int> out;
  for (char c : keys) {
    if (c >= '0' && c <= '9') out.push_back(c - '0');
    else if (c == 'x' || c == 'X') out.push_back(10);
  }
  return out;
}

std::vector<int> parse_pain_lines(std::string& buffer, std::vector<std::string>& ignored) {
  std::vector<int> out;
  size_t nl;
  while ((nl = buffer.find('\n')) != std::string::npos) {
    std::string line = buffer.substr(0, nl);
    buffer.erase(0, nl + 1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    line = start == std::string::npos ? "" : line.substr(start);
    if (line.empty()) continue;
    bool digits = line.size() <= 2 && std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; });
    int v = digits ? std::stoi(line) : -1;
    if (v >= 0 && v <= 10) out.push_back(v);
    else ignored.push_back(line);
  }
  return out;
}

PainKeys::PainKeys(int fd) : fd_(fd) {
  termios t{};
  if (isatty(fd) && tcgetattr(fd, &t) == 0) {
    tty_ = true;
    saved_ = t;
    t.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG stays: Ctrl-C still stops the run
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &t);
  }
}

PainKeys::~PainKeys() {
  if (saved_) tcsetattr(fd_, TCSANOW, &*saved_);
}

std::vector<int> PainKeys::poll() {
  std::vector<int> out;
  if (eof_ || fd_ < 0) return out;
  pollfd p{fd_, POLLIN, 0};
  while (::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP))) {
    char buf[256];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) {
      eof_ = !tty_;  // a closed pipe says nothing more; a TTY read of 0 just means no key
      break;
    }
    if (tty_) {
      auto k = parse_pain_keys(std::string_view(buf, static_cast<size_t>(n)));
      out.insert(out.end(), k.begin(), k.end());
    } else {
      buf_.append(buf, static_cast<size_t>(n));
    }
  }
  if (!tty_) {
    std::vector<std::string> ignored;
    auto l = parse_pain_lines(buf_, ignored);
    out.insert(out.end(), l.begin(), l.end());
  }
  return out;
}

std::string live_line(const LiveView& v) {
  auto mmss = [](double s) {
    long t = static_cast<long>(s);
    return fmt::format("{:02}:{:02}", t / 60, t % 60);
  };
  std::string cadence = v.cadence_target_spm ? fmt::format("{:.0f}/{:.0f} spm", v.cadence_spm, *v.cadence_target_spm)
                                             : fmt::format("{:.0f} spm", v.cadence_spm);
  return fmt::format("{:<10} {} -{} | support {:.0f} % ({:.1f} kg eff) {:.0f}/{:.0f} N | {:.1f} km/h {:.1f} % | {}{}",
                     escape_text(v.phase), mmss(v.elapsed_s), mmss(v.remaining_s), v.support_pct, v.effective_kg, v.measured_n,
                     v.target_n, v.speed_kmh, v.incline_pct, cadence, v.faults.empty() ? "" : " | FAULT " + v.faults);
}

}  // namespace lever::run
