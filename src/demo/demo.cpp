#include "lever/demo/demo.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever::demo {

namespace {
// The in-process simulator on a virtual clock: a 30-minute session takes seconds.
const char* kPort = "sim:?clock=virtual&seed=7";

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=%") == std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}
}  // namespace

std::vector<Step> steps() {
  return {
      {"Identify the simulated unit and record it in the store", {"unit", "info", "--port", kPort}},
      {"Calibrate it as a technician would (two reference masses, verification)",
       {"calibrate", "--port", kPort, "--reference", "10kg:DEMO-CERT-10", "--reference", "20kg:DEMO-CERT-20",
        "--frame-height", "95", "--yes"}},
      {"Add an athlete: 75 kg, baseline cadence 164 steps/min, left knee",
       {"athlete", "add", "ann", "--mass", "75", "--name", "Ann Example", "--cadence", "164", "--side", "left"}},
      {"Build her return-to-run plan (moderate presentation: starts at 20 % support)",
       {"plan", "new", "ann", "--severity", "moderate", "--profile", "seed"}},
      {"Run the first session on the unit (virtual clock: minutes pass in seconds)",
       {"run", "ann", "--port", kPort, "--pain-before", "1"}},
      {"Log the next-day pain the progression engine needs", {"log-pain", "ann", "1", "--when", "next-day"}},
      {"Ask the engine for the next session", {"plan", "next", "ann"}},
      {"The athlete report a clinician reads", {"report", "athlete", "ann"}},
  };
}

std::string self_exe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw Error(Exit::failure, "cannot find the lever executable (/proc/self/exe)");
  return std::string(buf, static_cast<size_t>(n));
}

int run_steps(const std::string& lever_exe, const std::string& store_dir, const std::vector<Step>& all, bool quiet) {
  int n = 0;
  for (const auto& s : all) {
    ++n;
    std::string shown = "lever";
    for (const auto& a : s.args) shown += " " + shell_quote(a);
    if (!quiet) std::cerr << fmt::format("\n[{}/{}] {}\n$ {}\n", n, all.size(), s.title, shown) << std::flush;
    std::cout.flush();
    std::vector<std::string> argv_s = {lever_exe, "--store", store_dir};
    argv_s.insert(argv_s.end(), s.args.begin(), s.args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(Exit::failure, fmt::format("cannot start a demo step: {}", std::strerror(errno)));
    if (pid == 0) {
      ::execv(lever_exe.c_str(), argv.data());
      _exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0) {
      std::cerr << fmt::format("lever: demo step {} ({}) failed with exit status {}\n", n, s.title, code);
      return code;
    }
  }
  return 0;
}

}  // namespace lever::demo
