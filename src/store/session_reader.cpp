#include "lever/store/session_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <map>

#include <simdjson.h>

#include "../util/simdjson_json.hpp"

#include "lever/store/schemas.hpp"
#include "lever/store/session_index.hpp"
#include "schema_check.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/json_schema.hpp"
#include "lever/util/parallel.hpp"

namespace lever {

using nlohmann::json;
namespace dom = simdjson::dom;

namespace {

// The fields session.schema.json constrains, in one table so a duplicate or a bad value is caught.
enum Field { kVersion, kId, kAthlete, kStarted, kEnded, kStatus, kStop, kStep, kSupport, kMeasured, kPain, kFields };
constexpr std::array<std::string_view, kFields> kNames = {
    "schema_version", "id", "athlete_id", "started_at", "ended_at", "status",
    "stop_reason", "plan_step", "support_pct", "measured_support_pct", "max_pain_during"};

json to_json(dom::element e) { return detail::simdjson_to_json(e); }

bool is_int(dom::element e) {
  return e.type() == dom::element_type::INT64 || e.type() == dom::element_type::UINT64;
}
bool is_num(dom::element e) { return is_int(e) || e.type() == dom::element_type::DOUBLE; }
bool is_str(dom::element e) { return e.type() == dom::element_type::STRING; }
bool is_null(dom::element e) { return e.type() == dom::element_type::NULL_VALUE; }
std::string_view str(dom::element e) { return std::string_view(e); }
// An integer within [lo, hi] (uint64 values are all above any bound used here).
bool int_in(dom::element e, int64_t lo, int64_t hi) {
  if (e.type() != dom::element_type::INT64) return false;
  int64_t v = int64_t(e);
  return v >= lo && v <= hi;
}

// session.schema.json's other properties (the run's details, which no report filters on), each
// compiled to a SureCheck of its part of the schema; `open`: the schema lets a field it does not
// name pass.
struct OtherFields {
  std::map<std::string, SureCheck, std::less<>> parts;
  bool open = true;
};

const OtherFields& other_fields() {
  static const OtherFields o = [] {
    OtherFields out;
    const json s = json::parse(schemas::embedded().at("session.schema.json"));
    out.open = !s.contains("additionalProperties") || s["additionalProperties"] == true;
    for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it)
      if (std::find(kNames.begin(), kNames.end(), it.key()) == kNames.end()) out.parts.emplace(it.key(), SureCheck(s, it.value()));
    return out;
  }();
  return o;
}

// True only when the document certainly passes session.schema.json: the fields the reports read
// are tested directly, each test one the schema makes, kept strict (an integer written 2.0, a
// duplicate key) so that anything unusual is left to the real validator and its messages; every
// other field is tested against its part of the schema by a SureCheck.
bool surely_valid(dom::object obj, std::array<std::optional<dom::element>, kFields>& f) {
  const auto& others = other_fields();
  for (dom::key_value_pair kv : obj) {
    auto i = static_cast<size_t>(std::find(kNames.begin(), kNames.end(), kv.key) - kNames.begin());
    if (i < kFields) {
      if (f[i]) return false;
      f[i] = kv.value;
      continue;
    }
    auto part = others.parts.find(kv.key);
    if (part == others.parts.end() ? !others.open : !part->second.surely(kv.value)) return false;
  }
  auto opt = [&](Field k, auto ok) { return !f[k] || is_null(*f[k]) || ok(*f[k]); };
  if (!f[kVersion] || !int_in(*f[kVersion], 1, 1)) return false;
  for (Field k : {kId, kAthlete})
    if (!f[k] || !is_str(*f[k]) || !is_valid_id(str(*f[k]))) return false;
  if (!f[kStarted] || !is_str(*f[kStarted]) || !is_date_time(str(*f[kStarted]))) return false;
  if (!f[kStatus] || !is_str(*f[kStatus])) return false;
  auto st = str(*f[kStatus]);
  if (st != "running" && st != "completed" && st != "stopped" && st != "incomplete") return false;
  if (!opt(kEnded, [](dom::element e) { return is_str(e) && is_date_time(str(e)); })) return false;
  if (!opt(kStop, is_str)) return false;
  if (!opt(kStep, [](dom::element e) { return int_in(e, 1, INT64_MAX); })) return false;
  for (Field k : {kSupport, kMeasured})
    if (!opt(k, [](dom::element e) { return is_num(e) && double(e) >= 0 && double(e) <= 100; })) return false;
  if (!opt(kPain, [](dom::element e) { return int_in(e, 0, 10); })) return false;
  return true;
}

enum class Outcome { absent, elsewhere, kept, slow };

// Parses and checks one document; fills `out` (cut down to the query's fields) when kept.
Outcome quick(dom::parser& parser, const char* buf, size_t len, const SessionQuery& q, json& out) {
  dom::element doc;
  dom::object obj;
  if (parser.parse(buf, len, false).get(doc) || doc.get_object().get(obj)) return Outcome::slow;
  std::array<std::optional<dom::element>, kFields> f;
  if (!surely_valid(obj, f)) return Outcome::slow;
  if (!q.athlete.empty() && str(*f[kAthlete]) != q.athlete) return Outcome::elsewhere;
  out = json::object();
  for (dom::key_value_pair kv : obj)
    for (const auto& want : q.fields)
      if (kv.key == want) out[want] = to_json(kv.value);
  return Outcome::kept;
}

// One worker's reusable parser and file buffer (simdjson wants SIMDJSON_PADDING spare bytes).
struct Scratch {
  dom::parser parser;
  std::string buf = std::string(16384 + simdjson::SIMDJSON_PADDING, '\0');
};

Outcome read_one(int dirfd, const std::string& name, Scratch& s, const SessionQuery& q, json& out,
                 FileStamp* stamp = nullptr) {
  int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? Outcome::absent : Outcome::slow;
  if (stamp && !stamp_of(fd, *stamp)) {
    ::close(fd);
    return Outcome::slow;
  }
  size_t len = 0;
  for (;;) {
    size_t room = s.buf.size() - simdjson::SIMDJSON_PADDING - len;
    ssize_t n = ::read(fd, s.buf.data() + len, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Outcome::slow;  // Store::load reports the read error in its words
    }
    len += static_cast<size_t>(n);
    // A short read of a regular file is its end; were it ever not, the cut document fails to
    // parse and goes the slow way, which reads it whole.
    if (n == 0 || static_cast<size_t>(n) < room) break;
    s.buf.resize(s.buf.size() * 2);
  }
  ::close(fd);
  return quick(s.parser, s.buf.data(), len, q, out);
}

// A document Store::load accepted, cut down to the query's fields.
json cut(const json& doc, const std::vector<std::string>& fields) {
  json out = json::object();
  for (const auto& k : fields)
    if (doc.contains(k)) out[k] = doc[k];
  return out;
}

// An index entry's fields (JSON text lever wrote) cut down to the query's.
json from_entry(const SessionIndexEntry& e, Scratch& s, const std::vector<std::string>& fields) {
  if (s.buf.size() < e.fields.size() + simdjson::SIMDJSON_PADDING) s.buf.resize(e.fields.size() + simdjson::SIMDJSON_PADDING);
  std::copy(e.fields.begin(), e.fields.end(), s.buf.begin());
  dom::object obj;
  json out = json::object();
  if (s.parser.parse(s.buf.data(), e.fields.size(), false).get_object().get(obj)) return out;
  for (dom::key_value_pair kv : obj)
    for (const auto& want : fields)
      if (kv.key == want) out[want] = to_json(kv.value);
  return out;
}

// What a report's pass found of one session file.
struct Found {
  Outcome outcome = Outcome::slow;
  json doc;                                // kept: cut down to the query's fields
  const SessionIndexEntry* held = nullptr;  // the index entry whose stamp still matched the file
  SessionIndexEntry fresh;                  // read this time (fresh.id empty otherwise): a new entry
  std::string athlete, fields;              // what `fresh` views

  // Makes `fresh` from a document read this time, already cut down to the indexed fields.
  void remember(std::string_view id, const FileStamp& st, bool valid, const json* indexed) {
    if (indexed) {
      athlete = indexed->value("athlete_id", "");
      fields = indexed->dump();
    }
    fresh = {id, st, valid, athlete, fields};
  }
};

// The index entry for each ID (both lists sorted by ID), or null.
std::vector<const SessionIndexEntry*> match(const std::vector<std::string>& ids, const SessionIndex& loaded) {
  const auto& index = loaded.entries();
  std::vector<const SessionIndexEntry*> out(ids.size(), nullptr);
  size_t j = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    while (j < index.size() && index[j].id < ids[i]) ++j;
    if (j < index.size() && index[j].id == ids[i]) out[i] = &index[j];
  }
  return out;
}

// One file through the index: its entry when the stamp still matches, else read and a fresh entry.
void through_index(int dirfd, const std::string& id, const SessionIndexEntry* prior, Scratch& s, const SessionQuery& q,
                   Found& f) {
  std::string name = id + ".json";
  FileStamp st;
  if (!stamp_at(dirfd, name.c_str(), st)) {
    f.outcome = errno == ENOENT ? Outcome::absent : Outcome::slow;
    return;
  }
  const SessionIndexEntry* e = f.held = prior && prior->stamp == st ? prior : nullptr;
  if (!e) {
    SessionQuery wide;
    wide.fields = indexed_session_fields();
    json all;
    f.outcome = read_one(dirfd, name, s, wide, all, &st);
    if (f.outcome != Outcome::kept) return;
    f.remember(id, st, true, &all);
    e = &f.fresh;
  }
  if (!e->valid) f.outcome = Outcome::slow;
  else if (!q.athlete.empty() && e->athlete != q.athlete) f.outcome = Outcome::elsewhere;
  else {
    f.outcome = Outcome::kept;
    f.doc = from_entry(*e, s, q.fields);
  }
}

}  // namespace

const std::vector<std::string>& quick_session_checked_fields() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out(kNames.begin(), kNames.end());
    for (const auto& [name, part] : other_fields().parts) out.push_back(name);
    return out;
  }();
  return names;
}

std::optional<json> quick_session(std::string_view text, const std::vector<std::string>& fields) {
  dom::parser parser;
  simdjson::padded_string padded(text);
  SessionQuery q;
  q.fields = fields;
  json out;
  if (quick(parser, padded.data(), padded.size(), q, out) != Outcome::kept) return std::nullopt;
  return out;
}

std::vector<json> read_sessions(const Store& store, const SessionQuery& q) {
  const Collection& c = collection("session");
  auto ids = store.list(c);
  const auto& indexed = indexed_session_fields();
  bool use_index = std::all_of(q.fields.begin(), q.fields.end(),
                               [&](const std::string& k) { return std::find(indexed.begin(), indexed.end(), k) != indexed.end(); });
  fs::path index_file = store.dir() / "cache" / "sessions.index";
  auto index = use_index ? SessionIndex::load(index_file) : SessionIndex();
  auto prior = match(ids, index);
  std::vector<Found> found(ids.size());
  int dirfd = ::open((store.dir() / c.dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd >= 0) {
    std::vector<Scratch> scratch(worker_count());
    parallel_for(ids.size(), [&](size_t i, unsigned w) {
      if (use_index) through_index(dirfd, ids[i], prior[i], scratch[w], q, found[i]);
      else found[i].outcome = read_one(dirfd, ids[i] + ".json", scratch[w], q, found[i].doc);
    });
  }
  std::vector<json> out;
  bool changed = false;
  size_t held = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    Found& f = found[i];
    if (f.outcome == Outcome::kept) out.push_back(std::move(f.doc));
    if (f.outcome == Outcome::slow) {
      // In ID order, as a plain loop over Store::load would meet (and report) it.
      std::string name = ids[i] + ".json";
      FileStamp before, after;
      // A file read again here (the quick checks could not vouch for it) gets an entry of its own,
      // when it did not change while being read, so the next report need not repeat this.
      bool stamped = use_index && !f.held && dirfd >= 0 && stamp_at(dirfd, name.c_str(), before);
      std::optional<json> doc;
      try {
        doc = store.load(c, ids[i]);
      } catch (const Error&) {
        if (stamped && stamp_at(dirfd, name.c_str(), after) && after == before) f.remember(ids[i], before, false, nullptr);
        if (!q.skip_invalid) throw;
      }
      if (doc && stamped && stamp_at(dirfd, name.c_str(), after) && after == before) {
        json kept = cut(*doc, indexed);
        f.remember(ids[i], before, true, &kept);
      }
      if (doc && (q.athlete.empty() || doc->value("athlete_id", "") == q.athlete)) out.push_back(cut(*doc, q.fields));
    }
    if (!f.fresh.id.empty()) changed = true;
    if (f.held) ++held;
  }
  if (dirfd >= 0) ::close(dirfd);
  // The index is rewritten only when an entry was added, replaced or dropped.
  if (use_index && (changed || held != index.entries().size())) {
    std::vector<SessionIndexEntry> next;
    next.reserve(ids.size());
    for (const auto& f : found) {
      if (!f.fresh.id.empty() && !stamp_is_racy(f.fresh.stamp)) next.push_back(f.fresh);
      else if (f.held) next.push_back(*f.held);
    }
    save_session_index(index_file, next);
  }
  return out;
}

}  // namespace lever
