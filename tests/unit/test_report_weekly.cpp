#include <cstdlib>

#include <doctest/doctest.h>

#include "lever/report/athlete.hpp"
#include "lever/report/weekly.hpp"

using namespace lever;
using namespace lever::report;
using nlohmann::json;

namespace {
TimePoint at(const char* s) { return *parse_iso(s); }
SessionFacts session(const char* when, double support, double load, double run_min, int pain) {
  SessionFacts f;
  f.id = when;
  f.started_at = at(when);
  f.status = model::SessionStatus::completed;
  f.support_pct = support;
  f.knee_load = load;
  f.run_minutes = run_min;
  f.max_pain_during = pain;
  return f;
}
}  // namespace

TEST_CASE("weekly rows: sessions, support, effective mass, load change and pain per Monday week") {
  setenv("TZ", "UTC", 1);
  std::vector<SessionFacts> s = {session("2026-11-02T10:00:00Z", 20, 1000, 20, 3),   // Mon, week 1
                                 session("2026-11-05T10:00:00Z", 20, 1000, 22, 2),   // Thu, week 1
                                 session("2026-11-09T10:00:00Z", 15, 1200, 24, 4)};  // Mon, week 2
  std::vector<PainFacts> p = {{at("2026-11-03T08:00:00Z"), 2, model::PainWhen::next_day},
                              {at("2026-11-06T08:00:00Z"), 4, model::PainWhen::next_day},
                              {at("2026-11-09T10:20:00Z"), 5, model::PainWhen::during}};
  std::vector<DecisionFacts> d = {{at("2026-11-06T09:00:00Z"), "progress: two acceptable sessions at 20 %"}};
  auto rows = weekly_rows(s, p, d, 75, std::nullopt, std::nullopt);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["week_start"] == "2026-11-02");
  CHECK(rows[0]["sessions"] == 2);
  CHECK(rows[0]["run_minutes"].get<double>() == doctest::Approx(42));
  CHECK(rows[0]["mean_effective_mass_kg"].get<double>() == doctest::Approx(60));  // 75 kg at 20 %: the seed's example
  CHECK(rows[0]["mean_next_day_pain"].get<double>() == doctest::Approx(3));
  CHECK(rows[0]["worst_pain_during"] == 3);
  CHECK(rows[0]["decisions"].size() == 1);
  CHECK(rows[0]["knee_load_change_pct"].is_null());
  CHECK(rows[1]["week_start"] == "2026-11-09");
  CHECK(rows[1]["mean_effective_mass_kg"].get<double>() == doctest::Approx(63.75));
  CHECK(rows[1]["knee_load_change_pct"].get<double>() == doctest::Approx(-40));
  CHECK(rows[1]["worst_pain_during"] == 5);  // a during-run pain entry above the session's own maximum
  // --since leaves the first week out entirely.
  auto later = weekly_rows(s, p, d, 75, at("2026-11-08T00:00:00Z"), std::nullopt);
  REQUIRE(later.size() == 1);
  CHECK(later[0]["week_start"] == "2026-11-09");
}

TEST_CASE("weeks start on Monday in local time") {
  setenv("TZ", "UTC", 1);
  CHECK(format_date(week_start(at("2026-11-29T23:00:00Z"))) == "2026-11-23");  // Sunday
  CHECK(format_date(week_start(at("2026-11-23T00:00:00Z"))) == "2026-11-23");  // Monday
}

TEST_CASE("pseudonyms are stable per salt and do not reveal the ID") {
  auto a = pseudonym("salt-1", "ann"), b = pseudonym("salt-1", "ann"), c = pseudonym("salt-2", "ann");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a.find("ann") == std::string::npos);
  CHECK(pseudonym("salt-1", "ben") != a);
}
