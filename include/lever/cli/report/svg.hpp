// Self-contained SVG charts for HTML reports: no scripts, no external fonts, prints cleanly.
#pragma once
#include <string>
#include <vector>

namespace lever {

/// One line (or set of points) on a chart.
struct Series {
  std::string name;          ///< legend text
  std::vector<double> x;     ///< x values (e.g. seconds, or days since the first point)
  std::vector<double> y;     ///< y values, same length as x
  std::string color;         ///< CSS colour, e.g. "#1f77b4"
  bool dashed = false;       ///< dashed line (targets, limits)
  bool points = false;       ///< draw markers instead of a line (sparse data such as pain scores)
  bool right_axis = false;   ///< plot against the right-hand y axis
};

/// A horizontal reference line, e.g. the profile's pain limit.
struct Threshold {
  double y = 0;              ///< value on the left axis
  std::string label;         ///< text shown at its right end
  std::string color = "#c0392b"; ///< CSS colour
};

/// A shaded stretch of the x axis behind the data, e.g. one phase of a session.
struct Band {
  double x0 = 0, x1 = 0;          ///< start and end on the x axis
  std::string label;              ///< text at the top of the band (left out when the band is too narrow)
  std::string color = "#eef2f6";  ///< CSS fill colour
};

/// A vertical mark at one x value, e.g. the moment a unit fault appeared.
struct Marker {
  double x = 0;                   ///< where on the x axis
  std::string label;              ///< short text beside the mark
  std::string color = "#c0392b";  ///< CSS colour
};

/// A line chart with a left and an optional right axis.
struct LineChart {
  std::string title;                 ///< shown above the plot
  std::string x_label;               ///< axis caption
  std::string y_label;               ///< left axis caption
  std::string y2_label;              ///< right axis caption (empty: no right axis)
  std::vector<Series> series;        ///< the data
  std::vector<Threshold> thresholds; ///< reference lines on the left axis
  std::vector<std::string> x_ticks;  ///< labels for x = 0, 1, 2, ... (empty: numeric ticks)
  double y_min = 0, y_max = 0;       ///< left axis range (equal: derived from the data)
  double y2_min = 0, y2_max = 0;     ///< right axis range (equal: derived from the data)
  int width = 760, height = 280;     ///< size in CSS pixels
  std::vector<Band> bands;           ///< shaded x ranges drawn behind the data
  std::vector<Marker> markers;       ///< vertical marks drawn over the data
};

/// Renders the chart as an inline <svg> element (with a <title> for screen readers).
std::string render_svg(const LineChart& chart);

/// Escapes text for HTML and SVG (&, <, >, ", ').
std::string html_escape(const std::string& s);

/// "Nice" axis bounds and step covering [lo, hi] with about `ticks` divisions.
struct AxisScale {
  double lo = 0;    ///< first tick
  double hi = 1;    ///< last tick
  double step = 1;  ///< distance between ticks
};

/// Picks round tick values (1, 2, 2.5, 5 x 10^n) for an axis.
AxisScale nice_scale(double lo, double hi, int ticks = 5);

}  // namespace lever
