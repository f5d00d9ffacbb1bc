// lever unit info|watch|drive|hold|lower|reset: argument wiring; the logic is in lever/device.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/cli/columns/unit.hpp"
#include "lever/cli/record_stream.hpp"
#include "lever/device/drive.hpp"
#include "lever/device/records.hpp"
#include "lever/device/unit.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/device/unit_use_cases.hpp"
#include "lever/util/error.hpp"
#include "lever/util/signals.hpp"
#include "lever/util/units.hpp"

namespace lever::cmd {

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct UnitArgs {
  std::string port;
  int rate = 20;
  std::optional<int> watch_rate;  // unit watch asks for a rate only when told to
  long count = 0;
  double seconds = 0;
  std::string support, speed = "0", incline = "0";
  double lower_rate = 10;
};

std::unique_ptr<device::Unit> open(Context& ctx, const UnitArgs& a) {
  auto port = transport::resolve_port(a.port, ctx.store());
  ctx.debug("opening " + port);
  return device::open_unit(port, ctx.store());
}

// The live status stream on stdout: a table on a TTY, NDJSON (or CSV rows) for scripts; json collects.
RecordStream status_stream(Context& ctx) { return RecordStream(ctx.out(), std::cout, ctx.stdout_tty(), device::status_columns()); }

void info(Context& ctx, const UnitArgs& a) {
  auto unit = open(ctx, a);
  auto r = device::inspect_unit(*unit, ctx.store());
  if (ctx.format() == Format::json || ctx.format() == Format::ndjson) ctx.out().json_value(r.doc);
  else ctx.out().record(device::unit_info_columns(), device::unit_info_row(r.doc));
  if (!unit->compatible())
    ctx.warn(fmt::format("lever cannot drive this unit: {}; update lever or the unit firmware", unit->incompatibility()));
  if (r.status && device::is_safe_state(r.status->state))
    ctx.warn(fmt::format("the unit is in {} ({}); an operator must act: 'lever unit reset' after clearing the cause, "
                         "'lever unit lower' to release the support", device::state_name(r.status->state),
                         device::describe_faults(r.status->faults)));
}

void watch(Context& ctx, const UnitArgs& a) {
  device::install_stop_signals();
  auto unit = open(ctx, a);
  auto out = status_stream(ctx);
  device::watch(*unit, {a.watch_rate, a.count, a.seconds}, [&](const device::Status& s) { return out.add(device::status_row(s)); });
  out.finish();
  if (device::stop_requested())
    throw Error(static_cast<Exit>(128 + device::stop_signal()), "watch interrupted", "");
}

void drive(Context& ctx, const UnitArgs& a) {
  device::DriveOptions opt;
  opt.targets = {parse_number(a.support, "--support"), parse_speed_kmh(a.speed, "--speed"), parse_percent(a.incline, "--incline")};
  opt.seconds = a.seconds > 0 ? a.seconds : 10;
  opt.status_hz = a.rate;
  opt.lower_rate_n_s = a.lower_rate;
  auto unit = open(ctx, a);
  auto out = status_stream(ctx);
  ctx.note(fmt::format("test drive on {}: {:.1f} N support, {:.1f} km/h, {:.1f} % for {:g} s (Ctrl-C holds the unit)",
                       unit->port(), opt.targets.force_n, opt.targets.speed_kmh, opt.targets.incline_pct, opt.seconds));
  device::DriveResult r;
  try {
    r = device::drive(*unit, opt, [&](const device::Status& s) { out.add(device::status_row(s)); });
  } catch (...) {
    out.finish();
    throw;
  }
  out.finish();
  if (r.signal)
    throw Error(static_cast<Exit>(128 + r.signal),
                fmt::format("stopped by signal {}: the unit is in HOLD, belt stopping, support held at {:.1f} N", r.signal,
                            r.last.target_n),
                "release the runner with 'lever unit lower'");
  ctx.note("test drive complete: belt stopped, support released, unit disarmed");
}

}  // namespace

// The status rates the protocol offers (device.md) and the support release rates lever allows.
const NumberRange kRate{10, 100, true, "Hz"};
const NumberRange kLowerRate{1, 20, false, "N/s"};

void add_unit(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<UnitArgs>();
  app.require_subcommand(1);
  auto port_opt = [&](CLI::App* s) {
    s->add_option("--port", a->port, "Unit port (default: $LEVER_PORT, then the store's \"port\")")->type_name("PORT");
  };
  auto* i = app.add_subcommand("info", "Identity, limits, calibration, state and faults; records units/<id>.json");
  port_opt(i);
  i->callback([&ctx, a] { info(ctx, *a); });

  auto* w = app.add_subcommand("watch", "The live status stream (a table on a TTY, NDJSON for scripts)");
  port_opt(w);
  number_in(w->add_option("--rate", a->watch_rate,
                           "Ask the unit for this status rate (default: listen at the rate it streams); a command, so it "
                           "feeds the unit's watchdog once"),
            kRate)
      ->type_name("HZ");
  auto* c = number_in(w->add_option("--count", a->count, "Stop after N statuses"), {1, 1e9, true})->type_name("N");
  auto* s = number_in(w->add_option("--seconds", a->seconds, "Stop after S seconds"), {0.01, 86400, false, "s"})->type_name("S");
  c->excludes(s);
  w->callback([&ctx, a] { watch(ctx, *a); });

  auto* d = app.add_subcommand("drive", "Technician test drive at fixed targets, then a safe stop and release");
  port_opt(d);
  number_in(d->add_option("--support", a->support, "Support force, within the unit's own limit too"), {0, 2000, false, "N"})
      ->required()->type_name("N");
  number_in(d->add_option("--speed", a->speed, "Belt speed, km/h or with a unit (6mph)"), {0, 30}, Quantity::speed_kmh)
      ->capture_default_str()->type_name("KMH");
  number_in(d->add_option("--incline", a->incline, "Incline"), {0, 30}, Quantity::percent)->capture_default_str()->type_name("PCT");
  number_in(d->add_option("--seconds", a->seconds, "How long to run at the targets (default 10)"), {0.01, 3600, false, "s"})
      ->type_name("S");
  number_in(d->add_option("--rate", a->rate, "Status rate"), kRate)->capture_default_str()->type_name("HZ");
  number_in(d->add_option("--lower-rate", a->lower_rate, "Support release rate at the end"), kLowerRate)
      ->capture_default_str()->type_name("N/S");
  d->callback([&ctx, a] { drive(ctx, *a); });

  auto* h = app.add_subcommand("hold", "HOLD now: belt controlled stop, support held");
  port_opt(h);
  h->callback([&ctx, a] {
    auto unit = open(ctx, *a);
    unit->hold();
    ctx.note("unit in HOLD (or a stricter safe state): belt stopping, support held");
  });

  auto* l = app.add_subcommand("lower", "Operator release: lower the support slowly, then disarm");
  port_opt(l);
  number_in(l->add_option("--rate", a->lower_rate, "Lowering rate"), kLowerRate)->capture_default_str()->type_name("N/S");
  l->callback([&ctx, a] {
    auto unit = open(ctx, *a);
    device::release_support(*unit, a->lower_rate, {});
    // The state the unit reports after the release (release_support waits for the status after DISARM).
    const auto& st = unit->status();
    if (st.state == device::State::idle)
      ctx.note("support released; unit is IDLE (disarmed)");
    else if (st.state == device::State::fault || st.state == device::State::estop)
      ctx.note(fmt::format("support lowered to {:.1f} N; unit is {} ({}): clear the cause, 'lever unit reset', then "
                           "'lever unit lower' again to disarm",
                           st.target_n, device::state_name(st.state), device::describe_faults(st.faults)));
    else
      throw Error(Exit::unit_unavailable,
                  fmt::format("support lowered to {:.1f} N, but the unit still reports {} after DISARM", st.target_n,
                              device::state_name(st.state)),
                  "run 'lever unit info' to see the unit's state; then 'lever unit lower' again");
  });

  auto* r = app.add_subcommand("reset", "Operator reset of a latched FAULT/ESTOP once its cause is cleared (-> HOLD)");
  port_opt(r);
  r->callback([&ctx, a] {
    auto unit = open(ctx, *a);
    // Learn the state first, so a refusal can say which state the unit is in.
    unit->wait_for([](const device::Status&) { return true; }, std::chrono::seconds(1));
    unit->reset_fault();
    ctx.note("fault cleared: the unit is in HOLD with the support held; 'lever unit lower' releases it");
  });
}

}  // namespace lever::cmd
