// lever unit info|watch|drive|hold|lower|reset: argument wiring; the logic is in lever/device.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/cli/columns/unit.hpp"
#include "lever/device/drive.hpp"
#include "lever/device/records.hpp"
#include "lever/device/unit.hpp"
#include "lever/sim/open_port.hpp"
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

// Streams status records: an aligned table on a TTY, NDJSON (or CSV rows) for scripts; json collects.
class StatusStream {
public:
  explicit StatusStream(Context& ctx) : ctx_(ctx), fmt_(ctx.format()) {
    if (fmt_ == Format::table && !ctx.stdout_tty()) fmt_ = Format::ndjson;
  }
  void add(const device::Status& s) {
    json row = device::status_row(s);
    const auto& cols = device::status_columns();
    if (fmt_ == Format::table) {
      if (n_++ % 20 == 0) {
        for (const auto& c : cols) std::cout << fmt::format("{:>11}", c.header);
        std::cout << '\n';
      }
      for (const auto& c : cols) std::cout << fmt::format("{:>11}", ctx_.out().cell(c, row[c.key]));
      std::cout << std::endl;
    } else if (fmt_ == Format::csv) {
      std::string line;
      if (n_++ == 0) {
        for (auto it = row.begin(); it != row.end(); ++it) line += (line.empty() ? "" : ",") + csv_field(it.key());
        std::cout << line << "\r\n";
        line.clear();
      }
      bool first = true;
      for (auto it = row.begin(); it != row.end(); ++it, first = false) line += (first ? "" : ",") + csv_field(csv_text(it.value()));
      std::cout << line << "\r\n" << std::flush;
    } else if (fmt_ == Format::ndjson) {
      std::cout << row.dump() << '\n' << std::flush;
    } else {
      all_.push_back(row);
    }
  }
  void finish() {
    if (fmt_ == Format::json) std::cout << json(all_).dump(2) << '\n';
  }

private:
  Context& ctx_;
  Format fmt_;
  long n_ = 0;
  std::vector<json> all_;
};

void info(Context& ctx, const UnitArgs& a) {
  auto unit = open(ctx, a);
  std::optional<device::Calibration> cal;
  if (unit->compatible()) cal = unit->read_calibration();
  std::optional<device::Status> st;
  if (unit->wait_for([](const device::Status&) { return true; }, 1s)) st = unit->status();
  json doc = device::unit_document(unit->identity(), cal, st, unit->compatible(), unit->port());
  device::save_unit_document(ctx.store(), doc);
  if (ctx.format() == Format::json || ctx.format() == Format::ndjson) ctx.out().json_value(doc);
  else ctx.out().record(device::unit_info_columns(), device::unit_info_row(doc));
  if (!unit->compatible())
    ctx.warn(fmt::format("lever cannot drive this unit: {}; update lever or the unit firmware", unit->incompatibility()));
  if (st && device::is_safe_state(st->state))
    ctx.warn(fmt::format("the unit is in {} ({}); an operator must act: 'lever unit reset' after clearing the cause, "
                         "'lever unit lower' to release the support", device::state_name(st->state),
                         device::describe_faults(st->faults)));
}

void watch(Context& ctx, const UnitArgs& a) {
  device::install_stop_signals();
  auto unit = open(ctx, a);
  unit->set_status_rate(a.rate);
  StatusStream out(ctx);
  auto& clock = unit->clock();
  auto end = clock.now() + std::chrono::duration_cast<device::Nanos>(std::chrono::duration<double>(a.seconds));
  long n = 0;
  while (!device::stop_requested()) {
    if (a.count > 0 && n >= a.count) break;
    if (a.seconds > 0 && clock.now() >= end) break;
    if (unit->poll(200ms)) {
      out.add(unit->status());
      ++n;
      if (!std::cout) break;  // the reader went away (e.g. `| head`): nothing more to do
    }
  }
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
  StatusStream out(ctx);
  ctx.note(fmt::format("test drive on {}: {:.1f} N support, {:.1f} km/h, {:.1f} % for {:g} s (Ctrl-C holds the unit)",
                       unit->port(), opt.targets.force_n, opt.targets.speed_kmh, opt.targets.incline_pct, opt.seconds));
  device::DriveResult r;
  try {
    r = device::drive(*unit, opt, [&](const device::Status& s) { out.add(s); });
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
  number_in(w->add_option("--rate", a->rate, "Status rate"), kRate)->capture_default_str()->type_name("HZ");
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
