#include <doctest/doctest.h>

#include "lever/cli/report/session.hpp"
#include "lever/cli/report/svg.hpp"
#include "lever/report/session.hpp"

using namespace lever;
using nlohmann::json;

namespace {
json sample(double t, const std::string& phase, double meas, json faults = json::array(), const std::string& state = "RUN") {
  return {{"session_id", "s-1"}, {"t_s", t}, {"at", "2026-11-25T10:00:00+00:00"}, {"phase", phase}, {"state", state},
          {"support_target_pct", 20.0}, {"support_measured_pct", meas}, {"speed_kmh", 8.0}, {"incline_pct", 0.0},
          {"cadence_spm", 170.0}, {"faults", faults}, {"schema_version", 1}, {"id", "s-1-000001"}};
}
}  // namespace

TEST_CASE("a trace row has every stable column, faults as one string, nothing else") {
  auto r = report::trace_row(sample(1.5, "run 1/4", 19.5, json::array({"estop", "link"})));
  CHECK(r["faults"] == "estop link");
  CHECK(r["t_s"] == 1.5);
  CHECK(r["support_target_n"].is_null());  // absent in the sample: null, never invented
  CHECK_FALSE(r.contains("schema_version"));
  CHECK(r.size() == report::trace_columns().size());
  for (const auto& c : report::trace_columns()) CHECK(r.contains(c.key));
}

TEST_CASE("the condensed trace has one row per minute and splits where the phase changes") {
  std::vector<json> rows;
  for (int t = 0; t < 150; ++t)
    rows.push_back(report::trace_row(sample(t, t < 90 ? "warm-up" : "run 1/4", t < 90 ? 18.0 : 22.0)));
  auto m = report::trace_minutes(rows);
  REQUIRE(m.size() == 4);  // 0-59 warm-up, 60-89 warm-up, 90-119 run, 120-149 run
  CHECK(m[0]["from_s"] == 0.0);
  CHECK(m[0]["to_s"] == 59.0);
  CHECK(m[0]["samples"] == 60);
  CHECK(m[1]["phase"] == "warm-up");
  CHECK(m[1]["to_s"] == 89.0);
  CHECK(m[2]["phase"] == "run 1/4");
  CHECK(m[2]["from_s"] == 90.0);
  CHECK(m[2]["to_s"] == 119.0);
  CHECK(m[2]["support_measured_pct"] == doctest::Approx(22.0));
  CHECK(m[3]["from_s"] == 120.0);
  CHECK(m[3]["to_s"] == 149.0);
}

TEST_CASE("the condensed trace lists the states and faults seen, once each") {
  std::vector<json> rows = {report::trace_row(sample(0, "run", 20)), report::trace_row(sample(1, "run", 20, {"estop"}, "ESTOP")),
                            report::trace_row(sample(2, "run", 20, {"estop", "link"}, "ESTOP"))};
  auto m = report::trace_minutes(rows);
  REQUIRE(m.size() == 1);
  CHECK(m[0]["state"] == "RUN/ESTOP");
  CHECK(m[0]["faults"] == "estop link");
  CHECK(report::trace_minutes({}).empty());
}

TEST_CASE("fault onsets mark where a fault set first appears, not every sample") {
  std::vector<json> rows;
  for (int t = 0; t < 6; ++t) rows.push_back(report::trace_row(sample(t, "run", 20, t >= 2 && t < 4 ? json::array({"estop"}) : json::array())));
  rows.push_back(report::trace_row(sample(6, "run", 20, {"link"})));
  auto f = report::fault_onsets(rows);
  REQUIRE(f.size() == 2);
  CHECK(f[0]["t_s"] == 2.0);
  CHECK(f[0]["faults"] == "estop");
  CHECK(f[1]["t_s"] == 6.0);
}

TEST_CASE("charts draw phase bands behind the data and fault markers over it") {
  LineChart c;
  c.series.push_back({"support", {0, 1, 2, 3}, {20, 20, 21, 20}, "#1e8449", false, false, false});
  c.bands.push_back({0, 1.5, "warm-up", "#eeeeee"});
  c.bands.push_back({1.5, 1.55, "a very long phase name that cannot fit", "#dddddd"});
  c.markers.push_back({2, "fault: estop"});
  auto svg = render_svg(c);
  auto band = svg.find("class=\"band\"");
  auto line = svg.find("<polyline");
  auto marker = svg.find("class=\"marker\"");
  REQUIRE(band != std::string::npos);
  REQUIRE(marker != std::string::npos);
  CHECK(band < line);
  CHECK(marker > line);
  CHECK(svg.find(">warm-up<") != std::string::npos);
  CHECK(svg.find("cannot fit") == std::string::npos);  // too narrow: the label is left out, not clipped
  CHECK(svg.find("fault: estop") != std::string::npos);
}

TEST_CASE("a line series with a single point is drawn as a point") {
  LineChart c;
  c.series.push_back({"support", {0}, {20}, "#2471a3", false, false, false});
  auto svg = render_svg(c);
  CHECK(svg.find("<circle") != std::string::npos);
  CHECK(svg.find("<polyline") == std::string::npos);
}
