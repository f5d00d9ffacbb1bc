// Crash-safe file primitives: whole-document atomic replace and durable appends to logs.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lever {

namespace fs = std::filesystem;

/// Reads a whole file; nullopt when it does not exist. Throws Error(failure) on other I/O errors.
std::optional<std::string> read_file(const fs::path& path);

/// How far a replaced file must survive a crash.
enum class Durability {
  synced,  ///< fsync the file and its directory: a record the user was told is saved
  cache,   ///< no fsync: derived data that is checked when read and rebuilt when lost
};

/// Replaces `path` with `content` atomically: temp file in the same directory (0600), write, fsync,
/// rename, fsync the directory (the fsyncs only when synced). A crash leaves the old or the new file.
void write_file_atomic(const fs::path& path, std::string_view content, Durability d = Durability::synced);

/// Appends one line (a newline is added) to a log durably (0600, O_APPEND, fsync).
/// A torn last line left by an earlier crash is cut off first, so records never merge.
void append_line_durable(const fs::path& path, std::string_view line);

/// Appends many lines with a single write and fsync (for all-or-nothing imports).
void append_lines_durable(const fs::path& path, std::string_view lines_with_newlines);

/// Cuts a file back to `size` bytes durably (undoes an append that must not stand).
void truncate_durable(const fs::path& path, uintmax_t size);

/// Cuts a torn (unterminated) last line from a log; returns the number of bytes removed.
size_t repair_torn_tail(const fs::path& path);

/// Creates a directory and its parents with mode 0700; throws Error(failure) with the reason.
void make_private_dirs(const fs::path& dir);

/// fsyncs a directory so that entries created or renamed in it survive a crash.
void sync_directory(const fs::path& dir);

/// Throws the Error that describes a failed system call on `path` (errno-aware hint).
[[noreturn]] void throw_io_error(std::string_view doing, const fs::path& path, int err);

}  // namespace lever
