// A scripted fake unit for tests of the host session: it decodes what the host writes, answers
// through a script, and can inject arbitrary bytes; time is a virtual clock, so timeouts cost nothing.
#pragma once
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "lever/device/frame.hpp"
#include "lever/transport/transport.hpp"

namespace lever::device {

/// A Transport whose far end is a function: host frame in, raw bytes out.
class ScriptedTransport final : public transport::Transport {
public:
  /// The script: given each host frame, returns the bytes the "unit" sends back (may be empty).
  using Script = std::function<std::string(const Frame&)>;
  /// Builds the fake with its script.
  explicit ScriptedTransport(Script script);
  void write(std::string_view bytes) override;
  size_t read(char* buf, size_t cap, Nanos timeout) override;
  Clock& clock() override { return clock_; }
  const std::string& name() const override { return name_; }

  /// Queues bytes for the host to read (garbage, status frames, a reply out of turn).
  void inject(std::string bytes) { pending_ += std::move(bytes); }
  /// Every frame the host wrote, in order.
  const std::vector<Frame>& written() const { return written_; }
  /// Makes the next read or write fail as if the cable were pulled.
  void pull_cable() { pulled_ = true; }

private:
  Script script_;
  VirtualClock clock_;
  FrameDecoder decoder_;
  std::string pending_;
  std::vector<Frame> written_;
  std::string name_ = "fake:";
  bool pulled_ = false;
};

/// Encodes an ACK for `f` with extra fields (helper for scripts).
std::string fake_ack(const Frame& f, std::uint16_t seq, std::vector<std::pair<std::string, std::string>> fields = {});

}  // namespace lever::device
