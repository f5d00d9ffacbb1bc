#include "lever/store/pain_use_cases.hpp"

#include <algorithm>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "lever/store/writer.hpp"
#include "lever/util/fs.hpp"

namespace lever {

using nlohmann::json;

Error entry_refusal(const std::vector<FieldError>& errors) {
  Exit code = errors.empty() ? Exit::usage : errors.front().code;
  std::string all;
  for (const auto& e : errors) all += (all.empty() ? "" : "; ") + e.field + ": " + e.message;
  return Error(code, all, code == Exit::not_found ? "check the ID with 'lever athlete list'" : "");
}

json log_pain_entry(Store& store, const PainInput& in, const std::string& user) {
  std::vector<FieldError> errors;
  {
    PainRefs refs(store);
    if (!build_pain_entry(in, refs, user, "cli", now(), errors)) throw entry_refusal(errors);
  }
  StoreWriter w(store);
  PainRefs refs(w.store());
  errors.clear();
  auto entry = build_pain_entry(in, refs, user, "cli", now(), errors);
  if (!entry) throw entry_refusal(errors);
  w.append(collection("pain"), (*entry)["athlete_id"], *entry,
           {{user, "pain.log", (*entry)["athlete_id"], {{"entry", (*entry)["id"]}, {"score", (*entry)["score"]}}}});
  return *entry;
}

json correct_pain_entry(Store& store, const PainCorrection& c, const std::string& user) {
  StoreWriter w(store);
  auto owner = find_pain_entry_owner(w.store(), c.entry);
  if (!owner)
    throw Error(Exit::not_found, fmt::format("no pain entry '{}' in the store", c.entry),
                "the Entry column of 'lever report pain ATHLETE' lists the entries that can be corrected");
  json r = build_correction(w.store(), *owner, c, user, now());
  w.append(collection("pain"), *owner, r,
           {{user, c.void_it ? "pain.void" : "pain.amend", *owner, {{"entry", c.entry}, {"correction", r["id"]}, {"reason", c.reason}}}});
  return r;
}

namespace {

std::string read_import(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  auto text = read_file(path);
  if (!text) throw Error(Exit::not_found, fmt::format("no file {} to import", path), "check the path");
  return *text;
}

// "auto" names the format when the file name says it (.csv, .ndjson, .jsonl); parse_pain_import
// decides from the content otherwise.
std::string format_by_name(const std::string& path, const std::string& format) {
  if (format != "auto" || path == "-") return format;
  auto ends = [&](const std::string& ext) {
    return path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends(".csv")) return "csv";
  if (ends(".ndjson") || ends(".jsonl")) return "ndjson";
  return format;
}

}  // namespace

PainImport import_pain(Store& store, const std::string& path, const std::string& format, const std::string& user) {
  PainImport r;
  r.source = path == "-" ? "stdin" : path;
  std::string fmt_name = format_by_name(path, format);
  std::string text = read_import(path);
  auto inputs = parse_pain_import(text, fmt_name, r.errors);
  StoreWriter w(store);
  PainRefs refs(w.store());
  auto t = now();
  std::vector<std::pair<std::string, json>> entries;
  for (const auto& [line, in] : inputs) {
    std::vector<FieldError> fe;
    if (auto e = build_pain_entry(in, refs, user, "import", t, fe)) entries.emplace_back((*e)["athlete_id"], *e);
    else r.errors.push_back({line, fe});
  }
  for (const auto& [k, e] : entries) r.entries.push_back(e);
  if (!r.errors.empty()) {
    std::sort(r.errors.begin(), r.errors.end(), [](const ImportError& x, const ImportError& y) { return x.line < y.line; });
    return r;
  }
  if (!entries.empty())
    w.append_batch(collection("pain"), entries, {{user, "pain.import", r.source, {{"entries", entries.size()}}}});
  return r;
}

std::vector<std::string> import_problem_lines(const PainImport& import) {
  constexpr size_t kShown = 200;
  std::vector<std::string> lines;
  bool more = false;
  for (const auto& e : import.errors)
    for (const auto& f : e.fields) {
      if (lines.size() == kShown) {
        more = true;
        break;
      }
      lines.push_back(fmt::format("{}: line {}{}: {}", import.source, e.line, f.field.empty() ? "" : ", field " + f.field, f.message));
    }
  if (more) lines.push_back(fmt::format("... and more ({} bad records in all)", import.errors.size()));
  return lines;
}

Error import_refusal(const PainImport& import) {
  return Error(Exit::invalid_data,
               fmt::format("import refused: {} of {} records are bad; nothing was imported", import.errors.size(),
                           import.errors.size() + import.entries.size()),
               "fix the lines listed above and import the whole file again");
}

}  // namespace lever
