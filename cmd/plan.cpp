// lever plan ...: argument wiring only; the rules live in lever/plan (engine, plan, templates, service).
#include <algorithm>
#include <iostream>
#include <iterator>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/model/vocab.hpp"
#include "lever/cli/columns/plan.hpp"
#include "lever/cli/columns/renamed.hpp"
#include "lever/plan/rest.hpp"
#include "lever/plan/service.hpp"
#include "lever/plan/templates.hpp"
#include "lever/plan/view.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/typed.hpp"
#include "lever/store/writer.hpp"
#include "lever/util/error.hpp"
#include "lever/util/fs.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/units.hpp"

namespace lever::cmd {

namespace {

using nlohmann::json;
using namespace lever::plan;

// Raw option values, shared by the plan subcommands.
struct PlanArgs {
  std::string athlete, file, name, tmpl = kDefaultTemplate, severity = "moderate", profile = std::string(model::default_profile().name), unit, speed;
  std::string reason, decision;
  int consecutive = 0, step = 0;
  bool replace = false;
};

// A plan has at most 100 steps (schemas/plan.schema.json).
const NumberRange kStep{1, 100, true};

// Reads FILE, or standard input for "-"; Error(not_found) when the file does not exist.
std::string read_input(const std::string& file) {
  if (file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  auto text = read_file(file);
  if (!text) throw Error(Exit::not_found, fmt::format("no file '{}'", file), "check the path");
  return *text;
}

// Prints validation problems as data (like store check) and fails with exit 5 naming the first.
void report_problems(Context& ctx, const std::vector<SchemaIssue>& issues, const std::string& what, const std::string& kind) {
  std::vector<json> rows;
  for (const auto& i : issues) rows.push_back({{"pointer", i.pointer.empty() ? "/" : i.pointer}, {"problem", i.message}});
  ctx.out().records(validation_problem_columns(), rows);
  throw Error(Exit::invalid_data,
              fmt::format("{} is not a valid {}: {} {} ({} problem{})", what, kind, rows[0]["pointer"].get<std::string>(),
                          issues[0].message, issues.size(), issues.size() == 1 ? "" : "s"),
              fmt::format("fix the fields named above (schema: schemas/{}.schema.json)", kind == "plan" ? "plan" : "template"));
}

// Brings the plan up to its evidence first (stored once) and says what that decided.
model::Plan current_plan(Context& ctx, const std::string& athlete) {
  for (const auto& e : refresh_plan(ctx.store(), athlete, ctx.user(), now())) ctx.note(fmt::format("decision: {}", e.reason));
  return require_plan(ctx.store(), athlete);
}

void show_plan(Context& ctx, const std::string& athlete) {
  const model::Plan plan = current_plan(ctx, athlete);
  const auto params = knee_load_params(ctx.store().config().value("knee_load", json::object()));
  auto& out = ctx.out();
  if (ctx.format() == Format::csv) return out.records(step_columns(), step_rows(plan, params));
  if (!out.is_table()) return out.json_value(plan_document(plan, params));
  out.record(plan_summary_columns(), plan_summary_row(plan));
  out.heading("Steps (load: estimated knee-load index in reference-step equivalents; a trend measure, not a diagnosis)");
  out.records(step_columns(), step_rows(plan, params));
}

void next(Context& ctx, const std::string& athlete) {
  auto& store = ctx.store();
  StoreWriter w(store);
  auto u = update_plan(w, athlete, ctx.user(), now());
  for (const auto& e : u.added) ctx.note(fmt::format("decision: {}", e.reason));
  if (u.evaluation.suspended) {
    const std::string why = u.plan.suspension ? u.plan.suspension->reason : "";
    throw Error(Exit::safety, fmt::format("the plan of '{}' is suspended: {}", athlete, why),
                fmt::format("no runs until a clinician reviews and resumes it: lever plan resume {} --reason TEXT", athlete));
  }
  std::vector<TimePoint> starts;
  for (const auto& s : u.sessions) starts.push_back(s.started_at);
  double mass = require_athlete(store, athlete).at("mass_kg").get<double>();
  if (u.plan.review) ctx.warn(fmt::format("the plan of '{}' awaits clinician review", athlete));
  ctx.out().record(next_columns(), next_row(u.plan, u.evaluation, rest_check(u.plan, starts, now()), mass));
}

void add_template_commands(CLI::App& app, Context& ctx, const std::shared_ptr<PlanArgs>& a) {
  auto* list = app.add_subcommand("templates", "List the built-in and store templates");
  list->callback([&ctx] { ctx.out().records(template_columns(), template_rows(ctx.store())); });

  auto* t = app.add_subcommand("template", "Add or show a plan template");
  t->require_subcommand(1);
  auto* add = t->add_subcommand("add", "Add a template to the store (checked against its schema and rules)");
  add->add_option("FILE", a->file, "Template JSON file, or - for standard input")->required();
  add->add_flag("--replace", a->replace, "Replace a store template with the same ID");
  add->callback([&ctx, a] {
    json doc = parse_json_text(read_input(a->file), a->file == "-" ? "stdin" : a->file);
    if (auto issues = template_problems(doc); !issues.empty()) report_problems(ctx, issues, a->file, "template");
    std::string id = doc["id"].get<std::string>();
    if (is_builtin_template(id))
      throw Error(Exit::invalid_data, fmt::format("'{}' is the ID of a built-in template", id), "give your template another id");
    StoreWriter w(ctx.store());
    if (w.store().has(collection("template"), id) && !a->replace)
      throw Error(Exit::invalid_data, fmt::format("template '{}' already exists in the store", id), "add --replace to replace it");
    w.save(collection("template"), id, doc, {{ctx.user(), "template.add", id, {{"title", doc["title"]}}}});
    ctx.out().records(template_columns(), {template_row(doc, "store")});
  });
  auto* show = t->add_subcommand("show", "Show a template");
  show->add_option("NAME", a->name, "Template ID")->required();
  show->callback([&ctx, a] {
    require_id("template", a->name);
    json doc = load_template(ctx.store(), a->name);
    auto& out = ctx.out();
    if (ctx.format() == Format::csv) return out.records(template_step_csv_columns(), template_step_rows(doc));
    if (!out.is_table()) return out.json_value(doc);
    out.record(template_summary_columns(), doc);
    const auto steps = template_step_rows(doc);
    for (const char* sev : {"mild", "moderate"}) {
      out.heading(fmt::format("{} presentation", sev));
      std::vector<json> rows;
      std::copy_if(steps.begin(), steps.end(), std::back_inserter(rows), [&](const json& r) { return r["severity"] == sev; });
      out.records(template_step_columns(), rows);
    }
  });
}

void add_document_commands(CLI::App& app, Context& ctx, const std::shared_ptr<PlanArgs>& a) {
  auto* ex = app.add_subcommand("export", "Print the athlete's plan document (JSON) on stdout");
  ex->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  ex->callback([&ctx, a] {
    // A nested document with no row form: CSV would have to be JSON in disguise (lever(1), OUTPUT).
    if (ctx.format() == Format::csv)
      throw Error(Exit::usage, "plan export prints a JSON document and has no CSV form", "use --format json or ndjson");
    ctx.out().json_value(require_plan(ctx.store(), a->athlete));
  });

  auto* im = app.add_subcommand("import", "Store a plan document (as written by export) after validating it");
  im->add_option("FILE", a->file, "Plan JSON file, or - for standard input")->required();
  im->add_flag("--replace", a->replace, "Replace the athlete's existing plan");
  im->callback([&ctx, a] {
    json doc = parse_json_text(read_input(a->file), a->file == "-" ? "stdin" : a->file);
    if (auto issues = plan_problems(doc); !issues.empty()) report_problems(ctx, issues, a->file, "plan");
    std::string id = doc["athlete_id"].get<std::string>();
    StoreWriter w(ctx.store());
    require_athlete(w.store(), id);
    if (w.store().has(collection("plan"), id) && !a->replace)
      throw Error(Exit::invalid_data, fmt::format("athlete '{}' already has a plan", id), "add --replace to replace it");
    const auto plan = from_stored<model::Plan>(doc, a->file);
    save_plan(w, plan, ctx.user(), "plan.import", {{"file", a->file}});
    ctx.out().record(columns_for(ctx.format(), plan_summary_columns()), plan_summary_row(plan));
  });

  auto* va = app.add_subcommand("validate", "Check a plan or template file; problems are named by JSON Pointer");
  va->add_option("FILE", a->file, "Plan or template JSON file, or - for standard input")->required();
  va->callback([&ctx, a] {
    json doc = parse_json_text(read_input(a->file), a->file == "-" ? "stdin" : a->file);
    std::string kind = doc.is_object() ? doc.value("kind", "") : "";
    if (kind != "lever-template" && kind != "lever-plan")
      report_problems(ctx, {{"/kind", "must be \"lever-plan\" or \"lever-template\""}}, a->file, "plan or template");
    bool is_plan = kind == "lever-plan";
    auto issues = is_plan ? plan_problems(doc) : template_problems(doc);
    if (!issues.empty()) report_problems(ctx, issues, a->file, is_plan ? "plan" : "template");
    // Like `store check`: a script asking for data gets the (empty) list of problems.
    if (!ctx.out().is_table()) ctx.out().records(validation_problem_columns(), {});
    ctx.note(fmt::format("{} is a valid {}", a->file, is_plan ? "plan" : "template"));
  });
}

// Runs a clinician's action on the plan under the lock and saves it with its audit record.
template <typename F>
void clinician_action(Context& ctx, const std::string& athlete, const std::string& action, F&& f) {
  StoreWriter w(ctx.store());
  model::Plan plan = require_plan(w.store(), athlete);
  const model::HistoryEntry e = f(plan, from_stored<model::Athlete>(require_athlete(w.store(), athlete), "athlete '" + athlete + "'"));
  save_plan(w, plan, ctx.user(), action, {{"reason", e.reason}, {"from_step", e.from_step}, {"to_step", e.to_step}});
  ctx.note(e.reason);
  ctx.out().record(history_columns(), history_row(e));
}

void add_clinician_commands(CLI::App& app, Context& ctx, const std::shared_ptr<PlanArgs>& a) {
  auto* su = app.add_subcommand("suspend", "Suspend a plan (no runs until a clinician resumes it)");
  su->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  su->add_option("--reason", a->reason, "Why (stored in the history and audit log)")->required()->type_name("TEXT");
  su->callback([&ctx, a] {
    clinician_action(ctx, a->athlete, "plan.suspend",
                     [&](model::Plan& p, const model::Athlete&) { return suspend_plan(p, a->reason, ctx.user(), now()); });
  });

  auto* re = app.add_subcommand("resume", "Resume a suspended plan, optionally at another step");
  re->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  re->add_option("--reason", a->reason, "Why it is safe to resume")->required()->type_name("TEXT");
  number_in(re->add_option("--step", a->step, "Resume at this step (default: where it stopped)"), kStep)->type_name("N");
  re->callback([&ctx, a, re] {
    std::optional<int> step;
    if (re->count("--step")) step = a->step;
    clinician_action(ctx, a->athlete, "plan.resume",
                     [&](model::Plan& p, const model::Athlete& ath) { return resume_plan(p, ath, a->reason, step, ctx.user(), now()); });
  });

  auto* ov = app.add_subcommand("override", "Override the engine: move to a step, or replace its latest decision");
  ov->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  auto* st = number_in(ov->add_option("--step", a->step, "Move to this step"), kStep)->type_name("N");
  auto* de = ov->add_option("--decision", a->decision, "Replace the engine's latest decision")->type_name("progress|hold|regress");
  st->excludes(de);
  ov->add_option("--reason", a->reason, "Why (stored in the history and audit log)")->required()->type_name("TEXT");
  ov->callback([&ctx, a, ov] {
    std::optional<int> step;
    std::optional<Verdict> decision;
    if (ov->count("--step")) step = a->step;
    if (ov->count("--decision")) decision = parse_override_decision(a->decision);
    clinician_action(ctx, a->athlete, "plan.override", [&](model::Plan& p, const model::Athlete&) {
      return override_plan(p, step, decision, a->reason, ctx.user(), now());
    });
  });
}

}  // namespace

void refresh_every_plan(Context& ctx) {
  auto fresh = refresh_all_plans(ctx.store(), ctx.user(), now());
  for (const auto& e : fresh.added)
    ctx.note(fmt::format("plan decision for {}: {}", e.athlete, e.entry.reason));
  for (const auto& why : fresh.not_decided) ctx.warn(why);
}

void add_plan(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<PlanArgs>();
  app.require_subcommand(1);

  auto* nw = app.add_subcommand("new", "Build the athlete's graded-exposure plan from a template");
  nw->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  nw->add_option("--template", a->tmpl, "Template ID (see 'lever plan templates')")->capture_default_str()->type_name("NAME");
  nw->add_option("--severity", a->severity, "Presentation: mild starts at 10 % support, moderate at 20 %")
      ->capture_default_str()->type_name("mild|moderate");
  // Not one_of: an unknown profile is refused by model::profile(), whose message lists each one's limit.
  nw->add_option("--profile", a->profile, "Pain-monitoring profile")->capture_default_str()->type_name(choice_list(profile_names()));
  nw->add_option("--unit", a->unit, "Check support forces against this unit (default: the only unit in the store)")->type_name("UNIT");
  number_in(nw->add_option("--consecutive", a->consecutive, "Acceptable sessions in a row before progressing (default 2)"),
            {1, 10, true})
      ->type_name("N");
  number_in(nw->add_option("--speed", a->speed, "Running speed for every step (e.g. 8, 8kmh, 5mph)"), {1, 30}, Quantity::speed_kmh)
      ->type_name("KMH");
  nw->add_flag("--replace", a->replace, "Replace an existing plan (its history goes with it; export it first)");
  nw->callback([&ctx, a, nw] {
    PlanRequest req;
    req.template_id = a->tmpl;
    req.severity = a->severity;
    req.profile = a->profile;
    if (nw->count("--consecutive")) req.consecutive_required = a->consecutive;
    if (nw->count("--speed")) req.speed_kmh = parse_speed_kmh(a->speed, "--speed");
    require_id("template", req.template_id);
    profile(req.profile);
    StoreWriter w(ctx.store());
    std::string note;
    const model::Plan plan = create_plan(w, a->athlete, req, a->unit, a->replace, ctx.user(), now(), note);
    ctx.note(note);
    ctx.out().record(columns_for(ctx.format(), plan_summary_columns()), plan_summary_row(plan));
  });

  auto* sh = app.add_subcommand("show", "Show a plan: its steps, support forces and estimated knee load");
  sh->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  sh->callback([&ctx, a] { show_plan(ctx, a->athlete); });

  auto* ls = app.add_subcommand("list", "List every plan with its status and current step (each brought up to its evidence first)");
  ls->callback([&ctx] {
    refresh_every_plan(ctx);  // every status as its evidence implies now, never a stale one
    std::vector<json> rows;
    for (const auto& id : ctx.store().list(collection("plan"))) {
      try {
        if (auto p = load_as<model::Plan>(ctx.store(), id)) rows.push_back(plan_list_row(*p));
      } catch (const Error& e) {
        ctx.warn(e.what());
      }
    }
    ctx.out().records(columns_for(ctx.format(), plan_list_columns()), rows);
  });

  auto* nx = app.add_subcommand("next", "Decide on completed sessions and print the next session's prescription");
  nx->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  nx->callback([&ctx, a] { next(ctx, a->athlete); });

  auto* hi = app.add_subcommand("history", "List the plan's decisions, overrides, suspensions and resumptions");
  hi->add_option("ATHLETE", a->athlete, "Athlete ID")->required();
  hi->callback([&ctx, a] {
    const model::Plan plan = current_plan(ctx, a->athlete);
    std::vector<json> rows;
    for (const auto& e : plan.history) rows.push_back(history_row(e));
    ctx.out().records(history_columns(), rows);
  });

  add_template_commands(app, ctx, a);
  add_document_commands(app, ctx, a);
  add_clinician_commands(app, ctx, a);
}

}  // namespace lever::cmd
