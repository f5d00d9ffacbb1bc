// libFuzzer target: the text rule (lever/util/text.hpp) and the table and CSV writers. Whatever
// the input, a table shows no control character but its line breaks, and a CSV cell never starts
// a formula.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lever/cli/output.hpp"
#include "lever/util/text.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// True when `s` holds no control character other than line breaks.
bool only_line_breaks(std::string s) {
  std::erase(s, '\n');
  return !lever::control_char_at(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  bool valid = lever::is_valid_utf8(s);
  require(valid == !lever::invalid_utf8_at(s));
  require(lever::text_problem(s, lever::TextKind::free).empty() == valid);
  require(lever::text_problem(s, lever::TextKind::name).empty() == (valid && !lever::control_char_at(s)));

  std::string shown = lever::escape_text(s);
  require(lever::is_valid_utf8(shown) && !lever::control_char_at(shown));
  require(lever::escape_text(shown) == shown);  // escaping twice changes nothing
  std::string message = lever::escape_text(s, true);
  require(lever::is_valid_utf8(message));
  require(only_line_breaks(message));

  std::string cell = lever::neutralise_csv_cell(s);
  require(!lever::spreadsheet_formula(cell) || cell == s);
  require(cell == s || cell == "'" + s);

  // Only valid UTF-8 reaches the writers (the text rule refuses the rest at the edge).
  if (!valid) return 0;
  nlohmann::json row = {{"name", s}, {"n", -3}};
  std::vector<lever::Column> cols = {{"name", "Name"}, {"n", "N"}};
  std::ostringstream table;
  lever::Printer(lever::OutputOptions{lever::Format::table}, table).records(cols, {row});
  require(only_line_breaks(table.str()));
  std::ostringstream csv;
  lever::Printer(lever::OutputOptions{lever::Format::csv}, csv).records(cols, {row});
  std::string body = csv.str().substr(csv.str().find("\r\n") + 2);
  std::string first = body[0] == '"' ? body.substr(1) : body;
  require(!lever::spreadsheet_formula(first.substr(0, first.find(','))) || first[0] == '\'');
  require(body.find(",-3\r\n") != std::string::npos);  // numbers stay numbers
  return 0;
}
