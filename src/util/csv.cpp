#include "lever/util/csv.hpp"

#include <fmt/format.h>

#include "lever/util/error.hpp"

namespace lever {

std::vector<CsvRecord> parse_csv(std::string_view text) {
  std::vector<CsvRecord> out;
  size_t i = 0;
  long line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // spreadsheets often write a UTF-8 BOM
  while (i < text.size()) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool end_of_record = false;
    while (!end_of_record) {
      if (i < text.size() && text[i] == '"') {
        long start_line = line;
        ++i;
        for (;;) {
          if (i >= text.size())
            throw Error(Exit::invalid_data, fmt::format("line {}: a quoted field is never closed", start_line),
                        "close the field with a double quote; a quote inside a field is written twice (\"\")");
          char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field += '"';
              ++i;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line;
            field += c;
          }
        }
      }
      // Unquoted part (or what follows a closing quote up to the delimiter).
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      rec.fields.push_back(std::move(field));
      field.clear();
      if (i >= text.size()) {
        end_of_record = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        if (text[i] == '\r') ++i;
        if (i < text.size() && text[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      }
    }
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank) out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace lever
