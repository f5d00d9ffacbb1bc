#include "lever/device/unit.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "lever/util/signals.hpp"

namespace lever::device {

namespace {
const char* kLostHint =
    "check the cable and the unit's power; the unit holds the support and stops the belt on its own within its "
    "watchdog time";
}

Unit::Unit(std::unique_ptr<transport::Transport> t) : t_(std::move(t)) { last_rx_ = last_tx_ = t_->clock().now(); }

void Unit::send(Frame& f) {
  f.seq = ++seq_;
  t_->write(encode(f));
  last_tx_ = clock().now();
}

void Unit::no_answer(const std::string& verb) const {
  const auto& d = decoder_.stats();
  if (d.frames == 0 && (d.garbage_bytes > 0 || d.bad_frames() > 0))
    throw Error(Exit::unit_unavailable,
                fmt::format("the device on {} does not speak the lever protocol ({} bytes of other data, {} damaged frames, "
                            "no valid frame)",
                            port(), d.garbage_bytes, d.bad_frames()),
                "check that the port is the BWS unit and its line rate is 115200 baud");
  if (d.frames == 0)
    throw Error(Exit::unit_unavailable, fmt::format("no answer from the unit on {} to {} after {} tries", port(), verb, kMaxTries),
                "check that the unit is powered and connected to this port; 'lever devices' lists serial ports");
  throw Error(Exit::unit_unavailable,
              fmt::format("link faulty: the unit on {} did not answer {} after {} tries", port(), verb, kMaxTries), kLostHint);
}

Frame Unit::command(const std::string& verb, Frame args, bool stop_interrupts) {
  args.verb = verb;
  args.seq = ++seq_;
  const std::string bytes = encode(args);
  awaiting_ = args.seq;
  reply_.reset();
  for (int attempt = 0; attempt < kMaxTries && !reply_; ++attempt) {
    if (attempt > 0) ++stats_.resends;
    t_->write(bytes);  // same sequence number on every try: the unit executes it once
    if (verb != "HELLO" && verb != "CAL") last_tx_ = clock().now();  // the read-only queries do not feed the watchdog
    auto deadline = clock().now() + kReplyTimeout;
    while (!reply_ && clock().now() < deadline) {
      pump(deadline - clock().now());
      if (stop_interrupts && stop_woke_) return Frame{};  // stop_woke_ stays set: the next poll returns at once
    }
  }
  if (!reply_) no_answer(verb);
  Frame r = std::move(*reply_);
  reply_.reset();
  fresh_ = false;
  if (r.verb == "NAK") {
    auto why = parse_nak(r.get("reason").value_or("unknown")).value_or(Nak::unknown);
    std::string state = has_status_ ? fmt::format("state {}", state_name(status_.state)) : "its current state";
    switch (why) {
      case Nak::range:
        throw NakError(why, Exit::safety, fmt::format("the unit refused {}: a value is outside its limits", verb),
                       "stay within the limits 'lever unit info' shows");
      case Nak::state:
        throw NakError(why, Exit::safety, fmt::format("the unit refused {} in {}", verb, state),
                       "see lever-protocol(7), STATES, for which commands each state accepts");
      case Nak::busy:
        throw NakError(why, Exit::safety, fmt::format("the unit refused {}: the belt is still moving, the support is still on, "
                                                      "or the e-stop/safety key is still active", verb),
                       "stop the belt, lower the support (lever unit lower), release the e-stop, then try again");
      case Nak::config:
        throw NakError(why, Exit::safety, fmt::format("the unit refused {}: it speaks another protocol dialect", verb),
                       "update lever or the unit firmware so both speak the same protocol");
      case Nak::unknown:
        throw NakError(why, Exit::failure, fmt::format("the unit does not support {}", verb),
                       "this unit's firmware lacks the command (a reference-mass rig exists only on the simulator)");
      case Nak::syntax:
        throw NakError(why, Exit::failure, fmt::format("the unit could not parse {}", verb), "please report this as a lever bug");
    }
  }
  return r;
}

void Unit::handle(const Frame& f) {
  ++stats_.frames;
  std::optional<Status> st;
  if (f.verb == "ST") {
    st = get_status(f);
    if (!st) {
      ++stats_.bad_frames;
      return;
    }
    // The line is FIFO and a duplicate repeats its time: a unit clock that went backwards at all
    // means the unit rebooted and restarted its sequence (even within a second of its last boot).
    if (has_status_ && st->unit_ms < status_.unit_ms) {
      sync_.unit_restarted = true;
      sync_.valid = false;
      have_unit_seq_ = false;
    }
  }
  if (have_unit_seq_) {
    unsigned gap = static_cast<std::uint16_t>(f.seq - unit_seq_ - 1);
    if (gap < 1000) {  // newer: count the frames skipped; older ones are resent answers or duplicates
      stats_.lost_frames += gap;
      unit_seq_ = f.seq;
    } else if (st) {
      return;  // a duplicated status: nothing new
    }
  } else {
    have_unit_seq_ = true;
    unit_seq_ = f.seq;
  }
  if (f.verb == "ACK" || f.verb == "NAK") {
    auto ref = f.num("ref");
    if (ref && static_cast<std::uint16_t>(*ref) == awaiting_ && !reply_) reply_ = f;
    return;
  }
  if (!st) return;
  Nanos now = clock().now();
  std::int64_t offset = now.count() - st->unit_ms * 1000000;
  if (!sync_.valid || offset < sync_.offset_ns) sync_.offset_ns = offset;
  sync_.valid = true;
  status_ = *st;
  has_status_ = new_status_ = fresh_ = true;
  ++stats_.statuses;
}

bool Unit::pump(Nanos wait) {
  char buf[1024];
  // Wake up when the link timeout runs out, however long the caller waits: a silence inside a long
  // wait (a support coming down for 20 s) is a lost link as soon as it lasts kLinkTimeout.
  if (stats_.frames > 0)
    wait = std::min(wait, std::max(Nanos(0), last_rx_ + kLinkTimeout - clock().now()) + std::chrono::milliseconds(1));
  size_t n = t_->read(buf, sizeof buf, wait);
  if (stop_requested() && stop_wakeup_pending()) {
    consume_stop_wakeup();  // noticed: later waits (the HOLD answer) wait normally
    stop_woke_ = true;
  }
  Nanos now = clock().now();
  if (n > 0) {
    auto frames = decoder_.feed(std::string_view(buf, n));
    for (const auto& f : frames) handle(f);
    if (!frames.empty()) last_rx_ = now;
  }
  if (stats_.frames > 0 && now - last_rx_ > kLinkTimeout)  // before the first frame, the command retries decide
    throw Error(Exit::unit_unavailable,
                fmt::format("the unit on {} stopped answering: no valid frame for {:.0f} ms", port(), to_ms(now - last_rx_)),
                kLostHint);
  return n > 0;
}

bool Unit::poll(Nanos wait) {
  new_status_ = false;
  auto deadline = clock().now() + wait;
  do {
    pump(deadline - clock().now());
    if (std::exchange(stop_woke_, false)) break;  // a Ctrl-C ends the wait at once
  } while (!new_status_ && clock().now() < deadline);
  return new_status_;
}

void Unit::poll_until(Nanos deadline) {
  if (std::exchange(stop_woke_, false)) return;
  while (clock().now() < deadline) {
    pump(deadline - clock().now());
    if (std::exchange(stop_woke_, false)) break;
  }
}

const Identity& Unit::identify() {
  Frame r = command("HELLO");
  auto id = get_identity(r);
  if (!id)
    throw Error(Exit::unit_unavailable, fmt::format("the unit on {} answered HELLO without a usable identity", port()),
                "the unit's firmware may be damaged or speak another protocol; contact its service");
  id_ = *id;
  identified_ = true;
  return id_;
}

bool Unit::compatible() const {
  return identified_ && id_.protocol == kProtocolVersion && id_.table_crc == message_table_crc();
}

std::string Unit::incompatibility() const {
  if (!identified_) return "the unit has not been identified";
  if (id_.protocol != kProtocolVersion)
    return fmt::format("the unit speaks protocol version {}, this lever speaks version {}", id_.protocol, kProtocolVersion);
  if (id_.table_crc != message_table_crc())
    return fmt::format("the unit's message table checksum is {:04X}, this lever's is {:04X}", id_.table_crc, message_table_crc());
  return {};
}

Calibration Unit::read_calibration() {
  auto c = get_calibration(command("CAL"));
  if (!c) throw Error(Exit::unit_unavailable, fmt::format("the unit on {} sent an incomplete calibration", port()), "");
  return *c;
}

Calibration Unit::write_calibration(const Calibration& c) {
  Frame f;
  put_calibration(f, c);
  command("CALSET", f);
  Calibration back = read_calibration();
  auto close = [](double a, double b, double tol) { return std::abs(a - b) <= tol; };
  if (!close(back.zero_counts, c.zero_counts, 0.051) || !close(back.gain_n_per_count, c.gain_n_per_count, 6e-7) ||
      !close(back.act_gain, c.act_gain, 6e-5) || !close(back.act_offset_n, c.act_offset_n, 0.006) ||
      !close(back.frame_height_cm, c.frame_height_cm, 0.051))
    throw Error(Exit::failure, "the calibration read back from the unit differs from what was written",
                "write it again; if it persists the unit's memory is faulty");
  return back;
}

void Unit::set_status_rate(int hz) {
  Frame f;
  f.add("hz", std::to_string(hz));
  command("RATE", f);
}

void Unit::arm() {
  if (!identified_) identify();
  if (!compatible())
    throw Error(Exit::safety, fmt::format("refusing to arm unit {}: {}", id_.serial, incompatibility()),
                "update lever or the unit firmware so both speak the same protocol");
  Frame f;
  f.add("proto", std::to_string(kProtocolVersion)).add("table", fmt::format("{:04X}", message_table_crc()));
  command("ARM", f);
}

void Unit::start() { command("START"); }

void Unit::set_targets(const Targets& t) {
  const auto& L = id_.limits;
  auto refuse = [&](const std::string& what) {
    throw Error(Exit::safety, what, "choose targets within the unit's limits ('lever unit info' shows them)");
  };
  if (!std::isfinite(t.force_n) || t.force_n < 0 || t.force_n > L.max_force_n)
    refuse(fmt::format("support force {:.1f} N is outside the unit's range 0-{:.1f} N", t.force_n, L.max_force_n));
  if (!std::isfinite(t.speed_kmh) || t.speed_kmh < 0 || t.speed_kmh > L.max_speed_kmh)
    refuse(fmt::format("belt speed {:.1f} km/h is outside the unit's range 0-{:.1f} km/h", t.speed_kmh, L.max_speed_kmh));
  if (!std::isfinite(t.incline_pct) || t.incline_pct < L.min_incline_pct || t.incline_pct > L.max_incline_pct)
    refuse(fmt::format("incline {:.1f} % is outside the unit's range {:.1f}-{:.1f} %", t.incline_pct, L.min_incline_pct,
                       L.max_incline_pct));
  Frame f;
  f.add("f", t.force_n, 1).add("v", t.speed_kmh, 2).add("i", t.incline_pct, 1);
  command("SET", f, true);
}

void Unit::heartbeat() {
  Frame f;
  f.verb = "HB";
  send(f);
}

void Unit::hold() { command("HOLD"); }
void Unit::resume() { command("RESUME"); }

void Unit::lower_support(double rate_n_s) {
  Frame f;
  f.add("rate", rate_n_s, 1);
  command("LOWER", f);
}

void Unit::disarm() { command("DISARM"); }
void Unit::reset_fault() { command("RESET"); }

void Unit::hang_reference_mass(double kg) {
  Frame f;
  f.add("kg", kg, 3);
  command("REFMASS", f);
}

void Unit::require_running() const {
  if (!has_status_ || !fresh_ || status_.state == State::run || status_.state == State::armed) return;
  std::string faults = status_.faults ? describe_faults(status_.faults) : "no fault recorded";
  const FaultInfo* first = fault_info(fault_bit(status_.first_fault));
  throw Error(Exit::safety,
              fmt::format("the unit went to {}: {}; the belt stops under control and the support is held at {:.1f} N",
                          state_name(status_.state), faults, status_.target_n),
              first ? first->remedy : "attend to the runner; then RESUME, or LOWER the support and DISARM");
}

LinkStats Unit::link_stats() const {
  LinkStats s = stats_;
  s.bad_frames += decoder_.stats().bad_frames();
  s.garbage_bytes = decoder_.stats().garbage_bytes;
  return s;
}

Nanos Unit::host_time_of(std::int64_t unit_ms) const { return Nanos(sync_.offset_ns + unit_ms * 1000000); }

std::string describe_faults(std::uint32_t bits) {
  std::string s;
  for (const auto& f : fault_table())
    if (bits & f.bit) s += fmt::format("{}{} ({})", s.empty() ? "" : ", ", f.name, f.meaning);
  return s.empty() ? "none" : s;
}

}  // namespace lever::device
