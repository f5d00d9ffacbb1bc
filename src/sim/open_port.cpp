#include "lever/sim/open_port.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "lever/sim/sim_transport.hpp"
#include "lever/store/store.hpp"
#include "lever/util/error.hpp"
#include "lever/util/number.hpp"
#include "lever/util/text.hpp"

namespace lever::transport {

namespace {

const char* kForms =
    "use a serial device (/dev/ttyUSB0 or serial:/dev/ttyUSB0?baud=115200), tcp:HOST:PORT, pty:PATH, "
    "or sim: for the built-in simulator (sim:?faults=...&seed=N&time-scale=X&clock=virtual)";

// Whole numbers in port strings go through the one number reader (no " 9600", "96e2" or "0x2580").
// Beyond any serial line's rate (and the simulator's pacing arithmetic).
constexpr long long kMaxBaud = 4000000;

int parse_int(const std::string& s, const std::string& what, const std::string& port, long long hi) {
  if (auto v = read_whole(s); v && *v > 0 && *v <= hi) return static_cast<int>(*v);
  throw Error(Exit::usage, fmt::format("bad {} '{}' in port '{}': give a whole number 1-{}", what, s, port, hi), kForms);
}

std::map<std::string, std::string> parse_query(const std::string& q, const std::string& port) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= q.size() && !q.empty()) {
    size_t amp = q.find('&', start);
    std::string item = q.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!item.empty()) {
      size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0)
        throw Error(Exit::usage, fmt::format("bad option '{}' in port '{}': expected key=value", item, port), kForms);
      out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace

PortSpec parse_port(const std::string& text) {
  PortSpec p;
  p.text = text;
  auto split_query = [&](std::string s) {
    size_t q = s.find('?');
    if (q != std::string::npos) {
      p.options = parse_query(s.substr(q + 1), text);
      s.resize(q);
    }
    return s;
  };
  if (text.empty()) throw Error(Exit::usage, "empty port", kForms);
  if (text[0] == '/' || text.rfind("serial:", 0) == 0) {
    p.kind = PortSpec::Kind::serial;
    p.path = split_query(text[0] == '/' ? text : text.substr(7));
    for (const auto& [k, v] : p.options) {
      if (k != "baud") throw Error(Exit::usage, fmt::format("unknown serial option '{}' in port '{}'", k, text), "only baud=N is known");
      p.baud = parse_int(v, "baud rate", text, kMaxBaud);
    }
    if (p.path.empty() || p.path[0] != '/')
      throw Error(Exit::usage, fmt::format("bad serial port '{}': the device path must be absolute", text), kForms);
    return p;
  }
  if (text.rfind("tcp:", 0) == 0) {
    p.kind = PortSpec::Kind::tcp;
    std::string rest = text.substr(4);
    size_t colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0)
      throw Error(Exit::usage, fmt::format("bad TCP port '{}': expected tcp:HOST:PORT", text), kForms);
    p.path = rest.substr(0, colon);
    if (p.path.size() > 2 && p.path.front() == '[' && p.path.back() == ']') p.path = p.path.substr(1, p.path.size() - 2);
    p.tcp_port = parse_int(rest.substr(colon + 1), "TCP port number", text, 65535);
    return p;
  }
  if (text.rfind("pty:", 0) == 0) {
    p.kind = PortSpec::Kind::pty;
    p.path = split_query(text.substr(4));
    for (const auto& [k, v] : p.options) {
      if (k != "baud") throw Error(Exit::usage, fmt::format("unknown pty option '{}' in port '{}'", k, text), "only baud=N is known");
      p.baud = parse_int(v, "baud rate", text, kMaxBaud);
    }
    if (p.path.empty()) throw Error(Exit::usage, fmt::format("bad pty port '{}': expected pty:PATH", text), kForms);
    return p;
  }
  if (text.rfind("sim:", 0) == 0) {
    p.kind = PortSpec::Kind::sim;
    p.path = split_query(text.substr(4));  // optional serial number: sim:SIM-0002
    sim::check_sim_options(p);
    return p;
  }
  throw Error(Exit::usage, fmt::format("unknown port '{}'", text), kForms);
}

std::string resolve_port(const std::string& flag, const Store& store) {
  if (!flag.empty()) return flag;
  // The environment is input too: the text rule holds for it as for --port (whose check is CLI11's).
  if (const char* env = std::getenv("LEVER_PORT"); env && *env) {
    if (auto why = text_problem(env, TextKind::name); !why.empty())
      throw Error(Exit::usage, "LEVER_PORT " + why, "set LEVER_PORT to a port such as /dev/ttyUSB0 or sim:");
    return env;
  }
  nlohmann::json cfg;
  try {
    cfg = store.config();
  } catch (const Error&) {
    cfg = nlohmann::json::object();
  }
  if (cfg.contains("port") && cfg["port"].is_string() && !cfg["port"].get<std::string>().empty())
    return cfg["port"].get<std::string>();
  throw Error(Exit::usage, "no unit port given",
              "pass --port PORT, set LEVER_PORT, or set the store's \"port\" configuration; 'lever devices' lists "
              "serial ports, and --port sim: uses the built-in simulator");
}

std::unique_ptr<Transport> open_transport(const PortSpec& spec, const std::filesystem::path& store_dir) {
  switch (spec.kind) {
    case PortSpec::Kind::serial: return open_serial(spec.path, spec.baud, spec.text);
    case PortSpec::Kind::tcp: return open_tcp(spec.path, spec.tcp_port, spec.text);
    case PortSpec::Kind::pty: return open_pty(spec.path, spec.baud, spec.text);
    case PortSpec::Kind::sim: return sim::open_sim_transport(spec, store_dir);
  }
  throw Error(Exit::usage, "unknown port kind", kForms);
}

}  // namespace lever::transport

namespace lever::device {

std::unique_ptr<Unit> open_unit(const std::string& port, const Store& store) {
  auto spec = transport::parse_port(port);
  auto unit = std::make_unique<Unit>(transport::open_transport(spec, store.dir()));
  unit->identify();
  return unit;
}

}  // namespace lever::device
