#include "lever/store/pain.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "lever/util/csv.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/number.hpp"
#include "lever/util/text.hpp"

namespace lever {

using nlohmann::json;

bool PainRefs::athlete(const std::string& id) {
  auto it = athletes_.find(id);
  if (it != athletes_.end()) return it->second;
  // Loading (not just finding) the document: a damaged athlete file is refused with its problem.
  bool ok = store_.load(collection("athlete"), id).has_value();
  athletes_[id] = ok;
  return ok;
}

std::optional<std::string> PainRefs::session_owner(const std::string& id) {
  auto it = sessions_.find(id);
  if (it != sessions_.end()) return it->second;
  std::optional<std::string> owner;
  if (auto doc = store_.load(collection("session"), id)) owner = doc->value("athlete_id", "");
  sessions_[id] = owner;
  return owner;
}

namespace {

std::string trim(std::string s) {
  auto sp = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && sp(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && sp(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::optional<int> parse_score(const std::string& text, std::string& why) {
  std::string s = trim(text);
  if (s.empty()) {
    why = "is missing (give a whole number 0-10)";
    return std::nullopt;
  }
  // The one number reader: nan, inf, 1e999, hex and junk are "not a number" here as everywhere.
  if (auto v = read_whole(s)) {
    if (*v >= 0 && *v <= 10) return static_cast<int>(*v);
    why = fmt::format("must be 0-10 on the numeric pain rating scale (found {})", s);
  } else if (auto d = read_decimal(s)) {
    if (*d < 0 || *d > 10) why = fmt::format("must be 0-10 on the numeric pain rating scale (found {})", s);
    else why = fmt::format("must be a whole number 0-10 (found {}; round to the score the athlete gives)", s);
  } else {
    why = fmt::format("'{}' is not a number (give a whole number 0-10)", escape_text(s));
  }
  return std::nullopt;
}

std::optional<bool> parse_bool(const std::string& text) {
  std::string s;
  for (char c : trim(text)) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "true" || s == "yes" || s == "y" || s == "1") return true;
  if (s == "false" || s == "no" || s == "n" || s == "0") return false;
  return std::nullopt;
}

}  // namespace

std::optional<json> build_pain_entry(const PainInput& in, PainRefs& refs, const std::string& user,
                                     const std::string& source, TimePoint now_t, std::vector<FieldError>& errors) {
  size_t before = errors.size();
  auto err = [&](std::string field, std::string msg, Exit code = Exit::usage) {
    errors.push_back({std::move(field), std::move(msg), code});
  };
  std::string athlete = trim(in.athlete);
  if (athlete.empty()) err("athlete_id", "is missing");
  else if (auto why = id_problem(athlete); !why.empty()) err("athlete_id", fmt::format("'{}' is not a valid ID: {}", athlete, why));
  else if (!refs.athlete(athlete)) err("athlete_id", fmt::format("no athlete '{}' in the store (add it with 'lever athlete add')", athlete), Exit::not_found);

  std::string why;
  auto score = parse_score(in.score, why);
  if (!score) err("score", why);

  std::string when = trim(in.when).empty() ? "after" : trim(in.when);
  if (when != "before" && when != "during" && when != "after" && when != "next-day")
    err("when", fmt::format("'{}' is not one of before, during, after, next-day", when));

  TimePoint at = now_t;
  if (!trim(in.at).empty()) {
    try {
      at = parse_user_time(trim(in.at), now_t);
      // A small allowance for clock differences between the clinic's machines.
      if (at > now_t + std::chrono::minutes(5))
        err("at", fmt::format("{} is in the future; pain is logged when it was felt", trim(in.at)));
      else if (at < parse_iso("1990-01-01").value_or(TimePoint{}))
        err("at", fmt::format("{} is before 1990; check the date", trim(in.at)));
    } catch (const Error& e) {
      err("at", fmt::format("{} ({})", e.what(), e.hint()));
    }
  }

  std::string session = trim(in.session);
  if (!session.empty()) {
    if (auto sw = id_problem(session); !sw.empty()) {
      err("session_id", fmt::format("'{}' is not a valid ID: {}", session, sw));
    } else {
      auto owner = refs.session_owner(session);
      if (!owner) err("session_id", fmt::format("no session '{}' in the store", session), Exit::not_found);
      else if (!athlete.empty() && *owner != athlete)
        err("session_id", fmt::format("session '{}' belongs to athlete '{}', not '{}'", session, *owner, athlete),
            Exit::invalid_data);
    }
  }

  std::string swelling = trim(in.swelling);
  if (!swelling.empty() && swelling != "none" && swelling != "mild" && swelling != "moderate" && swelling != "significant")
    err("swelling", fmt::format("'{}' is not one of none, mild, moderate, significant", swelling));
  if (in.note.size() > 2000) err("note", "is longer than 2000 characters");
  if (errors.size() != before) return std::nullopt;

  json e = {{"schema_version", kSchemaVersion}, {"id", new_record_id("p")}, {"athlete_id", athlete},
            {"score", *score}, {"when", when}, {"at", format_iso(at)}, {"logged_at", format_iso(now_t)},
            {"by", user}, {"source", source}};
  if (!session.empty()) e["session_id"] = session;
  if (!swelling.empty()) e["swelling"] = swelling;
  if (in.theatre_sign) e["theatre_sign"] = *in.theatre_sign;
  if (in.stairs_pain) e["stairs_pain"] = *in.stairs_pain;
  if (in.grinding) e["grinding"] = *in.grinding;
  if (in.stiffness) e["stiffness"] = *in.stiffness;
  if (!in.note.empty()) e["note"] = in.note;
  return e;
}

const std::vector<std::string>& pain_import_fields() {
  static const std::vector<std::string> f = {"athlete_id", "score", "when", "at", "session_id", "swelling",
                                             "theatre_sign", "stairs_pain", "grinding", "stiffness", "note"};
  return f;
}

namespace {

// Sets one named field of a PainInput from text; returns false for an unknown field name.
bool set_field(PainInput& in, std::string name, const std::string& value, std::vector<FieldError>& errs) {
  if (name == "athlete") name = "athlete_id";
  if (name == "session") name = "session_id";
  auto flag = [&](std::optional<bool>& dst) {
    if (trim(value).empty()) return;
    auto b = parse_bool(value);
    if (!b) errs.push_back({name, fmt::format("'{}' is not true/false (yes/no, 1/0)", value)});
    else dst = b;
  };
  if (name == "athlete_id") in.athlete = value;
  else if (name == "score") in.score = value;
  else if (name == "when") in.when = value;
  else if (name == "at") in.at = value;
  else if (name == "session_id") in.session = value;
  else if (name == "swelling") in.swelling = value;
  else if (name == "theatre_sign") flag(in.theatre_sign);
  else if (name == "stairs_pain") flag(in.stairs_pain);
  else if (name == "grinding") flag(in.grinding);
  else if (name == "stiffness") flag(in.stiffness);
  else if (name == "note") in.note = value;
  else return false;
  return true;
}

std::string known_fields() {
  std::string s;
  for (const auto& f : pain_import_fields()) s += (s.empty() ? "" : ", ") + f;
  return s;
}

}  // namespace

std::vector<std::pair<long, PainInput>> parse_pain_import(const std::string& text, const std::string& format,
                                                          std::vector<ImportError>& errors) {
  std::vector<std::pair<long, PainInput>> out;
  // The text rule first: every line must be UTF-8 (a Latin-1 export is named by its lines, and
  // nothing half-decoded reaches the log).
  if (!is_valid_utf8(text)) {
    long line = 1;
    for (size_t pos = 0; pos <= text.size(); ++line) {
      size_t nl = std::min(text.find('\n', pos), text.size());
      std::string_view raw(text.data() + pos, nl - pos);
      if (auto at = invalid_utf8_at(raw))
        errors.push_back({line, {{"", fmt::format("is not valid UTF-8 (byte {} is \\x{:02x}); save the file as UTF-8", *at + 1,
                                                  static_cast<unsigned char>(raw[*at]))}}});
      pos = nl + 1;
    }
    return out;
  }
  std::string fmt_name = format;
  if (fmt_name == "auto") {
    size_t i = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    fmt_name = (i != std::string::npos && text[i] == '{') ? "ndjson" : "csv";
  }
  if (fmt_name == "ndjson") {
    size_t pos = 0;
    long line = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      std::string raw = trim(text.substr(pos, nl - pos));
      pos = nl + 1;
      ++line;
      if (raw.empty()) continue;
      json obj = json::parse(raw, nullptr, false);
      if (obj.is_discarded() || !obj.is_object()) {
        errors.push_back({line, {{"", "is not a JSON object"}}});
        continue;
      }
      PainInput in;
      std::vector<FieldError> fe;
      for (auto it = obj.begin(); it != obj.end(); ++it) {
        std::string v = it->is_string() ? it->get<std::string>() : it->is_null() ? "" : it->dump();
        if (!set_field(in, it.key(), v, fe)) fe.push_back({it.key(), "is not a pain log field (known: " + known_fields() + ")"});
      }
      if (!fe.empty()) errors.push_back({line, fe});
      else out.emplace_back(line, in);
    }
    return out;
  }
  if (fmt_name != "csv")
    throw Error(Exit::usage, fmt::format("unknown import format '{}'", format), "use csv, ndjson or auto");
  auto rows = parse_csv(text);
  if (rows.empty()) return out;
  std::vector<std::string> header;
  for (auto h : rows[0].fields) {
    h = trim(h);
    std::string lower;
    for (char c : h) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    header.push_back(lower);
  }
  std::vector<FieldError> head_errs;
  bool has_athlete = false, has_score = false;
  for (const auto& h : header) {
    PainInput probe;
    std::vector<FieldError> ignore;
    if (!set_field(probe, h, "", ignore)) head_errs.push_back({h, "is not a pain log column (known: " + known_fields() + ")"});
    has_athlete = has_athlete || h == "athlete_id" || h == "athlete";
    has_score = has_score || h == "score";
  }
  if (!has_athlete) head_errs.push_back({"athlete_id", "the header has no athlete_id column"});
  if (!has_score) head_errs.push_back({"score", "the header has no score column"});
  if (!head_errs.empty()) {
    errors.push_back({rows[0].line, head_errs});
    return out;
  }
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.fields.size() != header.size()) {
      errors.push_back({row.line, {{"", fmt::format("has {} fields but the header has {}", row.fields.size(), header.size())}}});
      continue;
    }
    PainInput in;
    std::vector<FieldError> fe;
    for (size_t c = 0; c < header.size(); ++c) set_field(in, header[c], row.fields[c], fe);
    if (!fe.empty()) errors.push_back({row.line, fe});
    else out.emplace_back(row.line, in);
  }
  return out;
}

}  // namespace lever
