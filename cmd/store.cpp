// lever store check|path: the store's health and location.
#include <algorithm>
#include <iostream>

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
  path->callback([&ctx] { std::cout << ctx.store().dir().string() << '\n'; });
}

}  // namespace lever::cmd
