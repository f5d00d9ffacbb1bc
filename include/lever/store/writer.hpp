// The one path by which a change reaches the store: under the write lock, each write is made
// durable and then the audit entries that say who made it are appended (product.md, "The store").
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/store.hpp"

namespace lever {

/// One entry of the audit log: who did what to which record, with the details worth keeping.
struct AuditEntry {
  std::string user;                                         ///< who acted (--user, LEVER_USER, login)
  std::string action;                                       ///< what was done, e.g. "athlete.edit"
  std::string target;                                       ///< the record acted on, e.g. an athlete ID
  nlohmann::json details = nlohmann::json::object();        ///< what changed, e.g. {"changes": {...}}
};

/// Holds the store's write lock and makes every write with its audit entries. A write that fails
/// throws and audits nothing; once a write is durable its audit entries follow, and if only they
/// cannot be written the change stands and a warning on stderr says so (a saved change is never
/// reported as failed).
class StoreWriter {
public:
  /// Takes the write lock (Store::lock: Error(store_busy) after LEVER_LOCK_TIMEOUT, creates a new store).
  explicit StoreWriter(Store& store);

  /// The store, for the reads that check a change under the lock.
  const Store& store() const { return store_; }

  /// Validates and saves a whole document, then appends its audit entries (several when one save
  /// records several decisions; none only when an entry already written covers it).
  void save(const Collection& c, const std::string& id, const nlohmann::json& doc, const std::vector<AuditEntry>& audit);
  /// Validates and appends one record to a log, then appends its audit entries.
  void append(const Collection& c, const std::string& key, const nlohmann::json& record, const std::vector<AuditEntry>& audit);
  /// Appends records to several logs all-or-nothing (journalled), then appends its audit entries.
  void append_batch(const Collection& c, const std::vector<std::pair<std::string, nlohmann::json>>& records,
                    const std::vector<AuditEntry>& audit);
  /// Appends an audit entry that is the change itself (an override, or a record written ahead of
  /// its change): durable before the caller goes on, so its failure throws.
  void record(const AuditEntry& entry);

private:
  void audit_saved(const std::vector<AuditEntry>& audit);
  Store& store_;
  std::unique_ptr<StoreLock> lock_;
};

}  // namespace lever
