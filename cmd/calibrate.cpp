// lever calibrate [verify|show|history]: argument wiring and the technician's prompts; the workflow
// and the records live in lever/calibrate.
#include <unistd.h>

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/cli/columns/calibration.hpp"
#include "lever/calibrate/check.hpp"
#include "lever/calibrate/workflow.hpp"
#include "lever/device/unit.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/signals.hpp"
#include "lever/util/units.hpp"

namespace lever::cmd {

namespace {

using nlohmann::json;

struct CalArgs {
  std::string port;
  std::vector<std::string> references;
  bool yes = false;
  std::string frame_height;
  double tolerance = 0;
  int due_days = 180;
  int sweep_points = 6;
  std::string unit;
};

bool interactive(const CalArgs& a) { return !a.yes && ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO); }

std::string ask_line(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  std::string line;
  if (!std::getline(std::cin, line) || device::stop_requested())
    throw Error(Exit::usage, "no answer from the technician", "run again, or script it with the options and --yes");
  return line;
}

calib::Options options(Context& ctx, const CalArgs& a, bool full) {
  calib::Options o;
  if (!a.yes && !interactive(a))
    throw Error(Exit::usage, "calibration needs a technician at the unit, and this is not a terminal",
                "pass --yes to let the unit's rig hang the reference masses (scripts, the simulator)");
  for (const auto& r : a.references) o.references.push_back(calib::parse_reference(r));
  if (o.references.empty() && interactive(a)) {
    for (;;) {
      auto line = ask_line("reference mass to hang (e.g. 20kg:CERT-123; empty when done): ");
      if (line.empty() && !o.references.empty()) break;
      if (!line.empty()) o.references.push_back(calib::parse_reference(line));
    }
  }
  if (o.references.empty()) {
    o.references.push_back({20, std::nullopt});
    ctx.note("no --reference given: using one 20 kg reference mass (no certificate recorded)");
  }
  if (full) {
    std::string fh = a.frame_height;
    if (fh.empty() && interactive(a)) fh = ask_line("arm/frame height setting in cm (empty: keep the unit's): ");
    if (!fh.empty()) {
      o.frame_height_cm = parse_number(fh, "--frame-height");
      if (o.frame_height_cm < 30 || o.frame_height_cm > 250)
        throw Error(Exit::usage, fmt::format("--frame-height {} is outside 30-250 cm", fh), "give the frame's arm height in cm");
    }
  }
  o.tolerance_n = a.tolerance;
  o.due_days = a.due_days;
  o.sweep_points = a.sweep_points;
  if (interactive(a)) o.ask = [](const std::string& what) { ask_line(what + " "); };
  if (ctx.stderr_tty() && !ctx.g.quiet) o.progress = [](const std::string& s) { std::cerr << s << '\n'; };
  return o;
}

void print_record(Context& ctx, const model::Calibration& rec) {
  auto& out = ctx.out();
  if (ctx.format() == Format::json || ctx.format() == Format::ndjson) {
    out.json_value(json(rec));
    return;
  }
  out.record(calib::record_columns(), calib::record_row(rec));
  if (out.is_table() && rec.verification) {
    out.heading("Verification");
    out.records(calib::point_columns(), std::vector<json>(rec.verification->points.begin(), rec.verification->points.end()));
  }
}

void run(Context& ctx, const CalArgs& a, bool check_only) {
  auto opt = options(ctx, a, !check_only);
  auto port = transport::resolve_port(a.port, ctx.store());
  device::install_stop_signals();
  auto unit = device::open_unit(port, ctx.store());
  ctx.note(fmt::format("{} of unit {} (firmware {}) on {}; Ctrl-C stops safely and keeps the old calibration",
                       check_only ? "verification check" : "calibration", unit->identity().serial, unit->identity().firmware,
                       unit->port()));
  model::Calibration rec = check_only ? calib::verify_unit(*unit, ctx.store(), opt, ctx.user())
                                      : calib::calibrate_unit(*unit, ctx.store(), opt, ctx.user());
  print_record(ctx, rec);
  ctx.note(check_only ? fmt::format("PASS: unit {} measures within {:.1f} N; recorded as {}", rec.unit_id,
                                    rec.tolerance_n.value(), rec.id)
                      : fmt::format("PASS: calibration written to unit {} and read back; recorded as {}; due {}", rec.unit_id,
                                    rec.id, rec.due_at.value().text.substr(0, 10)));
}

std::vector<model::Calibration> history(Context& ctx, const std::string& unit) {
  require_id("unit", unit);
  auto h = calib::calibration_records(ctx.store(), unit);
  if (h.empty())
    throw Error(Exit::not_found, fmt::format("no calibration records for unit {}", unit),
                "calibrate it with 'lever calibrate --port PORT'; 'lever unit info' shows a unit's ID");
  return h;
}

}  // namespace

void add_calibrate(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<CalArgs>();
  auto port_opt = [a](CLI::App* s) {
    s->add_option("--port", a->port, "Unit port (default: $LEVER_PORT, then the store's \"port\")")->type_name("PORT");
    s->add_option("--reference", a->references,
                  "Reference mass (above 0, at most 50 kg), repeatable, with an optional certificate ID (20kg:CERT-123)")
        ->type_name("KG[:CERT]");
    number_in(s->add_option("--tolerance", a->tolerance, "Verification tolerance (default: max(2 N, 1 % of full scale))"),
              {0.01, 1000, false, "N"})
        ->type_name("N");
    s->add_flag("--yes", a->yes, "No questions: the unit's rig hangs the reference masses (scripts, simulator)");
  };
  port_opt(&app);
  number_in(app.add_option("--frame-height", a->frame_height, "Arm/frame height setting (asked on a TTY; default: the unit's)"),
            {30, 250, false, "cm"})
      ->type_name("CM");
  number_in(app.add_option("--due-days", a->due_days, "Days until the next calibration is due"), {1, 3650, true, "days"})
      ->capture_default_str()->type_name("DAYS");
  number_in(app.add_option("--sweep-points", a->sweep_points, "Actuator sweep points"), {3, 20, true})
      ->capture_default_str()->type_name("N");
  app.require_subcommand(0, 1);

  auto* v = app.add_subcommand("verify", "The verification step alone, recorded as a check; nothing written to the unit");
  port_opt(v);
  v->callback([&ctx, a] { run(ctx, *a, true); });

  auto* s = app.add_subcommand("show", "The newest calibration record of a unit, with its verification points");
  s->add_option("UNIT", a->unit, "Unit ID (lower-case serial)")->required()->type_name("UNIT");
  s->callback([&ctx, a] { print_record(ctx, history(ctx, a->unit).back()); });

  auto* h = app.add_subcommand("history", "Every calibration, check and failed or aborted attempt of a unit");
  h->add_option("UNIT", a->unit, "Unit ID (lower-case serial)")->required()->type_name("UNIT");
  h->callback([&ctx, a] {
    std::vector<json> rows;
    for (const auto& r : history(ctx, a->unit)) rows.push_back(calib::record_row(r));
    ctx.out().records(calib::record_columns(), rows);
  });

  app.callback([&ctx, a, &app] {
    if (app.get_subcommands().empty()) run(ctx, *a, false);
  });
}

}  // namespace lever::cmd
