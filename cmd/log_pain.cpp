// lever log-pain: one entry from the command line, or an all-or-nothing import (CSV or NDJSON).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/cli/columns/pain.hpp"
#include "lever/model/vocab.hpp"
#include "lever/plan/service.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/pain_use_cases.hpp"
#include "lever/util/error.hpp"
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
  ctx.out().record(correction_columns(), correction_row(correct_pain_entry(ctx.store(), c, ctx.user())));
}

void import(Context& ctx, const PainArgs& a) {
  auto r = import_pain(ctx.store(), a.import_path, a.import_format, ctx.user());
  if (!r.errors.empty()) {
    // The file's own text is quoted in these lines: shown escaped, never obeyed by the terminal.
    for (const auto& line : import_problem_lines(r)) std::cerr << "lever: " << escape_text(line) << '\n';
    throw import_refusal(r);
  }
  if (r.entries.empty()) ctx.note("nothing to import: the input has no records");
  else if (ctx.out().is_table()) ctx.note(fmt::format("imported {} pain entries", r.entries.size()));
  else {
    std::vector<json> rows;
    for (const auto& e : r.entries) rows.push_back(pain_entry_row(e));
    ctx.out().records(pain_columns(), rows);
  }
}

}  // namespace

void add_log_pain(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<PainArgs>();
  app.add_option("ATHLETE", a->in.athlete, "Athlete ID")->type_name("ATHLETE");
  app.add_option("SCORE", a->in.score, "Pain now, 0-10 (numeric pain rating scale)")->type_name("0|1|2|3|4|5|6|7|8|9|10");
  one_of(app.add_option("--when", a->in.when, "When the pain was felt relative to running"), model::names<model::PainWhen>())
      ->capture_default_str();
  app.add_option("--at", a->in.at, "Time the pain was felt: ISO 8601, 'now' or relative (-24h, -30m)")->type_name("TIME");
  app.add_option("--session", a->in.session, "The session this pain belongs to")->type_name("SID");
  one_of(app.add_option("--swelling", a->in.swelling, "Swelling around the kneecap"), model::names<model::Swelling>());
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
    auto entry = log_pain_entry(ctx.store(), a->in, ctx.user());
    ctx.out().record(pain_columns(), pain_entry_row(entry));
    // Accepted, but an entry the engine cannot count is said so now, not discovered at the next run.
    if (auto why = plan::follow_up_note(ctx.store(), entry)) ctx.warn(*why);
  });
}

}  // namespace lever::cmd
