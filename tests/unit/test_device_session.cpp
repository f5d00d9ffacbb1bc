// The host session against a scripted fake unit: resends, duplicate answers, NAK reasons, garbage,
// incompatible units, lost links and clock correlation, each checked exactly on a virtual clock.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "lever/device/scripted_transport.hpp"
#include "lever/device/unit.hpp"
#include "lever/util/error.hpp"

using namespace lever;
using namespace lever::device;
using namespace std::chrono_literals;

namespace {

std::string identity_fields(const Frame& f, std::uint16_t seq, int proto = kProtocolVersion, std::uint16_t table = message_table_crc()) {
  Frame a;
  a.seq = seq;
  a.verb = "ACK";
  a.add("ref", std::to_string(f.seq));
  Identity id;
  id.protocol = proto;
  id.table_crc = table;
  id.serial = "FAKE-1";
  id.firmware = "0.1";
  id.model = "fake";
  id.limits = {200, 4, 50, 20, 2, 15, 0, 300};
  id.status_hz = 20;
  put_identity(a, id);
  return encode(a);
}

// A well-behaved unit that answers everything with ACK (HELLO with an identity).
struct Fake {
  std::uint16_t seq = 0;
  int drop_first = 0;  // ignore this many frames first (to force resends)
  std::unique_ptr<Unit> unit;
  ScriptedTransport* t = nullptr;
  explicit Fake(int proto = kProtocolVersion, std::uint16_t table = message_table_crc(), int drop = 0) : drop_first(drop) {
    auto tr = std::make_unique<ScriptedTransport>([this, proto, table](const Frame& f) -> std::string {
      if (f.verb == "HB") return "";
      if (drop_first > 0) {
        --drop_first;
        return "";
      }
      if (f.verb == "HELLO") return identity_fields(f, seq++, proto, table);
      return fake_ack(f, seq++);
    });
    t = tr.get();
    unit = std::make_unique<Unit>(std::move(tr));
  }
};

std::string status(std::uint16_t seq, std::int64_t t, const char* st = "RUN", std::uint32_t flt = 0, const char* first = "-") {
  Status s;
  s.seq = seq;
  s.unit_ms = t;
  s.state = *parse_state(st);
  s.faults = flt;
  s.first_fault = first[0] == '-' ? "" : first;
  return encode(status_frame(s));
}

}  // namespace

TEST_CASE("identify and arm a compatible unit; ARM carries protocol and table") {
  Fake f;
  f.unit->identify();
  CHECK(f.unit->compatible());
  f.unit->arm();
  const auto& arm = f.t->written().back();
  CHECK(arm.verb == "ARM");
  CHECK(arm.get("proto") == "1");
  CHECK(arm.get("table") == fmt::format("{:04X}", message_table_crc()));
}

TEST_CASE("lost answers are resent with the same sequence number, then succeed") {
  Fake f(kProtocolVersion, message_table_crc(), 2);
  f.unit->identify();
  REQUIRE(f.t->written().size() == 3);
  CHECK(f.t->written()[0].seq == f.t->written()[1].seq);
  CHECK(f.t->written()[1].seq == f.t->written()[2].seq);
  CHECK(f.unit->link_stats().resends == 2);
}

TEST_CASE("a unit that never answers: link faulty after 4 tries, exit 6") {
  Fake f(kProtocolVersion, message_table_crc(), 100);
  auto t0 = f.unit->clock().now();
  try {
    f.unit->identify();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::unit_unavailable);
    CHECK(std::string(e.what()).find("no answer") != std::string::npos);
  }
  CHECK(f.t->written().size() == Unit::kMaxTries);
  CHECK(to_ms(f.unit->clock().now() - t0) == doctest::Approx(4 * 100));
}

TEST_CASE("garbage and damaged frames: the device is named as not speaking the protocol") {
  ScriptedTransport* t = nullptr;
  auto tr = std::make_unique<ScriptedTransport>([](const Frame&) { return std::string("$GPGGA,1,2*47\r\nAT+OK\r\n"); });
  t = tr.get();
  Unit u(std::move(tr));
  try {
    u.identify();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::unit_unavailable);
    CHECK(std::string(e.what()).find("does not speak the lever protocol") != std::string::npos);
  }
  CHECK(u.link_stats().bad_frames > 0);
  CHECK(t->written().size() == Unit::kMaxTries);
}

TEST_CASE("a CRC-damaged answer is ignored and the resend's answer is used") {
  int n = 0;
  auto tr = std::make_unique<ScriptedTransport>([&](const Frame& f) {
    std::string a = identity_fields(f, static_cast<std::uint16_t>(n));
    if (n++ == 0) a[10] ^= 1;
    return a;
  });
  Unit u(std::move(tr));
  u.identify();
  CHECK(u.identity().serial == "FAKE-1");
  CHECK(u.link_stats().bad_frames == 1);
  CHECK(u.link_stats().resends == 1);
}

TEST_CASE("NAK reasons map to typed errors and exit codes") {
  for (auto [reason, code] : {std::pair{Nak::range, Exit::safety}, {Nak::state, Exit::safety}, {Nak::busy, Exit::safety},
                              {Nak::config, Exit::safety}, {Nak::unknown, Exit::failure}, {Nak::syntax, Exit::failure}}) {
    std::uint16_t seq = 0;
    auto tr = std::make_unique<ScriptedTransport>([&, reason = reason](const Frame& f) {
      if (f.verb == "HELLO") return identity_fields(f, seq++);
      Frame nak;
      nak.seq = seq++;
      nak.verb = "NAK";
      nak.add("ref", std::to_string(f.seq)).add("reason", nak_name(reason));
      return encode(nak);
    });
    Unit u(std::move(tr));
    u.identify();
    try {
      u.start();
      FAIL("no NAK error");
    } catch (const NakError& e) {
      CHECK(e.reason() == reason);
      CHECK(e.code() == code);
    }
  }
}

TEST_CASE("an answer to an older command is not taken for the current one") {
  std::uint16_t seq = 0;
  Frame last;
  auto tr = std::make_unique<ScriptedTransport>([&](const Frame& f) {
    std::string out;
    if (f.verb == "HELLO") return identity_fields(f, seq++);
    Frame stale = f;
    stale.seq = static_cast<std::uint16_t>(f.seq - 1);
    out += fake_ack(stale, seq++);  // a late duplicate of the previous answer
    out += fake_ack(f, seq++);
    return out;
  });
  Unit u(std::move(tr));
  u.identify();
  u.start();
  CHECK(u.link_stats().resends == 0);
}

TEST_CASE("incompatible units identify but are never armed") {
  Fake v2(2);
  v2.unit->identify();
  CHECK(!v2.unit->compatible());
  CHECK(v2.unit->incompatibility().find("protocol version 2") != std::string::npos);
  CHECK_THROWS_AS(v2.unit->arm(), Error);
  CHECK(v2.t->written().back().verb == "HELLO");  // ARM never left the host

  Fake other(kProtocolVersion, 0x1234);
  other.unit->identify();
  CHECK(other.unit->incompatibility().find("1234") != std::string::npos);
  CHECK_THROWS_AS(other.unit->arm(), Error);
}

TEST_CASE("status stream: lost frames counted, duplicates ignored, restart detected, clock correlated") {
  Fake f;
  f.unit->identify();  // unit seq 0 used by the answer
  f.t->inject(status(1, 1000) + status(2, 1050) + status(2, 1050) + status(5, 1200));
  f.unit->poll_until(f.unit->clock().now() + 10ms);
  CHECK(f.unit->link_stats().statuses == 3);
  CHECK(f.unit->link_stats().lost_frames == 2);
  CHECK(f.unit->status().unit_ms == 1200);
  CHECK(f.unit->clock_sync().valid);
  auto host = f.unit->host_time_of(1200);
  CHECK(std::abs(to_ms(host - f.unit->clock().now())) < 20);
  f.t->inject(status(0, 5, "FAULT", kFaultWdReset, "wdreset"));
  f.unit->poll(10ms);
  CHECK(f.unit->clock_sync().unit_restarted);
  CHECK(f.unit->status().state == State::fault);
  CHECK_THROWS_AS(f.unit->require_running(), Error);
}

TEST_CASE("silence after the link was up: lost link after 500 ms, exit 6") {
  Fake f;
  f.unit->identify();
  try {
    for (int i = 0; i < 20; ++i) f.unit->poll(100ms);
    FAIL("no lost-link error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::unit_unavailable);
    CHECK(std::string(e.what()).find("stopped answering") != std::string::npos);
  }
}

TEST_CASE("a pulled cable surfaces as exit 6 on the next read or write") {
  Fake f;
  f.unit->identify();
  f.t->pull_cable();
  try {
    f.unit->heartbeat();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::unit_unavailable);
  }
}

TEST_CASE("heartbeats are fire-and-forget and carry fresh sequence numbers") {
  Fake f;
  f.unit->identify();
  f.unit->heartbeat();
  f.unit->heartbeat();
  auto& w = f.t->written();
  REQUIRE(w.size() == 3);
  CHECK(w[1].verb == "HB");
  CHECK(w[2].seq == w[1].seq + 1);
}
