#include <doctest/doctest.h>

#include <string>

#include "lever/util/text.hpp"

using namespace lever;

TEST_CASE("valid UTF-8 is accepted, ill-formed sequences are found by offset") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII"));
  CHECK(is_valid_utf8("Zoë Müller, 東京, 🏃"));
  CHECK(invalid_utf8_at("caf\xE9") == 3u);                 // Latin-1 é
  CHECK(invalid_utf8_at("ab\xC3") == 2u);                  // truncated sequence
  CHECK(invalid_utf8_at("\xC0\xAF") == 0u);                // overlong '/'
  CHECK(invalid_utf8_at("\xE0\x80\xAF") == 0u);            // overlong 3-byte
  CHECK(invalid_utf8_at("x\xED\xA0\x80") == 1u);           // a UTF-16 surrogate
  CHECK(invalid_utf8_at("\xF4\x90\x80\x80") == 0u);        // above U+10FFFF
  CHECK(invalid_utf8_at("\xF5\x80\x80\x80") == 0u);
  CHECK(invalid_utf8_at("\x80") == 0u);                    // a lone continuation byte
  CHECK(invalid_utf8_at("\xFF") == 0u);
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));                // U+10FFFF itself
  CHECK(is_valid_utf8("\xEF\xBB\xBF"));                    // a BOM is a character
}

TEST_CASE("control characters: C0, DEL and C1, but not other non-ASCII text") {
  CHECK_FALSE(control_char_at("Ann Example"));
  CHECK_FALSE(control_char_at("Zoë"));
  CHECK(control_char_at("a\x1b[31m") == 1u);
  CHECK(control_char_at("bell\a") == 4u);
  CHECK(control_char_at("\r") == 0u);
  CHECK(control_char_at("tab\there") == 3u);
  CHECK(control_char_at(std::string("nul\0x", 5)) == 3u);
  CHECK(control_char_at("del\x7f") == 3u);
  CHECK(control_char_at("c1\xC2\x9B" "31m") == 2u);       // CSI as one C1 character
  CHECK_FALSE(control_char_at("\xC2\xA0"));                // no-break space is text
}

TEST_CASE("the text rule: names refuse control characters, free text keeps them") {
  CHECK(text_problem("ann", TextKind::name).empty());
  CHECK(text_problem("Zoë", TextKind::name).empty());
  CHECK(text_problem("a\x1b", TextKind::name) == "contains a control character (\\x1b); names and IDs cannot contain one (free-text notes and reasons can)");
  CHECK(text_problem("line\rover", TextKind::free).empty());
  CHECK(text_problem("caf\xE9", TextKind::free) == "is not valid UTF-8 (byte 4 is \\xe9); use UTF-8 text");
  CHECK(text_problem("caf\xE9", TextKind::name) == "is not valid UTF-8 (byte 4 is \\xe9); use UTF-8 text");
}

TEST_CASE("escaping makes control characters and bad bytes visible and inert") {
  CHECK(escape_text("Ann") == "Ann");
  CHECK(escape_text("Zoë 🏃") == "Zoë 🏃");
  CHECK(escape_text("\x1b[2J\a") == "\\x1b[2J\\x07");
  CHECK(escape_text("over\rwrite") == "over\\rwrite");
  CHECK(escape_text("a\tb\nc") == "a\\tb\\nc");
  CHECK(escape_text("a\nb", true) == "a\nb");
  CHECK(escape_text("caf\xE9") == "caf\\xe9");
  CHECK(escape_text("\xC2\x9B" "1m") == "\\u009b1m");
  CHECK(escape_text("\x7f") == "\\x7f");
  CHECK(escape_text(std::string("\0", 1)) == "\\x00");
  // Whatever goes in, nothing that a terminal obeys comes out.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string shown = escape_text(all);
  CHECK_FALSE(control_char_at(shown));
  CHECK(is_valid_utf8(shown));
}

TEST_CASE("CSV cells a spreadsheet would run are neutralised (OWASP), numbers are not") {
  CHECK(neutralise_csv_cell("=1+2") == "'=1+2");
  CHECK(neutralise_csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")");
  CHECK(neutralise_csv_cell("+cmd") == "'+cmd");
  CHECK(neutralise_csv_cell("-2+3") == "'-2+3");
  CHECK(neutralise_csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(neutralise_csv_cell("\t=1") == "'\t=1");
  CHECK(neutralise_csv_cell("\r=1") == "'\r=1");
  CHECK(neutralise_csv_cell("-3") == "-3");
  CHECK(neutralise_csv_cell("+2.5") == "+2.5");
  CHECK(neutralise_csv_cell("-1e3") == "-1e3");
  CHECK(neutralise_csv_cell("ann") == "ann");
  CHECK(neutralise_csv_cell("") == "");
  CHECK(neutralise_csv_cell("a=b") == "a=b");
  CHECK(spreadsheet_formula("-"));
  CHECK_FALSE(spreadsheet_formula("2026-11-25T08:30:00Z"));
}
