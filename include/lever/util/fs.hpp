// Crash-safe file primitives: whole-document atomic replace and durable appends to logs.
// Each takes an optional `root`: a file inside a tree lever owns (a store) is then confined to it:
// every directory from root down must be a real directory (not a symlink), the file itself is opened
// with O_NOFOLLOW and must be a regular file, else Error(invalid_data) names the entry and the fix.
// Without a root (a file the user named: an import, an --output) paths are followed as usual.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lever {

namespace fs = std::filesystem;

/// What sits at a path, seen without following a symlink there.
enum class EntryKind { missing, regular, directory, symlink, other };

/// The kind of entry at `path` (lstat); Error(failure) on an I/O error other than "not there".
EntryKind entry_kind(const fs::path& path);

/// Words for the non-regular entry at `path` ("a symbolic link", "a directory", "a named pipe (FIFO)"...).
std::string describe_entry(const fs::path& path);

/// Throws Error(invalid_data) unless every directory between `root` and `file` (exclusive) is a real
/// directory: a symlink or a file there is named with the fix. Missing directories pass (the open
/// that follows finds nothing). `file` must lie under `root` lexically.
void check_own_dirs(const fs::path& root, const fs::path& file);

/// Throws Error(invalid_data) naming `path`, which is a symlink or non-regular entry where lever
/// keeps a record file, with what to do about it.
[[noreturn]] void throw_not_a_record_file(const fs::path& path);

/// Opens a file confined to `root` (check_own_dirs, O_NOFOLLOW, O_CLOEXEC, regular files only;
/// never blocks on a FIFO). Returns -1 with errno ENOENT when it is missing (and O_CREAT not given).
int open_confined(const fs::path& root, const fs::path& path, int flags, unsigned mode = 0600);

/// Reads a whole file; nullopt when it does not exist. Throws Error(failure) on other I/O errors.
/// With a root, confined to it (see the top of this header).
std::optional<std::string> read_file(const fs::path& path, const fs::path& root = {});

/// How far a replaced file must survive a crash.
enum class Durability {
  synced,  ///< fsync the file and its directory: a record the user was told is saved
  cache,   ///< no fsync: derived data that is checked when read and rebuilt when lost
};

/// Replaces `path` with `content` atomically: temp file in the same directory (0600), write, fsync,
/// rename, fsync the directory (the fsyncs only when synced). A crash leaves the old or the new file.
/// With a root, an entry at `path` that is not a regular file is refused, not replaced.
void write_file_atomic(const fs::path& path, std::string_view content, Durability d = Durability::synced,
                       const fs::path& root = {});

/// Appends one line (a newline is added) to a log durably (0600, O_APPEND, fsync).
/// A torn last line left by an earlier crash is cut off first, so records never merge.
void append_line_durable(const fs::path& path, std::string_view line, const fs::path& root = {});

/// Appends many lines with a single write and fsync (for all-or-nothing imports).
void append_lines_durable(const fs::path& path, std::string_view lines_with_newlines, const fs::path& root = {});

/// Cuts a file back to `size` bytes durably (undoes an append that must not stand).
void truncate_durable(const fs::path& path, uintmax_t size, const fs::path& root = {});

/// Cuts a torn (unterminated) last line from a log; returns the number of bytes removed.
size_t repair_torn_tail(const fs::path& path, const fs::path& root = {});

/// Creates a directory and its parents with mode 0700; throws Error(failure) with the reason.
/// With a root, the directories under it must be real ones (a symlink there is refused).
void make_private_dirs(const fs::path& dir, const fs::path& root = {});

/// Opens a directory confined to `root` (itself and every directory above it up to root real
/// directories, never a symlink); -1 with errno ENOENT when it does not exist.
int open_dir_confined(const fs::path& root, const fs::path& dir);

/// The rest of the open file `fd` (whose size was `size` when it was checked), read to its end;
/// `path` names it in an error. For callers that open and inspect a file themselves.
std::string read_open_file(int fd, size_t size, const fs::path& path);

/// Removes a file confined to `root` (a symlink there is refused, not removed); false when absent.
bool remove_confined(const fs::path& root, const fs::path& path);

/// The names in a directory confined to `root` (the directory itself is not followed if a symlink);
/// empty when it does not exist.
std::vector<std::string> list_confined(const fs::path& root, const fs::path& dir);

/// fsyncs a directory so that entries created or renamed in it survive a crash.
void sync_directory(const fs::path& dir);

/// Throws the Error that describes a failed system call on `path` (errno-aware hint).
[[noreturn]] void throw_io_error(std::string_view doing, const fs::path& path, int err);

}  // namespace lever
