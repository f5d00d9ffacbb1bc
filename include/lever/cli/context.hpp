// What every subcommand shares: the global options, the store, the printer and diagnostics on stderr.
#pragma once
#include <memory>
#include <string>

#include "lever/cli/output.hpp"
#include "lever/store/store.hpp"

namespace lever {

/// The global options of product.md, accepted before or after the subcommand.
struct GlobalOptions {
  std::string store_dir;       ///< --store DIR
  std::string format = "table";///< --format
  bool json = false;           ///< --json (same as --format json)
  bool quiet = false;          ///< -q: no notes on stderr (errors still print)
  int verbose = 0;             ///< -v (repeatable): more detail on stderr
  bool no_color = false;       ///< --no-color
  std::string units;           ///< --units metric|imperial (tables only); default from the store config
  std::string user;            ///< --user, recorded in the audit log
};

/// Shared state of one lever invocation, handed to every subcommand.
class Context {
public:
  /// The parsed global options.
  GlobalOptions g;
  /// The store (resolved from --store, LEVER_STORE, XDG on first use); Error(not_found) when that
  /// path is not a lever store (Store::require_readable).
  Store& store();
  /// The store, without checking that it is one (for `store path`).
  Store& store_unchecked();
  /// The printer for data on stdout, configured from the global options.
  Printer& out();
  /// The format chosen with --format or --json.
  Format format();
  /// Who is acting, for the audit log.
  std::string user();
  /// A note for people on stderr (suppressed by -q).
  void note(const std::string& msg);
  /// A warning on stderr (always shown).
  void warn(const std::string& msg);
  /// Detail on stderr shown only with -v.
  void debug(const std::string& msg);
  /// True when stdout is a terminal (progress and live displays only then).
  bool stdout_tty() const;
  /// True when stderr is a terminal.
  bool stderr_tty() const;

private:
  std::unique_ptr<Store> store_;
  bool store_checked_ = false;
  std::unique_ptr<Printer> printer_;
};

}  // namespace lever
