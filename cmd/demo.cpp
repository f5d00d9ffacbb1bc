// lever demo: the README's main job in a fresh temporary store (see lever/demo/demo.hpp).
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/demo/demo.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"

namespace lever::cmd {

void add_demo(CLI::App& app, Context& ctx) {
  auto dir = std::make_shared<std::string>();
  app.add_option("--dir", *dir, "Where to create the demo store (default: a new directory under $TMPDIR)")
      ->type_name("DIR");
  app.callback([&ctx, dir] {
    std::string store = *dir;
    if (store.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/lever-demo-XXXXXX";
      if (!::mkdtemp(tmpl.data())) throw_io_error("create a demo directory in", tmpl, errno);
      store = tmpl;
    } else if (std::filesystem::exists(store) && !std::filesystem::is_directory(store)) {
      throw Error(Exit::usage, fmt::format("{} is a file, not a directory", store), "give --dir a new or empty directory");
    } else if (std::filesystem::exists(store) && !std::filesystem::is_empty(store)) {
      throw Error(Exit::usage, fmt::format("{} is not empty", store), "give --dir a new or empty directory");
    }
    Store::init(store);  // the steps name it with --store, which never creates a store
    ctx.note(fmt::format("lever demo: a simulated unit, an athlete and a plan in a fresh store at {}", store));
    int code = demo::run_steps(demo::self_exe(), store, demo::steps(), ctx.g.quiet);
    if (code != 0)
      throw Error(code == 3 ? Exit::safety : Exit::failure, "the demo stopped early",
                  fmt::format("the store is kept at {} for a look", store));
    ctx.note(fmt::format("\nDone. The store is at {}; keep exploring with, for example:\n"
                         "  lever --store {} athlete show ann\n  lever --store {} plan show ann\n"
                         "  lever --store {} report athlete ann --html ann.html",
                         store, store, store, store));
  });
}

}  // namespace lever::cmd
