// Progression engine scenarios for every profile (domain.md, "Progression engine").
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "lever/plan/engine.hpp"
#include "lever/plan/response.hpp"
#include "lever/util/error.hpp"

using namespace lever::plan;
using lever::model::CorrectionKind;
using lever::model::PainWhen;
using lever::model::SessionStatus;
using lever::model::Swelling;
using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

lever::TimePoint T(const std::string& s) { return *lever::parse_iso(s); }

// Day d of the scenario (2026-12-01 + d) at hh:00 UTC.
lever::TimePoint day(int d, int hh = 10) {
  return T("2026-12-01T00:00:00Z") + hours(24 * d + hh);
}

json plan_doc(const std::string& prof, int step = 3) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  json steps = json::array();
  int pct[] = {20, 15, 10, 5, 0};
  for (int i = 0; i < 5; ++i) steps.push_back({{"step", i + 1}, {"support_pct", pct[i]}});
  return {{"profile", prof}, {"steps", steps}, {"current_step", step}, {"streak", 0}, {"unacceptable_run", 0},
          {"status", "active"}, {"created_at", "2026-11-30T00:00:00Z"}, {"rules", json::object()},
          {"history", json::array()}};
}

// A scenario: sessions every other day, each with the logs the profile needs at the given scores.
struct Builder {
  std::string prof;
  EngineInput in;
  json plan;     // the plan as a document; converted into in.plan by evaluate()
  json athlete;  // the athlete as a document; converted into in.athlete by evaluate()
  explicit Builder(const std::string& p, int step = 3) : prof(p) {
    plan = plan_doc(p, step);
    athlete = {{"id", "ann"}, {"flags", json::array()}, {"baseline_pain", 0}};
    in.now = day(30);
  }
  // The engine's evaluation of the scenario.
  Evaluation evaluate() {
    in.plan = plan.get<lever::model::Plan>();
    in.athlete = athlete.get<lever::model::Athlete>();
    return lever::plan::evaluate(in);
  }
  // A completed session on day d; logs with the given scores (-1 = not logged).
  Builder& session(int d, int during, int next_day, int after = 0, std::optional<Swelling> swelling = std::nullopt) {
    std::string id = "s" + std::to_string(d);
    SessionSummary s{id, day(d), day(d) + minutes(30), SessionStatus::completed, 3, 15.0, 14.0, during, ""};
    in.sessions.push_back(s);
    // The after entry 45 min after the end (trek counts 30-90 min), the next-day one 21.5 h after it.
    if (after >= 0) in.pain.push_back({id + "a", after, PainWhen::after, day(d) + minutes(75), id, std::nullopt});
    if (next_day >= 0) in.pain.push_back({id + "n", next_day, PainWhen::next_day, day(d) + hours(22), id, swelling});
    return *this;
  }
};

int limit(const std::string& p) { return profile(p).during_limit; }

}  // namespace

TEST_CASE("engine: every profile") {
  for (std::string p : {"seed", "trek", "silbernagel"}) {
    CAPTURE(p);
    SUBCASE("green runs progress after the required number in a row") {
      Builder b(p);
      b.session(0, limit(p), 0).session(2, limit(p), 0);
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 2);
      CHECK(ev.decisions[0].verdict == Verdict::hold);
      CHECK(ev.decisions[0].streak == 1);
      CHECK(ev.decisions[1].verdict == Verdict::progress);
      CHECK(ev.decisions[1].from_step == 3);
      CHECK(ev.decisions[1].to_step == 4);
      CHECK(ev.step == 4);
      CHECK(ev.decisions[1].reason.find("progressed from 10 % (step 3) to 5 % (step 4)") == 0);
    }
    SUBCASE("a configurable count: three in a row") {
      Builder b(p);
      b.plan["rules"]["consecutive_required"] = 3;
      b.session(0, 0, 0).session(2, 0, 0);
      auto ev = b.evaluate();
      CHECK(ev.step == 3);
      CHECK(ev.streak == 2);
      b.session(4, 0, 0);
      CHECK(b.evaluate().step == 4);
    }
    SUBCASE("amber: one acceptable session holds") {
      Builder b(p);
      b.session(0, 1, 0);
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 1);
      CHECK(ev.decisions[0].verdict == Verdict::hold);
      CHECK(ev.decisions[0].acceptable == true);
      CHECK(ev.decisions[0].reason.find("1 of 2 needed") != std::string::npos);
    }
    SUBCASE("red: pain above the during-limit regresses and flags for review") {
      Builder b(p);
      b.session(0, limit(p) + 1, 0);
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 1);
      CHECK(ev.decisions[0].verdict == Verdict::regress);
      CHECK(ev.decisions[0].to_step == 2);
      CHECK(ev.decisions[0].review);
      CHECK(ev.decisions[0].reason.find("above the " + p + " profile's limit") != std::string::npos);
    }
    SUBCASE("red: next-day pain above baseline regresses") {
      Builder b(p);
      b.session(0, 0, 2);
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 1);
      CHECK(ev.decisions[0].verdict == Verdict::regress);
    }
    SUBCASE("two reds in a row suspend") {
      Builder b(p);
      b.session(0, limit(p) + 1, 0).session(2, limit(p) + 2, 0).session(4, 0, 0);
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 2);
      CHECK(ev.decisions[1].verdict == Verdict::suspend);
      CHECK(ev.suspended);
      CHECK(ev.decisions[1].reason.find("second unacceptable response in a row") != std::string::npos);
    }
    SUBCASE("a red then a green then a red regresses twice, no suspension") {
      Builder b(p);
      b.session(0, 9, 0).session(2, 0, 0).session(4, 9, 0);
      auto ev = b.evaluate();
      CHECK_FALSE(ev.suspended);
      CHECK(ev.step == 1);
    }
    SUBCASE("a missing next-day log holds once final, and breaks the run") {
      Builder b(p);
      b.session(0, 0, 0).session(2, 0, -1).session(4, 0, 0);
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 3);
      CHECK(ev.decisions[1].verdict == Verdict::hold);
      CHECK(ev.decisions[1].acceptable == std::nullopt);
      CHECK(ev.decisions[1].reason == "held at 10 % (step 3): no 24-h log after the 2026-12-03 session");
      CHECK(ev.decisions[2].verdict == Verdict::hold);
      CHECK(ev.step == 3);
    }
    SUBCASE("a missing log still within its window is pending, not stored") {
      Builder b(p);
      b.session(0, 0, -1);
      b.in.now = day(0) + hours(5);
      auto ev = b.evaluate();
      CHECK(ev.decisions.empty());
      REQUIRE(ev.pending.has_value());
      CHECK(ev.pending->reason.find("waiting for the follow-up log") != std::string::npos);
    }
    SUBCASE("significant swelling is a red flag: suspend") {
      Builder b(p);
      b.session(0, 0, 0, 0, Swelling::significant);
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 1);
      CHECK(ev.decisions[0].verdict == Verdict::suspend);
      CHECK(ev.decisions[0].reason.find("significant swelling") != std::string::npos);
    }
    SUBCASE("a blocking clinician flag suspends without a session") {
      Builder b(p);
      b.athlete["flags"].push_back({{"flag", "suspected-meniscal"}, {"set_at", "2026-12-01T00:00:00Z"}, {"set_by", "x"}});
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 1);
      CHECK(ev.decisions[0].verdict == Verdict::suspend);
      CHECK(ev.decisions[0].session_id.empty());
    }
    SUBCASE("decided sessions are not decided again (idempotent)") {
      Builder b(p);
      b.session(0, 0, 0);
      b.plan["history"].push_back({{"kind", "decision"}, {"session_id", "s0"}, {"at", "2026-12-02T10:00:00Z"}});
      CHECK(b.evaluate().decisions.empty());
    }
    SUBCASE("a suspended plan decides nothing") {
      Builder b(p);
      b.plan["status"] = "suspended";
      b.session(0, 0, 0);
      auto ev = b.evaluate();
      CHECK(ev.decisions.empty());
      CHECK(ev.suspended);
    }
    SUBCASE("a clinician action supersedes earlier sessions (an override sticks)") {
      Builder b(p);
      b.session(0, 9, 0);
      b.plan["current_step"] = 5;
      b.plan["history"].push_back({{"kind", "override"}, {"at", "2026-12-02T12:00:00Z"}});
      auto ev = b.evaluate();
      CHECK(ev.decisions.empty());
      CHECK(ev.step == 5);
    }
    SUBCASE("a session ended early for a non-pain reason holds without counting") {
      Builder b(p);
      b.session(0, 0, 0);
      b.in.sessions[0].status = SessionStatus::stopped;
      b.in.sessions[0].stop_reason = "unit-fault";
      auto ev = b.evaluate();
      REQUIRE(ev.decisions.size() == 1);
      CHECK(ev.decisions[0].verdict == Verdict::hold);
      CHECK(ev.decisions[0].reason.find("ended early (unit-fault)") != std::string::npos);
    }
    SUBCASE("a session stopped for pain is unacceptable") {
      Builder b(p);
      b.session(0, 0, 0);
      b.in.sessions[0].status = SessionStatus::stopped;
      b.in.sessions[0].stop_reason = "pain-limit";
      CHECK(b.evaluate().decisions.at(0).verdict == Verdict::regress);
    }
    SUBCASE("sessions without a plan step are not plan sessions") {
      Builder b(p);
      b.session(0, 9, 0);
      b.in.sessions[0].plan_step.reset();
      CHECK(b.evaluate().decisions.empty());
    }
  }
}

TEST_CASE("engine: a worsening week suspends under seed and silbernagel; trek has no trend rule") {
  for (std::string p : {"seed", "silbernagel", "trek"}) {
    CAPTURE(p);
    Builder b(p);
    b.athlete["baseline_pain"] = 3;  // next-day pain up to 3 stays 'back to baseline'
    // Week 1: next-day pain 1, 1; week 2: 2, 3 (mean +1.5).
    b.session(0, 0, 1, 0).session(2, 0, 1, 0).session(8, 0, 2, 0).session(10, 0, 3, 0);
    for (auto& e : b.in.pain)
      if (e.when == PainWhen::after) e.score = 0;
    if (p == "trek") {
      // trek judges against the pre-run level: record it at 3 so only the trend could object.
      for (int d : {0, 2, 8, 10}) b.in.pain.push_back({"b" + std::to_string(d), 3, PainWhen::before, day(d) - minutes(5), "s" + std::to_string(d), std::nullopt});
    }
    auto ev = b.evaluate();
    if (p == "trek") {
      CHECK_FALSE(ev.suspended);
    } else {
      REQUIRE(ev.suspended);
      CHECK(ev.decisions.back().verdict == Verdict::suspend);
      CHECK(ev.decisions.back().reason.find("worsening week-on-week") != std::string::npos);
    }
  }
}

TEST_CASE("engine: trek needs a log within 60 min after the run") {
  Builder b("trek");
  b.session(0, 0, 0, -1).session(2, 0, 0, -1);
  auto ev = b.evaluate();
  REQUIRE(ev.decisions.size() == 2);
  CHECK(ev.decisions[0].verdict == Verdict::hold);
  CHECK(ev.decisions[0].reason.find("no log within 60 min") != std::string::npos);
  CHECK(ev.step == 3);
}

TEST_CASE("engine: the final step holds and names the clinician's call") {
  Builder b("seed", 5);
  b.session(0, 0, 0).session(2, 0, 0);
  auto ev = b.evaluate();
  CHECK(ev.step == 5);
  CHECK(ev.decisions.back().reason.find("clinician's call") != std::string::npos);
}

TEST_CASE("engine: unknown profile is a usage error") {
  CHECK_THROWS_AS(profile("bogus"), lever::Error);
}

TEST_CASE("engine: unlinked logs are matched to the session by time") {
  Builder b("seed");
  b.session(0, 0, -1).session(2, 0, -1);
  b.in.pain.push_back({"u1", 0, PainWhen::next_day, day(1), "", std::nullopt});
  b.in.pain.push_back({"u2", 0, PainWhen::next_day, day(3), "", std::nullopt});
  CHECK(b.evaluate().step == 4);
}

TEST_CASE("engine: significant swelling in any entry suspends, naming the entry") {
  for (std::string when : {"before", "during", "after", "next-day"}) {
    CAPTURE(when);
    Builder b("seed");
    PainRecord p{"p-red", 1, *lever::model::parse<PainWhen>(when), day(1), "", Swelling::significant};
    p.logged_at = day(1);
    b.in.pain.push_back(p);
    auto ev = b.evaluate();
    REQUIRE(ev.decisions.size() == 1);
    CHECK(ev.decisions[0].verdict == Verdict::suspend);
    CHECK(ev.suspended);
    CHECK(ev.decisions[0].reason.find("significant swelling logged " + when) != std::string::npos);
    CHECK(ev.decisions[0].reason.find("p-red") != std::string::npos);
  }
  SUBCASE("not when it was logged before the latest clinician action") {
    Builder b("seed");
    PainRecord p{"p-red", 1, PainWhen::during, day(1), "", Swelling::significant};
    p.logged_at = day(1);
    b.in.pain.push_back(p);
    b.plan["history"].push_back({{"kind", "resume"}, {"at", "2026-12-03T10:00:00Z"}, {"to_step", 3}});
    CHECK(b.evaluate().decisions.empty());
  }
}

TEST_CASE("engine: follow-ups count only inside the profile's window") {
  for (auto [hours_after, counts] : {std::pair{2, false}, {9, true}, {35, true}, {40, false}}) {
    CAPTURE(hours_after);
    Builder b("seed");
    b.session(0, 0, -1);
    b.in.pain.push_back({"late", 0, PainWhen::next_day, day(0) + minutes(30) + hours(hours_after), "s0", std::nullopt});
    auto ev = b.evaluate();
    REQUIRE(ev.decisions.size() == 1);
    CHECK(ev.decisions[0].acceptable.has_value() == counts);
    if (!counts) CHECK(ev.decisions[0].reason.find("entry late does not count") != std::string::npos);
  }
}

TEST_CASE("engine: a correction logged after a decision re-decides, once") {
  Builder b("seed");
  b.plan["history"].push_back({{"id", "h-0"}, {"kind", "created"}, {"at", "2026-11-30T00:00:00Z"}, {"to_step", 3}});
  b.session(0, 0, 8);  // next-day 8/10: unacceptable, regress 3 -> 2
  auto first = b.evaluate();
  REQUIRE(first.decisions.size() == 1);
  REQUIRE(first.decisions[0].verdict == Verdict::regress);
  b.plan["current_step"] = first.step;
  b.plan["history"].push_back({{"id", "h-1"}, {"kind", "decision"}, {"session_id", "s0"}, {"decision", "regress"},
                                  {"from_step", 3}, {"to_step", 2}, {"at", "2026-12-02T09:00:00Z"}});
  // The next-day entry is amended to 0: the corrected evidence says acceptable.
  for (auto& p : b.in.pain)
    if (p.id == "s0n") p.score = 0;
  SUBCASE("a correction logged before the decision changes nothing stored") {
    b.in.corrections.push_back({"c-1", "s0n", CorrectionKind::amend, T("2026-12-02T08:30:00Z")});
    CHECK(b.evaluate().decisions.empty());
  }
  SUBCASE("a correction logged after it makes the decision again") {
    b.in.corrections.push_back({"c-1", "s0n", CorrectionKind::amend, T("2026-12-02T09:30:00Z")});
    auto ev = b.evaluate();
    REQUIRE(ev.decisions.size() == 1);
    CHECK(ev.decisions[0].verdict == Verdict::hold);
    CHECK(ev.decisions[0].redecision);
    CHECK(ev.decisions[0].to_step == 3);
    CHECK(ev.decisions[0].supersedes == std::vector<std::string>{"h-1"});
    CHECK(ev.decisions[0].reason.find("re-decided after entry s0n was amended (c-1)") == 0);
    CHECK(ev.step == 3);
    // Stored, the re-decision stands: asking again decides nothing new.
    b.plan["current_step"] = ev.step;
    b.plan["history"].push_back({{"id", "h-2"}, {"kind", "decision"}, {"session_id", "s0"}, {"decision", "hold"},
                                    {"from_step", 3}, {"to_step", 3}, {"at", "2026-12-02T10:00:00Z"},
                                    {"redecision", true}, {"supersedes", {"h-1"}}});
    CHECK(b.evaluate().decisions.empty());
  }
}
