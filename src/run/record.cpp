#include "lever/run/record.hpp"

#include <cerrno>
#include <csignal>
#include <unistd.h>

#include <fmt/format.h>

#include "lever/model/session.hpp"
#include "lever/store/collections.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/typed.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"

namespace lever::run {

using nlohmann::json;

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

namespace {

bool process_gone(long pid) { return pid <= 0 || (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH); }

// The session `id` when it was left running on this host by a process that is gone. Every `lever run`
// asks this of every session in the store, so it reads only the fields that decide it, then the
// whole document of a session to recover.
std::optional<model::Session> left_running(const Store& store, const std::string& id, const std::string& host) {
  static const std::vector<std::string> fields = {"schema_version", "id", "athlete_id", "started_at", "status", "host", "pid"};
  const auto& sessions = collection("session");
  const std::string what = "session '" + id + "'";
  auto brief = store.load(sessions, id, fields);
  if (!brief) return std::nullopt;
  auto s = from_stored<model::Session>(*brief, what);
  if (s.status != model::SessionStatus::running || s.host.value_or("") != host || !process_gone(s.pid.value_or(0)))
    return std::nullopt;
  auto doc = store.load(sessions, id);
  if (!doc) return std::nullopt;
  return from_stored<model::Session>(*doc, what);
}

}  // namespace

std::vector<std::string> recover_sessions(StoreWriter& w, TimePoint now_t) {
  const Store& store = w.store();
  std::vector<std::string> out;
  const std::string host = host_name();
  for (const auto& id : store.list(collection("session"))) {
    std::optional<model::Session> s;
    try {
      s = left_running(store, id, host);
    } catch (const Error&) {
      continue;  // `store check` reports damaged files; recovery only touches readable ones
    }
    if (!s) continue;
    // The telemetry log is not a typed record: its last sample's time and program time end the session.
    auto tail = store.read_log_tail(collection("telemetry"), id, 1);
    s->status = model::SessionStatus::incomplete;
    s->stop_reason = "lever-killed";
    s->ended_at = tail.empty() ? s->started_at : tail.back().at("at").get<model::Instant>();
    if (!tail.empty()) s->duration_s = tail.back().at("t_s").get<double>();
    s->recovered_at = model::Instant::of(now_t);
    s->pid.reset();
    // The audit entry goes first: a lever killed between the two writes leaves the session running,
    // so the next one recovers it again, and an incomplete session always has its audit entry.
    w.record({resolve_user(""), "session.recover", id, {{"status", "incomplete"}}});
    save_as(w, *s, {});
    out.push_back(id);
  }
  return out;
}

Recorder::Recorder(Store& store, std::string session_id, double period_s)
    : store_(store), session_(std::move(session_id)), period_s_(period_s), thread_([this] { run(); }) {}

Recorder::~Recorder() { finish(); }

void Recorder::sample(json s, TimePoint at) {
  std::lock_guard lk(mu_);
  s["schema_version"] = 1;
  s["id"] = fmt::format("{}-{:06d}", session_, ++seq_);
  s["session_id"] = session_;
  s["at"] = format_iso_ms(at);
  samples_.emplace_back(session_, std::move(s));
}

void Recorder::pain(const model::PainEntry& entry) {
  std::lock_guard lk(mu_);
  pains_.emplace_back(entry.athlete_id, json(entry));
  cv_.notify_one();  // pain entries are written at once, not at the next batch
}

long Recorder::written() const {
  std::lock_guard lk(mu_);
  return written_;
}

std::string Recorder::error() const {
  std::lock_guard lk(mu_);
  return error_;
}

void Recorder::flush_queued(std::unique_lock<std::mutex>& lk) {
  auto samples = std::move(samples_);
  auto pains = std::move(pains_);
  samples_.clear();
  pains_.clear();
  if (samples.empty() && pains.empty()) return;
  lk.unlock();
  std::string err;
  try {
    auto lock = store_.lock();
    if (!samples.empty()) store_.append_batch(collection("telemetry"), samples);
    if (!pains.empty()) store_.append_batch(collection("pain"), pains);
  } catch (const std::exception& e) {
    err = e.what();
  }
  lk.lock();
  if (err.empty()) written_ += static_cast<long>(samples.size());
  else error_ = err;
}

void Recorder::run() {
  std::unique_lock lk(mu_);
  while (!stop_) {
    cv_.wait_for(lk, std::chrono::duration<double>(period_s_), [this] { return stop_ || !pains_.empty(); });
    flush_queued(lk);
  }
  flush_queued(lk);
}

std::string Recorder::finish() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lk(mu_);
  return error_;
}

PainWatcher::PainWatcher(const Store& store, std::string athlete, std::string session_id, TimePoint started)
    : store_(store), athlete_(std::move(athlete)), session_(std::move(session_id)), started_(started),
      what_("pain entry of " + athlete_) {}

std::vector<int> PainWatcher::poll() {
  std::vector<int> out;
  std::vector<json> tail;
  try {
    tail = store_.read_log_tail(collection("pain"), athlete_, 50);
  } catch (const Error&) {
    return out;
  }
  // Corrected as every reader sees the log: an amendment (a score typed 3 meant 8) counts as a new
  // score under its own ID; a voided entry is gone (a stop it caused stands: the belt stopped safely).
  for (const auto& doc : apply_corrections(std::move(tail)).entries) {
    auto e = from_stored<model::PainEntry>(doc, what_);
    if (e.when != model::PainWhen::during || !seen_.insert(e.amended_by.value_or(e.id)).second) continue;
    if (e.session_id ? *e.session_id == session_ : e.at.at >= started_) out.push_back(e.score);
  }
  return out;
}

}  // namespace lever::run
