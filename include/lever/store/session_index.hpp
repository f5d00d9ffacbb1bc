// The session index: a derived cache, <store>/cache/sessions.index, of the session fields the
// reports read, so that a report over fifty thousand sessions stats each file instead of opening,
// parsing and validating it. An entry counts only while its file's inode, size, modification and
// change times are exactly as recorded (in-place edits included); anything else is read again.
// Deleting the cache loses nothing: the next report rebuilds it.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lever {

/// A file's identity on disk: any write to it, in place or by rename, changes one of these.
struct FileStamp {
  uint64_t ino = 0;       ///< inode number (a rename-replace gives a new one)
  uint64_t size = 0;      ///< bytes
  int64_t mtime_ns = 0;   ///< last content change
  int64_t ctime_ns = 0;   ///< last inode change (cannot be set back by touch)
  bool operator==(const FileStamp&) const = default;
};

/// The stamp of `name` in the open directory `dirfd`; false (errno set; ENOENT: it is gone) when it
/// cannot be stat'ed or is not a plain file.
bool stamp_at(int dirfd, const char* name, FileStamp& out);
/// The stamp of an open file.
bool stamp_of(int fd, FileStamp& out);

/// A stamp too recent to trust: file times tick in kernel jiffies, so a same-size rewrite within the
/// same tick as the read would keep the stamp. Such entries are not saved; the next report reads them.
bool stamp_is_racy(const FileStamp& s);
/// How recent is too recent for stamp_is_racy: 2 s (tests that write files and read them at once
/// set it lower to see them indexed).
std::chrono::nanoseconds& racy_stamp_margin();

/// What the index knows of one session file. The strings view a loaded SessionIndex or the
/// reader's own buffers, whichever made the entry.
struct SessionIndexEntry {
  std::string_view id;       ///< the session ID (file name without .json)
  FileStamp stamp;           ///< the file as it was when read
  bool valid = false;        ///< false: the document failed validation (read it again through Store::load)
  std::string_view athlete;  ///< its athlete_id (valid entries)
  std::string_view started;  ///< its started_at (valid entries)
  std::string_view fields;   ///< the indexed fields as one JSON object text (valid entries)
};

/// The session fields the index keeps: every field a report asks read_sessions for.
const std::vector<std::string>& indexed_session_fields();

/// An index file as loaded: its entries view a read-only mapping of the file (no copy of 20 MB).
class SessionIndex {
public:
  /// The index at `file` (entries in the order saved); empty when it is missing, unreadable, torn, or written by
  /// a lever with another schema or field list.
  static SessionIndex load(const std::filesystem::path& file, const std::filesystem::path& root = {});
  SessionIndex() = default;
  SessionIndex(SessionIndex&& o) noexcept;
  SessionIndex& operator=(SessionIndex&& o) noexcept;
  /// Unmaps the file.
  ~SessionIndex();
  /// The entries.
  const std::vector<SessionIndexEntry>& entries() const { return entries_; }

private:
  void* map_ = nullptr;
  size_t size_ = 0;
  std::vector<SessionIndexEntry> entries_;
};

/// Replaces the index atomically (temporary file and rename, 0600, not fsynced: it is a cache).
/// Returns false when it cannot be written (a read-only store); reports go on without it.
bool save_session_index(const std::filesystem::path& file, const std::vector<SessionIndexEntry>& entries,
                        const std::filesystem::path& root = {});

}  // namespace lever
