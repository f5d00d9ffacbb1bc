// The frame codec: CRC, encoding, and every way the decoder rejects and resynchronises.
#include <doctest/doctest.h>

#include <string>

#include "lever/device/frame.hpp"

using namespace lever::device;

namespace {
Frame sample() {
  Frame f;
  f.seq = 42;
  f.verb = "SET";
  f.add("f", 150.0, 1).add("v", 8.0, 2).add("i", 1.0, 1);
  return f;
}
}  // namespace

TEST_CASE("CRC-16/CCITT-FALSE check value") {
  CHECK(crc16_ccitt("123456789") == 0x29B1);
  CHECK(crc16_ccitt("") == 0xFFFF);
}

TEST_CASE("encode produces the documented text") {
  std::string s = encode(sample());
  CHECK(s.rfind("$42 SET f=150.0 v=8.00 i=1.0*", 0) == 0);
  CHECK(s.size() == std::string("$42 SET f=150.0 v=8.00 i=1.0*XXXX\r\n").size());
  CHECK(s.substr(s.size() - 2) == "\r\n");
  Frame z;
  z.verb = "X";
  z.add("n", -0.01, 1);
  CHECK(encode(z).find("n=0.0*") != std::string::npos);  // never "-0.0"
}

TEST_CASE("encode refuses forbidden characters and oversize frames") {
  Frame f = sample();
  f.add("note", "two words");
  CHECK_THROWS(encode(f));
  Frame g = sample();
  g.verb = "set";
  CHECK_THROWS(encode(g));
  Frame h = sample();
  h.add("x", "a*b");
  CHECK_THROWS(encode(h));
  Frame big = sample();
  for (int i = 0; i < 10; ++i) big.add("k" + std::to_string(i), std::string(20, 'a'));
  CHECK_THROWS(encode(big));
}

TEST_CASE("round trip through the decoder, byte by byte") {
  std::string s = encode(sample());
  FrameDecoder d;
  std::vector<Frame> got;
  for (char c : s)
    for (auto& f : d.feed(std::string_view(&c, 1))) got.push_back(f);
  REQUIRE(got.size() == 1);
  CHECK(got[0].seq == 42);
  CHECK(got[0].verb == "SET");
  CHECK(got[0].num("f") == doctest::Approx(150.0));
  CHECK(got[0].get("v") == "8.00");
  CHECK(!got[0].get("nope"));
  CHECK(d.stats().frames == 1);
  CHECK(d.stats().bad_frames() == 0);
}

TEST_CASE("garbage before a frame is skipped and counted") {
  FrameDecoder d;
  auto out = d.feed("noise\r\n\x01\xff" + encode(sample()));
  CHECK(out.size() == 1);
  CHECK(d.stats().garbage_bytes == 9);
}

TEST_CASE("a CRC error drops the frame and the next one decodes") {
  std::string bad = encode(sample());
  bad[5] = '9';
  FrameDecoder d;
  auto out = d.feed(bad + encode(sample()));
  CHECK(out.size() == 1);
  CHECK(d.stats().crc_errors == 1);
}

TEST_CASE("a truncated frame is dropped at the next start of frame") {
  std::string s = encode(sample());
  FrameDecoder d;
  auto out = d.feed(s.substr(0, 12) + s);
  CHECK(out.size() == 1);
  CHECK(d.stats().truncated == 1);
}

TEST_CASE("an endless frame is cut at the maximum length") {
  FrameDecoder d;
  auto out = d.feed("$1 ST " + std::string(300, 'a') + "\r\n" + encode(sample()));
  CHECK(out.size() == 1);
  CHECK(d.stats().too_long == 1);
}

TEST_CASE("malformed frames are rejected") {
  auto framed = [](const std::string& body) {
    char crc[8];
    std::snprintf(crc, sizeof crc, "%04X", crc16_ccitt(body));
    return "$" + body + "*" + crc;
  };
  for (std::string body : {"", "42", "42 ", "x SET", "042 SET", "70000 SET", "42 set", "42 SET f", "42 SET f=",
                           "42 SET =1", "42 SET F=1", "42 SET f=1  v=2", "42 SET f=1 f=2", "42 SET f=a=b"}) {
    CAPTURE(body);
    CHECK(!parse_frame(framed(body)).first);
    CHECK(parse_frame(framed(body)).second == DecodeError::malformed);
  }
  CHECK(parse_frame("$42 SET*29b1").second == DecodeError::malformed);  // lower-case hex
  CHECK(parse_frame("$42 SET*29B").second == DecodeError::malformed);
  CHECK(parse_frame(framed("42 HB")).first.has_value());
  CHECK(parse_frame(framed("65535 HB")).first.has_value());
}

TEST_CASE("a bare LF terminates a frame too") {
  std::string s = encode(sample());
  s.erase(s.size() - 2, 1);
  FrameDecoder d;
  CHECK(d.feed(s).size() == 1);
}

TEST_CASE("reset drops a partial frame") {
  std::string s = encode(sample());
  FrameDecoder d;
  d.feed(s.substr(0, 10));
  d.reset();
  CHECK(d.feed(s.substr(10)).empty());
  CHECK(d.feed(s).size() == 1);
}
