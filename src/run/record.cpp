#include "lever/run/record.hpp"

#include <cerrno>
#include <csignal>
#include <unistd.h>

#include <fmt/format.h>

#include "lever/store/collections.hpp"
#include "lever/store/pain_log.hpp"
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

}  // namespace

std::vector<std::string> recover_sessions(StoreWriter& w, TimePoint now_t) {
  const Store& store = w.store();
  std::vector<std::string> out;
  const auto& sessions = collection("session");
  const std::string host = host_name();
  for (const auto& id : store.list(sessions)) {
    std::optional<json> doc;
    try {
      doc = store.load(sessions, id);
    } catch (const Error&) {
      continue;  // `store check` reports damaged files; recovery only touches readable ones
    }
    if (!doc || doc->value("status", "") != "running" || doc->value("host", "") != host ||
        !process_gone(doc->value("pid", 0L)))
      continue;
    auto tail = store.read_log_tail(collection("telemetry"), id, 1);
    (*doc)["status"] = "incomplete";
    (*doc)["stop_reason"] = "lever-killed";
    (*doc)["ended_at"] = tail.empty() ? (*doc)["started_at"] : tail.back()["at"];
    if (!tail.empty()) (*doc)["duration_s"] = tail.back()["t_s"];
    (*doc)["recovered_at"] = format_iso(now_t);
    (*doc).erase("pid");
    // The audit entry goes first: a lever killed between the two writes leaves the session running,
    // so the next one recovers it again, and an incomplete session always has its audit entry.
    w.record({resolve_user(""), "session.recover", id, {{"status", "incomplete"}}});
    w.save(sessions, id, *doc, {});
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

void Recorder::pain(json entry) {
  std::lock_guard lk(mu_);
  std::string key = entry["athlete_id"];
  pains_.emplace_back(key, std::move(entry));
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
    : store_(store), athlete_(std::move(athlete)), session_(std::move(session_id)), started_(started) {}

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
  for (const auto& e : apply_corrections(std::move(tail)).entries) {
    std::string id = e.contains("amended_by") ? e["amended_by"].get<std::string>() : e.value("id", "");
    if (e.value("when", "") != "during" || !seen_.insert(id).second) continue;
    auto sid = e.contains("session_id") && e["session_id"].is_string() ? e["session_id"].get<std::string>() : "";
    auto at = parse_iso(e.value("at", ""));
    if (sid == session_ || (sid.empty() && at && *at >= started_)) out.push_back(e.value("score", 0));
  }
  return out;
}

}  // namespace lever::run
