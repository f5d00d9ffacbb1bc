// The lever wire frame: `$<seq> <VERB> key=value ...*<CRC>\r\n` (man lever-protocol(7), "FRAMING").
// A pure codec with no I/O: the host, the simulator, the tests and the fuzzer all share it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lever::device {

/// The longest frame on the wire, from '$' to '\n' inclusive; longer input is discarded.
inline constexpr size_t kMaxFrameBytes = 200;

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor); "123456789" -> 0x29B1.
std::uint16_t crc16_ccitt(std::string_view data) noexcept;

/// One decoded frame: sequence number, verb and ordered key=value fields.
struct Frame {
  std::uint16_t seq = 0;                                    ///< sender's sequence number (wraps at 65535)
  std::string verb;                                         ///< upper-case verb, e.g. "ST", "ACK"
  std::vector<std::pair<std::string, std::string>> fields;  ///< key=value pairs in wire order

  /// The value of `key`, or nullopt when absent.
  std::optional<std::string_view> get(std::string_view key) const;
  /// The value of `key` as a number, or nullopt when absent or not a number.
  std::optional<double> num(std::string_view key) const;
  /// Appends a field (the encoder checks its characters).
  Frame& add(std::string key, std::string value);
  /// Appends a number with `decimals` digits after the point.
  Frame& add(std::string key, double value, int decimals);
};

/// Encodes a frame; throws std::invalid_argument when a verb, key or value holds a forbidden character
/// or the result would exceed kMaxFrameBytes (a programming error, never user input).
std::string encode(const Frame& f);

/// Why the decoder threw bytes away.
enum class DecodeError {
  garbage,    ///< bytes outside any frame (before a '$')
  truncated,  ///< a '$' arrived before the previous frame ended: the old frame is dropped
  too_long,   ///< no end of frame within kMaxFrameBytes
  malformed,  ///< frame syntax wrong (characters, seq, verb, fields, CRC digits)
  crc,        ///< well-formed but the CRC does not match
};

/// Counters of what the decoder rejected (they feed the unit's CRC-rate fault and host diagnostics).
struct DecoderStats {
  std::uint64_t frames = 0;         ///< good frames decoded
  std::uint64_t garbage_bytes = 0;  ///< bytes skipped while hunting for '$'
  std::uint64_t truncated = 0;      ///< frames cut short by a new '$'
  std::uint64_t too_long = 0;       ///< frames that overran kMaxFrameBytes
  std::uint64_t malformed = 0;      ///< syntax errors
  std::uint64_t crc_errors = 0;     ///< CRC mismatches
  /// Total rejected frames (everything but garbage bytes).
  std::uint64_t bad_frames() const { return truncated + too_long + malformed + crc_errors; }
};

/// Parses one complete frame text ("$...*XXXX", without CR LF); returns the error when it is bad.
std::pair<std::optional<Frame>, DecodeError> parse_frame(std::string_view text);

/// Incremental decoder: feed it arbitrary chunks; it resynchronises on the next '$' after any error.
class FrameDecoder {
public:
  /// Consumes bytes and returns the good frames completed by them, in order.
  std::vector<Frame> feed(std::string_view bytes);
  /// What has been rejected so far.
  const DecoderStats& stats() const { return stats_; }
  /// Drops a partial frame (after reconnecting, stale bytes must not join new ones).
  void reset() { buf_.clear(); in_frame_ = false; }

private:
  void finish(std::vector<Frame>& out);
  void reject(DecodeError e);
  std::string buf_;
  bool in_frame_ = false;
  DecoderStats stats_;
};

}  // namespace lever::device
