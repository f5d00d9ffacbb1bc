// Protocol tables and typed messages; PORT strings; fault scripts.
#include <doctest/doctest.h>

#include "lever/device/protocol.hpp"
#include "lever/sim/faults.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/util/error.hpp"

using namespace lever;
using namespace lever::device;

TEST_CASE("the message table checksum is the one documented in lever-protocol(7)") {
  CHECK(message_table_crc() == 0x355A);  // changing the table changes the dialect: update the man page too
}

TEST_CASE("status frames round-trip through encode and decode") {
  Status s;
  s.seq = 812;
  s.unit_ms = 61250;
  s.state = State::estop;
  s.cmd_n = 150;
  s.target_n = 148.2;
  s.meas_n = 147.9;
  s.raw_counts = 5006;
  s.speed_kmh = 7.9;
  s.faults = kFaultEstop | kFaultLink;
  s.first_fault = "estop";
  s.estop = true;
  s.host_seq = 65535;
  Frame f = status_frame(s);
  CHECK(encode(f).size() <= kMaxFrameBytes);
  auto back = get_status(f);
  REQUIRE(back);
  CHECK(back->state == State::estop);
  CHECK(back->faults == (kFaultEstop | kFaultLink));
  CHECK(back->first_fault == "estop");
  CHECK(back->estop);
  CHECK(back->target_n == doctest::Approx(148.2));
  CHECK(back->host_seq == 65535);
  f.fields.pop_back();
  CHECK(!get_status(f));
}

TEST_CASE("fault table: names, bits and states") {
  CHECK(fault_names(kFaultEstop | kFaultSensor) == std::vector<std::string>{"estop", "sensor"});
  CHECK(fault_bit("overload") == kFaultOverload);
  CHECK(fault_bit("nope") == 0);
  CHECK(fault_info(kFaultKey)->goes_to == State::estop);
  CHECK(fault_info(kFaultLink)->goes_to == State::hold);
  CHECK(fault_table().size() == 10);
  CHECK(parse_nak("busy") == Nak::busy);
  CHECK(!parse_nak("maybe"));
  CHECK(parse_state("HOLD") == State::hold);
  CHECK(is_safe_state(State::fault));
  CHECK(!is_safe_state(State::run));
}

TEST_CASE("identity and calibration round-trip") {
  Identity id;
  id.protocol = 1;
  id.table_crc = 0xBEEF;
  id.serial = "X-1";
  id.firmware = "2.0";
  id.model = "m";
  id.limits = {200, 4.4, 50, 20, 2, 15, 0, 300};
  Frame f;
  f.verb = "ACK";
  put_identity(f, id);
  auto b = get_identity(f);
  REQUIRE(b);
  CHECK(b->table_crc == 0xBEEF);
  CHECK(b->limits.watchdog_ms == 300);
  Calibration c{2050.5, 0.051234, 1.02, -1.5, 112.5, "20261125T151700Z"};
  Frame g;
  g.verb = "ACK";
  put_calibration(g, c);
  auto cb = get_calibration(g);
  REQUIRE(cb);
  CHECK(cb->gain_n_per_count == doctest::Approx(0.051234));
  CHECK(cb->calibrated_at == "20261125T151700Z");
}

TEST_CASE("PORT strings select the transport explicitly") {
  using K = transport::PortSpec::Kind;
  auto p = transport::parse_port("/dev/ttyUSB0");
  CHECK(p.kind == K::serial);
  CHECK(p.baud == 115200);
  p = transport::parse_port("serial:/dev/ttyUSB0?baud=57600");
  CHECK(p.path == "/dev/ttyUSB0");
  CHECK(p.baud == 57600);
  p = transport::parse_port("tcp:10.0.0.5:4001");
  CHECK(p.kind == K::tcp);
  CHECK(p.path == "10.0.0.5");
  CHECK(p.tcp_port == 4001);
  p = transport::parse_port("tcp:[::1]:4001");
  CHECK(p.path == "::1");
  p = transport::parse_port("pty:/tmp/unit");
  CHECK(p.kind == K::pty);
  p = transport::parse_port("sim:");
  CHECK(p.kind == K::sim);
  p = transport::parse_port("sim:SIM-0002?faults=estop@30s,drift=5%@60s&seed=7&time-scale=10&clock=virtual");
  CHECK(p.path == "SIM-0002");
  CHECK(p.options.at("seed") == "7");
  for (const char* bad : {"", "ttyUSB0", "COM3", "tcp:host", "tcp::80", "tcp:h:99999", "serial:dev", "pty:",
                          "sim:?nope=1", "sim:?clock=fast", "sim:?time-scale=0", "sim:?faults=boom", "/dev/x?baud=fast",
                          "sim:?seed"}) {
    CAPTURE(bad);
    try {
      transport::parse_port(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == Exit::usage);
    }
  }
}

TEST_CASE("fault scripts parse with values, percentages and times") {
  auto p = sim::parse_faults("estop@30s,drift=5%@60s,drop=0.01,silence=2s@1m,link-timeout=500ms@10s,proto=2");
  REQUIRE(p.events.size() == 6);
  CHECK(p.events[0].kind == sim::FaultKind::estop);
  CHECK(p.events[0].at_s == 30);
  CHECK(p.events[1].value == doctest::Approx(0.05));
  CHECK(p.events[1].at_s == 60);
  CHECK(p.events[2].value == doctest::Approx(0.01));
  CHECK(p.events[3].duration_s == 2);
  CHECK(p.events[3].at_s == 60);
  CHECK(p.events[4].duration_s == doctest::Approx(0.5));
  CHECK(p.events[5].value == 2);
  CHECK(p.has(sim::FaultKind::proto));
  for (const char* bad : {"boom", "drop=2", "drop=-1", "estop@soon", "drift=x%"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(sim::parse_faults(bad), Error);
  }
}
