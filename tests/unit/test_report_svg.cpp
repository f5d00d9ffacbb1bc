#include <doctest/doctest.h>

#include "lever/cli/report/svg.hpp"

using namespace lever;

TEST_CASE("axis scales use round numbers and cover the data") {
  auto s = nice_scale(0, 9.3);
  CHECK(s.lo == 0);
  CHECK(s.hi >= 9.3);
  CHECK(s.step == doctest::Approx(2));
  auto t = nice_scale(12, 12);  // a flat series still gets a visible range
  CHECK(t.lo < 12);
  CHECK(t.hi > 12);
  auto u = nice_scale(-3, 47, 5);
  CHECK(u.lo <= -3);
  CHECK(u.hi >= 47);
}

TEST_CASE("charts are self-contained SVG with escaped text") {
  LineChart c;
  c.title = "Pain <during> & support";
  c.series.push_back({"pain", {0, 1, 2}, {2, 3, 5}, "#c0392b", false, true, false});
  c.series.push_back({"support %", {0, 1, 2}, {20, 15, 15}, "#1f77b4", false, false, true});
  c.y2_label = "support %";
  c.thresholds.push_back({4, "limit 4/10"});
  auto svg = render_svg(c);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("Pain &lt;during&gt; &amp; support") != std::string::npos);
  CHECK(svg.find("<circle") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
  CHECK(svg.find("limit 4/10") != std::string::npos);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("http://www.w3.org/2000/svg") != std::string::npos);
  CHECK(html_escape("a'b\"c") == "a&#39;b&quot;c");
}
