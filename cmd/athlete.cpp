// lever athlete add|list|show|edit: argument wiring only; what each does is in lever/store/athlete_use_cases.
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/cli/columns/athletes.hpp"
#include "lever/cli/columns/pain.hpp"
#include "lever/model/vocab.hpp"
#include "lever/store/athlete_use_cases.hpp"
#include "lever/store/pain.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"
#include "lever/util/units.hpp"

namespace lever::cmd {

namespace {

using nlohmann::json;

// Raw option text, converted after parsing so unit suffixes ("165lb") work.
struct AthleteArgs {
  std::string id, mass, name, cadence, side, note;
  int baseline_pain = -1;
  std::vector<std::string> flags, clear_flags;
  std::string flag_note;
  size_t recent = 10;
};

AthleteFields fields_from(const AthleteArgs& a, CLI::App* sub) {
  AthleteFields f;
  if (sub->count("--mass")) f.mass_kg = parse_mass_kg(a.mass, "--mass");
  if (sub->count("--name")) f.name = a.name;
  if (sub->count("--cadence")) f.cadence_spm = parse_number(a.cadence, "--cadence");
  if (sub->count("--side")) f.side = a.side;
  if (sub->count("--baseline-pain")) f.baseline_pain = a.baseline_pain;
  if (sub->count("--note")) f.note = a.note;
  return f;
}

void add_field_options(CLI::App* sub, AthleteArgs& a, bool mass_required) {
  auto* m = number_in(sub->add_option("--mass", a.mass, "Body mass: kg, or with a unit (75kg, 165lb)"), {20, 300}, Quantity::mass_kg)
                ->type_name("KG");
  if (mass_required) m->required();
  sub->add_option("--name", a.name, "Display name (no control characters)")->type_name("NAME");
  number_in(sub->add_option("--cadence", a.cadence, "Baseline running cadence"), {100, 240, false, "steps/min"})->type_name("SPM");
  one_of(sub->add_option("--side", a.side, "Affected knee"), model::names<model::Side>());
  number_in(sub->add_option("--baseline-pain", a.baseline_pain, "Resting pain"), {0, 10, true})->type_name("N");
  sub->add_option("--note", a.note, "Free-text note")->type_name("TEXT");
}

void show(Context& ctx, const std::string& id, size_t recent) {
  auto o = athlete_overview(ctx.store(), id, recent);
  warn_unreadable(o.problems);
  auto& out = ctx.out();
  if (out.is_table()) {
    out.record(athlete_show_columns(), athlete_row(o.doc));
    out.heading(fmt::format("Recent pain (last {})", recent));
    out.records(pain_columns(), o.recent_pain);
    return;
  }
  if (ctx.format() == Format::csv) return out.record(athlete_show_columns(), athlete_row(o.doc));
  json j = athlete_document(o.doc);
  j["recent_pain"] = o.recent_pain;
  out.json_value(j);
}

}  // namespace

void add_athlete(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<AthleteArgs>();
  app.require_subcommand(1);

  auto* add = app.add_subcommand("add", "Add an athlete (body mass required)");
  add->add_option("ID", a->id, "Athlete ID: a-z 0-9 . _ - (becomes a file name)")->required();
  add_field_options(add, *a, true);
  add->callback([&ctx, a, add] {
    require_id("athlete", a->id);
    auto doc = lever::add_athlete(ctx.store(), a->id, fields_from(*a, add), ctx.user());
    ctx.out().record(athlete_show_columns(), athlete_row(doc));
  });

  auto* list = app.add_subcommand("list", "List athletes");
  list->callback([&ctx] {
    std::vector<std::string> unreadable;
    std::vector<json> rows;
    for (const auto& doc : read_athletes(ctx.store(), unreadable)) rows.push_back(athlete_row(doc));
    for (const auto& why : unreadable) ctx.warn(why);
    ctx.out().records(athlete_list_columns(), rows);
    if (!unreadable.empty()) ctx.warn("some athletes could not be read; run 'lever store check' for details");
  });

  auto* sh = app.add_subcommand("show", "Show an athlete with flags and the recent pain log");
  sh->add_option("ID", a->id, "Athlete ID")->required()->type_name("ATHLETE");
  number_in(sh->add_option("--recent", a->recent, "How many recent pain entries to show"), {0, 100000, true})
      ->capture_default_str()->type_name("N");
  sh->callback([&ctx, a] {
    require_id("athlete", a->id);
    show(ctx, a->id, a->recent);
  });

  auto* edit = app.add_subcommand("edit", "Change an athlete's details or clinician flags");
  edit->add_option("ID", a->id, "Athlete ID")->required()->type_name("ATHLETE");
  add_field_options(edit, *a, false);
  edit->add_option("--flag", a->flags,
                   "Set a clinician flag (suspected-meniscal, suspected-ligament and significant-swelling block runs)")
      ->check(CLI::IsMember(athlete_flag_names()))
      ->type_name("FLAG");
  edit->add_option("--clear-flag", a->clear_flags, "Clear a clinician flag")
      ->check(CLI::IsMember(athlete_flag_names()))
      ->type_name("FLAG");
  edit->add_option("--flag-note", a->flag_note, "Why the flag is set (stored with it)")->type_name("TEXT");
  edit->callback([&ctx, a, edit] {
    require_id("athlete", a->id);
    AthleteEdit e{fields_from(*a, edit), a->clear_flags, a->flags, a->flag_note};
    auto r = change_athlete(ctx.store(), a->id, e, ctx.user());
    for (const auto& fl : r.flags_not_set) ctx.warn(fmt::format("flag '{}' was not set on '{}'", fl, a->id));
    if (r.changes.empty()) ctx.note(fmt::format("nothing to change for '{}'", a->id));
    ctx.out().record(athlete_show_columns(), athlete_row(r.doc));
  });
}

}  // namespace lever::cmd
