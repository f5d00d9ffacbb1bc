// lever sim: the simulated unit as a separate process on a pty or TCP port (lever-protocol(7)).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/sim/open_port.hpp"
#include "lever/sim/server.hpp"
#include "lever/sim/sim_transport.hpp"
#include "lever/util/error.hpp"
#include "lever/util/units.hpp"

namespace lever::cmd {

namespace {
struct SimArgs {
  std::string pty, tcp, faults, nvram, serial = "SIM-0001", mass, gain_error, offset_error;
  std::uint64_t seed = 1;
  double time_scale = 1, cadence = 170, seconds = 0;
  int baud = 115200;
  bool no_pacing = false;
};
}  // namespace

void add_sim(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<SimArgs>();
  auto* pty = app.add_option("--pty", a->pty, "Create a pseudo-terminal and a symlink to it at PATH")->type_name("PATH");
  auto* tcp = app.add_option("--tcp", a->tcp, "Listen for one host at HOST:PORT (or :PORT)")->type_name("ADDR");
  pty->excludes(tcp);
  app.add_option("--faults", a->faults, "Fault script, e.g. estop@30s,drift=5%@60s,drop=0.01,noise=4:2s@1s")->type_name("SPEC");
  number_in(app.add_option("--seed", a->seed, "Seed for noise and fault dice (same seed, same run)"), {0, 9007199254740992.0, true})
      ->capture_default_str()->type_name("N");
  number_in(app.add_option("--time-scale", a->time_scale, "Unit time runs X times faster than real time"), {0.001, 1000})
      ->capture_default_str()->type_name("X");
  app.add_option("--nvram", a->nvram, "Non-volatile memory file (default: <store>/sim/<serial>.json)")->type_name("FILE");
  app.add_option("--serial", a->serial, "Serial number of a factory-fresh unit (ASCII letters, digits and '-', at most 32)")
      ->capture_default_str()->type_name("SERIAL");
  number_in(app.add_option("--mass", a->mass, "Runner mass in the harness (75kg, 165lb)"), {20, 300}, Quantity::mass_kg)
      ->type_name("KG");
  number_in(app.add_option("--cadence", a->cadence, "Runner cadence"), {60, 260, false, "steps/min"})
      ->capture_default_str()->type_name("SPM");
  number_in(app.add_option("--gain-error", a->gain_error, "Make the true load-cell gain differ from the calibration (3 or 3%)"),
            {-50, 50}, Quantity::percent)
      ->type_name("PCT");
  number_in(app.add_option("--offset-error", a->offset_error, "Make the true load-cell zero differ by N newtons"),
            {-1000, 1000, false, "N"})
      ->type_name("N");
  number_in(app.add_option("--baud", a->baud, "Line rate to pace to (10 bits a byte)"), {300, 4000000, true})
      ->capture_default_str()->type_name("BAUD");
  app.add_flag("--no-pacing", a->no_pacing, "Do not pace to the line rate (not like a real cable)");
  number_in(app.add_option("--seconds", a->seconds, "Stop after S seconds (default: until Ctrl-C)"), {0, 86400, false, "s"})
      ->type_name("S");
  app.callback([&ctx, a] {
    if (a->pty.empty() && a->tcp.empty())
      throw Error(Exit::usage, "lever sim needs --pty PATH or --tcp ADDR",
                  "e.g. 'lever sim --pty /tmp/lever-unit' then 'lever unit info --port pty:/tmp/lever-unit'; "
                  "for an in-process simulator use --port sim: on any command");
    // The same option parser as the sim: PORT keeps the two ways of starting a simulator in step.
    std::string port = "sim:" + a->serial + "?seed=" + std::to_string(a->seed);
    if (!a->faults.empty()) port += "&faults=" + a->faults;
    if (!a->nvram.empty()) port += "&nvram=" + a->nvram;
    if (!a->mass.empty()) port += "&mass=" + a->mass;
    // A percentage here (3 means 3 %), a share or a percentage in a port string: passed on as one.
    if (!a->gain_error.empty()) port += fmt::format("&gain-error={}%", parse_percent(a->gain_error, "--gain-error"));
    if (!a->offset_error.empty()) port += "&offset-error=" + a->offset_error;
    port += fmt::format("&cadence={}", a->cadence);
    // With --nvram the store is not used at all; without, the memory lives in the store, which must be one.
    auto cfg = sim::sim_config(transport::parse_port(port), a->nvram.empty() ? ctx.store().dir() : ctx.store_unchecked().dir());
    sim::ServerOptions opt;
    opt.pty_path = a->pty;
    opt.tcp_addr = a->tcp;
    opt.time_scale = a->time_scale;
    opt.baud = a->baud;
    opt.pace = !a->no_pacing;
    opt.seconds = a->seconds;
    opt.log = [&ctx](const std::string& line) { ctx.note("lever sim: " + line); };
    int sig = sim::run_sim_server(cfg, opt);
    if (sig) throw Error(static_cast<Exit>(128 + sig), fmt::format("simulator stopped by signal {}", sig), "");
  });
}

}  // namespace lever::cmd
