#include "lever/device/frame.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace lever::device {

namespace {

bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }
bool is_key_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }
// Value characters: printable ASCII without space and the three framing characters.
bool is_value_char(char c) { return c > ' ' && c < 0x7F && c != '$' && c != '*' && c != '='; }

bool valid_verb(std::string_view v) {
  if (v.empty() || v.size() > 12 || v[0] < 'A' || v[0] > 'Z') return false;
  for (char c : v)
    if (!is_upper_or_digit(c)) return false;
  return true;
}

bool valid_key(std::string_view k) {
  if (k.empty() || k.size() > 12 || k[0] < 'a' || k[0] > 'z') return false;
  for (char c : k)
    if (!is_key_char(c)) return false;
  return true;
}

bool valid_value(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v)
    if (!is_value_char(c)) return false;
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower-case hex is not allowed: one spelling per frame keeps captures diffable
}

}  // namespace

std::uint16_t crc16_ccitt(std::string_view data) noexcept {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char b : data) {
    crc = static_cast<std::uint16_t>(crc ^ (b << 8));
    for (int i = 0; i < 8; ++i)
      crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

std::optional<std::string_view> Frame::get(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

std::optional<double> Frame::num(std::string_view key) const {
  auto v = get(key);
  if (!v) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
  if (ec != std::errc() || p != v->data() + v->size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

Frame& Frame::add(std::string key, std::string value) {
  fields.emplace_back(std::move(key), std::move(value));
  return *this;
}

Frame& Frame::add(std::string key, double value, int decimals) {
  std::string s = fmt::format("{:.{}f}", value, decimals);
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);  // no "-0.0"
  return add(std::move(key), std::move(s));
}

std::string encode(const Frame& f) {
  if (!valid_verb(f.verb)) throw std::invalid_argument("bad frame verb '" + f.verb + "'");
  std::string body = fmt::format("{} {}", f.seq, f.verb);
  for (const auto& [k, v] : f.fields) {
    if (!valid_key(k) || !valid_value(v)) throw std::invalid_argument("bad frame field '" + k + "=" + v + "'");
    body += ' ';
    body += k;
    body += '=';
    body += v;
  }
  std::string out = fmt::format("${}*{:04X}\r\n", body, crc16_ccitt(body));
  if (out.size() > kMaxFrameBytes) throw std::invalid_argument("frame too long: " + out);
  return out;
}

std::pair<std::optional<Frame>, DecodeError> parse_frame(std::string_view t) {
  const auto bad = std::pair<std::optional<Frame>, DecodeError>{std::nullopt, DecodeError::malformed};
  // Shape: '$' body '*' 4 upper-case hex digits.
  if (t.size() < 8 || t[0] != '$' || t[t.size() - 5] != '*') return bad;
  std::string_view body = t.substr(1, t.size() - 6);
  unsigned crc = 0;
  for (char c : t.substr(t.size() - 4)) {
    int d = hex_digit(c);
    if (d < 0) return bad;
    crc = crc * 16 + static_cast<unsigned>(d);
  }
  for (char c : body)
    if (c != ' ' && !is_value_char(c) && c != '=') return bad;
  if (crc16_ccitt(body) != crc) return {std::nullopt, DecodeError::crc};

  Frame f;
  size_t sp = body.find(' ');
  if (sp == std::string_view::npos || sp == 0 || sp > 5) return bad;
  unsigned seq = 0;
  for (char c : body.substr(0, sp)) {
    if (c < '0' || c > '9') return bad;
    seq = seq * 10 + static_cast<unsigned>(c - '0');
  }
  if (seq > 65535 || (sp > 1 && body[0] == '0')) return bad;
  f.seq = static_cast<std::uint16_t>(seq);
  std::string_view rest = body.substr(sp + 1);
  size_t end = rest.find(' ');
  std::string_view verb = rest.substr(0, end);
  if (!valid_verb(verb)) return bad;
  f.verb = std::string(verb);
  while (end != std::string_view::npos) {
    rest = rest.substr(end + 1);
    end = rest.find(' ');
    std::string_view field = rest.substr(0, end);
    size_t eq = field.find('=');
    if (eq == std::string_view::npos) return bad;
    std::string_view k = field.substr(0, eq), v = field.substr(eq + 1);
    if (!valid_key(k) || !valid_value(v) || f.get(k)) return bad;
    f.fields.emplace_back(std::string(k), std::string(v));
  }
  return {std::move(f), DecodeError::malformed};
}

void FrameDecoder::reject(DecodeError e) {
  switch (e) {
    case DecodeError::garbage: ++stats_.garbage_bytes; break;
    case DecodeError::truncated: ++stats_.truncated; break;
    case DecodeError::too_long: ++stats_.too_long; break;
    case DecodeError::malformed: ++stats_.malformed; break;
    case DecodeError::crc: ++stats_.crc_errors; break;
  }
}

void FrameDecoder::finish(std::vector<Frame>& out) {
  std::string_view t = buf_;
  if (!t.empty() && t.back() == '\r') t.remove_suffix(1);  // CR LF on the wire; a bare LF is accepted
  auto [frame, err] = parse_frame(t);
  if (frame) {
    ++stats_.frames;
    out.push_back(std::move(*frame));
  } else {
    reject(err);
  }
  buf_.clear();
  in_frame_ = false;
}

std::vector<Frame> FrameDecoder::feed(std::string_view bytes) {
  std::vector<Frame> out;
  for (char c : bytes) {
    if (c == '$') {
      if (in_frame_) reject(DecodeError::truncated);  // resynchronise on the newest start of frame
      buf_.assign(1, c);
      in_frame_ = true;
      continue;
    }
    if (!in_frame_) {
      reject(DecodeError::garbage);
      continue;
    }
    if (c == '\n') {
      finish(out);
      continue;
    }
    buf_ += c;
    if (buf_.size() >= kMaxFrameBytes) {
      reject(DecodeError::too_long);
      buf_.clear();
      in_frame_ = false;
    }
  }
  return out;
}

}  // namespace lever::device
