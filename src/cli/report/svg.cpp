#include "lever/cli/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>


namespace lever {

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

AxisScale nice_scale(double lo, double hi, int ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0, 1, 0.2};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-9) {
    double pad = std::max(1.0, std::fabs(hi) * 0.1);
    lo -= pad;
    hi += pad;
  }
  double raw = (hi - lo) / std::max(1, ticks);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

namespace {

std::string num(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return fmt::format("{:.0f}", v);
  return fmt::format("{:.1f}", v);
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

}  // namespace

std::string render_svg(const LineChart& c) {
  const double left = 56, right = c.y2_label.empty() ? 24 : 56, top = 34, bottom = 44;
  const double pw = c.width - left - right, ph = c.height - top - bottom;
  Range xr, yr, y2r;
  for (const auto& s : c.series)
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      xr.add(s.x[i]);
      (s.right_axis ? y2r : yr).add(s.y[i]);
    }
  for (const auto& t : c.thresholds) yr.add(t.y);
  if (xr.empty()) xr = {0, 1};
  if (!c.x_ticks.empty()) xr = {0, std::max(1.0, static_cast<double>(c.x_ticks.size() - 1))};
  AxisScale ys = c.y_min != c.y_max ? AxisScale{c.y_min, c.y_max, (c.y_max - c.y_min) / 5}
                                     : nice_scale(yr.empty() ? 0 : std::min(0.0, yr.lo), yr.empty() ? 1 : yr.hi);
  AxisScale y2s = c.y2_min != c.y2_max ? AxisScale{c.y2_min, c.y2_max, (c.y2_max - c.y2_min) / 5}
                                        : nice_scale(y2r.empty() ? 0 : std::min(0.0, y2r.lo), y2r.empty() ? 1 : y2r.hi);
  double xspan = xr.hi - xr.lo > 0 ? xr.hi - xr.lo : 1;
  auto X = [&](double x) { return left + (x - xr.lo) / xspan * pw; };
  auto Y = [&](double y, bool r) {
    const AxisScale& a = r ? y2s : ys;
    return top + ph - (y - a.lo) / (a.hi - a.lo) * ph;
  };
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "class=\"chart\" font-family=\"sans-serif\" font-size=\"11\">\n<title>{}</title>\n",
      c.width, c.height, c.width, c.height, html_escape(c.title));
  o += fmt::format("<text x=\"{}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{}</text>\n", left, html_escape(c.title));
  o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>\n", left, top, pw, ph);
  auto clamp_x = [&](double x) { return std::clamp(X(x), left, left + pw); };
  for (const auto& b : c.bands) {
    double x0 = clamp_x(b.x0), x1 = clamp_x(b.x1);
    if (x1 - x0 < 0.5) continue;
    o += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\" class=\"band\"/>\n", x0, top,
                     x1 - x0, ph, b.color);
    // Roughly 5.5 px per character at font-size 9: a label that does not fit is left out, not clipped.
    if (!b.label.empty() && 5.5 * static_cast<double>(b.label.size()) + 6 < x1 - x0)
      o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"9\" fill=\"#555\">{}</text>\n", x0 + 3, top + ph - 5,
                       html_escape(b.label));
  }
  for (double v = ys.lo; v <= ys.hi + ys.step / 2; v += ys.step) {
    double y = Y(v, false);
    o += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e5e5e5\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                     left, left + pw, y, y, left - 6, y + 4, num(v));
  }
  if (!c.y2_label.empty())
    for (double v = y2s.lo; v <= y2s.hi + y2s.step / 2; v += y2s.step)
      o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", left + pw + 6, Y(v, true) + 4, num(v));
  if (!c.x_ticks.empty()) {
    size_t every = std::max<size_t>(1, c.x_ticks.size() / 10);
    for (size_t i = 0; i < c.x_ticks.size(); i += every)
      o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", X(static_cast<double>(i)),
                       top + ph + 16, html_escape(c.x_ticks[i]));
  } else {
    AxisScale xs = nice_scale(xr.lo, xr.hi, 8);
    for (double v = xs.lo; v <= xs.hi + xs.step / 2; v += xs.step)
      if (v >= xr.lo - 1e-9 && v <= xr.hi + 1e-9)
        o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", X(v), top + ph + 16, num(v));
  }
  o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + pw / 2, c.height - 6.0,
                   html_escape(c.x_label));
  o += fmt::format("<text transform=\"translate(14 {:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                   top + ph / 2, html_escape(c.y_label));
  if (!c.y2_label.empty())
    o += fmt::format("<text transform=\"translate({:.1f} {:.1f}) rotate(90)\" text-anchor=\"middle\">{}</text>\n",
                     c.width - 12.0, top + ph / 2, html_escape(c.y2_label));
  for (const auto& t : c.thresholds) {
    double y = Y(t.y, false);
    o += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-dasharray=\"6 3\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"{}\">{}</text>\n",
                     left, left + pw, y, y, t.color, left + pw - 4, y - 4, t.color, html_escape(t.label));
  }
  double legend_x = left + 8;
  for (const auto& s : c.series) {
    std::string pts;
    size_t finite = 0;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) finite += std::isfinite(s.y[i]) ? 1 : 0;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      double px = X(s.x[i]), py = Y(s.y[i], s.right_axis);
      if (s.points || finite == 1)  // a line through one point is invisible: show the point itself
        o += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", px, py, s.color);
      else
        pts += fmt::format("{:.1f},{:.1f} ", px, py);
    }
    if (!pts.empty())
      o += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\"{}/>\n", pts, s.color,
                       s.dashed ? " stroke-dasharray=\"5 4\"" : "");
    o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                     legend_x, top + 6, s.color, legend_x + 14, top + 15, html_escape(s.name));
    legend_x += 24 + 7.0 * static_cast<double>(s.name.size());
  }
  for (const auto& m : c.markers) {
    double x = clamp_x(m.x);
    bool right_half = x > left + pw / 2;  // the label goes inwards, never over the axis labels
    o += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" "
                     "stroke-dasharray=\"3 2\" class=\"marker\"/><text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\" font-size=\"10\"{}>{}</text>\n",
                     x, x, top, top + ph, m.color, right_half ? x - 3 : x + 3, top + 28, m.color,
                     right_half ? " text-anchor=\"end\"" : "", html_escape(m.label));
  }
  o += "</svg>\n";
  return o;
}

}  // namespace lever
