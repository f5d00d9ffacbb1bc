// lever report: reports for clinicians (tables, HTML) and pipelines (json, ndjson, csv).
#include <algorithm>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "lever/cli/checks.hpp"
#include "lever/cli/columns/pain.hpp"
#include "lever/cli/report/athlete.hpp"
#include "lever/cli/report/calibration.hpp"
#include "lever/cli/report/clinic.hpp"
#include "lever/cli/report/html.hpp"
#include "lever/cli/report/session.hpp"
#include "lever/plan/service.hpp"
#include "lever/report/athlete.hpp"
#include "lever/report/calibration.hpp"
#include "lever/report/clinic.hpp"
#include "lever/report/pain_export.hpp"
#include "lever/report/session.hpp"
#include "lever/store/pain_log.hpp"
#include "lever/store/athletes.hpp"
#include "lever/store/pain.hpp"
#include "lever/util/error.hpp"
#include "lever/util/ids.hpp"

namespace lever::cmd {

namespace {

struct ReportArgs {
  std::string id, html, since, until, record;
  bool deidentify = false;
  int due_days = 14;
};

// Names on stderr every record an overview had to leave out, with how to find the damage.
void warn_left_out(Context& ctx, const std::vector<std::string>& left_out) {
  for (const auto& why : left_out) ctx.warn(fmt::format("{} ('lever store check' lists every damaged record)", why));
}

report::ReportOptions options_from(const ReportArgs& a) {
  report::ReportOptions o;
  auto t = now();
  if (!a.since.empty()) o.since = parse_user_time(a.since, t);
  if (!a.until.empty()) o.until = parse_user_time(a.until, t);
  if (o.since && o.until && *o.since > *o.until)
    throw Error(Exit::usage, "--since is after --until", "swap them, or leave one out");
  o.deidentify = a.deidentify;
  return o;
}

void add_time_options(CLI::App* sub, ReportArgs& a) {
  sub->add_option("--since", a.since, "Leave out what happened before TIME (ISO 8601 or -4w)")->type_name("TIME");
  sub->add_option("--until", a.until, "Leave out what happened after TIME")->type_name("TIME");
  sub->add_flag("--deidentify", a.deidentify, "Research export: stable pseudonyms, no names, no free-text notes");
}

// Writes the HTML page first: a page that cannot be written fails the command before any output.
void maybe_write_html(Context& ctx, const std::string& path, const std::function<std::string()>& page) {
  if (path.empty()) return;
  report::write_html(path, page());
  ctx.note(fmt::format("wrote {}", path));
}

}  // namespace

void add_report(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ReportArgs>();
  app.require_subcommand(1);

  auto* ath = app.add_subcommand("athlete", "Week by week: sessions, support, knee load, pain, decisions");
  ath->add_option("ATHLETE", a->id, "Athlete ID")->required()->type_name("ATHLETE");
  ath->add_option("--html", a->html, "Also write a self-contained HTML page with charts")->type_name("FILE");
  add_time_options(ath, *a);
  ath->callback([&ctx, a] {
    require_id("athlete", a->id);
    // The plan as its evidence implies now (decisions stored once), never a stale one.
    for (const auto& e : plan::refresh_plan(ctx.store(), a->id, ctx.user(), now()))
      ctx.note(fmt::format("plan decision: {}", e.reason));
    auto r = report::athlete_report(ctx.store(), a->id, options_from(*a));
    if (!a->html.empty()) {
      report::write_html(a->html, report::athlete_report_html(r));
      ctx.note(fmt::format("wrote {}", a->html));
    }
    report::print_athlete_report(ctx.out(), ctx.format(), r);
  });

  auto* clinic = app.add_subcommand("clinic", "Every athlete (each plan first brought up to its evidence): step, last session, red flags, missing logs; units due");
  clinic->add_option("--html", a->html, "Also write a self-contained HTML page")->type_name("FILE");
  add_time_options(clinic, *a);
  clinic->callback([&ctx, a] {
    auto o = options_from(*a);
    refresh_every_plan(ctx);  // every plan as its evidence implies now (stored once), never a stale one
    auto t = o.until.value_or(now());
    std::vector<std::string> left_out;
    auto rows = report::clinic_rows(ctx.store(), o, t, left_out);
    auto units = report::unit_rows(ctx.store(), t, 14, left_out);
    warn_left_out(ctx, left_out);
    if (!a->html.empty()) {
      report::write_html(a->html, report::clinic_html(rows, units));
      ctx.note(fmt::format("wrote {}", a->html));
    }
    auto& out = ctx.out();
    if (ctx.format() == Format::json) {
      out.json_value({{"report", "clinic"}, {"generated_at", format_iso(now())}, {"athletes", rows}, {"units", units}});
      return;
    }
    out.records(out.is_table() ? report::clinic_columns() : report::clinic_csv_columns(), rows);
    if (out.is_table()) {
      std::vector<nlohmann::json> due;
      for (const auto& u : units)
        if (u.value("status", "") != "ok") due.push_back(u);
      out.heading("Units needing calibration");
      out.records(report::unit_columns(), due);
    }
  });

  auto* ses = app.add_subcommand("session", "One session: summary, pain check-ins and the telemetry trace");
  ses->add_option("SESSION", a->id, "Session ID")->required()->type_name("SESSION");
  ses->add_option("--html", a->html, "Also write a self-contained HTML page with the trace charts")->type_name("FILE");
  ses->add_flag("--deidentify", a->deidentify, "Research export: stable pseudonyms, no names, no free-text notes");
  ses->callback([&ctx, a] {
    require_id("session", a->id);
    report::ReportOptions o;
    o.deidentify = a->deidentify;
    auto r = report::session_report(ctx.store(), a->id, o);
    for (const auto& w : r["warnings"]) ctx.warn(w.get<std::string>());
    maybe_write_html(ctx, a->html, [&] { return report::session_report_html(r); });
    report::print_session_report(ctx.out(), ctx.format(), r);
  });

  auto* cal = app.add_subcommand("calibration", "A unit's calibration certificate (the newest calibration, or --record)");
  cal->add_option("UNIT", a->id, "Unit ID (lower-case serial)")->required()->type_name("UNIT");
  cal->add_option("--record", a->record, "Report this calibration record or check instead of the newest calibration")
      ->type_name("ID");
  cal->add_option("--html", a->html, "Also write the certificate as a printable HTML page (one A4 sheet)")->type_name("FILE");
  cal->callback([&ctx, a] {
    require_id("unit", a->id);
    if (!a->record.empty()) require_id("calibration record", a->record);
    auto r = report::calibration_report(ctx.store(), a->id, a->record);
    if (r.value("result", "") != "PASS") ctx.warn(r.value("headline", "") + ": " + r.value("detail", ""));
    maybe_write_html(ctx, a->html, [&] { return report::calibration_report_html(r); });
    report::print_calibration_report(ctx.out(), ctx.format(), r);
  });

  auto* units = app.add_subcommand("units", "Every unit: serial, firmware, calibration state and due date");
  number_in(units->add_option("--due-within", a->due_days, "Call a unit 'due soon' this many days ahead"), {0, 3650, true, "days"})
      ->capture_default_str()->type_name("DAYS");
  units->callback([&ctx, a] {
    std::vector<std::string> left_out;
    auto rows = report::unit_rows(ctx.store(), now(), a->due_days, left_out);
    warn_left_out(ctx, left_out);
    ctx.out().records(report::unit_columns(), rows);
  });

  auto* pain = app.add_subcommand("pain", "The athlete's raw pain and symptom log, for export");
  pain->add_option("ATHLETE", a->id, "Athlete ID")->required()->type_name("ATHLETE");
  add_time_options(pain, *a);
  pain->callback([&ctx, a] {
    require_id("athlete", a->id);
    require_athlete(ctx.store(), a->id);  // an unknown athlete is named before a bad --since or --until
    auto r = report::pain_export(ctx.store(), a->id, options_from(*a));
    warn_unreadable(r.problems);
    // The log's own columns first, then the rest of the fields in pain_export_fields() order.
    auto cols = pain_columns();
    for (const auto& k : report::pain_export_fields())
      if (std::none_of(cols.begin(), cols.end(), [&](const Column& c) { return c.key == k; })) cols.push_back({k, k});
    ctx.out().records(cols, r.rows);
  });
}

}  // namespace lever::cmd
