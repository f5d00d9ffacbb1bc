#include "lever/util/text.hpp"

#include <fmt/format.h>

#include "lever/util/number.hpp"

namespace lever {

namespace {

// Length of the well-formed UTF-8 sequence at s[i] (Unicode 15, table 3-7), or 0 when ill-formed.
std::size_t sequence_length(std::string_view s, std::size_t i) noexcept {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return k < s.size() && b(k) >= lo && b(k) <= hi;
  };
  unsigned c = b(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c == 0xE0) return cont(i + 1, 0xA0, 0xBF) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;  // no surrogates
  if (c == 0xF0) return cont(i + 1, 0x90, 0xBF) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

// A C1 control character (U+0080-U+009F) is encoded as C2 80 .. C2 9F.
bool c1_at(std::string_view s, std::size_t i) noexcept {
  return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

bool c0_or_del(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

}  // namespace

std::optional<std::size_t> invalid_utf8_at(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = sequence_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view s) noexcept { return !invalid_utf8_at(s); }

std::optional<std::size_t> control_char_at(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (c0_or_del(static_cast<unsigned char>(s[i])) || c1_at(s, i)) return i;
  return std::nullopt;
}

std::string text_problem(std::string_view s, TextKind kind) {
  if (auto at = invalid_utf8_at(s))
    return fmt::format("is not valid UTF-8 (byte {} is \\x{:02x}); use UTF-8 text", *at + 1,
                       static_cast<unsigned char>(s[*at]));
  if (kind == TextKind::name)
    if (auto at = control_char_at(s))
      return fmt::format("contains a control character ({}); names and IDs cannot contain one (free-text notes and reasons can)", escape_text(s.substr(*at, c1_at(s, *at) ? 2 : 1)));
  return {};
}

std::string escape_text(std::string_view s, bool keep_newlines) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = sequence_length(s, i);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (n == 1 && c0_or_del(c)) {
      if (c == '\n' && keep_newlines) out += '\n';
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (c1_at(s, i)) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[i + 1]));
      i += 2;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool spreadsheet_formula(std::string_view cell) noexcept {
  if (cell.empty()) return false;
  char c = cell.front();
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return false;
  return !read_decimal(cell);  // -3 and +2.5 are numbers to a spreadsheet, not formulas
}

std::string neutralise_csv_cell(std::string cell) {
  if (spreadsheet_formula(cell)) cell.insert(cell.begin(), '\'');
  return cell;
}

}  // namespace lever
