// The simulator's protocol side: decoding host frames, the state machine, replies and status frames.
#include "lever/sim/simulator.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/util/units.hpp"

namespace lever::sim {

using device::Frame;
using device::State;

Simulator::Simulator(SimConfig cfg) : cfg_(std::move(cfg)), rng_(cfg_.seed) {
  nv_ = load_or_create_nvram(cfg_.nvram_file, cfg_.serial, cfg_.nvram_root);
  if (cfg_.gain_error != 0 || cfg_.offset_error_n != 0) {
    // The physical sensor is off the stored calibration; that is a property of the hardware, so persist it.
    nv_.truth.gain_n_per_count = nv_.calibration.gain_n_per_count * (1 + cfg_.gain_error);
    nv_.truth.zero_counts = nv_.calibration.zero_counts + cfg_.offset_error_n / nv_.calibration.gain_n_per_count;
    save_nvram(cfg_.nvram_file, nv_, cfg_.nvram_root);
  }
  fired_.assign(cfg_.faults.events.size(), false);
  reported_table_ = device::message_table_crc();
  for (const auto& e : cfg_.faults.events) {
    if (e.kind == FaultKind::config) reported_table_ = static_cast<std::uint16_t>(reported_table_ ^ 0x5A5A);
    if (e.kind == FaultKind::proto) reported_proto_ = static_cast<int>(e.value);
  }
  raw_ = nv_.truth.zero_counts;
}

void Simulator::emit(const std::string& line) {
  if (log) log(fmt::format("t={:.3f} {}", static_cast<double>(now_) / 1e6, line));
}

device::Identity Simulator::identity() const {
  device::Identity id;
  id.protocol = reported_proto_;
  id.table_crc = reported_table_;
  id.serial = nv_.serial;
  id.firmware = nv_.firmware;
  id.model = nv_.model;
  id.limits = nv_.limits;
  id.status_hz = status_hz_;
  return id;
}

device::Status Simulator::status() const {
  device::Status s;
  s.seq = tx_seq_;
  s.unit_ms = (now_ - boot_) / 1000;
  s.state = state_;
  s.cmd_n = cmd_f_;
  s.target_n = tgt_f_;
  s.meas_n = meas_;
  s.raw_counts = raw_;
  s.speed_cmd_kmh = v_cmd_;
  s.speed_kmh = v_;
  s.incline_cmd_pct = i_cmd_;
  s.incline_pct = i_;
  s.cadence_spm = cadence_;
  s.faults = faults_;
  s.first_fault = first_fault_;
  s.estop = estop_in_;
  s.ref_mass_kg = ref_mass_;
  s.host_seq = host_seq_;
  s.crc_errors = crc_errors_;
  return s;
}

void Simulator::queue_frame(Frame f) {
  f.seq = tx_seq_++;
  std::string bytes = device::encode(f);
  Micros t = now_;
  if (!out_.empty()) t = std::max(t, out_.back().first);  // a line is FIFO: a delayed frame delays the rest
  if (silence_until_ > static_cast<double>(now_) / 1e6) return;
  if (dice(p_drop_)) return;
  if (dice(p_corrupt_)) bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x04);
  if (dice(p_delay_)) t += 20000 + static_cast<Micros>(std::uniform_int_distribution<int>(0, 180000)(rng_));
  out_.emplace_back(t, bytes);
  if (dice(p_dup_)) out_.emplace_back(t, bytes);
}

void Simulator::enter(State s, std::uint32_t fault, const std::string& why) {
  // Severity order: ESTOP over FAULT over HOLD; a milder state never replaces a stricter one.
  auto rank = [](State x) { return x == State::estop ? 3 : x == State::fault ? 2 : x == State::hold ? 1 : 0; };
  if (fault) {
    faults_ |= fault;
    if (first_fault_.empty()) first_fault_ = device::fault_info(fault)->name;
  }
  if (device::is_safe_state(s) && rank(s) <= rank(state_) && device::is_safe_state(state_)) {
    if (fault) emit(fmt::format("{} also latched in {} ({})", device::fault_info(fault)->name, state_name(state_), why));
    return;
  }
  State old = state_;
  state_ = s;
  if (device::is_safe_state(s)) {
    // Safe state: category-1 stop of the belt, support held where it is (drive frozen), incline held.
    v_cmd_ = 0;
    i_cmd_ = i_;
    drive_frozen_ = true;
    lower_rate_ = 0;
    cmd_f_ = tgt_f_ = nominal_force();
    emit(fmt::format("{} -> {} ({}); belt {:.2f} km/h stopping at {:.1f} km/h/s; support held at {:.1f} N (measured {:.1f} N)",
                     state_name(old), state_name(s), why, v_, nv_.limits.max_accel_kmh_s, tgt_f_, meas_filt_));
  } else {
    emit(fmt::format("{} -> {} ({})", state_name(old), state_name(s), why));
  }
}

Frame Simulator::ack(const Frame& f) const {
  Frame a;
  a.verb = "ACK";
  a.add("ref", std::to_string(f.seq));
  return a;
}

void Simulator::receive(std::string_view bytes, Micros now) {
  advance(now);
  auto before = decoder_.stats().bad_frames();
  auto frames = decoder_.feed(bytes);
  for (auto n = decoder_.stats().bad_frames() - before; n > 0; --n) {
    ++crc_errors_;
    crc_times_.push_back(now_);
  }
  for (const auto& f : frames) {
    if (deaf_until_ > static_cast<double>(now_) / 1e6 || dice(p_drop_)) continue;
    if (dice(p_corrupt_)) {  // a frame the line corrupted: counted like a CRC error, never acted on
      ++crc_errors_;
      crc_times_.push_back(now_);
      continue;
    }
    handle(f);
  }
}

void Simulator::handle(const Frame& f) {
  // The read-only queries do not feed the watchdog: a status tool polling a unit whose controlling
  // host has died must not keep its belt running.
  if (f.verb != "HELLO" && f.verb != "CAL") last_host_frame_ = now_;
  if (have_host_seq_ && f.seq == host_seq_ && !last_reply_.empty()) {
    // A resend of the command just answered: answer again, never execute twice; a silent unit sends
    // nothing at all, its answers to resends included.
    if (silence_until_ <= static_cast<double>(now_) / 1e6)
      out_.emplace_back(out_.empty() ? now_ : std::max(now_, out_.back().first), last_reply_);
    return;
  }
  host_seq_ = f.seq;
  have_host_seq_ = true;
  last_reply_.clear();
  if (f.verb == "HB") return;  // heartbeats are never answered; the status frame carries hseq
  Frame r = [&] {
    Frame nak;
    nak.verb = "NAK";
    nak.add("ref", std::to_string(f.seq));
    auto refuse = [&](device::Nak why) { return nak.add("reason", device::nak_name(why)); };
    const auto& L = nv_.limits;
    const std::string& v = f.verb;
    if (v == "HELLO") {
      Frame a = ack(f);
      device::put_identity(a, identity());
      return a;
    }
    if (v == "CAL") {
      Frame a = ack(f);
      device::put_calibration(a, nv_.calibration);
      return a;
    }
    if (v == "HOLD") {  // a stop request is never refused
      if (state_ == State::armed || state_ == State::run) enter(State::hold, 0, "host HOLD");
      return ack(f);
    }
    if (v == "CALSET") {
      auto c = device::get_calibration(f);
      if (!c) return refuse(device::Nak::syntax);
      if (state_ != State::idle) return refuse(device::Nak::state);
      if (c->gain_n_per_count <= 0 || c->gain_n_per_count > 1 || c->zero_counts < 0 || c->zero_counts > 65535 ||
          c->act_gain < 0.5 || c->act_gain > 2 || std::abs(c->act_offset_n) > 50 || c->frame_height_cm < 30 ||
          c->frame_height_cm > 250)
        return refuse(device::Nak::range);
      nv_.calibration = *c;
      save_nvram(cfg_.nvram_file, nv_, cfg_.nvram_root);
      emit(fmt::format("calibration written: zero={:.1f} gain={:.6f} again={:.4f} aoff={:.2f} frame={:.1f}",
                       c->zero_counts, c->gain_n_per_count, c->act_gain, c->act_offset_n, c->frame_height_cm));
      return ack(f);
    }
    if (v == "RATE") {
      auto hz = f.num("hz");
      if (!hz) return refuse(device::Nak::syntax);
      if (*hz < 10 || *hz > 100) return refuse(device::Nak::range);
      status_hz_ = static_cast<int>(*hz);
      return ack(f);
    }
    if (v == "ARM") {
      auto proto = f.num("proto");
      auto table = f.get("table");
      if (!proto || !table) return refuse(device::Nak::syntax);
      if (state_ != State::idle || estop_in_ || key_out_) return refuse(device::Nak::state);
      if (static_cast<int>(*proto) != reported_proto_ || *table != fmt::format("{:04X}", reported_table_)) {
        emit(fmt::format("ARM refused: host speaks protocol {} table {}", *proto, *table));
        faults_ |= device::kFaultConfig;  // reported until the next successful ARM; the unit stays IDLE
        if (first_fault_.empty()) first_fault_ = "config";
        return refuse(device::Nak::config);
      }
      faults_ = 0;
      first_fault_.clear();
      cmd_f_ = tgt_f_ = drive_ = 0;
      drive_frozen_ = false;
      enter(State::armed, 0, "host ARM");
      return ack(f);
    }
    if (v == "START") {
      if (state_ != State::armed) return refuse(device::Nak::state);
      enter(State::run, 0, "host START");
      return ack(f);
    }
    if (v == "SET") {
      auto force = f.num("f"), speed = f.num("v"), incl = f.num("i");
      if (!force || !speed || !incl) return refuse(device::Nak::syntax);
      if (state_ != State::armed && state_ != State::run) return refuse(device::Nak::state);
      if (*force < 0 || *force > L.max_force_n || *speed < 0 || *speed > L.max_speed_kmh || *incl < L.min_incline_pct ||
          *incl > L.max_incline_pct)
        return refuse(device::Nak::range);
      cmd_f_ = *force;
      v_cmd_ = *speed;
      i_cmd_ = *incl;
      return ack(f);
    }
    if (v == "RESUME") {
      if (state_ != State::hold) return refuse(device::Nak::state);
      faults_ &= ~(device::kFaultLink | device::kFaultCrc);
      if (!faults_) first_fault_.clear();
      drive_frozen_ = false;
      lower_rate_ = 0;
      cmd_f_ = tgt_f_ = nominal_force();  // continue from the held force: no step
      v_cmd_ = 0;
      enter(State::run, 0, "operator RESUME");
      return ack(f);
    }
    if (v == "LOWER") {
      auto rate = f.num("rate");
      if (!rate) return refuse(device::Nak::syntax);
      if (*rate < 1 || *rate > std::min(20.0, L.max_slew_n_s)) return refuse(device::Nak::range);
      if (state_ == State::idle || state_ == State::run) return refuse(device::Nak::state);
      lower_rate_ = *rate;
      cmd_f_ = 0;
      emit(fmt::format("lowering support from {:.1f} N at {:.1f} N/s (operator)", tgt_f_, *rate));
      return ack(f);
    }
    if (v == "DISARM") {
      if (state_ == State::idle) return ack(f);
      if (state_ != State::armed && state_ != State::hold) return refuse(device::Nak::state);
      if (std::abs(v_) > 0.05 || tgt_f_ > std::max(L.min_force_n, 5.0)) return refuse(device::Nak::busy);
      enter(State::idle, 0, "host DISARM");
      cmd_f_ = tgt_f_ = drive_ = 0;
      drive_frozen_ = false;
      lower_rate_ = 0;
      faults_ = 0;
      first_fault_.clear();
      return ack(f);
    }
    if (v == "RESET") {
      if (state_ != State::fault && state_ != State::estop) return refuse(device::Nak::state);
      if (estop_in_ || key_out_) return refuse(device::Nak::busy);
      State old = state_;
      state_ = State::hold;  // the cause is gone; the unit stays held until the operator decides
      faults_ = 0;
      first_fault_.clear();
      emit(fmt::format("{} -> HOLD (operator RESET)", state_name(old)));
      return ack(f);
    }
    if (v == "REFMASS") {
      auto kg = f.num("kg");
      if (!kg) return refuse(device::Nak::syntax);
      if (state_ != State::idle) return refuse(device::Nak::state);
      if (*kg < 0 || *kg > 50) return refuse(device::Nak::range);
      ref_mass_ = *kg;
      emit(fmt::format("reference mass {:.2f} kg {}", *kg, *kg > 0 ? "hung" : "removed"));
      return ack(f);
    }
    return refuse(device::Nak::unknown);
  }();
  r.seq = tx_seq_;
  last_reply_ = device::encode(r);
  queue_frame(std::move(r));
}

std::string Simulator::take_output(Micros now) {
  std::string s;
  while (!out_.empty() && out_.front().first <= now) {
    s += out_.front().second;
    out_.pop_front();
  }
  return s;
}

std::vector<std::pair<Micros, std::string>> Simulator::take_frames(Micros now) {
  std::vector<std::pair<Micros, std::string>> v;
  while (!out_.empty() && out_.front().first <= now) {
    v.push_back(std::move(out_.front()));
    out_.pop_front();
  }
  return v;
}

Micros Simulator::next_event(Micros now) const {
  Micros t = next_status_;
  if (!out_.empty()) t = std::min(t, out_.front().first);
  for (size_t i = 0; i < fired_.size(); ++i)
    if (!fired_[i]) t = std::min(t, static_cast<Micros>(cfg_.faults.events[i].at_s * 1e6));
  return std::max(t, now);
}

}  // namespace lever::sim
