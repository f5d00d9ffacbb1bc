// The one text rule: input is valid UTF-8; IDs and names hold no control characters; free text
// may, but it is shown escaped on terminals and tables; CSV cells a spreadsheet would run are defused.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lever {

/// Byte offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms,
/// surrogates and code points above U+10FFFF are ill-formed), or nullopt when `s` is valid UTF-8.
std::optional<std::size_t> invalid_utf8_at(std::string_view s) noexcept;

/// True when `s` is valid UTF-8.
bool is_valid_utf8(std::string_view s) noexcept;

/// Byte offset of the first control character (C0, DEL, or C1 U+0080-U+009F), or nullopt.
std::optional<std::size_t> control_char_at(std::string_view s) noexcept;

/// What kind of text a value is: a name or identifier (no control characters), or free text.
enum class TextKind {
  name,  ///< IDs, names, paths, ports: valid UTF-8 without control characters
  free,  ///< notes and reasons: valid UTF-8; control characters kept (shown escaped)
};

/// Why `s` breaks the text rule for `kind` (empty when it does not), e.g.
/// "is not valid UTF-8 (byte 4 is \xe9)" or "contains a control character (\x1b)".
std::string text_problem(std::string_view s, TextKind kind);

/// `s` made safe to show on a terminal or in a table: control characters and bytes that are not
/// UTF-8 become visible escapes (\t \n \r, \x1b, \u0085), so no text can move the cursor, ring
/// the bell or rewrite what was printed. With keep_newlines, '\n' stays a line break (messages).
std::string escape_text(std::string_view s, bool keep_newlines = false);

/// True when a spreadsheet would read the cell as a formula: it starts with =, +, -, @, tab or CR
/// and is not a plain decimal number such as -3 (OWASP, "CSV injection").
bool spreadsheet_formula(std::string_view cell) noexcept;

/// The cell as written to CSV: a formula-like cell gets a leading single quote ('=1+2), so a
/// spreadsheet shows it as text; everything else is unchanged.
std::string neutralise_csv_cell(std::string cell);

}  // namespace lever
