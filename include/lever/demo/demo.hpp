// `lever demo`: the whole job on a simulated unit in a fresh store, as a newcomer would type it.
// Each step runs the real lever binary as a child process, so the demo shows real commands that
// can be copied, and exercises exactly what a clinic would run.
#pragma once
#include <string>
#include <vector>

namespace lever::demo {

/// One step of the demo: what it shows, and the lever arguments (after --store DIR).
struct Step {
  std::string title;              ///< shown before the command, e.g. "Calibrate the simulated unit"
  std::vector<std::string> args;  ///< lever arguments, e.g. {"athlete", "add", "ann", ...}
};

/// The demo's steps for a store directory (the in-process simulator on a virtual clock).
std::vector<Step> steps();

/// Runs every step with `lever_exe --store store_dir ...`, echoing each command to stderr; stops at
/// the first failing step and returns its exit status (0 when all passed).
int run_steps(const std::string& lever_exe, const std::string& store_dir, const std::vector<Step>& steps,
              bool quiet);

/// The path of the running executable (/proc/self/exe).
std::string self_exe();

}  // namespace lever::demo
