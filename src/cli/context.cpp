#include "lever/cli/context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "lever/util/error.hpp"
#include "lever/util/text.hpp"

namespace lever {

Store& Context::store_unchecked() {
  // Only the configured place (LEVER_STORE, or the XDG default) is created by a first write; a
  // --store DIR names an existing store (a mistyped one must not become a new, empty store).
  if (!store_) store_ = std::make_unique<Store>(Store::resolve_dir(g.store_dir), g.store_dir.empty());
  return *store_;
}

Store& Context::store() {
  auto& s = store_unchecked();
  if (!store_checked_) {
    s.require_readable();
    store_checked_ = true;
  }
  return s;
}

Format Context::format() { return g.json ? Format::json : parse_format(g.format); }

Printer& Context::out() {
  if (!printer_) {
    OutputOptions o;
    o.format = format();
    const char* nc = std::getenv("NO_COLOR");
    o.color = stdout_tty() && !g.no_color && !(nc && *nc);
    std::string units = g.units;
    if (units.empty()) {
      try {
        units = store().config().value("units", "metric");
      } catch (const Error&) {
        units = "metric";  // a damaged store.json must not stop a listing; store check reports it
      }
    }
    if (units != "metric" && units != "imperial")
      throw Error(Exit::usage, "unknown unit system '" + units + "'", "use --units metric or --units imperial");
    o.units = units == "imperial" ? UnitSystem::imperial : UnitSystem::metric;
    printer_ = std::make_unique<Printer>(o, std::cout);
  }
  return *printer_;
}

std::string Context::user() { return resolve_user(g.user); }

void Context::note(const std::string& msg) {
  if (!g.quiet) std::cerr << escape_text(msg, true) << '\n';
}

void Context::warn(const std::string& msg) { print_warning(msg); }

void Context::debug(const std::string& msg) {
  if (g.verbose > 0) std::cerr << "lever: " << escape_text(msg, true) << '\n';
}

bool Context::stdout_tty() const { return ::isatty(STDOUT_FILENO) == 1; }
bool Context::stderr_tty() const { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace lever
