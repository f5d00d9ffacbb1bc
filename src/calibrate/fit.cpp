#include "lever/calibrate/fit.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "lever/util/error.hpp"
#include "lever/util/units.hpp"

namespace lever::calib {

WindowStats window_stats(const std::vector<double>& xs) {
  WindowStats w;
  w.n = static_cast<int>(xs.size());
  if (xs.empty()) return w;
  double sum = 0;
  for (double x : xs) sum += x;
  w.mean = sum / w.n;
  w.min = *std::min_element(xs.begin(), xs.end());
  w.max = *std::max_element(xs.begin(), xs.end());
  if (w.n < 2) return w;
  double ss = 0, sxy = 0, sxx = 0, xm = (w.n - 1) / 2.0;
  for (int i = 0; i < w.n; ++i) {
    ss += (xs[i] - w.mean) * (xs[i] - w.mean);
    sxy += (i - xm) * (xs[i] - w.mean);
    sxx += (i - xm) * (i - xm);
  }
  w.sd = std::sqrt(ss / (w.n - 1));
  w.slope = sxy / sxx;
  return w;
}

std::string unstable_reason(const WindowStats& w, double limit, int min_n, const std::string& unit) {
  if (w.n < min_n) return fmt::format("only {} readings in the window (need {})", w.n, min_n);
  if (w.sd > limit) return fmt::format("noise {:.2f}{} (1 sigma) above the limit {:.2f}{}", w.sd, unit, limit, unit);
  double drift = std::fabs(w.slope) * (w.n - 1);
  if (drift > limit) return fmt::format("drifting by {:.2f}{} across the window (limit {:.2f}{})", drift, unit, limit, unit);
  return "";
}

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2)
    throw Error(Exit::invalid_data, fmt::format("a line fit needs at least two points (got {})", std::min(x.size(), y.size())),
                "measure at more points");
  double n = static_cast<double>(x.size()), mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  if (sxx <= 1e-12 * std::max(1.0, mx * mx))
    throw Error(Exit::invalid_data, "a line fit needs points at two different inputs at least",
                "use reference loads that differ from each other and from no load");
  LineFit f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  double ss = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double r = y[i] - (f.slope * x[i] + f.intercept);
    f.residuals.push_back(r);
    ss += r * r;
    f.max_abs = std::max(f.max_abs, std::fabs(r));
  }
  f.rms = std::sqrt(ss / n);
  return f;
}

SensorFit fit_sensor(const std::vector<double>& counts, const std::vector<double>& force_n) {
  SensorFit s;
  s.line = fit_line(counts, force_n);
  if (s.line.slope <= 0)
    throw Error(Exit::safety, fmt::format("the load cell reads less with more load (fitted {:.6f} N/count)", s.line.slope),
                "check the load-cell wiring and that the reference masses hang freely");
  s.gain_n_per_count = s.line.slope;
  s.zero_counts = -s.line.intercept / s.line.slope;
  return s;
}

ActuatorFit fit_actuator(const std::vector<double>& drive, const std::vector<double>& delivered_n) {
  ActuatorFit a;
  a.line = fit_line(drive, delivered_n);
  if (a.line.slope <= 0)
    throw Error(Exit::safety, "the actuator delivers less force with more drive", "check the actuator and its linkage");
  a.act_gain = a.line.slope;
  a.act_offset_n = a.line.intercept;
  return a;
}

double default_tolerance_n(double full_scale_n) { return std::max(2.0, 0.01 * full_scale_n); }

Reference parse_reference(const std::string& text) {
  Reference r;
  auto colon = text.find(':');
  std::string mass = text.substr(0, colon);
  if (colon != std::string::npos) {
    std::string cert = text.substr(colon + 1);
    if (cert.empty()) throw Error(Exit::usage, fmt::format("empty certificate in --reference '{}'", text), "e.g. --reference 20kg:CERT-123");
    r.certificate = cert;
  }
  try {
    r.mass_kg = parse_mass_kg(mass, "--reference");
  } catch (const Error& e) {
    throw Error(Exit::usage, fmt::format("bad --reference '{}': {}", text, e.what()), "e.g. --reference 20kg or --reference 20kg:CERT-123");
  }
  if (!(r.mass_kg > 0) || r.mass_kg > 50)
    throw Error(Exit::usage, fmt::format("--reference '{}' must be between 0 and 50 kg", text), "e.g. --reference 20kg");
  return r;
}

}  // namespace lever::calib
