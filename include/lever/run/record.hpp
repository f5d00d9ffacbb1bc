// The session's records in the store: the session document (written at start with status running,
// pid and host, completed at the end), telemetry appended in batches by a writer thread so the control
// loop never waits on the store lock, and recovery of sessions whose lever was killed.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/model/pain.hpp"
#include "lever/store/store.hpp"
#include "lever/store/writer.hpp"

namespace lever::run {

/// This machine's host name (sessions record it: a pid means nothing on another host).
std::string host_name();

/// Marks every session with status running whose process is gone (same host, pid not alive) as
/// incomplete, ended at its last telemetry sample, each audited ahead of its save. Returns their IDs.
std::vector<std::string> recover_sessions(StoreWriter& w, TimePoint now_t);

/// Writes telemetry samples and pain entries to the store from a background thread, in batches of
/// at most `period_s` seconds; every write takes the lock briefly. The control loop only queues.
class Recorder {
public:
  /// Starts the writer for `session_id` (the session document must already exist).
  Recorder(Store& store, std::string session_id, double period_s);
  /// Flushes what is queued and stops the writer.
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;
  /// Queues one telemetry sample (fields from the loop; id, session_id, at and schema_version added here).
  void sample(nlohmann::json s, TimePoint at);
  /// Queues a pain log entry (already built and valid).
  void pain(const model::PainEntry& entry);
  /// Writes everything queued now and stops the writer thread; returns the last error (empty: none).
  std::string finish();
  /// Samples written so far.
  long written() const;
  /// The last write error so far (empty: every batch was saved).
  std::string error() const;

private:
  void run();
  void flush_queued(std::unique_lock<std::mutex>& lk);
  Store& store_;
  std::string session_;
  double period_s_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::string, nlohmann::json>> samples_, pains_;
  bool stop_ = false;
  long seq_ = 0;
  long written_ = 0;
  std::string error_;
  std::thread thread_;
};

/// Finds new 'during' pain entries of an athlete for a session (linked to it, or unlinked and after
/// its start), skipping IDs already seen; reads the log tail without the lock.
class PainWatcher {
public:
  /// Watches `athlete`'s log for session `session_id` started at `started`.
  PainWatcher(const Store& store, std::string athlete, std::string session_id, TimePoint started);
  /// Marks an entry ID as seen (entries this lever wrote itself).
  void seen(const std::string& id) { seen_.insert(id); }
  /// New scores since the last call.
  std::vector<int> poll();

private:
  const Store& store_;
  std::string athlete_, session_;
  TimePoint started_;
  std::string what_;  // how errors name an entry of this log
  std::set<std::string> seen_;
};

}  // namespace lever::run
