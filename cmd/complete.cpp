// Hidden helpers for shells: `lever completions SHELL` prints a completion script generated from
// the command table; `lever __ids KIND` prints live values (athlete, session, unit, template IDs).
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "lever/cli/completion.hpp"
#include "lever/util/error.hpp"

namespace lever::cmd {

void add_completions(CLI::App& app, Context&) {
  auto shell = std::make_shared<std::string>();
  app.group("");  // hidden from --help; documented in lever(1)
  app.add_option("SHELL", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  app.callback([&app, shell] { std::cout << completion_script(*app.get_parent(), *shell); });
}

void add_ids(CLI::App& app, Context& ctx) {
  auto kind = std::make_shared<std::string>();
  app.group("");
  app.add_option("KIND", *kind, "Record kind")->required();
  app.callback([&ctx, kind] {
    for (const auto& c : collections())
      if (c.name == *kind && !c.is_log)
        for (const auto& id : ctx.store().list(c)) std::cout << id << '\n';
  });
}

}  // namespace lever::cmd
