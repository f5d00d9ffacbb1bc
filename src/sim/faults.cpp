#include "lever/sim/faults.hpp"

#include <cmath>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/number.hpp"

namespace lever::sim {

namespace {

struct KindRow {
  const char* name;
  FaultKind kind;
  double default_value;     // used when "=value" is absent
  bool value_is_duration;   // "=2s" sets duration_s
  double default_duration;
  bool takes_value = true;  // false: "=value" means nothing for this fault, so it is refused
};

const KindRow kKinds[] = {
    {"drop", FaultKind::drop, 0.01, false, 0},         {"corrupt", FaultKind::corrupt, 0.01, false, 0},
    {"dup", FaultKind::dup, 0.01, false, 0},           {"delay", FaultKind::delay, 0.05, false, 0},
    {"silence", FaultKind::silence, 0, true, 2},       {"link-timeout", FaultKind::link_timeout, 0, true, 2},
    {"stall", FaultKind::stall, 0, false, 0, false},   {"drift", FaultKind::drift, 0.2, false, 0},
    {"sensor", FaultKind::sensor, 0.15, false, 0},     {"overload", FaultKind::overload, 1.4, false, 0},
    {"estop", FaultKind::estop, 0, true, 1},           {"key", FaultKind::key, 0, true, 1},
    {"overspeed", FaultKind::overspeed, 0, false, 0, false},  {"wdreset", FaultKind::wdreset, 0, false, 0, false},
    {"disconnect", FaultKind::disconnect, 0, false, 0, false}, {"config", FaultKind::config, 0, false, 0, false},
    {"proto", FaultKind::proto, 2, false, 0},          {"noise", FaultKind::noise, 3, false, 2},
};

// The one number reader (lever/util/number.hpp), non-negative only.
double parse_num(std::string_view s, bool& ok) {
  auto d = read_decimal(s);
  ok = d && *d >= 0;
  return d ? *d : 0;
}

// "30s", "1.5s", "500ms", "2m", "10" (seconds); at most a day, far beyond any session, so that
// a typo (1e308s) is refused rather than overflowing the simulator's clock arithmetic.
double parse_time_s(std::string_view s, bool& ok) {
  double scale = 1;
  if (s.ends_with("ms")) scale = 0.001, s.remove_suffix(2);
  else if (s.ends_with("s")) s.remove_suffix(1);
  else if (s.ends_with("m")) scale = 60, s.remove_suffix(1);
  double t = parse_num(s, ok) * scale;
  ok = ok && t <= 86400;
  return t;
}

}  // namespace

bool FaultPlan::has(FaultKind k) const {
  for (const auto& e : events)
    if (e.kind == k) return true;
  return false;
}

std::string fault_names_help() {
  std::string s;
  for (const auto& k : kKinds) s += (s.empty() ? "" : ", ") + std::string(k.name);
  return s;
}

FaultPlan parse_faults(const std::string& spec) {
  FaultPlan plan;
  std::string_view rest = spec;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    auto bad = [&](const std::string& why) {
      return Error(Exit::usage, fmt::format("bad fault '{}' in --faults: {}", item, why),
                   "write name[=value][@time], e.g. estop@30s,drift=5%@60s,drop=0.01,noise=4:2s@1s; names: " + fault_names_help());
    };
    std::string_view at;
    bool has_at = false;
    if (size_t p = item.find('@'); p != std::string_view::npos) at = item.substr(p + 1), item = item.substr(0, p), has_at = true;
    std::string_view value;
    bool has_value = false;
    if (size_t p = item.find('='); p != std::string_view::npos) value = item.substr(p + 1), item = item.substr(0, p), has_value = true;
    const KindRow* row = nullptr;
    for (const auto& k : kKinds)
      if (item == k.name) row = &k;
    if (!row) throw bad("unknown fault name");
    FaultEvent e{row->kind, row->default_value, 0, row->default_duration};
    bool ok = true;
    if (has_at) {
      e.at_s = parse_time_s(at, ok);
      if (at.empty() || !ok) throw bad("the time after '@' must be like 30s, 500ms or 2m (at most a day)");
    }
    if (has_value && !row->takes_value)
      throw bad(fmt::format("'{}' takes no value (write {}[@time])", row->name, row->name));
    if (has_value) {
      if (row->value_is_duration) {
        e.duration_s = parse_time_s(value, ok);
      } else if (row->kind == FaultKind::noise) {
        // "noise=4:2s": 4 N (1 sigma) for 2 s; the span is optional.
        std::string_view amp = value.substr(0, value.find(':'));
        e.value = parse_num(amp, ok);
        if (ok && amp.size() < value.size()) e.duration_s = parse_time_s(value.substr(amp.size() + 1), ok);
      } else {
        bool pct = value.ends_with('%');
        if (pct) value.remove_suffix(1);
        e.value = parse_num(value, ok) / (pct ? 100.0 : 1.0);
        if (ok && (row->kind == FaultKind::drop || row->kind == FaultKind::corrupt || row->kind == FaultKind::dup ||
                   row->kind == FaultKind::delay))
          ok = e.value <= 1.0;
      }
      if (ok && row->kind == FaultKind::noise) ok = e.value <= 10000;  // N: a hundred times a runner's weight
      if (ok && row->kind == FaultKind::proto && (e.value != std::floor(e.value) || e.value > 65535))
        throw bad("the protocol version must be a whole number from 0 to 65535");
      if (!ok)
        throw bad("the value must be a non-negative number (a probability 0-1, a percentage, or a duration of at "
                  "most a day)");
    }
    plan.events.push_back(e);
  }
  return plan;
}

}  // namespace lever::sim
