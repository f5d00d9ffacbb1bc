// Builds a large clinic store for the report benchmarks: N athletes, each with a plan, sessions and
// a pain log, plus units with calibration records. Every document is what lever itself would write
// (it is built with lever's own functions and validated), but files are written without fsync: this
// is test data, and 250,000 fsyncs would take longer than the benchmark.
// Usage: gen_store DIR [athletes=1000] [sessions=50000] [pain=200000]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>

#include <sys/stat.h>

#include <fmt/format.h>

#include "lever/plan/plan.hpp"
#include "lever/plan/templates.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/store.hpp"
#include "lever/util/fs.hpp"

using namespace lever;
using nlohmann::json;

namespace {
void put(const fs::path& p, const json& doc, bool pretty = true) {
  std::ofstream f(p);
  f << (pretty ? doc.dump(2) : doc.dump()) << '\n';
}
void check(const char* kind, const json& doc) {
  auto problems = Store::validate(collection(kind), doc);
  if (!problems.empty()) {
    std::cerr << "gen_store: generated an invalid " << kind << ": " << problems.front() << '\n';
    std::exit(1);
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: gen_store DIR [athletes] [sessions] [pain]\n";
    return 2;
  }
  // A store's files are private (0600, directories 0700) as lever makes them; otherwise `store check`
  // would report every file and the benchmark would time the error path.
  ::umask(077);
  fs::path dir = argv[1];
  int n_ath = argc > 2 ? std::atoi(argv[2]) : 1000;
  int n_ses = argc > 3 ? std::atoi(argv[3]) : 50000;
  int n_pain = argc > 4 ? std::atoi(argv[4]) : 200000;
  Store store(dir);
  { auto lock = store.lock(); }
  for (const char* d : {"athletes", "plans", "sessions", "pain", "units", "calibrations"}) make_private_dirs(dir / d);
  std::mt19937 rng(42);
  auto t0 = now() - std::chrono::hours(24 * 7 * 20);
  for (int u = 0; u < 4; ++u) {
    std::string id = fmt::format("sim-{:04d}", u + 1);
    json unit = {{"schema_version", 1}, {"id", id}, {"serial", fmt::format("SIM-{:04d}", u + 1)}, {"firmware", "1.0.0"},
                 {"protocol_version", 1}, {"last_seen_at", format_iso(now())},
                 {"limits", {{"max_support_force_n", 400.0}, {"max_support_slew_n_per_s", 50.0}, {"max_speed_kmh", 20.0},
                             {"max_accel_kmh_per_s", 2.0}, {"max_incline_pct", 15.0}, {"min_incline_pct", 0.0}}}};
    check("unit", unit);
    put(dir / "units" / (id + ".json"), unit);
    json cal = {{"schema_version", 1}, {"id", "cal-" + id}, {"unit_id", id}, {"serial", unit["serial"]}, {"firmware", "1.0.0"},
                {"kind", "calibration"}, {"result", "pass"}, {"started_at", format_iso(now() - std::chrono::hours(24 * (60 + 50 * u)))},
                {"technician", "tech"}, {"due_at", format_iso(now() + std::chrono::hours(24 * (120 - 50 * u)))}};
    check("calibration", cal);
    put(dir / "calibrations" / ("cal-" + id + ".json"), cal);
  }
  auto tmpl = plan::load_template(store, "return-to-run");
  int per_ath_ses = n_ses / n_ath, per_ath_pain = n_pain / n_ath;
  for (int a = 0; a < n_ath; ++a) {
    std::string id = fmt::format("ath-{:04d}", a);
    AthleteFields f;
    f.mass_kg = 55 + static_cast<double>(rng() % 40);
    f.cadence_spm = 155 + static_cast<double>(rng() % 20);
    f.name = fmt::format("Athlete {}", a);
    json ath = make_athlete(id, f, t0);
    plan::PlanRequest req;
    req.severity = a % 2 ? "mild" : "moderate";
    json pl = plan::build_plan(req, ath, tmpl, std::nullopt, "dr", t0);
    // Every 50th athlete was flagged after the plan was made (the plan itself refuses flagged athletes).
    if (a % 50 == 0) set_athlete_flag(ath, "suspected-meniscal", "", "dr", t0 + std::chrono::hours(24 * 30));
    check("athlete", ath);
    put(dir / "athletes" / (id + ".json"), ath);
    check("plan", pl);
    put(dir / "plans" / (id + ".json"), pl);
    std::string pain;
    for (int s = 0; s < per_ath_ses; ++s) {
      auto start = t0 + std::chrono::hours(24 * 2 * s + a % 24);
      std::string sid = fmt::format("s-{}-{:03d}", id, s);
      int pmax = static_cast<int>(rng() % 6);
      json ses = {{"schema_version", 1}, {"id", sid}, {"athlete_id", id}, {"started_at", format_iso(start)},
                  {"ended_at", format_iso(start + std::chrono::minutes(25))}, {"status", "completed"}, {"plan_step", 1 + s / 6},
                  {"support_pct", 20.0 - 2.5 * (s / 6 % 8)}, {"measured_support_pct", 19.4 - 2.5 * (s / 6 % 8)},
                  {"max_pain_during", pmax}, {"stop_reason", nullptr}, {"duration_s", 1500.0}, {"run_s", 1200.0},
                  {"distance_km", 2.7}, {"steps", 3400}, {"cadence_spm", 170.2}, {"knee_load", static_cast<double>(2000 + rng() % 800)},
                  {"unit_id", "sim-0001"}};
      check("session", ses);
      put(dir / "sessions" / (sid + ".json"), ses);
    }
    for (int p = 0; p < per_ath_pain; ++p) {
      auto at = t0 + std::chrono::hours(12 * p + 20);
      json e = {{"schema_version", 1}, {"id", fmt::format("p-{}-{:04d}", id, p)}, {"athlete_id", id},
                {"score", static_cast<int>(rng() % 7)}, {"when", p % 4 == 0 ? "during" : (p % 4 == 1 ? "next-day" : "after")},
                {"at", format_iso(at)}, {"logged_at", format_iso(at)}, {"by", "gen"}, {"source", "import"}};
      if (a == 0 && p == 0) check("pain", e);
      pain += e.dump() + "\n";
    }
    std::ofstream(dir / "pain" / (id + ".ndjson")) << pain;
  }
  std::cerr << fmt::format("gen_store: {} athletes, {} sessions, {} pain entries in {}\n", n_ath, per_ath_ses * n_ath,
                           per_ath_pain * n_ath, dir.string());
  return 0;
}
