// Shell completion scripts generated from the command definitions themselves, so they cannot drift.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace lever {

/// What a shell offers for an option value or a positional argument.
struct ValueKind {
  std::string kind;                 ///< "enum", "live", "file", "dir" or "text"
  std::vector<std::string> values;  ///< for "enum": the choices; for "live": the record kind
};

/// Derives the value kind from an option's type name: "a|b|c" lists choices; ATHLETE, SID, UNIT,
/// TEMPLATE and PORT are live values from the store or the system; FILE and DIR are paths.
ValueKind value_kind(const std::string& type_name);

/// The completion script for "bash", "zsh" or "fish", generated from the application's commands.
/// Throws Error(usage) for another shell.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace lever
