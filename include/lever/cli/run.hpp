// How `lever run` meets the command line: its environment filled in from the context (store, user,
// output settings, messages), and how the dry run and the session summary are shown.
#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/context.hpp"
#include "lever/cli/output.hpp"
#include "lever/model/session.hpp"
#include "lever/run/command.hpp"
#include "lever/run/preflight.hpp"
#include "lever/run/program.hpp"

namespace lever::run {

/// The environment of a run in this invocation: the context's store (resolved and checked now),
/// user, format and terminal, with notes, warnings, the audit log and the displays below.
RunEnv run_env(Context& ctx);

/// Prints the program (phase table with forces for `mass_kg`) and the pre-flight checks.
void print_dry_run(Context& ctx, const Program& program, const std::vector<Check>& checks, double mass_kg);

/// Columns of the session summary record (every format).
const std::vector<Column>& summary_columns();

/// The summary record of a finished session (flattened for every format).
nlohmann::json summary_row(const model::Session& session);

/// Prints the summary record of a finished session document: a table or one JSON document, or
/// with ndjson the "end" event that closes the run's event stream.
void print_summary(Context& ctx, const model::Session& session);

}  // namespace lever::run
