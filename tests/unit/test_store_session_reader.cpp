// The reports' quick session reader must agree with Store::load: same documents, same fields, and
// anything it cannot vouch for left to the schema validator (issue #7: speed without new answers).
#include <fstream>
#include <regex>
#include <set>

#include <doctest/doctest.h>

#include "lever/store/schemas.hpp"
#include "lever/store/session_reader.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "tmpdir.hpp"

using namespace lever;
using nlohmann::json;

namespace {

const std::vector<std::string> kAll = {"id", "athlete_id", "started_at", "ended_at", "status", "plan_step",
                                       "stop_reason", "support_pct", "measured_support_pct", "max_pain_during",
                                       "knee_load", "run_s", "schema_version", "time_at_support", "loop_timing"};

json cut(const json& doc) {
  json out = json::object();
  for (const auto& k : kAll)
    if (doc.contains(k)) out[k] = doc[k];
  return out;
}

const char* kGood =
    R"({"schema_version":1,"id":"s-1","athlete_id":"ann","started_at":"2026-11-20T08:00:00+01:00",)"
    R"("ended_at":"2026-11-20T08:25:00+01:00","status":"completed","plan_step":2,"stop_reason":null,)"
    R"("support_pct":20.0,"measured_support_pct":19.5,"max_pain_during":3,"knee_load":2100,"run_s":1200,)"
    R"("time_at_support":[{"support_pct":20.0,"duration_s":1200},{"support_pct":35.5,"duration_s":300.25}],)"
    R"("loop_timing":{"ticks":1500,"period_jitter_p50_ms":0.25,"fault_to_hold_ms":-2,"hold_sent_unix_ns":1795000000000000000},)"
    R"("faults":["estop"],"calibration":{"record":"cal-1","override":null},"program":{"source":"plan","name":"step 2",)"
    R"("plan_step":2,"duration_s":1500,"distance_km":2.5,"phases":[{"name":"run 1/1","kind":"run","duration_s":1500,)"
    R"("support_pct":20,"speed_kmh":9.5,"incline_pct":0,"cadence_target_spm":null}]}})";

// kGood with one field's value text replaced (or the field removed when value is empty).
std::string with(const std::string& field, const std::string& value) {
  json doc = json::parse(kGood);
  std::string text = doc.dump();
  std::string key = "\"" + field + "\":";
  auto at = text.find(key);
  REQUIRE(at != std::string::npos);
  auto end = at + key.size();
  int depth = 0;
  bool in_str = false;
  for (; end < text.size(); ++end) {
    char c = text[end];
    if (in_str) {
      if (c == '\\') ++end;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (depth == 0) break;
      --depth;
    } else if (c == ',' && depth == 0) break;
  }
  if (value.empty()) {
    size_t from = at, to = end;
    if (text[to] == ',') ++to;
    else if (text[from - 1] == ',') --from;
    return text.substr(0, from) + text.substr(to);
  }
  return text.substr(0, at) + key + value + text.substr(end);
}

}  // namespace

TEST_CASE("the quick checks cover exactly the fields session.schema.json constrains") {
  json schema = json::parse(schemas::embedded().at("session.schema.json"));
  std::set<std::string> props;
  for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) props.insert(it.key());
  const auto& checked = quick_session_checked_fields();
  CHECK(std::set<std::string>(checked.begin(), checked.end()) == props);
  for (const auto& r : schema["required"]) CHECK(props.count(r.get<std::string>()));
}

TEST_CASE("a document the quick path accepts is valid and reads the same as with nlohmann") {
  std::vector<std::string> docs = {kGood};
  const std::vector<std::pair<std::string, std::vector<std::string>>> variants = {
      {"schema_version", {"", "2", "1.0", "\"1\"", "0", "null"}},
      {"id", {"", "\"S-1\"", "\"-s\"", "\"s/1\"", "\"\"", "1", "\"\\u0073-1\"", "\"" + std::string(64, 'a') + "\"",
              "\"" + std::string(65, 'a') + "\"", "\"s\\n1\""}},
      {"athlete_id", {"", "\"Ann\"", "null", "\"\\u0061nn\"", "\"ann \""}},
      {"started_at", {"", "\"2026-11-20\"", "\"2026-11-20T08:00:00\"", "\"2026-11-20T08:00:00Z\"", "\"2026-02-30T08:00:00Z\"",
                      "\"2026-11-20T08:00:00.250-05:00\"", "null", "17"}},
      {"ended_at", {"", "null", "\"soon\"", "\"2026-11-20t08:25:00z\"", "false"}},
      {"status", {"", "\"done\"", "\"stopped\"", "\"running\"", "\"incomplete\"", "null", "\"Completed\""}},
      {"stop_reason", {"", "\"pain\"", "3", "null"}},
      {"plan_step", {"", "null", "0", "1", "2.0", "2.5", "-1", "18446744073709551615", "\"2\""}},
      {"support_pct", {"", "null", "0", "100", "100.0001", "-0.1", "1e2", "\"20\""}},
      {"measured_support_pct", {"", "null", "101", "55.5"}},
      {"max_pain_during", {"", "null", "10", "11", "-1", "3.0", "\"3\""}},
      {"knee_load", {"", "null", "\"high\"", "1e5", "-7"}},
      // Fields no report filters on go through the schema validator, nested parts included.
      {"time_at_support", {"", "[]", "null", "[{\"support_pct\":20}]", "[{\"support_pct\":20,\"duration_s\":1,\"zz\":1}]"}},
      {"loop_timing", {"", "{}", "{\"ticks\":0}", "{\"ticks\":2.0}", "{\"zz\":1}", "[]"}},
      {"faults", {"", "[]", "[\"estop\",\"key\"]", "[\"estop\",\"estop\"]", "[\"zz\"]", "[1]"}},
      {"calibration", {"", "{\"record\":null,\"override\":{\"problem\":\"overdue\",\"reason\":\"x\"}}",
                       "{\"record\":\"Cal\",\"override\":null}", "{\"record\":null}", "null"}},
      {"program", {"", "{}", "{\"source\":\"x\",\"name\":\"y\",\"plan_step\":null,\"duration_s\":1,\"distance_km\":0,\"phases\":[]}"}},
  };
  for (const auto& [field, values] : variants)
    for (const auto& v : values) docs.push_back(with(field, v));
  docs.push_back(R"({"schema_version":1,"schema_version":1,"id":"s-1","athlete_id":"ann","started_at":"2026-11-20T08:00:00Z","status":"completed"})");
  docs.push_back(R"({"schema_version":1,"id":"s-1","athlete_id":"bob","athlete_id":"ann","started_at":"2026-11-20T08:00:00Z","status":"completed"})");
  // A field the schema does not name (it refuses any) never takes the quick path.
  const std::string unknown = with("run_s", "1200,\"zz_extra\":1");
  CHECK(!quick_session(unknown, kAll));
  docs.push_back(unknown);
  docs.push_back(R"([1,2])");
  docs.push_back(R"({"schema_version":1,"id":"s-1")");
  docs.push_back("");
  int quick = 0;
  for (const auto& text : docs) {
    CAPTURE(text);
    auto got = quick_session(text, kAll);
    json parsed = json::parse(text, nullptr, false);
    bool valid = !parsed.is_discarded() && Store::validate(collection("session"), parsed).empty();
    if (got) {
      ++quick;
      CHECK(valid);
      if (valid) CHECK(got->dump() == cut(parsed).dump());
    }
  }
  CHECK(quick_session(kGood, kAll));
  CHECK(quick > 30);  // the common shapes take the quick path, or the reports lose their speed
}

TEST_CASE("read_sessions gives what a loop over Store::load gives, damaged files included") {
  TempDir t;
  Store store(t.path / "store");
  { auto lock = store.lock(); }
  make_private_dirs(t.path / "store" / "sessions");
  auto put = [&](const std::string& id, const std::string& text) {
    std::ofstream(t.path / "store" / "sessions" / (id + ".json")) << text;
  };
  put("s-1", with("id", "\"s-1\""));
  put("s-2", with("id", "\"s-2\"").replace(with("id", "\"s-2\"").find("\"ann\""), 5, "\"bob\""));
  put("s-3", with("id", "\"s-3\"").replace(with("id", "\"s-3\"").find("2,"), 2, "2.0,"));  // slow path, valid
  put("s-4", with("athlete_id", "\"\\u0061nn\"").replace(with("athlete_id", "\"\\u0061nn\"").find("\"s-1\""), 5, "\"s-4\""));
  std::vector<json> expect_all, expect_ann;
  for (const auto& id : store.list(collection("session"))) {
    auto doc = store.load(collection("session"), id);
    expect_all.push_back(cut(*doc));
    if ((*doc)["athlete_id"] == "ann") expect_ann.push_back(cut(*doc));
  }
  REQUIRE(expect_all.size() == 4);
  SessionQuery q;
  q.fields = kAll;
  CHECK(json(read_sessions(store, q)) == json(expect_all));
  q.athlete = "ann";
  CHECK(json(read_sessions(store, q)) == json(expect_ann));
  CHECK(expect_ann.size() == 3);

  put("s-0", R"({"schema_version":1,"id":"s-0","athlete_id":"bob")");  // cut short
  try {
    read_sessions(store, q);
    FAIL("a damaged session must not be passed over silently");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::invalid_data);
    CHECK(std::string(e.what()).find("sessions/s-0.json is not valid JSON") != std::string::npos);
  }
  q.skip_invalid = true;
  CHECK(json(read_sessions(store, q)) == json(expect_ann));
}

TEST_CASE("the ID pattern is tested exactly as std::regex would") {
  const std::string pattern = "^[a-z0-9][a-z0-9._-]{0,63}$";
  SchemaValidator v(json{{"type", "string"}, {"pattern", pattern}});
  for (std::string s : {"a", "0", "a.b_c-d", "A", "-a", ".a", "", "a b", "a\nb", "ä", "a/b", "ab-"}) {
    bool want = std::regex_search(s, std::regex(pattern, std::regex::ECMAScript));
    CHECK(v.validate(json(s)).empty() == want);
  }
  CHECK(v.validate(json(std::string(64, 'z'))).empty());
  CHECK(!v.validate(json(std::string(65, 'z'))).empty());
}
