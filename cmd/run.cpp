// lever run ATHLETE: argument wiring; the logic is in lever/run.
#include <memory>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/cli/run.hpp"
#include "lever/run/command.hpp"

namespace lever::cmd {

void add_run(CLI::App& app, Context& ctx) {
  auto r = std::make_shared<run::RunRequest>();
  app.add_option("ATHLETE", r->athlete, "The athlete in the harness")->required()->type_name("ATHLETE");
  app.add_option("--port", r->port, "Unit port (default: $LEVER_PORT, then the store's \"port\")")->type_name("PORT");
  number_in(app.add_option("--pain-before", r->pain_before, "Knee pain now, asked on a TTY when not given"), {0, 10, true})
      ->type_name("N");
  app.add_option("--program", r->program_file, "A session program (JSON, schemas/program.schema.json) instead of the plan")
      ->type_name("FILE|-");
  number_in(app.add_option("--support", r->support, "Support, % of body weight (a session given on the command line)"), {0, 90},
            Quantity::percent)->type_name("PCT");
  number_in(app.add_option("--speed", r->speed, "Belt speed, km/h or with a unit (6mph)"), {0, 30}, Quantity::speed_kmh)
      ->type_name("KMH");
  number_in(app.add_option("--incline", r->incline, "Incline, default 0; never a decline"), {0, 30}, Quantity::percent)
      ->type_name("PCT");
  number_in(app.add_option("--minutes", r->minutes, "Session length"), {0.01, 240, false, "min"})->type_name("N");
  app.add_flag("--dry-run", r->dry_run, "Print the program and the pre-flight checks; touch no unit");
  app.add_option("--allow-uncalibrated", r->allow_uncalibrated,
                 "Run on a unit that fails the calibration gate, for this stated reason (audited)")->type_name("REASON");
  app.add_flag("--override-rest", r->override_rest,
               "Run although the plan's rest days or sessions per week say not yet (a clinician's call; needs --reason, audited)");
  app.add_option("--reason", r->reason, "Why the rest rule is overridden (with --override-rest)")->type_name("TEXT");
  number_in(app.add_option("--sample-rate", r->sample_rate_hz, "Status events per second with --format ndjson"),
            {0.1, 50, false, "Hz"})->capture_default_str()->type_name("HZ");
  number_in(app.add_option("--telemetry-period", r->telemetry_period_s, "Seconds between stored telemetry samples"),
            {0.05, 60, false, "s"})->capture_default_str()->type_name("S");
  number_in(app.add_option("--loop-hz", r->loop_hz, "Control-loop rate, heartbeats per second"), {10, 100, true, "Hz"})
      ->capture_default_str()->type_name("HZ");
  app.callback([&ctx, r] {
    run::check_request(*r);  // a mistyped command is told so before the store is opened
    run::run_command(run::run_env(ctx), *r);
  });
}

}  // namespace lever::cmd
