#include "lever/store/session_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <condition_variable>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <simdjson.h>

#include "../util/simdjson_json.hpp"

#include "lever/store/schemas.hpp"
#include "lever/store/session_index.hpp"
#include "schema_check.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
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

enum class Outcome { absent, kept, slow };

// A document the quick checks vouched for: the fields asked for as one JSON object text (written
// by simdjson straight from the parse, no intermediate tree), and the two fields reports select on.
struct Kept {
  std::string text, athlete, started;
};

// Parses and checks one document; fills `out` with `fields` of it when kept.
Outcome quick(dom::parser& parser, const char* buf, size_t len, const std::vector<std::string>& fields, Kept& out) {
  dom::element doc;
  dom::object obj;
  if (parser.parse(buf, len, false).get(doc) || doc.get_object().get(obj)) return Outcome::slow;
  std::array<std::optional<dom::element>, kFields> f;
  if (!surely_valid(obj, f)) return Outcome::slow;
  out.athlete = str(*f[kAthlete]);
  out.started = str(*f[kStarted]);
  out.text = "{";
  for (dom::key_value_pair kv : obj)
    for (const auto& want : fields)
      if (kv.key == want) {
        if (out.text.size() > 1) out.text += ',';
        out.text += '"';
        out.text += want;  // one of lever's own field names: nothing to escape
        out.text += "\":";
        out.text += simdjson::to_string(kv.value);
      }
  out.text += '}';
  return Outcome::kept;
}

// One worker's reusable parser and file buffer (simdjson wants SIMDJSON_PADDING spare bytes).
struct Scratch {
  dom::parser parser;
  std::string buf = std::string(16384 + simdjson::SIMDJSON_PADDING, '\0');
};

Outcome read_one(int dirfd, const std::string& name, Scratch& s, const std::vector<std::string>& fields, Kept& out,
                 FileStamp* stamp) {
  // Never through a link, never blocking on a FIFO: anything but a plain file goes the slow way,
  // where Store::load refuses it by name.
  int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return errno == ENOENT ? Outcome::absent : Outcome::slow;
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (stamp && !stamp_of(fd, *stamp))) {
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
  return quick(s.parser, s.buf.data(), len, fields, out);
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

// A session file read this time: its new index entry, and the strings the entry views.
struct Fresh {
  std::string id, athlete, started, fields;
  SessionIndexEntry entry;
  bool indexable = false;  // the file held still while read: the entry may go into the index

  Fresh(std::string_view id_, const FileStamp& st, bool valid, const json* doc, bool indexable_)
      : id(id_), indexable(indexable_) {
    if (doc) {
      athlete = doc->value("athlete_id", "");
      started = doc->value("started_at", "");
      fields = doc->dump();
    }
    entry = {id, st, valid, athlete, started, fields};
  }
  Fresh(std::string_view id_, const FileStamp& st, Kept&& k)
      : id(id_), athlete(std::move(k.athlete)), started(std::move(k.started)), fields(std::move(k.text)), indexable(true) {
    entry = {id, st, true, athlete, started, fields};
  }
};

// What a report's pass found of one session file: an index entry (held over from the last report,
// or made now) with the document's indexed fields, or the verdict that Store::load must read it.
struct Found {
  Outcome outcome = Outcome::slow;          // kept: entry() is a valid session document
  const SessionIndexEntry* held = nullptr;  // the index entry whose stamp still matched the file
  std::unique_ptr<Fresh> fresh;             // or the entry made now (on the heap: Found moves)
  std::optional<TimePoint> started_at;      // kept: the parsed start time

  const SessionIndexEntry& entry() const { return held ? *held : fresh->entry; }
};

// One file: its index entry when the stamp still matches, else read by the quick path into a fresh
// one (`wide`: the fields to keep of it; `timed`: the query selects by start time, so parse it).
void find_one(int dirfd, const std::string& id, const SessionIndexEntry* prior, Scratch& s, const SessionQuery& wide,
              bool timed, Found& f) {
  std::string name = id + ".json";
  FileStamp st;
  if (!stamp_at(dirfd, name.c_str(), st)) {
    f.outcome = errno == ENOENT ? Outcome::absent : Outcome::slow;
    return;
  }
  if (prior && prior->stamp == st) {
    f.held = prior;
    f.outcome = prior->valid ? Outcome::kept : Outcome::slow;
  } else {
    Kept k;
    f.outcome = read_one(dirfd, name, s, wide.fields, k, &st);
    if (f.outcome != Outcome::kept) return;
    f.fresh = std::make_unique<Fresh>(id, st, std::move(k));
  }
  if (f.outcome == Outcome::kept && timed) f.started_at = parse_iso(f.entry().started);
}

// Reads a document the quick path could not vouch for through Store::load, in ID order as a plain
// loop would meet (and report) it; it gets an index entry too when the file held still meanwhile.
void load_slow(const Store& store, int dirfd, const std::string& id, const SessionQuery& wide, Found& f) {
  std::string name = id + ".json";
  FileStamp before, after;
  bool stamped = !f.held && stamp_at(dirfd, name.c_str(), before);
  auto still = [&] { return stamped && stamp_at(dirfd, name.c_str(), after) && after == before; };
  std::optional<json> doc;
  try {
    doc = store.load(collection("session"), id);
  } catch (const Error&) {
    if (still()) f.fresh = std::make_unique<Fresh>(id, before, false, nullptr, true);
    throw;
  }
  if (!doc) return;  // gone meanwhile
  json kept = only_fields(std::move(*doc), wide.fields);
  f.fresh = std::make_unique<Fresh>(id, before, true, &kept, still());
  f.held = nullptr;
  f.outcome = Outcome::kept;
  f.started_at = parse_iso(f.fresh->started);
}

// Lists the session directory and checks its files at once: this thread reads the directory in
// batches while the others, once the index has loaded (the first of them loads it), check the
// batches listed so far. On a large store the listing, the index and the stat calls each take tens
// of milliseconds, and only the last needs the other two.
class Pipeline {
public:
  // Checks one batch of IDs into `out` (sized to match) on worker `w`; `first`: the position of
  // ids[0] in the whole listing.
  using Check = std::function<void(const std::vector<std::string>& ids, size_t first, std::vector<Found>& out, unsigned w)>;

  // The workers (this thread included), for per-worker scratch space.
  static unsigned workers() { return std::max(2u, worker_count()); }

  void run(const Store& store, const Collection& c, const std::function<void()>& load_index, const Check& check) {
    std::vector<std::thread> threads;
    for (unsigned w = 1; w < workers(); ++w)
      threads.emplace_back([&, w] {
        if (w == 1) {
          guarded(load_index);
          std::lock_guard<std::mutex> g(m_);
          ready_ = true;
        }
        cv_.notify_all();
        guarded([&] { work(check, w); });
      });
    guarded([&] {
      store.list_batches(c, 1024, [&](std::vector<std::string>&& ids) {
        auto b = std::make_unique<Batch>();
        b->ids = std::move(ids);
        b->first = listed_count_;
        listed_count_ += b->ids.size();
        std::lock_guard<std::mutex> g(m_);
        batches_.push_back(std::move(b));
        cv_.notify_one();
      });
    });
    {
      std::lock_guard<std::mutex> g(m_);
      listed_ = true;
    }
    cv_.notify_all();
    guarded([&] { work(check, 0); });
    for (auto& t : threads) t.join();
    if (failure_) std::rethrow_exception(failure_);
  }

  // Every ID listed and what was found of it, batch after batch.
  void collect(std::vector<std::string>& ids, std::vector<Found>& found) {
    for (auto& b : batches_) {
      std::move(b->ids.begin(), b->ids.end(), std::back_inserter(ids));
      std::move(b->found.begin(), b->found.end(), std::back_inserter(found));
    }
  }

private:
  struct Batch {
    std::vector<std::string> ids;
    size_t first = 0;
    std::vector<Found> found;
  };

  void work(const Check& check, unsigned w) {
    for (;;) {
      Batch* b = nullptr;
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return failure_ || (ready_ && (taken_ < batches_.size() || listed_)); });
        if (failure_ || taken_ == batches_.size()) return;
        b = batches_[taken_++].get();
      }
      b->found.resize(b->ids.size());
      check(b->ids, b->first, b->found, w);
    }
  }

  // Runs fn; an exception stops every worker and is rethrown by run().
  void guarded(const std::function<void()>& fn) {
    try {
      fn();
    } catch (...) {
      std::lock_guard<std::mutex> g(m_);
      if (!failure_) failure_ = std::current_exception();
      ready_ = true;
      cv_.notify_all();
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Batch>> batches_;
  size_t taken_ = 0;
  size_t listed_count_ = 0;  // IDs listed so far (the listing thread's own)
  bool listed_ = false, ready_ = false;
  std::exception_ptr failure_;
};

// The kept sessions the query selects, as indexes into `found` in ID order (`ids`: their IDs).
std::vector<size_t> select(const std::vector<Found>& found, const std::vector<std::string>& ids, const SessionQuery& q) {
  std::vector<size_t> out;
  std::unordered_map<std::string_view, size_t> newest;
  for (size_t i = 0; i < found.size(); ++i) {
    const Found& f = found[i];
    if (f.outcome != Outcome::kept) continue;
    const auto& e = f.entry();
    if (!q.athlete.empty() && e.athlete != q.athlete) continue;
    if ((q.since || q.until) && !f.started_at) continue;
    if ((q.since && *f.started_at < *q.since) || (q.until && *f.started_at > *q.until)) continue;
    if (!q.newest_per_athlete) {
      out.push_back(i);
      continue;
    }
    auto [it, added] = newest.try_emplace(e.athlete, i);
    if (added) continue;
    // The later start wins, the lower ID on a tie. Compared as instants, not as text: two offsets
    // (a change of daylight saving time) would order the text wrongly.
    const Found& best = found[it->second];
    auto t = f.started_at.value_or(TimePoint::min()), bt = best.started_at.value_or(TimePoint::min());
    if (t > bt || (t == bt && ids[i] < ids[it->second])) it->second = i;
  }
  for (const auto& [athlete, i] : newest) out.push_back(i);
  std::sort(out.begin(), out.end(), [&](size_t a, size_t b) { return ids[a] < ids[b]; });
  return out;
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
  Kept k;
  if (quick(parser, padded.data(), padded.size(), fields, k) != Outcome::kept) return std::nullopt;
  return json::parse(k.text);
}

std::vector<json> read_sessions(const Store& store, const SessionQuery& q) {
  const Collection& c = collection("session");
  // The index keeps a fixed set of fields; a query for another one reads every file (and the index
  // is left as it was).
  const auto& indexed = indexed_session_fields();
  SessionQuery wide;
  wide.fields = indexed;
  for (const auto& k : q.fields)
    if (std::find(indexed.begin(), indexed.end(), k) == indexed.end()) wide.fields.push_back(k);
  bool use_index = wide.fields.size() == indexed.size();
  fs::path index_file = store.dir() / "cache" / "sessions.index";
  int dirfd = open_dir_confined(store.dir(), store.dir() / c.dir);
  if (dirfd < 0) return {};
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close_dir{dirfd};
  SessionIndex index;
  // The index is saved in directory order, which stays while the directory does: a file's entry is
  // usually at the file's own position. The others are found by ID, in a map built only if needed.
  std::unordered_map<std::string_view, const SessionIndexEntry*> by_id;
  std::once_flag by_id_built;
  auto prior = [&](const std::string& id, size_t pos) -> const SessionIndexEntry* {
    const auto& e = index.entries();
    if (pos < e.size() && e[pos].id == id) return &e[pos];
    std::call_once(by_id_built, [&] {
      by_id.reserve(e.size());
      for (const auto& x : e) by_id.emplace(x.id, &x);
    });
    auto p = by_id.find(id);
    return p == by_id.end() ? nullptr : p->second;
  };
  std::vector<std::string> ids;
  std::vector<Found> found;
  std::vector<Scratch> scratch(Pipeline::workers());  // parallel_for's workers are never more
  {
    Pipeline pipe;
    bool timed = q.since || q.until || q.newest_per_athlete;
    auto check = [&](const std::vector<std::string>& batch, size_t first, std::vector<Found>& out, unsigned w) {
      for (size_t i = 0; i < batch.size(); ++i)
        find_one(dirfd, batch[i], prior(batch[i], first + i), scratch[w], wide, timed, out[i]);
    };
    auto load_index = [&] {
      if (use_index) index = SessionIndex::load(index_file, store.dir());
    };
    pipe.run(store, c, load_index, check);
    pipe.collect(ids, found);
  }
  // The quick path could not vouch for these: Store::load reads them in ID order, as a plain loop
  // would meet (and report) them.
  std::vector<size_t> slow;
  for (size_t i = 0; i < ids.size(); ++i)
    if (found[i].outcome == Outcome::slow) slow.push_back(i);
  std::sort(slow.begin(), slow.end(), [&](size_t a, size_t b) { return ids[a] < ids[b]; });
  for (size_t i : slow) {
    try {
      load_slow(store, dirfd, ids[i], wide, found[i]);
    } catch (const Error&) {
      if (!q.skip_invalid) throw;
    }
  }
  auto chosen = select(found, ids, q);
  std::vector<json> out(chosen.size());
  parallel_for(chosen.size(), [&](size_t k, unsigned w) { out[k] = from_entry(found[chosen[k]].entry(), scratch[w], q.fields); });
  // The index is rewritten only when an entry was added, replaced or dropped.
  bool changed = false;
  size_t held = 0;
  for (const auto& f : found) {
    changed = changed || (f.fresh && f.fresh->indexable);
    held += f.held != nullptr;
  }
  if (use_index && (changed || held != index.entries().size())) {
    std::vector<SessionIndexEntry> next;
    next.reserve(ids.size());
    for (const auto& f : found) {
      if (f.fresh && f.fresh->indexable && !stamp_is_racy(f.fresh->entry.stamp)) next.push_back(f.fresh->entry);
      else if (f.held) next.push_back(*f.held);
    }
    save_session_index(index_file, next, store.dir());
  }
  return out;
}

}  // namespace lever
