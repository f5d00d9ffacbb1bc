// Bringing every plan up to its evidence at once, for the overviews: the clinic report must show the
// decision each athlete's evidence implies, and must stay fast on a clinic's thousand athletes. The
// plan index (plan_index.hpp) says which plans' evidence is unchanged since they were found current.
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "lever/plan/plan_index.hpp"
#include "lever/plan/response.hpp"
#include "lever/plan/service.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/store/typed.hpp"
#include "lever/util/hash.hpp"
#include "lever/util/parallel.hpp"

namespace lever::plan {

using nlohmann::json;

namespace {

// Every session once, as the engine reads them, with a hash of each athlete's (ID order).
struct AllSessions {
  std::map<std::string, std::vector<SessionSummary>> by_athlete;
  std::map<std::string, Fnv1a> hash;
};

// Adds everything the engine reads of a session to h.
void mix_summary(Fnv1a& h, const SessionSummary& s) {
  auto ticks = [](TimePoint t) { return std::to_string(t.time_since_epoch().count()); };
  auto opt = [](const auto& v) { return v ? fmt::format("{}", *v) : std::string("-"); };
  h.mix(s.id);
  h.mix(ticks(s.started_at));
  h.mix(s.ended_at ? ticks(*s.ended_at) : "-");
  h.mix(model::name(s.status));
  h.mix(opt(s.plan_step));
  h.mix(opt(s.support_pct));
  h.mix(opt(s.measured_support_pct));
  h.mix(opt(s.max_pain_during));
  h.mix(s.stop_reason);
}

AllSessions read_all_sessions(const Store& store) {
  AllSessions all;
  SessionQuery q;
  q.fields = summary_fields();
  for (const auto& doc : read_sessions(store, q)) {
    auto s = session_summary(doc);
    std::string athlete = doc.value("athlete_id", "");
    mix_summary(all.hash[athlete], s);
    all.by_athlete[athlete].push_back(std::move(s));
  }
  return all;
}

// When time alone may change the plan's decisions: the deadline of the follow-up it waits for.
int64_t recheck_at(const EngineInput& in, const Evaluation& ev) {
  if (!ev.pending) return 0;
  for (const auto& s : in.sessions)
    if (s.id == ev.pending->session_id) {
      auto due = follow_up_deadline(engine_rules(in.plan), s);
      return std::chrono::duration_cast<std::chrono::seconds>(due.time_since_epoch()).count();
    }
  return 1;  // a pending session the engine did not take from `in`: never trusted
}

}  // namespace

RefreshAll refresh_all_plans(Store& store, const std::string& user, TimePoint now) {
  RefreshAll out;
  auto ids = store.list(collection("plan"));
  if (ids.empty()) return out;
  // A damaged session file could belong to anyone: no plan is decided on evidence that may be
  // partial, and the file is named.
  AllSessions all;
  try {
    all = read_all_sessions(store);
  } catch (const Error& e) {
    if (e.code() != Exit::invalid_data) throw;
    out.not_decided.push_back(fmt::format("no plan was brought up to date: {}; every plan is shown as stored "
                                          "('lever store check' lists every damaged record)", e.what()));
    return out;
  }
  const auto index_file = plan_index_file(store);
  const PlanIndex index = load_plan_index(index_file);
  // The engine for each plan whose evidence changed, on every core; a plan it would decide is marked.
  std::vector<char> changed(ids.size(), 0);
  std::vector<std::string> problem(ids.size());
  std::vector<std::optional<PlanEvidenceStamp>> stamps(ids.size());
  parallel_for(ids.size(), [&](size_t i, unsigned) {
    const std::string& id = ids[i];
    auto h = all.hash.find(id);
    auto stamp = stamp_plan_files(store, id);  // before reading: a write from here on changes it
    if (stamp) stamp->sessions = h == all.hash.end() ? 0 : h->second.value();
    auto known = index.find(id);
    if (stamp && known != index.end() && still_current(known->second, *stamp, now)) {
      stamps[i] = known->second;
      return;
    }
    try {
      auto plan = load_as<model::Plan>(store, id);
      auto athlete = load_as<model::Athlete>(store, id);
      if (!plan || !athlete) return;
      auto found = all.by_athlete.find(id);
      auto in = engine_input(store, *plan, *athlete, now, found == all.by_athlete.end() ? std::vector<SessionSummary>{} : found->second);
      auto ev = evaluate(in);
      changed[i] = !apply_evaluation(*plan, ev, user, now).empty();
      if (stamp && !changed[i]) {
        stamp->recheck_at = recheck_at(in, ev);
        stamps[i] = stamp;
      }
    } catch (const Error& e) {
      if (e.code() != Exit::invalid_data) throw;
      problem[i] = fmt::format("the plan of '{}' was not brought up to date: {}; it is shown as stored", id, e.what());
    }
  });
  std::optional<StoreWriter> writer;
  PlanIndex next;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!problem[i].empty()) out.not_decided.push_back(problem[i]);
    if (stamps[i]) next[ids[i]] = *stamps[i];
    if (!changed[i]) continue;
    // Decided again under the lock, from what is stored then (another lever may have got there
    // first); the plan is stamped by the next overview, once its new files are old enough to trust.
    if (!writer) writer.emplace(store);
    for (auto& e : update_plan(*writer, ids[i], user, now).added) out.added.push_back({ids[i], std::move(e)});
  }
  if (next != index) save_plan_index(index_file, next);
  return out;
}

}  // namespace lever::plan
