// The subcommands of lever: one registration function per file in cmd/, listed in one table.
#pragma once
#include <CLI/CLI.hpp>

#include "lever/cli/context.hpp"

namespace lever::cmd {

/// Fills in one subcommand (already created with its name and description): options and action.
using Register = void (*)(CLI::App& app, Context& ctx);

/// One row of the command table: the name, a one-line description, and its registration.
struct CommandRow {
  const char* name;         ///< the subcommand as typed
  const char* description;  ///< one line for `lever --help`
  Register add;             ///< wires its options and action
};

void add_athlete(CLI::App& app, Context& ctx);   ///< lever athlete add|list|show|edit
void add_log_pain(CLI::App& app, Context& ctx);  ///< lever log-pain
void add_plan(CLI::App& app, Context& ctx);      ///< lever plan new|show|list|next|history|templates|...
void add_store(CLI::App& app, Context& ctx);     ///< lever store check|path
void add_run(CLI::App& app, Context& ctx);       ///< lever run ATHLETE
void add_devices(CLI::App& app, Context& ctx);   ///< lever devices
void add_unit(CLI::App& app, Context& ctx);      ///< lever unit info|watch|drive|hold|lower|reset
void add_calibrate(CLI::App& app, Context& ctx); ///< lever calibrate [verify|show|history]
void add_sim(CLI::App& app, Context& ctx);       ///< lever sim --pty PATH | --tcp ADDR
void add_report(CLI::App& app, Context& ctx);    ///< lever report athlete|pain
void add_demo(CLI::App& app, Context& ctx);      ///< lever demo
void add_completions(CLI::App& app, Context& ctx);  ///< lever completions SHELL (hidden)
void add_ids(CLI::App& app, Context& ctx);          ///< lever __ids KIND (hidden, for completions)

/// Brings every plan up to its evidence (plan::refresh_all_plans) for an overview, naming each new
/// decision on stderr and warning of each plan it could not decide (defined in plan.cpp).
void refresh_every_plan(Context& ctx);

}  // namespace lever::cmd
