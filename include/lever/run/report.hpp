// How `lever run` shows things: the dry-run program and checks, and the session summary record.
#pragma once
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/context.hpp"
#include "lever/run/preflight.hpp"
#include "lever/run/program.hpp"

namespace lever::run {

/// Prints the program (phase table with forces for `mass_kg`) and the pre-flight checks.
void print_dry_run(Context& ctx, const Program& program, const std::vector<Check>& checks, double mass_kg);

/// The commanded support of a session: the highest support of its running phases (else the first phase).
std::optional<double> session_support_pct(const Program& program);

/// The summary record of a finished session document (flattened for every format).
nlohmann::json summary_row(const nlohmann::json& session);

}  // namespace lever::run
