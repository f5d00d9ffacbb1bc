// StoreWriter, the one path a change takes into the store: the write, then its audit entries; a
// failed audit after a durable write warns and keeps the change, a failed audit-only record throws.
#include <filesystem>

#include <doctest/doctest.h>

#include "lever/store/athletes.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

json athlete(const std::string& id) {
  AthleteFields f;
  f.mass_kg = 70;
  return make_athlete(id, f, *parse_iso("2026-11-25T12:00:00Z"));
}

std::vector<json> audit(const Store& s) {
  std::vector<json> all;
  for (const auto& month : s.list(collection("audit")))
    for (auto& r : s.read_log(collection("audit"), month)) all.push_back(std::move(r));
  return all;
}

// Puts a directory where this month's audit log goes, so that appending to it fails.
void break_audit_log(const Store& s) {
  std::filesystem::create_directories(s.path(collection("audit"), format_date(now()).substr(0, 7)));
}

}  // namespace

TEST_CASE("writer: each write is followed by its audit entries, in order") {
  TempDir t;
  Store s(t.path);
  {
    StoreWriter w(s);
    w.save(collection("athlete"), "ann", athlete("ann"), {{"dr", "athlete.add", "ann", {{"mass_kg", 70}}}});
    w.save(collection("athlete"), "bob", athlete("bob"),
           {{"dr", "first", "bob"}, {"engine", "second", "bob", {{"n", 2}}}});
    w.record({"dr", "override", "ann", {{"reason", "on call"}}});
  }
  auto a = audit(s);
  REQUIRE(a.size() == 4);
  CHECK(a[0]["action"] == "athlete.add");
  CHECK(a[0]["details"] == json{{"mass_kg", 70}});
  CHECK(a[1]["action"] == "first");
  CHECK(a[1]["details"] == json::object());
  CHECK(a[2]["user"] == "engine");
  CHECK(a[2]["target"] == "bob");
  CHECK(a[3]["action"] == "override");
  CHECK(s.load(collection("athlete"), "bob").has_value());
}

TEST_CASE("writer: a write that fails is not audited") {
  TempDir t;
  Store s(t.path);
  StoreWriter w(s);
  json bad = athlete("ann");
  bad["mass_kg"] = "heavy";
  CHECK_THROWS_AS(w.save(collection("athlete"), "ann", bad, {{"dr", "athlete.add", "ann"}}), Error);
  CHECK(audit(s).empty());
}

TEST_CASE("writer: the change stands when only its audit entry cannot be written") {
  TempDir t;
  Store s(t.path);
  StoreWriter w(s);
  break_audit_log(s);
  CHECK_NOTHROW(w.save(collection("athlete"), "ann", athlete("ann"), {{"dr", "athlete.add", "ann"}}));
  CHECK(s.load(collection("athlete"), "ann").has_value());
  // An audit entry that is the change itself (an override) must be durable: it throws.
  CHECK_THROWS_AS(w.record({"dr", "calibration.override", "u1"}), Error);
}

TEST_CASE("writer: holds the store's write lock while it lives") {
  TempDir t;
  Store a(t.path), b(t.path);
  setenv("LEVER_LOCK_TIMEOUT", "0.2", 1);
  {
    StoreWriter w(a);
    try {
      StoreWriter second(b);
      FAIL("two writers at once");
    } catch (const Error& e) {
      CHECK(e.code() == Exit::store_busy);
    }
  }
  CHECK_NOTHROW(StoreWriter{b});
  unsetenv("LEVER_LOCK_TIMEOUT");
}
