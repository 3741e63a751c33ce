"""The built-in indicators (domain-practice §3.3), each one or two set-based SQL queries
grouped by unit, so a race over 100,000 projects takes about a second.

The SQL is assembled from table names and fixed fragments of this module only; every value
goes in as a query parameter (hence S608 is silenced for the file)."""
# ruff: noqa: S608

from __future__ import annotations

import inspect
from decimal import Decimal

from django.utils.translation import gettext_lazy, pgettext_lazy

from tuijin.lib.i18n import phrasebook
from tuijin.lib.months import window_sql
from tuijin.projects.models import Node, NodeType, PlanEntry, Project
from tuijin.reporting.models import MonthlyReport, ProjectYearInvestment

from ..choices import Direction, Method, Window
from ..scoring import HUNDRED, Raw, fmt
from .base import UNCOUNTED_REPORT_STATUS, Indicator, RaceContext, dec, register, rows

P = Project._meta.db_table
PE = PlanEntry._meta.db_table
N = Node._meta.db_table
NT = NodeType._meta.db_table
R = MonthlyReport._meta.db_table
Y = ProjectYearInvestment._meta.db_table
ALIVE = "p.deleted_at IS NULL AND p.status <> 'withdrawn'"
Q4 = Decimal("0.0001")


def _units(ctx: RaceContext) -> tuple[str, list]:
    """The projects of any unit: figures are read back for the competing units only, so
    rows of other units change nothing, and 2,000 towns need no 2,000-item IN list (parsing
    its placeholders cost more than some of the queries)."""
    return f"p.{ctx.unit_column} IS NOT NULL", []


def _counted() -> tuple[str, list]:
    return "r.status <> %s", [UNCOUNTED_REPORT_STATUS]


def _node_type_id(code: str) -> int:
    return NodeType.objects.filter(code=code).values_list("pk", flat=True).first() or 0


def _top_projects(sql: str, params: list, limit: int) -> dict[int, list[dict]]:
    """Run a per-project query returning (unit, project id, name, note, sort key) and keep
    the first ``limit`` per unit, ranked in SQL with ROW_NUMBER()."""
    ranked = f"""
        SELECT unit_id, project_id, name, note FROM (
            SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.unit_id ORDER BY t.sort_key DESC, t.project_id) AS rn
            FROM ({sql}) t
        ) ranked WHERE rn <= %s ORDER BY unit_id, rn"""
    out: dict[int, list[dict]] = {}
    for unit_id, project_id, name, note in rows(ranked, [*params, limit]):
        out.setdefault(unit_id, []).append({"id": project_id, "name": name, "note": note})
    return out


def _one_pass(sql: str, params: list, sums: list[str], sort_key: str, limit: int, extra: str = "",
              names: str = P, listed: str | None = "> 0") -> tuple[dict, dict]:
    """In one statement over a per-project query (columns unit_id, project_id and figures):
    per-unit sums and the first ``limit`` projects of each unit by ``sort_key``, among those
    whose key is ``listed`` (by default above 0: the projects behind, the falls — the others are
    never named; None: every row), named from the ``names`` table. Returns ({unit_id: [sums]},
    {unit_id: [(project_id, name, sort_key, *extra columns)]})."""
    sum_cols = ", ".join(f"SUM({c}) AS s{i}" for i, c in enumerate(sums))
    sum_names = ", ".join(f"s.s{i}" for i in range(len(sums)))
    n_extra = len([e for e in extra.split(",") if e.strip()]) if extra else 0
    extra_names = "".join(f", r.e{i}" for i in range(n_extra))
    extra_as = "".join(f", {e.strip()} AS e{i}" for i, e in enumerate(extra.split(","))) if extra else ""
    # MATERIALIZED: each project's figures are computed once for both uses. The sums are a
    # hash aggregate (no sort); only the rows that can be listed are sorted, by unit, and only
    # the rows kept are named: names carried through the sort made it spill to disk.
    ranked = f"""
        WITH t AS MATERIALIZED ({sql}),
        s AS (SELECT t.unit_id, {sum_cols} FROM t GROUP BY t.unit_id),
        r AS (SELECT t.unit_id, t.project_id, {sort_key} AS sort_key{extra_as},
                     ROW_NUMBER() OVER (PARTITION BY t.unit_id ORDER BY {sort_key} DESC, t.project_id) AS rn
              FROM t WHERE {f"{sort_key} {listed}" if listed else "TRUE"})
        SELECT s.unit_id, {sum_names}, r.project_id, (SELECT n.name FROM {names} n WHERE n.id = r.project_id),
               r.sort_key{extra_names}
        FROM s LEFT JOIN r ON r.unit_id = s.unit_id AND r.rn <= %s
        ORDER BY s.unit_id, r.rn"""
    totals: dict[int, list] = {}
    tops: dict[int, list] = {}
    width = len(sums)
    for row in rows(ranked, [*params, limit]):
        unit_id = row[0]
        if unit_id not in totals:  # the same sums on each of the unit's rows
            totals[unit_id] = [dec(v) for v in row[1:1 + width]]
        if row[1 + width] is not None:
            tops.setdefault(unit_id, []).append(tuple(row[1 + width:]))
    return totals, tops


def pct(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (numerator * HUNDRED / denominator).quantize(Decimal("0.01"))


@register
class PlanCompletion(Indicator):
    code = "plan_completion"
    label = gettext_lazy("Annual plan completion")
    measure = "%"
    description = gettext_lazy("Investment completed as a share of the annual planned investment, against the "
                     "time-proportional schedule (序时进度) of the plan's monthly split.")
    default_method = Method.TARGET
    default_params = {"target": "unit", "cap": 1}
    projects_heading = gettext_lazy("the projects furthest behind")

    def _base(self, ctx):
        first, last = ctx.months
        units_sql, unit_params = _units(ctx)
        # The schedule of the window from the line's month columns (plan_m1 …), the investment
        # from the project-year totals (kept exact with the reports).
        sched = window_sql("pe", first, last, "plan_")
        done = window_sql("y", first, last)
        sql = f"""
            SELECT p.{ctx.unit_column} AS unit_id, p.id AS project_id, pe.planned_investment AS planned, {sched} AS sched, COALESCE({done}, 0) AS done
            FROM {PE} pe
            JOIN {P} p ON p.id = pe.project_id
            LEFT JOIN {Y} y ON y.project_id = pe.project_id AND y.year = %s
            WHERE pe.version_id = %s AND {ALIVE} AND {units_sql}"""
        params = [ctx.period.year, ctx.plan_version_id, *unit_params]
        return sql, params

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        if ctx.plan_version_id is None:
            return {u: Raw(None, missing_reason=_("no annual plan for %(year)s") % {"year": ctx.period.year}) for u in ctx.unit_ids}
        sql, params = self._base(ctx)
        totals, tops = _one_pass(sql, params, ["t.planned", "t.sched", "t.done"], "t.sched - t.done", 3, "t.sched, t.done")
        out = {}
        for unit_id in ctx.unit_ids:
            planned, sched, done = (v.quantize(Q4) for v in totals.get(unit_id, [Decimal(0)] * 3))
            rate, schedule = pct(done, planned), pct(sched, planned)
            projects = [
                {"id": pid, "name": name, "note": _("%(done)s of %(sched)s 万元 due by now") % {
                    "done": fmt(dec(d), 0), "sched": fmt(dec(sc), 0)}}
                for pid, name, key, sc, d in tops.get(unit_id, []) if dec(key) > 0
            ]
            if rate is None:
                out[unit_id] = Raw(None, missing_reason=_("no annual planned investment"))
                continue
            out[unit_id] = Raw(
                rate,
                _("%(rate)s%% of the annual plan (%(done)s of %(planned)s 万元), schedule %(schedule)s%%")
                % {"rate": fmt(rate), "done": fmt(done, 0), "planned": fmt(planned, 0), "schedule": fmt(schedule)},
                target=schedule,
                projects=projects,
            )
        return out


@register
class InvestmentGrowth(Indicator):
    code = "investment_growth"
    label = gettext_lazy("Investment growth")
    measure = "%"
    description = gettext_lazy("Year-on-year growth of the investment reported in the window, against the same months last year.")
    default_method = Method.RANK
    default_params = {"step": 5}
    projects_heading = gettext_lazy("the largest falls")

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        first, last = ctx.months
        year = ctx.period.year
        units_sql, unit_params = _units(ctx)
        # From the project-year totals (one row per project and year, kept exact with the
        # reports), not the reports themselves.
        # Each project's row of this year and of last year: no grouping needed.
        cur = window_sql("c", first, last)
        prev = window_sql("l", first, last)
        per_project = f"""
            SELECT p.{ctx.unit_column} AS unit_id, p.id AS project_id, COALESCE({cur}, 0) AS cur, COALESCE({prev}, 0) AS prev
            FROM {P} p
            LEFT JOIN {Y} c ON c.project_id = p.id AND c.year = %s
            LEFT JOIN {Y} l ON l.project_id = p.id AND l.year = %s
            WHERE (c.id IS NOT NULL OR l.id IS NOT NULL) AND {units_sql}"""
        params = [year, year - 1, *unit_params]
        totals, tops = _one_pass(per_project, params, ["t.cur", "t.prev"], "t.prev - t.cur", 3)
        out = {}
        for unit_id in ctx.unit_ids:
            cur, prev = (v.quantize(Q4) for v in totals.get(unit_id, [Decimal(0), Decimal(0)]))
            if not prev:
                out[unit_id] = Raw(None, missing_reason=_("no investment in the same months last year: growth cannot be computed"))
                continue
            growth = ((cur - prev) * HUNDRED / prev).quantize(Decimal("0.01"))
            falls = [{"id": pid, "name": name, "note": _("down %(n)s 万元") % {"n": fmt(dec(key), 0)}}
                     for pid, name, key in tops.get(unit_id, []) if dec(key) > 0]
            out[unit_id] = Raw(
                growth,
                _("growth %(growth)s%% (%(cur)s 万元 against %(prev)s 万元 a year earlier)")
                % {"growth": fmt(growth), "cur": fmt(cur, 0), "prev": fmt(prev, 0)},
                projects=falls,
            )
        return out


#: Zhejiang's new-start targets by the end of each quarter (30% / 60% / 85% by October / 100%).
START_TARGETS = {1: 30, 2: 30, 3: 30, 4: 60, 5: 60, 6: 60, 7: 85, 8: 85, 9: 85, 10: 85, 11: 100, 12: 100}


@register
class NewStartRate(Indicator):
    code = "new_start_rate"
    label = gettext_lazy("New-start rate")
    measure = "%"
    description = gettext_lazy("Share of the annual plan's new-start projects that have started, against the "
                     "provincial targets (30% / 60% / 85% by October / 100%).")
    default_method = Method.TARGET
    default_params = {"target": "unit", "cap": 1}
    projects_heading = gettext_lazy("not started yet")

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        if ctx.plan_version_id is None:
            return {u: Raw(None, missing_reason=_("no annual plan")) for u in ctx.unit_ids}
        units_sql, unit_params = _units(ctx)
        per_project = f"""
            SELECT p.{ctx.unit_column} AS unit_id, p.id AS project_id, p.name AS name, pe.planned_start_month AS month,
                   CASE WHEN n.id IS NULL THEN 0 ELSE 1 END AS started
            FROM {PE} pe JOIN {P} p ON p.id = pe.project_id
            LEFT JOIN {N} n ON n.project_id = pe.project_id AND n.node_type_id = %s AND n.status = 'done' AND n.actual_date <= %s
            WHERE pe.version_id = %s AND pe.category = 'new' AND {ALIVE} AND {units_sql}"""
        params = [_node_type_id("start"), ctx.window_end, ctx.plan_version_id, *unit_params]
        totals = {u: (int(a), int(b or 0)) for u, a, b in rows(f"SELECT unit_id, COUNT(*), SUM(started) FROM ({per_project}) t GROUP BY unit_id", params)}
        waiting = _top_projects(
            f"SELECT unit_id, project_id, name, COALESCE(month, 0) AS note, -COALESCE(month, 13) AS sort_key FROM ({per_project}) w WHERE started = 0",
            params, 3)
        target = Decimal(START_TARGETS[ctx.months[1]])
        out = {}
        for unit_id in ctx.unit_ids:
            planned, started = totals.get(unit_id, (0, 0))
            rate = pct(Decimal(started), Decimal(planned))
            if rate is None:
                out[unit_id] = Raw(None, missing_reason=_("no new-start projects in the annual plan"))
                continue
            projects = [p | {"note": _("planned to start in month %(m)s") % {"m": p["note"]} if p["note"] not in (0, "0") else ""}
                        for p in waiting.get(unit_id, [])]
            out[unit_id] = Raw(
                rate,
                _("%(started)s of %(planned)s new-start projects started (%(rate)s%%), target %(target)s%%")
                % {"started": started, "planned": planned, "rate": fmt(rate), "target": fmt(target, 0)},
                target=target,
                projects=projects,
            )
        return out


@register
class OverdueStarts(Indicator):
    code = "overdue_starts"
    label = gettext_lazy("Overdue starts (应开工未开工)")
    measure = pgettext_lazy("race measure", "projects")
    description = gettext_lazy("New-start projects whose planned start month has passed without a start.")
    default_direction = Direction.LOWER
    default_method = Method.PER_EVENT
    default_params = {"points": 2}
    projects_heading = gettext_lazy("should have started")

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        if ctx.plan_version_id is None:
            return {u: Raw(None, missing_reason=_("no annual plan")) for u in ctx.unit_ids}
        first, last = ctx.months
        units_sql, unit_params = _units(ctx)
        per_project = f"""
            SELECT p.{ctx.unit_column} AS unit_id, p.id AS project_id, p.name AS name, pe.planned_start_month AS month
            FROM {PE} pe JOIN {P} p ON p.id = pe.project_id
            LEFT JOIN {N} n ON n.project_id = pe.project_id AND n.node_type_id = %s AND n.status = 'done' AND n.actual_date <= %s
            WHERE pe.version_id = %s AND pe.category = 'new' AND pe.planned_start_month BETWEEN %s AND %s
              AND n.id IS NULL AND {ALIVE} AND {units_sql}"""
        params = [_node_type_id("start"), ctx.window_end, ctx.plan_version_id, first, last, *unit_params]
        counts = dict(rows(f"SELECT unit_id, COUNT(*) FROM ({per_project}) t GROUP BY unit_id", params))
        listed = _top_projects(f"SELECT unit_id, project_id, name, month AS note, -month AS sort_key FROM ({per_project}) o", params, 10)
        out = {}
        for unit_id in ctx.unit_ids:
            count = int(counts.get(unit_id, 0))
            projects = [p | {"note": _("planned to start in month %(m)s") % {"m": p["note"]}} for p in listed.get(unit_id, [])]
            out[unit_id] = Raw(Decimal(count), _("%(n)s projects should have started and have not") % {"n": count}, projects=projects)
        return out


@register
class Completions(Indicator):
    code = "completions"
    label = gettext_lazy("Completions and into operation")
    measure = pgettext_lazy("race measure", "projects")
    description = gettext_lazy("Projects completed (竣工验收) or put into operation (投产) in the window.")
    default_method = Method.PER_EVENT
    default_params = {"points": 2}
    default_window = Window.QUARTER
    projects_heading = gettext_lazy("completed or into operation")

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        units_sql, unit_params = _units(ctx)
        per_project = f"""
            SELECT p.{ctx.unit_column} AS unit_id, p.id AS project_id, p.name AS name, t.name AS note, n.actual_date AS day
            FROM {N} n JOIN {NT} t ON t.id = n.node_type_id JOIN {P} p ON p.id = n.project_id
            WHERE t.code IN ('acceptance', 'operation') AND n.status = 'done' AND n.actual_date BETWEEN %s AND %s
              AND {ALIVE} AND {units_sql}"""
        params = [ctx.window_start, ctx.window_end, *unit_params]
        counts = dict(rows(f"SELECT unit_id, COUNT(*) FROM ({per_project}) t GROUP BY unit_id", params))
        listed = _top_projects(f"SELECT unit_id, project_id, name, note, day AS sort_key FROM ({per_project}) c", params, 10)
        out = {}
        for unit_id in ctx.unit_ids:
            count = int(counts.get(unit_id, 0))
            out[unit_id] = Raw(Decimal(count), _("%(n)s completions or starts of operation") % {"n": count},
                               projects=listed.get(unit_id, []))
        return out


@register
class ReportsOnTime(Indicator):
    code = "reports_on_time"
    label = gettext_lazy("Monthly reports on time")
    measure = "%"
    description = gettext_lazy("Monthly reports filed on time as a share of those due from the plan's projects under way.")
    default_method = Method.LINEAR
    default_params = {}
    projects_heading = gettext_lazy("most reports missing or late")

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        if ctx.plan_version_id is None:
            return {u: Raw(None, missing_reason=_("no annual plan")) for u in ctx.unit_ids}
        first, last = ctx.months
        units_sql, unit_params = _units(ctx)
        counted_sql, counted_params = _counted()
        start = f"CASE WHEN COALESCE(pe.planned_start_month, 1) > {int(first)} THEN COALESCE(pe.planned_start_month, 1) ELSE {int(first)} END"
        # Reports of months before a project's start do not make up for missing ones: on time
        # is capped at what was due, project by project.
        per_project = f"""
            SELECT unit_id, project_id, due, CASE WHEN on_time > due THEN due ELSE on_time END AS on_time FROM (
            SELECT p.{ctx.unit_column} AS unit_id, p.id AS project_id,
                   CASE WHEN {start} <= {int(last)} THEN {int(last)} - {start} + 1 ELSE 0 END AS due,
                   COALESCE(o.n, 0) AS on_time
            FROM {PE} pe JOIN {P} p ON p.id = pe.project_id
            LEFT JOIN (SELECT r.project_id, COUNT(*) AS n FROM {R} r
                       WHERE r.year = %s AND r.month BETWEEN %s AND %s AND {counted_sql} AND r.is_late = %s
                       GROUP BY r.project_id) o ON o.project_id = pe.project_id
            WHERE pe.version_id = %s AND pe.category IN ('new', 'continuing', 'completing') AND {ALIVE} AND {units_sql}
            ) capped"""
        params = [ctx.period.year, first, last, *counted_params, False, ctx.plan_version_id, *unit_params]
        totals, tops = _one_pass(per_project, params, ["t.due", "t.on_time"], "t.due - t.on_time", 3)
        out = {}
        for unit_id in ctx.unit_ids:
            due, on_time = (int(v) for v in totals.get(unit_id, [0, 0]))
            on_time = min(on_time, due)
            rate = pct(Decimal(on_time), Decimal(due))
            if rate is None:
                out[unit_id] = Raw(None, missing_reason=_("no reports due"))
                continue
            projects = [{"id": pid, "name": name, "note": _("%(n)s missing or late") % {"n": key}}
                        for pid, name, key in tops.get(unit_id, []) if key and key > 0]
            out[unit_id] = Raw(rate, _("%(on)s of %(due)s reports on time (%(rate)s%%)") % {"on": on_time, "due": due, "rate": fmt(rate)},
                               projects=projects)
        return out


class SelectorIndicator(Indicator):
    """An indicator read from another app's selector, named in ``requires``. The selector
    is called with ``over``, ``unit_ids``, ``start`` and ``end`` (the data window) and
    returns ``{unit_id: value}`` or ``{unit_id: (numerator, denominator)}``; a rate is
    then numerator / denominator in %. Until the selector exists the indicator is skipped."""

    rate = False
    text = ""

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        selector = self.source()
        kwargs = {"over": ctx.over, "unit_ids": ctx.unit_ids, "start": ctx.window_start, "end": ctx.window_end}
        accepted = inspect.signature(selector).parameters
        result = selector(**{k: v for k, v in kwargs.items() if k in accepted})
        out = {}
        for unit_id in ctx.unit_ids:
            value = result.get(unit_id)
            if self.rate:
                numerator, denominator = value if value else (0, 0)
                rate = pct(dec(numerator), dec(denominator))
                if rate is None:
                    out[unit_id] = Raw(None, missing_reason=_("nothing due in the window"))
                else:
                    out[unit_id] = Raw(rate, _("%(n)s of %(d)s (%(rate)s%%)") % {"n": numerator, "d": denominator, "rate": fmt(rate)})
            else:
                amount = dec(value).quantize(Decimal("0.01"))
                out[unit_id] = Raw(amount, f"{fmt(amount, 2 if amount % 1 else 0)} {self.measure}")
        return out


@register
class ProblemsClosedOnTime(Indicator):
    code = "problems_closed_on_time"
    label = gettext_lazy("Problems closed on time")
    measure = "%"
    description = gettext_lazy("Problems (堵点) that left the unit in the window — closed (销号) while it was responsible, "
                               "or sent up the ladder because its deadline passed — the share closed by their deadline; "
                               "the on-time rate of the problem statistics (docs/development/consultation.md).")
    requires = "tuijin.consultation.selectors:closure_counts"
    default_method = Method.LINEAR

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        closures = self.source()(ctx.window_start, ctx.window_end)
        out = {}
        for unit_id in ctx.unit_ids:
            c = closures.get(unit_id)
            # A unit that lets its problems slide up the ladder is measured on them too: closed
            # on time ÷ (closed + escalated on deadline), as the problem statistics count it.
            if c is None or not c.handled:
                open_text = _(" (%(n)s open past their deadline)") % {"n": c.overdue_open} if c and c.overdue_open else ""
                out[unit_id] = Raw(None, missing_reason=_("no problem closed or escalated in the window%(open)s") % {"open": open_text})
                continue
            rate = pct(Decimal(c.closed_on_time), Decimal(c.handled))
            out[unit_id] = Raw(
                rate,
                _("%(on)s of %(handled)s problems closed on time (%(rate)s%%; %(closed)s closed, %(escalated)s escalated "
                  "on deadline), %(open)s open past their deadline")
                % {"on": c.closed_on_time, "handled": c.handled, "rate": fmt(rate), "closed": c.closed,
                   "escalated": c.escalated_on_deadline, "open": c.overdue_open},
            )
        return out


def _table(path: str) -> str:
    """db_table of a model named ``app.Model`` (from an app that may not be installed)."""
    from django.apps import apps

    return apps.get_model(path)._meta.db_table


@register
class AttractionLanded(Indicator):
    code = "attraction_landed"
    label = gettext_lazy("Attraction signed and landed")
    measure = pgettext_lazy("race measure", "events")
    description = gettext_lazy("Investment-attraction leads signed, and leads started, in the window "
                               "(each counts once per event), by the lead's town or responsible unit.")
    requires = "tuijin.breakthroughs.models:Lead"
    default_method = Method.PER_EVENT
    default_params = {"points": 1}
    projects_heading = gettext_lazy("signed or started")

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        column = "town_id" if ctx.unit_column == "town_id" else "responsible_unit_id"
        per_lead = f"""
            SELECT l.{column} AS unit_id, l.id AS project_id,
                   (CASE WHEN l.signed_on BETWEEN %s AND %s THEN 1 ELSE 0 END)
                 + (CASE WHEN l.started_on BETWEEN %s AND %s THEN 1 ELSE 0 END) AS events,
                   l.intended_amount AS amount
            FROM {_table("breakthroughs.Lead")} l
            WHERE l.{column} IS NOT NULL AND (l.signed_on BETWEEN %s AND %s OR l.started_on BETWEEN %s AND %s)"""
        window = [ctx.window_start, ctx.window_end]
        params = [*window, *window, *window, *window]
        totals, tops = _one_pass(per_lead, params, ["t.events"], "t.amount", 5, names=_table("breakthroughs.Lead"),
                                 listed=None)
        out = {}
        for unit_id in ctx.unit_ids:
            events = int(totals.get(unit_id, [0])[0])
            leads = [{"id": None, "name": name, "note": _("%(n)s 万元 intended") % {"n": fmt(dec(key), 0)}}
                     for _pid, name, key in tops.get(unit_id, [])]
            out[unit_id] = Raw(Decimal(events), _("%(n)s leads signed or started") % {"n": events}, projects=leads)
        return out


@register
class FundsSecured(Indicator):
    code = "funds_secured"
    label = gettext_lazy("Funds secured")
    measure = "万元"
    description = gettext_lazy("Special bonds, central-budget, ultra-long treasury bond, budget and policy-loan funds "
                               "approved in the window for the unit's projects (self-raised money and bank loans not counted).")
    requires = "tuijin.breakthroughs.models:FundSource"
    default_method = Method.LINEAR
    projects_heading = gettext_lazy("the largest approvals")

    def compute(self, ctx):
        _ = phrasebook()  # the same messages for every unit and project
        units_sql, unit_params = _units(ctx)
        per_project = f"""
            SELECT p.{ctx.unit_column} AS unit_id, p.id AS project_id, SUM(f.approved) AS approved
            FROM {_table("breakthroughs.FundSource")} f JOIN {P} p ON p.id = f.project_id
            WHERE f.kind NOT IN ('self_raised', 'bank_loan') AND f.approved_on BETWEEN %s AND %s AND {ALIVE} AND {units_sql}
            GROUP BY p.{ctx.unit_column}, p.id"""
        params = [ctx.window_start, ctx.window_end, *unit_params]
        totals, tops = _one_pass(per_project, params, ["t.approved"], "t.approved", 3)
        out = {}
        for unit_id in ctx.unit_ids:
            amount = totals.get(unit_id, [Decimal(0)])[0].quantize(Decimal("0.01"))
            projects = [{"id": pid, "name": name, "note": _("%(n)s 万元 approved") % {"n": fmt(dec(key), 0)}}
                        for pid, name, key in tops.get(unit_id, [])]
            out[unit_id] = Raw(amount, _("%(n)s 万元 approved") % {"n": fmt(amount, 0)}, projects=projects)
        return out


@register
class LandSecured(SelectorIndicator):
    code = "land_secured"
    label = pgettext_lazy("indicator", "Land secured")
    measure = "亩"
    description = gettext_lazy("Land quota secured (亩) for the unit's projects in the window.")
    requires = "tuijin.breakthroughs.selectors:land_secured_by_unit"
    default_method = Method.LINEAR
