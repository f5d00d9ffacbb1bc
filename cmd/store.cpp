// lever store check|path|init: the store's health, location and creation.
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/util/error.hpp"

namespace lever::cmd {

void add_store(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  auto* check = app.add_subcommand("check", "Verify every document against its schema and every cross-reference");
  check->callback([&ctx] {
    auto& store = ctx.store();
    auto problems = store.check();
    std::vector<nlohmann::json> rows;
    size_t errors = 0;
    for (const auto& p : problems) {
      if (!p.warning) ++errors;
      rows.push_back({{"file", p.file}, {"line", p.line ? nlohmann::json(p.line) : nlohmann::json()},
                      {"severity", p.warning ? "warning" : "error"}, {"problem", p.message}});
    }
    auto& out = ctx.out();
    if (!out.is_table() || !rows.empty())
      out.records({{"severity", "Severity"}, {"file", "File"}, {"line", "Line"}, {"problem", "Problem"}}, rows);
    if (errors) {
      const auto& first = *std::find_if(problems.begin(), problems.end(), [](const StoreProblem& p) { return !p.warning; });
      throw Error(Exit::invalid_data,
                  fmt::format("the store {} has {} problem{}, first {}{}: {}", store.dir().string(), errors, errors == 1 ? "" : "s",
                              first.file, first.line ? fmt::format(" line {}", first.line) : "", first.message),
                  "fix or restore the files named above from a backup, then run 'lever store check' again");
    }
    ctx.note(fmt::format("store {} is healthy{}", store.dir().string(),
                         problems.empty() ? "" : fmt::format(" ({} warning{})", problems.size(), problems.size() == 1 ? "" : "s")));
  });
  auto* path = app.add_subcommand("path", "Print the store directory in use");
  path->callback([&ctx] { std::cout << ctx.store_unchecked().dir().string() << '\n'; });
  auto* init = app.add_subcommand("init", "Make DIR (new or empty) a lever store: the way to start a store that --store names");
  auto dir = std::make_shared<std::string>();
  init->add_option("DIR", *dir, "The directory for the new store (created 0700 if missing; must be empty otherwise)")
      ->required()
      ->type_name("DIR");
  init->callback([&ctx, dir] {
    if (dir->empty()) throw Error(Exit::usage, "the store directory is empty", "name a directory: lever store init DIR");
    if (Store::init(*dir)) {
      ctx.note(fmt::format("created a new lever store at {}", *dir));
      return;
    }
    ctx.note(fmt::format("{} is already a lever store; nothing changed", *dir));
  });
}

}  // namespace lever::cmd
