// The pure arithmetic of calibration: stability windows, least-squares line fits with residuals,
// the load-cell and actuator fits, tolerances and reference-mass arguments. No I/O: tested directly.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace lever::calib {

/// Summary of one averaging window of readings.
struct WindowStats {
  int n = 0;          ///< readings in the window
  double mean = 0;    ///< average
  double sd = 0;      ///< sample standard deviation (the noise figure)
  double min = 0;     ///< smallest reading
  double max = 0;     ///< largest reading
  double slope = 0;   ///< trend over the window, units per reading (drift shows here, not in sd)
};

/// Mean, spread and trend of a window; n = 0 for an empty one.
WindowStats window_stats(const std::vector<double>& xs);

/// Why a window is not stable enough to average (empty = stable). `limit` is in the readings' units:
/// the standard deviation and the drift across the whole window must both stay below it; `unit`
/// follows every figure in the text (" N").
std::string unstable_reason(const WindowStats& w, double limit, int min_n, const std::string& unit = "");

/// A straight line y = slope x + intercept fitted by least squares, with its residuals.
struct LineFit {
  double slope = 0;                 ///< fitted slope
  double intercept = 0;             ///< fitted intercept
  std::vector<double> residuals;    ///< y - fit(x) for every point, in input order
  double rms = 0;                   ///< root mean square residual
  double max_abs = 0;               ///< largest absolute residual
};

/// Least-squares line through the points; Error(invalid_data) for fewer than two distinct x values.
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

/// The load-cell fit: force = gain x (counts - zero).
struct SensorFit {
  double zero_counts = 0;        ///< counts at no load
  double gain_n_per_count = 0;   ///< newtons per count
  LineFit line;                  ///< the line force(counts), residuals in N
};

/// Fits the load cell from readings (counts) at known forces (N); the no-load point is one of them.
SensorFit fit_sensor(const std::vector<double>& counts, const std::vector<double>& force_n);

/// The actuator map: delivered = drive x act_gain + act_offset_n.
struct ActuatorFit {
  double act_gain = 1;       ///< fitted gain
  double act_offset_n = 0;   ///< fitted offset, N
  LineFit line;              ///< the line delivered(drive), residuals in N
};

/// Fits the actuator map from drives and the forces measured with the new sensor calibration.
ActuatorFit fit_actuator(const std::vector<double>& drive, const std::vector<double>& delivered_n);

/// The default verification tolerance: max(2 N, 1 % of full scale).
double default_tolerance_n(double full_scale_n);

/// A reference mass and its certificate.
struct Reference {
  double mass_kg = 0;                 ///< certified mass
  std::optional<std::string> certificate;  ///< certificate ID, if given
};

/// Parses "20", "20kg", "44lb" or "20kg:CERT-123"; Error(usage) naming the bad text.
Reference parse_reference(const std::string& text);

}  // namespace lever::calib
