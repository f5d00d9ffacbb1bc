#include "lever/util/time.hpp"

#include <cctype>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever {

using namespace std::chrono;

TimePoint now() { return system_clock::now(); }

namespace {

std::string format_with(TimePoint t, bool millis) {
  auto secs = time_point_cast<seconds>(t);
  if (secs > t) secs -= seconds(1);  // floor for times before the epoch
  std::time_t tt = system_clock::to_time_t(secs);
  std::tm tm{};
  localtime_r(&tt, &tm);
  long off = tm.tm_gmtoff;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  std::string frac;
  if (millis) frac = fmt::format(".{:03d}", duration_cast<milliseconds>(t - secs).count());
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}{}{:02d}:{:02d}", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, sign,
                     off / 3600, (off % 3600) / 60);
}

// A tiny cursor over the text being parsed.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Reads exactly n digits.
  std::optional<int> digits(size_t n) {
    if (i + n > s.size()) return std::nullopt;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i += n;
    return v;
  }
};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

}  // namespace

std::string format_iso(TimePoint t) { return format_with(t, false); }
std::string format_iso_ms(TimePoint t) { return format_with(t, true); }

std::string format_date(TimePoint t) { return format_iso(t).substr(0, 10); }

std::optional<TimePoint> parse_iso(std::string_view s) {
  Cursor c{s};
  auto y = c.digits(4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto mo = c.digits(2);
  if (!mo || !c.eat('-')) return std::nullopt;
  auto d = c.digits(2);
  if (!d || *mo < 1 || *mo > 12 || *d < 1 || *d > days_in(*y, *mo)) return std::nullopt;
  // A TimePoint counts nanoseconds in 64 bits (years 1678-2261): a year outside would wrap around.
  if (*y < 1900 || *y > 2200) return std::nullopt;
  int hh = 0, mi = 0, ss = 0;
  long ms = 0;
  bool has_offset = false;
  long offset = 0;
  if (!c.done()) {
    if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return std::nullopt;
    auto h = c.digits(2);
    if (!h || !c.eat(':')) return std::nullopt;
    auto m = c.digits(2);
    if (!m) return std::nullopt;
    hh = *h;
    mi = *m;
    if (c.eat(':')) {
      auto sec = c.digits(2);
      if (!sec) return std::nullopt;
      ss = *sec;
      if (c.eat('.') || c.eat(',')) {
        size_t start = c.i;
        long scale = 100;
        while (std::isdigit(static_cast<unsigned char>(c.peek()))) {
          ms += (c.peek() - '0') * scale;
          scale /= 10;
          ++c.i;
        }
        if (c.i == start) return std::nullopt;
      }
    }
    if (hh > 23 || mi > 59 || ss > 59) return std::nullopt;
    if (c.eat('Z') || c.eat('z')) {
      has_offset = true;
    } else if (c.peek() == '+' || c.peek() == '-') {
      int sign = c.peek() == '-' ? -1 : 1;
      ++c.i;
      auto oh = c.digits(2);
      if (!oh) return std::nullopt;
      c.eat(':');
      auto om = c.digits(2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      has_offset = true;
      offset = sign * (*oh * 3600L + *om * 60L);
    }
    if (!c.done()) return std::nullopt;
  }
  if (has_offset) {
    // Calendar arithmetic, not timegm: `store check` reads every stored time, and glibc's timegm
    // (mktime underneath) was a tenth of its work.
    const sys_days day = std::chrono::year(*y) / std::chrono::month(static_cast<unsigned>(*mo)) /
                         std::chrono::day(static_cast<unsigned>(*d));
    return TimePoint(day) + hours(hh) + minutes(mi) + seconds(ss) - seconds(offset) + milliseconds(ms);
  }
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = hh;
  tm.tm_min = mi;
  tm.tm_sec = ss;
  std::time_t tt;
  {
    tm.tm_isdst = -1;
    tt = std::mktime(&tm);
    if (tt == static_cast<std::time_t>(-1)) return std::nullopt;
  }
  return system_clock::from_time_t(tt) + milliseconds(ms);
}

TimePoint parse_user_time(std::string_view s, TimePoint reference) {
  if (s == "now") return reference;
  if (!s.empty() && s[0] == '-') {
    auto rest = s.substr(1);
    long n = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    std::string_view unit(p, static_cast<size_t>(rest.data() + rest.size() - p));
    long unit_s = unit.size() != 1 ? 0
                  : unit[0] == 's'  ? 1
                  : unit[0] == 'm'  ? 60
                  : unit[0] == 'h'  ? 3600
                  : unit[0] == 'd'  ? 86400
                  : unit[0] == 'w'  ? 7 * 86400
                                    : 0;
    // At most a century back: beyond it the arithmetic would overflow, and no record is that old.
    if (ec == std::errc{} && n >= 0 && unit_s > 0 && n <= 100L * 366 * 86400 / unit_s) return reference - seconds(n * unit_s);
    throw Error(Exit::usage, fmt::format("cannot read the relative time '{}'", s),
                "use a minus sign, a whole number and one of s, m, h, d, w, e.g. -24h or -2d");
  }
  if (auto t = parse_iso(s)) return *t;
  throw Error(Exit::usage, fmt::format("cannot read the time '{}'", s),
              "use ISO 8601 (2026-11-25T08:30, 2026-11-25T08:30:00+01:00), 'now', or a relative "
              "form such as -24h");
}

std::chrono::seconds parse_duration(std::string_view s) {
  auto bad = [&] {
    return Error(Exit::usage, fmt::format("cannot read the duration '{}'", s),
                 "use minutes (25), or units: 90s, 25m, 1h30m");
  };
  if (s.empty()) throw bad();
  long total = 0;
  size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    long n = 0;
    auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), n);
    if (ec != std::errc{} || n < 0 || n > 100000000) throw bad();  // no overflow in the sums below
    i = static_cast<size_t>(p - s.data());
    if (i == s.size()) {
      if (any) throw bad();
      return minutes(n);
    }
    char u = s[i++];
    if (u == 'h') total += n * 3600;
    else if (u == 'm') total += n * 60;
    else if (u == 's') total += n;
    else throw bad();
    any = true;
  }
  return seconds(total);
}

}  // namespace lever
