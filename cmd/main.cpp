// lever: body-weight-support treadmill rehabilitation for runners with patellofemoral pain.
// Parses the global options, dispatches to a subcommand, and maps every error to its exit code.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/model/vocab.hpp"
#include "lever/util/error.hpp"
#include "lever/util/text.hpp"

namespace {

using lever::cmd::CommandRow;

// The one table of subcommands (ninja's pattern): `lever --help` and the completions follow it.
const CommandRow kCommands[] = {
    {"athlete", "Add, list, show and edit athletes", lever::cmd::add_athlete},
    {"log-pain", "Log a pain score (0-10) and symptoms, or import a pain log", lever::cmd::add_log_pain},
    {"plan", "Graded-exposure rehab plans: build, show, next session, overrides", lever::cmd::add_plan},
    {"run", "Drive a rehab session on the unit: pre-flight, live control, records, summary", lever::cmd::add_run},
    {"store", "Check the store's documents and references", lever::cmd::add_store},
    {"devices", "List serial ports (name, description, USB VID:PID, serial number)", lever::cmd::add_devices},
    {"unit", "Unit identity, live status, test drive and operator actions", lever::cmd::add_unit},
    {"calibrate", "Technician's calibration of a unit: zero, span, actuator sweep, verification, record", lever::cmd::add_calibrate},
    {"sim", "Run the simulated unit on a pseudo-terminal or TCP port", lever::cmd::add_sim},
    {"report", "Reports for clinicians and pipelines (tables, json, ndjson, csv, HTML)", lever::cmd::add_report},
    {"demo", "The whole job on a simulated unit in a fresh store", lever::cmd::add_demo},
    {"completions", "Print a shell completion script", lever::cmd::add_completions},
    {"__ids", "Print record IDs for shell completion", lever::cmd::add_ids},
};

// Messages quote what the user typed or a file held: shown escaped, so no text can drive the terminal.
void print_error(const std::string& what, const std::string& hint) {
  std::cerr << "lever: error: " << lever::escape_text(what, true) << '\n';
  if (!hint.empty()) std::cerr << "lever: hint: " << lever::escape_text(hint, true) << '\n';
}

// CLI11 says only "A subcommand is required" for both a missing and a mistyped subcommand; this
// names the command, the word it did not know, and the subcommands it does know.
bool print_subcommand_error(CLI::App& app) {
  CLI::App* at = &app;
  for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) at = subs.front();
  if (at->get_require_subcommand_min() == 0 || !at->get_subcommands().empty()) return false;
  std::string path;
  for (CLI::App* a = at; a; a = a->get_parent()) path = a->get_name() + (path.empty() ? "" : " " + path);
  std::string known;
  for (const auto* s : at->get_subcommands([](CLI::App* s) { return s->get_name().rfind("__", 0) != 0; }))
    known += (known.empty() ? "" : ", ") + s->get_name();
  std::vector<std::string> extra;  // the unknown word may have fallen through to a parent
  for (CLI::App* a = at; a && extra.empty(); a = a->get_parent()) extra = a->remaining();
  if (!extra.empty() && !extra.front().empty() && extra.front()[0] != '-')
    print_error(fmt::format("'{}' has no subcommand '{}'", path, extra.front()), fmt::format("use one of: {}", known));
  else
    print_error(fmt::format("'{}' needs a subcommand", path), fmt::format("use one of: {}", known));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  lever::Context ctx;
  CLI::App app{"lever: body-weight-support treadmill rehabilitation for runners with patellofemoral pain", "lever"};
  app.set_version_flag("--version", std::string("lever ") + LEVER_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  auto& g = ctx.g;
  app.add_option("--store", g.store_dir, "Store directory (default: $LEVER_STORE, then $XDG_DATA_HOME/lever)")
      ->type_name("DIR");
  lever::one_of(app.add_option("--format", g.format, "Output format for data on stdout"), lever::model::names<lever::model::Format>());
  app.add_flag("--json", g.json, "Same as --format json");
  app.add_flag("-q,--quiet", g.quiet, "No notes on stderr (errors still print)");
  app.add_flag("-v,--verbose", g.verbose, "More detail on stderr (repeat for more)");
  app.add_flag("--no-color", g.no_color, "No colour in tables (also when NO_COLOR is set)");
  app.add_option("--units", g.units, "Units in tables: metric (kg, km/h) or imperial (lb, mph)")
      ->check(CLI::IsMember({"metric", "imperial"}))
      ->type_name("metric|imperial");
  app.add_option("--user", g.user, "Who is acting, for the audit log (default: $LEVER_USER, then login name)")
      ->type_name("NAME");
  for (const auto& row : kCommands) row.add(*app.add_subcommand(row.name, row.description), ctx);
  lever::apply_text_rule(app);  // every option and positional: valid UTF-8, control characters only in free text

  try {
    app.parse(argc, argv);
    std::cout.flush();
    if (!std::cout) {
      print_error("cannot write the output (stdout closed or full)", "");
      return lever::to_int(lever::Exit::failure);
    }
    return 0;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << '\n';
    return 0;
  } catch (const CLI::RequiredError& e) {
    if (!print_subcommand_error(app)) print_error(e.what(), "run 'lever --help' or 'lever COMMAND --help' for usage");
    return lever::to_int(lever::Exit::usage);
  } catch (const CLI::ParseError& e) {
    print_error(e.what(), "run 'lever --help' or 'lever COMMAND --help' for usage");
    return lever::to_int(lever::Exit::usage);
  } catch (const lever::Error& e) {
    std::cout.flush();
    print_error(e.what(), e.hint());
    return lever::to_int(e.code());
  } catch (const std::exception& e) {
    std::cout.flush();
    print_error(fmt::format("internal error: {}", e.what()), "please report this with the command you ran");
    return lever::to_int(lever::Exit::failure);
  }
}
