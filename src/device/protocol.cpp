#include "lever/device/protocol.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace lever::device {

namespace {

constexpr std::array<const char*, 6> kStateNames = {"IDLE", "ARMED", "RUN", "HOLD", "FAULT", "ESTOP"};
constexpr std::array<const char*, 6> kNakNames = {"range", "state", "busy", "unknown", "syntax", "config"};

std::optional<std::int64_t> integer(const Frame& f, std::string_view key, int base = 10) {
  auto v = f.get(key);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n, base);
  if (ec != std::errc() || p != v->data() + v->size()) return std::nullopt;
  return n;
}

}  // namespace

const char* state_name(State s) { return kStateNames[static_cast<size_t>(s)]; }

std::optional<State> parse_state(std::string_view s) {
  for (size_t i = 0; i < kStateNames.size(); ++i)
    if (s == kStateNames[i]) return static_cast<State>(i);
  return std::nullopt;
}

bool is_safe_state(State s) { return s == State::hold || s == State::fault || s == State::estop; }

const std::vector<FaultInfo>& fault_table() {
  static const std::vector<FaultInfo> t = {
      {kFaultLink, "link", "no valid frame from the host within the watchdog time", State::hold,
       "check the host and the cable, then RESUME or LOWER the support"},
      {kFaultCrc, "crc", "more than 5 corrupted host frames within one second", State::hold,
       "check the cable, connectors and earthing for interference"},
      {kFaultEstop, "estop", "the hardware e-stop was pressed", State::estop,
       "attend to the runner; release the e-stop, then RESET"},
      {kFaultKey, "key", "the safety key was pulled", State::estop,
       "attend to the runner; re-insert the safety key, then RESET"},
      {kFaultTracking, "tracking", "measured support stayed away from its target beyond tolerance (stalled or drifting actuator)",
       State::fault, "lower the support, check the actuator and recalibrate before the next session"},
      {kFaultOverload, "overload", "measured support exceeded the overload limit", State::fault,
       "check the runner and the harness; lower the support and RESET"},
      {kFaultOverspeed, "overspeed", "the belt ran faster than commanded or allowed", State::fault,
       "have the treadmill serviced before the next session"},
      {kFaultSensor, "sensor", "the two load cells disagree", State::fault,
       "lower the support; check the load cells and recalibrate"},
      {kFaultWdReset, "wdreset", "the unit's firmware watchdog restarted it", State::fault,
       "attend to the runner; report the restart to the unit's service, then RESET"},
      {kFaultConfig, "config", "non-volatile configuration invalid, or a host of another message table tried to arm",
       State::fault, "update lever or the unit firmware so both speak the same protocol"},
  };
  return t;
}

const FaultInfo* fault_info(std::uint32_t bit) {
  for (const auto& f : fault_table())
    if (f.bit == bit) return &f;
  return nullptr;
}

std::vector<std::string> fault_names(std::uint32_t bits) {
  std::vector<std::string> out;
  for (const auto& f : fault_table())
    if (bits & f.bit) out.emplace_back(f.name);
  return out;
}

bool stopped_for_link(std::uint32_t faults) {
  return (faults & kFaultLink) && !(faults & (kFaultEstop | kFaultKey));
}

std::uint32_t fault_bit(std::string_view name) {
  for (const auto& f : fault_table())
    if (name == f.name) return f.bit;
  return 0;
}

const char* nak_name(Nak n) { return kNakNames[static_cast<size_t>(n)]; }

std::optional<Nak> parse_nak(std::string_view s) {
  for (size_t i = 0; i < kNakNames.size(); ++i)
    if (s == kNakNames[i]) return static_cast<Nak>(i);
  return std::nullopt;
}

const std::vector<MessageDef>& message_table() {
  static const std::vector<MessageDef> t = {
      {"HELLO", "host", "", "identify: the ACK carries protocol, table checksum, identity and limits"},
      {"CAL", "host", "", "read the calibration: the ACK carries it"},
      {"CALSET", "host", "zero gain again aoff frame at", "write the calibration to non-volatile memory (IDLE only)"},
      {"RATE", "host", "hz", "set the status rate, 10-100 Hz"},
      {"ARM", "host", "proto table", "IDLE -> ARMED when the host speaks the unit's dialect"},
      {"START", "host", "", "ARMED -> RUN: the belt follows its target"},
      {"SET", "host", "f v i", "absolute targets: support N, belt km/h, incline % (ARMED, RUN)"},
      {"HB", "host", "", "heartbeat: resets the watchdog; never answered"},
      {"HOLD", "host", "", "ARMED/RUN -> HOLD: belt controlled stop, support held"},
      {"RESUME", "host", "", "HOLD -> RUN by operator action: belt target 0, support target = held value"},
      {"LOWER", "host", "rate", "lower the support to zero at rate N/s (HOLD, FAULT, ESTOP, ARMED)"},
      {"DISARM", "host", "", "ARMED/HOLD -> IDLE once the belt is stopped and the support is released"},
      {"RESET", "host", "", "FAULT/ESTOP -> HOLD once the cause is cleared"},
      {"REFMASS", "host", "kg", "technician rig: hang (kg>0) or remove (kg=0) a reference mass (IDLE only)"},
      {"ACK", "unit", "ref", "command accepted (query answers add their fields)"},
      {"NAK", "unit", "ref reason", "command refused with a reason code"},
      {"ST", "unit", "t st cmd tgt meas raw vc vm ic im cad flt first es rm hseq crce", "status"},
  };
  return t;
}

std::uint16_t message_table_crc() {
  std::string canon;
  for (const auto& m : message_table()) canon += fmt::format("{} {} {}\n", m.verb, m.from, m.fields);
  return crc16_ccitt(canon);
}

void put_identity(Frame& f, const Identity& id) {
  const auto& l = id.limits;
  f.add("proto", std::to_string(id.protocol)).add("table", fmt::format("{:04X}", id.table_crc));
  f.add("serial", id.serial).add("fw", id.firmware).add("model", id.model);
  f.add("fmax", l.max_force_n, 1).add("fmin", l.min_force_n, 1).add("slew", l.max_slew_n_s, 1);
  f.add("vmax", l.max_speed_kmh, 1).add("acc", l.max_accel_kmh_s, 2);
  f.add("imax", l.max_incline_pct, 1).add("imin", l.min_incline_pct, 1);
  f.add("wd", std::to_string(l.watchdog_ms)).add("hz", std::to_string(id.status_hz));
}

std::optional<Identity> get_identity(const Frame& f) {
  Identity id;
  auto proto = integer(f, "proto");
  auto table = integer(f, "table", 16);
  auto serial = f.get("serial");
  auto fw = f.get("fw");
  if (!proto || !table || !serial || !fw || *table < 0 || *table > 0xFFFF) return std::nullopt;
  id.protocol = static_cast<int>(*proto);
  id.table_crc = static_cast<std::uint16_t>(*table);
  id.serial = std::string(*serial);
  id.firmware = std::string(*fw);
  id.model = std::string(f.get("model").value_or("unknown"));
  // Limits are optional here so that a unit of another protocol version still identifies itself.
  auto& l = id.limits;
  l.max_force_n = f.num("fmax").value_or(0);
  l.min_force_n = f.num("fmin").value_or(0);
  l.max_slew_n_s = f.num("slew").value_or(0);
  l.max_speed_kmh = f.num("vmax").value_or(0);
  l.max_accel_kmh_s = f.num("acc").value_or(0);
  l.max_incline_pct = f.num("imax").value_or(0);
  l.min_incline_pct = f.num("imin").value_or(0);
  l.watchdog_ms = static_cast<int>(integer(f, "wd").value_or(0));
  id.status_hz = static_cast<int>(integer(f, "hz").value_or(0));
  return id;
}

void put_calibration(Frame& f, const Calibration& c) {
  f.add("zero", c.zero_counts, 1).add("gain", c.gain_n_per_count, 6).add("again", c.act_gain, 4);
  f.add("aoff", c.act_offset_n, 2).add("frame", c.frame_height_cm, 1);
  f.add("at", c.calibrated_at.empty() ? std::string("-") : c.calibrated_at);
}

std::optional<Calibration> get_calibration(const Frame& f) {
  Calibration c;
  auto z = f.num("zero"), g = f.num("gain"), ag = f.num("again"), ao = f.num("aoff"), fr = f.num("frame");
  auto at = f.get("at");
  if (!z || !g || !ag || !ao || !fr || !at) return std::nullopt;
  c.zero_counts = *z;
  c.gain_n_per_count = *g;
  c.act_gain = *ag;
  c.act_offset_n = *ao;
  c.frame_height_cm = *fr;
  c.calibrated_at = *at == "-" ? std::string() : std::string(*at);
  return c;
}

Frame status_frame(const Status& s) {
  Frame f;
  f.seq = s.seq;
  f.verb = "ST";
  f.add("t", std::to_string(s.unit_ms)).add("st", state_name(s.state));
  f.add("cmd", s.cmd_n, 1).add("tgt", s.target_n, 1).add("meas", s.meas_n, 1).add("raw", s.raw_counts, 0);
  f.add("vc", s.speed_cmd_kmh, 2).add("vm", s.speed_kmh, 2).add("ic", s.incline_cmd_pct, 1).add("im", s.incline_pct, 1);
  f.add("cad", s.cadence_spm, 0).add("flt", fmt::format("{:X}", s.faults));
  f.add("first", s.first_fault.empty() ? std::string("-") : s.first_fault).add("es", s.estop ? "1" : "0");
  f.add("rm", s.ref_mass_kg, 1).add("hseq", std::to_string(s.host_seq)).add("crce", std::to_string(s.crc_errors));
  return f;
}

std::optional<Status> get_status(const Frame& f) {
  if (f.verb != "ST") return std::nullopt;
  Status s;
  s.seq = f.seq;
  auto t = integer(f, "t");
  auto st = f.get("st");
  auto flt = integer(f, "flt", 16);
  auto hseq = integer(f, "hseq");
  auto crce = integer(f, "crce");
  auto first = f.get("first");
  auto es = f.get("es");
  if (!t || !st || !flt || !hseq || !crce || !first || !es) return std::nullopt;
  auto state = parse_state(*st);
  if (!state || *flt < 0 || *hseq < 0 || *hseq > 65535 || *crce < 0) return std::nullopt;
  const char* nums[] = {"cmd", "tgt", "meas", "raw", "vc", "vm", "ic", "im", "cad", "rm"};
  double* dst[] = {&s.cmd_n, &s.target_n, &s.meas_n, &s.raw_counts, &s.speed_cmd_kmh, &s.speed_kmh,
                   &s.incline_cmd_pct, &s.incline_pct, &s.cadence_spm, &s.ref_mass_kg};
  for (size_t i = 0; i < std::size(nums); ++i) {
    auto v = f.num(nums[i]);
    if (!v) return std::nullopt;
    *dst[i] = *v;
  }
  s.unit_ms = *t;
  s.state = *state;
  s.faults = static_cast<std::uint32_t>(*flt);
  s.first_fault = *first == "-" ? std::string() : std::string(*first);
  s.estop = *es == "1";
  s.host_seq = static_cast<std::uint16_t>(*hseq);
  s.crc_errors = static_cast<std::uint32_t>(*crce);
  return s;
}

}  // namespace lever::device
