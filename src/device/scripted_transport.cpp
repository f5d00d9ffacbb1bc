#include "lever/device/scripted_transport.hpp"

#include <cstring>

#include "lever/util/error.hpp"

namespace lever::device {

ScriptedTransport::ScriptedTransport(Script script) : script_(std::move(script)) {}

void ScriptedTransport::write(std::string_view bytes) {
  if (pulled_) throw Error(Exit::unit_unavailable, "lost the link to the unit on fake: (cable pulled)", "");
  for (auto& f : decoder_.feed(bytes)) {
    written_.push_back(f);
    pending_ += script_(f);
  }
}

size_t ScriptedTransport::read(char* buf, size_t cap, Nanos timeout) {
  if (pulled_) throw Error(Exit::unit_unavailable, "lost the link to the unit on fake: (cable pulled)", "");
  if (pending_.empty()) {
    clock_.sleep_until(clock_.now() + timeout);  // nothing will ever arrive by itself: time just passes
    return 0;
  }
  size_t n = std::min(cap, pending_.size());
  std::memcpy(buf, pending_.data(), n);
  pending_.erase(0, n);
  return n;
}

std::string fake_ack(const Frame& f, std::uint16_t seq, std::vector<std::pair<std::string, std::string>> fields) {
  Frame a;
  a.seq = seq;
  a.verb = "ACK";
  a.add("ref", std::to_string(f.seq));
  for (auto& [k, v] : fields) a.add(k, v);
  return encode(a);
}

}  // namespace lever::device
