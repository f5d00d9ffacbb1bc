// The store facade: a directory of JSON documents and append-only NDJSON logs (product.md, "The store").
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/store/collections.hpp"
#include "lever/util/time.hpp"

namespace lever {

namespace fs = std::filesystem;

/// The schema version this lever writes and the newest it reads.
inline constexpr int kSchemaVersion = 1;

/// One interrupted batch import waiting in <store>/journal: its log lines grouped by collection and key.
struct Journal {
  fs::path file;  ///< the journal file
  std::vector<std::pair<std::pair<std::string, std::string>, std::vector<nlohmann::json>>> groups;  ///< (collection, key) -> records
};

/// Reads and validates a journal file written by Store::append_batch: every line a JSON object naming a
/// log collection, a valid key and a record valid for that collection. Error(invalid_data) naming the
/// file, the line and the fix otherwise (nothing of it is applied then).
Journal parse_journal(const fs::path& file, const std::string& text);

/// A problem found in one stored file (by loaders and by `store check`).
struct StoreProblem {
  std::string file;     ///< path relative to the store, e.g. "athletes/ann.json"
  long line = 0;        ///< line in a log (1-based), 0 for documents
  std::string message;  ///< what is wrong
  bool warning = false; ///< true: worth knowing but not damage (a torn unacknowledged line, loose permissions)
};

/// Holds the store's write lock while alive (flock on <store>/.lock).
class StoreLock {
public:
  /// Releases the lock.
  ~StoreLock();
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

private:
  friend class Store;
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_;
};

/// One lever store. Reads need no lock; every write happens under `lock()`.
class Store {
public:
  /// The store directory from --store, then LEVER_STORE, then $XDG_DATA_HOME/lever (~/.local/share/lever).
  static fs::path resolve_dir(const std::string& flag);

  /// Opens the store at dir. With may_create (the configured place: LEVER_STORE or the XDG default),
  /// a missing store is created 0700 by the first write; without it (a --store DIR), writes to a
  /// missing store are refused with Error(not_found) and `lever store init DIR` creates one.
  explicit Store(fs::path dir, bool may_create = true);

  /// Makes `dir` (missing or an empty directory, which is then made 0700) a new store; false when it
  /// already is one.
  /// Error(usage) when it is a file or a directory with other things in it.
  static bool init(const fs::path& dir);

  /// The store directory.
  const fs::path& dir() const { return dir_; }
  /// True when the store directory holds a store.json (of any kind: reading it checks it).
  bool exists() const;
  /// Throws Error(not_found) naming the path when it is not a lever store that can be read: a file,
  /// a directory without store.json (unless empty and may_create), a missing --store directory.
  void require_readable() const;

  /// Takes the exclusive write lock, waiting up to LEVER_LOCK_TIMEOUT seconds (default 10), then
  /// throws Error(store_busy). Creates the store on first use (when it may: see the constructor),
  /// refuses a store from a newer lever and a linked audit log or audit directory (Error(invalid_data)), and
  /// finishes any interrupted import after validating its journal.
  std::unique_ptr<StoreLock> lock();

  /// The path of a document or log in a collection (IDs are validated first).
  fs::path path(const Collection& c, const std::string& id) const;
  /// True when the document (or log) exists; Error(invalid_data) when a link or a non-file is in its place.
  bool has(const Collection& c, const std::string& id) const;
  /// Loads and validates a document; nullopt when absent; Error(invalid_data) naming file and problem.
  std::optional<nlohmann::json> load(const Collection& c, const std::string& id) const;
  /// As load, with only the named top-level fields kept (the whole document is still validated):
  /// a report that reads a thousand plans for four fields builds no more than those.
  std::optional<nlohmann::json> load(const Collection& c, const std::string& id, const std::vector<std::string>& fields) const;
  /// Validates and writes a whole document atomically (caller holds the lock).
  void save(const Collection& c, const std::string& id, const nlohmann::json& doc);
  /// IDs of the documents (or logs) present in a collection, sorted.
  std::vector<std::string> list(const Collection& c) const;
  /// The same IDs in directory order, handed to `sink` in batches of up to `batch` as the directory
  /// is read, so that a caller can work on the first batches while the rest are listed.
  void list_batches(const Collection& c, size_t batch, const std::function<void(std::vector<std::string>&&)>& sink) const;

  /// Validates and appends one record to a log durably (caller holds the lock).
  void append(const Collection& c, const std::string& key, const nlohmann::json& record);
  /// Reads every intact record of a log; invalid lines are reported to `problems` (if given) and skipped.
  /// With `lines`, the 1-based line of each record returned is put there (in the same order); with
  /// `fields`, each record (still validated whole) keeps only those top-level fields.
  std::vector<nlohmann::json> read_log(const Collection& c, const std::string& key,
                                       std::vector<StoreProblem>* problems = nullptr,
                                       std::vector<long>* lines = nullptr,
                                       const std::vector<std::string>& fields = {}) const;
  /// A document of collection c from the text read from `file`: parsed, validated (Error(invalid_data)
  /// naming the file otherwise) and cut down to `fields` (empty = all), as load gives it.
  nlohmann::json document_from_text(const Collection& c, const fs::path& file, const std::string& text,
                                    const std::vector<std::string>& fields = {}) const;
  /// The intact records of a log from the text read from `file`, as read_log gives them.
  std::vector<nlohmann::json> log_from_text(const Collection& c, const fs::path& file, std::string_view text,
                                            std::vector<StoreProblem>* problems = nullptr,
                                            std::vector<long>* lines = nullptr,
                                            const std::vector<std::string>& fields = {}) const;
  /// Reads the last `n` intact records of a log without reading the whole file; with `fields`, each
  /// record (still validated whole) keeps only those top-level fields. Damaged lines among those read
  /// are reported to `problems` (if given) with their line numbers.
  std::vector<nlohmann::json> read_log_tail(const Collection& c, const std::string& key, size_t n,
                                            const std::vector<std::string>& fields = {},
                                            std::vector<StoreProblem>* problems = nullptr) const;

  /// Appends many records to several logs all-or-nothing, even across a crash (journalled).
  void append_batch(const Collection& c, const std::vector<std::pair<std::string, nlohmann::json>>& records);

  /// The store configuration (store.json "config"), empty when the store is new.
  nlohmann::json config() const;
  /// Replaces the store configuration (caller holds the lock).
  void set_config(const nlohmann::json& config);

  /// Validates a record against a collection's schema; returns the problems (empty = valid).
  static std::vector<std::string> validate(const Collection& c, const nlohmann::json& doc);

  /// Checks every document and log: parse, schema, file name, cross-references. Empty = healthy.
  std::vector<StoreProblem> check() const;

private:
  friend class StoreWriter;  // the one path that audits changes (lever/store/writer.hpp)
  /// Records who did what to which record in the audit log (caller holds the lock).
  void audit(const std::string& user, const std::string& action, const std::string& target,
             const nlohmann::json& details = nlohmann::json::object());
  void ensure_created();
  void recover_journal();
  void check_journals(std::vector<StoreProblem>& out) const;
  void check_entries(std::vector<StoreProblem>& out) const;
  nlohmann::json parse_document(const fs::path& file, const std::string& text) const;
  std::string rel(const fs::path& p) const;
  fs::path dir_;
  bool may_create_ = true;
};

/// `doc` with only the named top-level fields (those it has); all of it when `fields` is empty.
nlohmann::json only_fields(nlohmann::json doc, const std::vector<std::string>& fields);

/// The user recorded in the audit log: --user, then LEVER_USER, then the login name.
std::string resolve_user(const std::string& flag);

}  // namespace lever
