// Store::read_log_tail reads a small block from the end first (report clinic reads a thousand
// tails); it must still give the newest n intact records however long or damaged the lines are.
#include <fstream>

#include <doctest/doctest.h>

#include "lever/store/store.hpp"
#include "lever/util/fs.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {
json entry(int i, const std::string& note) {
  json e = {{"schema_version", 1}, {"id", "p-" + std::to_string(i)}, {"athlete_id", "ann"}, {"score", i % 11},
            {"when", "after"}, {"at", "2026-11-25T10:00:00+00:00"}, {"logged_at", "2026-11-25T10:00:00+00:00"}, {"by", "t"}};
  if (!note.empty()) e["note"] = note;
  return e;
}
}  // namespace

TEST_CASE("the tail of a log is the newest intact records, past long and damaged lines") {
  TempDir t;
  Store s(t.path);
  { auto lock = s.lock(); }
  make_private_dirs(t.path / "pain");
  std::ofstream f(t.path / "pain" / "ann.ndjson");
  for (int i = 0; i < 300; ++i) f << entry(i, i >= 200 ? std::string(1500, 'x') : "").dump() << '\n';
  for (int i = 0; i < 40; ++i) f << "{\"schema_version\":1,\"id\":\"damaged\"}\n";  // ~1.5 kB, not records
  f << entry(300, "").dump() << '\n';
  f.close();
  auto tail = s.read_log_tail(collection("pain"), "ann", 20);
  REQUIRE(tail.size() == 20);
  CHECK(tail.back()["id"] == "p-300");
  CHECK(tail.front()["id"] == "p-281");
  auto all = s.read_log_tail(collection("pain"), "ann", 1000);
  CHECK(all.size() == 301);
  CHECK(all.front()["id"] == "p-0");
  CHECK(s.read_log_tail(collection("pain"), "nobody", 5).empty());
}
