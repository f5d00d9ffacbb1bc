// lever log-pain: one entry from the command line, or an all-or-nothing import (CSV or NDJSON).
#include <iostream>
#include <iterator>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/columns/pain.hpp"
#include "lever/plan/service.hpp"
#include "lever/store/pain.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/text.hpp"

namespace lever::cmd {

namespace {

using nlohmann::json;

struct PainArgs {
  PainInput in;
  bool theatre = false, stairs = false, grinding = false, stiffness = false;
  std::string import_path;
  std::string import_format = "auto";
  std::string void_entry;              ///< --void ENTRY
  std::vector<std::string> amend;      ///< --amend ENTRY SCORE
  std::string reason;                  ///< --reason for a correction
};

// --void / --amend: a correction record beside the original entry (domain.md, "Evidence").
void correct(Context& ctx, const PainArgs& a, const CLI::App& app) {
  if (!a.in.athlete.empty() || !a.in.score.empty())
    throw Error(Exit::usage, "a correction names the entry, not the athlete and score",
                "e.g. 'lever log-pain --amend ENTRY 3 --reason \"typed 8 for 3\"' or 'lever log-pain --void ENTRY --reason TEXT'");
  if (!a.void_entry.empty() && !a.amend.empty())
    throw Error(Exit::usage, "--void and --amend cannot be combined", "void an entry, or amend it");
  PainCorrection c;
  c.void_it = !a.void_entry.empty();
  c.entry = c.void_it ? a.void_entry : a.amend.at(0);
  c.reason = a.reason;
  require_id("entry", c.entry);
  if (c.void_it) {
    for (const char* o : {"--when", "--at", "--session", "--swelling", "--note"})
      if (app.count(o)) throw Error(Exit::usage, fmt::format("--void takes no {}", o), "use --amend ENTRY SCORE to change fields");
  } else {
    c.amend.score = a.amend.at(1);
    c.amend.when = a.in.when;
    c.amend.at = a.in.at;
    c.amend.session = a.in.session;
    c.amend.swelling = a.in.swelling;
    c.amend.note = a.in.note;
    for (auto [opt, field] : {std::pair{"--when", "when"}, {"--at", "at"}, {"--session", "session_id"},
                              {"--swelling", "swelling"}, {"--note", "note"}})
      if (app.count(opt)) c.given.push_back(field);
  }
  auto& store = ctx.store();
  auto lock = store.lock();
  auto owner = find_pain_entry_owner(store, c.entry);
  if (!owner)
    throw Error(Exit::not_found, fmt::format("no pain entry '{}' in the store", c.entry),
                "the Entry column of 'lever report pain ATHLETE' lists the entries that can be corrected");
  json r = build_correction(store, *owner, c, ctx.user(), now());
  store.append(collection("pain"), *owner, r);
  ctx.audit(c.void_it ? "pain.void" : "pain.amend", *owner,
            {{"entry", c.entry}, {"correction", r["id"]}, {"reason", c.reason}});
  ctx.out().record(correction_columns(), r);
}

std::string read_import(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  auto text = read_file(path);
  if (!text) throw Error(Exit::not_found, fmt::format("no file {} to import", path), "check the path");
  return *text;
}

void import(Context& ctx, const PainArgs& a) {
  std::string format = a.import_format;
  if (format == "auto" && a.import_path != "-") {
    auto ends = [&](const char* ext) {
      std::string e = ext;
      return a.import_path.size() > e.size() && a.import_path.compare(a.import_path.size() - e.size(), e.size(), e) == 0;
    };
    if (ends(".csv")) format = "csv";
    else if (ends(".ndjson") || ends(".jsonl")) format = "ndjson";
  }
  std::string text = read_import(a.import_path);
  std::vector<ImportError> errors;
  auto inputs = parse_pain_import(text, format, errors);
  auto& store = ctx.store();
  auto lock = store.lock();
  PainRefs refs(store);
  auto t = now();
  std::string user = ctx.user();
  std::vector<std::pair<std::string, json>> entries;
  for (const auto& [line, in] : inputs) {
    std::vector<FieldError> fe;
    if (auto e = build_pain_entry(in, refs, user, "import", t, fe)) entries.emplace_back((*e)["athlete_id"], *e);
    else errors.push_back({line, fe});
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end(), [](const ImportError& x, const ImportError& y) { return x.line < y.line; });
    size_t shown = 0;
    for (const auto& e : errors) {
      for (const auto& f : e.fields) {
        if (++shown > 200) break;
        // The file's own text is quoted in these lines: shown escaped, never obeyed by the terminal.
        std::cerr << escape_text(fmt::format("lever: {}: line {}{}: {}", a.import_path == "-" ? "stdin" : a.import_path, e.line,
                                             f.field.empty() ? "" : ", field " + f.field, f.message))
                  << '\n';
      }
    }
    if (shown > 200) std::cerr << fmt::format("lever: ... and more ({} bad records in all)\n", errors.size());
    throw Error(Exit::invalid_data,
                fmt::format("import refused: {} of {} records are bad; nothing was imported", errors.size(),
                            errors.size() + entries.size()),
                "fix the lines listed above and import the whole file again");
  }
  if (entries.empty()) {
    ctx.note("nothing to import: the input has no records");
    return;
  }
  store.append_batch(collection("pain"), entries);
  ctx.audit("pain.import", a.import_path == "-" ? "stdin" : a.import_path, {{"entries", entries.size()}});
  std::vector<json> rows;
  for (auto& [k, e] : entries) rows.push_back(e);
  if (ctx.out().is_table()) ctx.note(fmt::format("imported {} pain entries", rows.size()));
  else ctx.out().records(pain_columns(), rows);
}

}  // namespace

void add_log_pain(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<PainArgs>();
  app.add_option("ATHLETE", a->in.athlete, "Athlete ID")->type_name("ATHLETE");
  app.add_option("SCORE", a->in.score, "Pain now, 0-10 (numeric pain rating scale)")->type_name("0|1|2|3|4|5|6|7|8|9|10");
  app.add_option("--when", a->in.when, "When the pain was felt relative to running")
      ->check(CLI::IsMember({"before", "during", "after", "next-day"}))
      ->type_name("before|during|after|next-day")
      ->capture_default_str();
  app.add_option("--at", a->in.at, "Time the pain was felt: ISO 8601, 'now' or relative (-24h, -30m)")->type_name("TIME");
  app.add_option("--session", a->in.session, "The session this pain belongs to")->type_name("SID");
  app.add_option("--swelling", a->in.swelling, "Swelling around the kneecap")
      ->check(CLI::IsMember({"none", "mild", "moderate", "significant"}))
      ->type_name("none|mild|moderate|significant");
  app.add_flag("--theatre-sign", a->theatre, "Pain after sitting with bent knees that eases when the legs straighten");
  app.add_flag("--stairs", a->stairs, "Pain on stairs or downhill");
  app.add_flag("--grinding", a->grinding, "Grinding or clicking around the kneecap");
  app.add_flag("--stiffness", a->stiffness, "Knee stiffness after running");
  app.add_option("--note", a->in.note, "Free-text note")->type_name("TEXT");
  auto* imp = app.add_option("--import", a->import_path, "Import entries from a CSV or NDJSON file ('-' for stdin); all or nothing")
                  ->type_name("FILE|-");
  app.add_option("--import-format", a->import_format, "Format of the import (auto: by file name or content)")
      ->check(CLI::IsMember({"auto", "csv", "ndjson"}))
      ->type_name("auto|csv|ndjson")
      ->capture_default_str();
  (void)imp;
  app.add_option("--void", a->void_entry, "Withdraw a mistaken entry (it stays in the log, marked void); needs --reason")
      ->type_name("ENTRY");
  app.add_option("--amend", a->amend, "Correct an entry's score (and --when/--at/--swelling/--session/--note); needs --reason")
      ->expected(2)
      ->type_name("ENTRY SCORE");
  app.add_option("--reason", a->reason, "Why the entry is voided or amended (kept with the correction)")->type_name("TEXT");
  app.callback([&ctx, a, &app] {
    if (!a->void_entry.empty() || !a->amend.empty()) {
      correct(ctx, *a, app);
      return;
    }
    if (app.count("--reason"))
      throw Error(Exit::usage, "--reason goes with --void or --amend", "drop --reason, or name the entry to correct");
    if (!a->import_path.empty()) {
      if (!a->in.athlete.empty() || !a->in.score.empty())
        throw Error(Exit::usage, "--import takes entries from the file only", "drop ATHLETE and SCORE, or drop --import");
      import(ctx, *a);
      return;
    }
    if (a->in.athlete.empty() || a->in.score.empty())
      throw Error(Exit::usage, "log-pain needs an athlete and a score", "e.g. 'lever log-pain ann 3 --when during', or --import FILE");
    if (app.count("--theatre-sign")) a->in.theatre_sign = true;
    if (app.count("--stairs")) a->in.stairs_pain = true;
    if (app.count("--grinding")) a->in.grinding = true;
    if (app.count("--stiffness")) a->in.stiffness = true;
    auto& store = ctx.store();
    PainRefs pre(store);
    std::vector<FieldError> fe;
    auto t = now();
    // Check before locking so a typo fails fast; checked again under the lock below.
    auto report = [&](const std::vector<FieldError>& errs) {
      const auto& f = errs.front();
      Exit code = Exit::usage;
      if (f.field == "athlete_id" && f.message.rfind("no athlete", 0) == 0) code = Exit::not_found;
      if (f.field == "session_id" && f.message.rfind("no session", 0) == 0) code = Exit::not_found;
      if (f.field == "session_id" && f.message.find("belongs to") != std::string::npos) code = Exit::invalid_data;
      std::string all;
      for (const auto& e : errs) all += (all.empty() ? "" : "; ") + e.field + ": " + e.message;
      throw Error(code, all, code == Exit::not_found ? "check the ID with 'lever athlete list'" : "");
    };
    if (!build_pain_entry(a->in, pre, ctx.user(), "cli", t, fe)) report(fe);
    auto lock = store.lock();
    PainRefs refs(store);
    fe.clear();
    auto entry = build_pain_entry(a->in, refs, ctx.user(), "cli", now(), fe);
    if (!entry) report(fe);
    store.append(collection("pain"), (*entry)["athlete_id"], *entry);
    ctx.audit("pain.log", (*entry)["athlete_id"], {{"entry", (*entry)["id"]}, {"score", (*entry)["score"]}});
    ctx.out().record(pain_columns(), *entry);
    // Accepted, but an entry the engine cannot count is said so now, not discovered at the next run.
    if (auto why = plan::follow_up_note(store, *entry)) ctx.warn(*why);
  });
}

}  // namespace lever::cmd
