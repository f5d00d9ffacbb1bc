#include "lever/sim/sim_transport.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/number.hpp"
#include "lever/util/signals.hpp"
#include "lever/util/units.hpp"

namespace lever::sim {

namespace {

const char* kSimOptions =
    "faults, seed, time-scale, clock=real|virtual, mass, cadence, gain-error, offset-error, nvram, serial, log";

double number(const transport::PortSpec& spec, const std::string& key, double fallback) {
  auto it = spec.options.find(key);
  if (it == spec.options.end()) return fallback;
  std::string v = it->second;
  bool pct = !v.empty() && v.back() == '%';
  if (pct) v.pop_back();
  // The one number reader: no nan, inf, 1e999, hex, spaces or trailing junk in a port string either.
  if (auto d = read_decimal(v)) return pct ? *d / 100 : *d;
  throw Error(Exit::usage, fmt::format("bad value '{}' for {} in port '{}'", it->second, key, spec.text),
              "give a number, e.g. sim:?seed=7&time-scale=10&gain-error=3%");
}

}  // namespace

void check_sim_options(const transport::PortSpec& spec) {
  static const char* known[] = {"faults", "seed", "time-scale", "clock", "mass", "cadence", "gain-error",
                                "offset-error", "nvram", "serial", "log"};
  for (const auto& [k, v] : spec.options) {
    if (std::find(std::begin(known), std::end(known), k) == std::end(known))
      throw Error(Exit::usage, fmt::format("unknown simulator option '{}' in port '{}'", k, spec.text),
                  std::string("known options: ") + kSimOptions);
  }
  if (auto it = spec.options.find("clock"); it != spec.options.end() && it->second != "real" && it->second != "virtual")
    throw Error(Exit::usage, fmt::format("bad clock '{}' in port '{}'", it->second, spec.text), "use clock=real or clock=virtual");
  if (number(spec, "time-scale", 1) <= 0)
    throw Error(Exit::usage, fmt::format("time-scale must be positive in port '{}'", spec.text), "e.g. time-scale=10");
  // 2^53: every whole number up to it converts exactly; beyond it a seed could not be written back.
  if (double seed = number(spec, "seed", 1); seed < 0 || seed > 9007199254740992.0 || std::floor(seed) != seed)
    throw Error(Exit::usage, "seed must be a whole number from 0 to 2^53", "e.g. seed=7");
  // Beyond these a simulated unit describes no real one (and the arithmetic overflows).
  if (std::abs(number(spec, "gain-error", 0)) > 0.5)
    throw Error(Exit::usage, "gain-error must be within -50% and 50%", "e.g. gain-error=3%");
  if (std::abs(number(spec, "offset-error", 0)) > 1000)
    throw Error(Exit::usage, "offset-error must be within -1000 and 1000 N", "e.g. offset-error=15");
  if (double cad = number(spec, "cadence", 170); cad < 60 || cad > 260)
    throw Error(Exit::usage, "cadence must be from 60 to 260 steps a minute", "e.g. cadence=170");
  if (auto it = spec.options.find("mass"); it != spec.options.end())
    if (double kg = parse_mass_kg(it->second, "mass"); kg < 20 || kg > 300)
      throw Error(Exit::usage, "mass must be from 20 to 300 kg", "e.g. mass=75kg or mass=165lb");
  if (number(spec, "time-scale", 1) > 1000)
    throw Error(Exit::usage, "time-scale must be at most 1000", "e.g. time-scale=10; clock=virtual runs as fast as it can");
  if (auto it = spec.options.find("faults"); it != spec.options.end()) parse_faults(it->second);
  if (auto it = spec.options.find("log"); it != spec.options.end() && it->second.empty())
    throw Error(Exit::usage, fmt::format("empty log file in port '{}'", spec.text), "e.g. sim:?log=/tmp/unit.log");
}

SimConfig sim_config(const transport::PortSpec& spec, const std::filesystem::path& store_dir) {
  check_sim_options(spec);
  SimConfig c;
  if (!spec.path.empty()) c.serial = spec.path;
  if (auto it = spec.options.find("serial"); it != spec.options.end()) c.serial = it->second;
  // A serial travels in the identity frame and becomes the unit's ID: short, plain ASCII only.
  if (c.serial.empty() || c.serial.size() > 32 ||
      c.serial.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
    throw Error(Exit::usage, fmt::format("bad simulator serial '{}': it takes 1-32 ASCII letters, digits and '-'", c.serial),
                "e.g. SIM-0002");
  if (auto it = spec.options.find("nvram"); it != spec.options.end()) c.nvram_file = it->second;
  else {
    c.nvram_file = default_nvram_path(store_dir, c.serial);
    c.nvram_root = store_dir;
  }
  c.seed = static_cast<std::uint64_t>(number(spec, "seed", 1));
  if (auto it = spec.options.find("faults"); it != spec.options.end()) c.faults = parse_faults(it->second);
  if (auto it = spec.options.find("mass"); it != spec.options.end()) c.runner_mass_kg = parse_mass_kg(it->second, "mass");
  c.cadence_spm = number(spec, "cadence", c.cadence_spm);
  c.gain_error = number(spec, "gain-error", 0);
  c.offset_error_n = number(spec, "offset-error", 0);
  return c;
}

NvramLock::NvramLock(const std::filesystem::path& nvram_file, const std::string& port_name, const std::filesystem::path& root) {
  if (nvram_file.has_parent_path()) make_private_dirs(nvram_file.parent_path(), root);
  std::string lp = nvram_file.string() + ".lock";
  fd_ = root.empty() ? ::open(lp.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600) : open_confined(root, lp, O_RDWR | O_CREAT, 0600);
  if (fd_ < 0) throw_io_error("open", lp, errno);
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw Error(Exit::unit_unavailable,
                fmt::format("port {} is busy: the simulated unit ({}) is in use by another lever or 'lever sim'", port_name,
                            nvram_file.string()),
                "finish the other lever using this unit, or give this one another serial (sim:SIM-0002)");
  }
}

NvramLock::~NvramLock() {
  if (fd_ >= 0) ::close(fd_);
}

SimTransport::~SimTransport() {
  if (log_fd_ >= 0) ::close(log_fd_);
}

void SimTransport::log_to(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int err = errno;
    throw Error(Exit::usage,
                fmt::format("cannot open the simulator log {}: {}", file.string(),
                            err == ELOOP ? "it is a symbolic link" : std::strerror(err)),
                "give log= a file you can write in an existing directory, not a symbolic link, e.g. sim:?log=/tmp/unit.log");
  }
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = fd;
  // One write per line with O_APPEND: the simulator's own account, complete up to the last line
  // even when lever is killed; a failing write must not disturb the unit it describes.
  sim_.log = [this](const std::string& line) {
    std::string l = line + '\n';
    [[maybe_unused]] auto n = ::write(log_fd_, l.data(), l.size());
  };
}

SimTransport::SimTransport(SimConfig cfg, std::unique_ptr<device::Clock> clock, std::string name)
    : clock_(std::move(clock)), name_(std::move(name)), lock_(cfg.nvram_file, name_, cfg.nvram_root), sim_(std::move(cfg)) {}

void SimTransport::check_link() const {
  if (sim_.disconnected())
    throw Error(Exit::unit_unavailable, fmt::format("lost the link to the unit on {}: the unit disconnected", name_),
                "check the cable and the unit's power; the unit holds the support and stops the belt on its own "
                "within its watchdog time");
}

void SimTransport::write(std::string_view bytes) {
  check_link();
  sim_.receive(bytes, micros());
}

size_t SimTransport::read(char* buf, size_t cap, device::Nanos timeout) {
  auto deadline = clock_->now() + timeout;
  for (;;) {
    Micros now = micros();
    sim_.advance(now);
    check_link();
    pending_ += sim_.take_output(now);
    if (!pending_.empty()) {
      size_t n = std::min(cap, pending_.size());
      std::memcpy(buf, pending_.data(), n);
      pending_.erase(0, n);
      return n;
    }
    if (clock_->now() >= deadline || device::stop_wakeup_pending()) return 0;
    auto next = device::Nanos(std::chrono::microseconds(sim_.next_event(now)));
    if (next <= clock_->now()) next = clock_->now() + std::chrono::microseconds(1000);
    clock_->sleep_until(std::min(deadline, next));
  }
}

std::unique_ptr<transport::Transport> open_sim_transport(const transport::PortSpec& spec, const std::filesystem::path& store_dir) {
  SimConfig cfg = sim_config(spec, store_dir);
  std::unique_ptr<device::Clock> clock;
  auto it = spec.options.find("clock");
  if (it != spec.options.end() && it->second == "virtual") clock = std::make_unique<device::VirtualClock>();
  else clock = std::make_unique<device::RealClock>(number(spec, "time-scale", 1));
  auto t = std::make_unique<SimTransport>(std::move(cfg), std::move(clock), spec.text);
  if (auto log = spec.options.find("log"); log != spec.options.end()) t->log_to(log->second);
  return t;
}

}  // namespace lever::sim
