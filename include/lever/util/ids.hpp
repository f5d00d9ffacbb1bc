// Identifier rules: IDs become file names, so they are validated before they touch the store.
#pragma once
#include <string>
#include <string_view>

namespace lever {

/// True when s matches [a-z0-9][a-z0-9._-]{0,63} and is not "." or "..".
bool is_valid_id(std::string_view s) noexcept;

/// Explains why s is not a valid ID, or returns empty when it is.
std::string id_problem(std::string_view s);

/// Throws Error(usage) naming the kind ("athlete", "unit", ...) when s is not a valid ID.
void require_id(std::string_view kind, std::string_view s);

/// A fresh unique record ID: prefix, UTC time to the millisecond and 64 random bits from the kernel,
/// e.g. "p-20261125t145657123z-3f9a2c1b0d4e5f60" (at most 27 characters more than the prefix).
std::string new_record_id(std::string_view prefix);

}  // namespace lever
