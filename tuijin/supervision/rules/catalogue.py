"""The built-in warning rules with the thresholds of practice (domain-practice §4.2).
Each rule is a handful of set-based queries over every project, whatever their number.

SQL is assembled from table names and fixed fragments only; every value is a parameter."""
# ruff: noqa: S608

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tuijin.lib.months import window_sql
from tuijin.projects.models import Node, NodeType, PlanEntry, PlanVersion, Project
from tuijin.reporting.models import MonthlyReport, ProjectYearInvestment

from ..choices import Colour
from .base import Finding, Rule, dec, months_between, register, rows

P = Project._meta.db_table
PE = PlanEntry._meta.db_table
N = Node._meta.db_table
NT = NodeType._meta.db_table
R = MonthlyReport._meta.db_table
Y = ProjectYearInvestment._meta.db_table
ALIVE = "p.deleted_at IS NULL AND p.status = 'active'"
ONE = Decimal("0.1")


def plan_version_id(year: int) -> int | None:
    """As the reporting statistics: a year's plan is its latest version."""
    return PlanVersion.objects.filter(year=year).order_by("-number").values_list("pk", flat=True).first()


def _type(code: str) -> int:
    return NodeType.objects.filter(code=code).values_list("pk", flat=True).first() or 0


def _pct(value: Decimal) -> str:
    return f"{value.quantize(ONE)}"


@register
class BehindSchedule(Rule):
    code = "behind_schedule"
    name = gettext_lazy("Investment behind the schedule")
    measure = pgettext_lazy("percentage points", "points")
    description = gettext_lazy("Year-to-date investment against the time-proportional schedule (序时进度) of the plan: "
                     "yellow 10–30 points behind, red beyond 30.")
    default_yellow, default_red = Decimal(10), Decimal(30)
    order = 1

    def evaluate(self, ctx, yellow, red, params):
        month, version = ctx.report_month, plan_version_id(ctx.year)
        if month < 1 or version is None:
            return []
        # The schedule from the lines' stored split, the investment from the project-year
        # totals: both kept exact by the services, one row per project each, read from their
        # running totals (one column each).
        sched = window_sql("pe", 1, month, "plan_")
        done = window_sql("y", 1, month)
        found = rows(f"""
            SELECT * FROM (
              SELECT p.id, p.town_id, p.department_id, pe.planned_investment AS planned,
                     {sched} AS sched, COALESCE({done}, 0) AS done
              FROM {PE} pe JOIN {P} p ON p.id = pe.project_id
              LEFT JOIN {Y} y ON y.project_id = pe.project_id AND y.year = %s
              WHERE pe.version_id = %s AND pe.planned_investment > 0 AND {ALIVE}
            ) t WHERE (t.sched - t.done) * 100 >= %s * t.planned AND t.sched > 0""",
            [ctx.year, version, yellow])
        message = _("By month %(m)s: %(done)s of %(planned)s 万元 done (%(c)s%%) against a schedule of %(s)s%%, "
                    "%(g)s points behind")
        out = []
        for pid, town, dept, planned, sched, done in found:
            planned, sched, done = dec(planned), dec(sched), dec(done)
            completion, schedule = done * 100 / planned, sched * 100 / planned
            gap = schedule - completion
            colour = self.colour_for(gap, yellow, red, strictly_above_red=True)
            if colour is None:
                continue
            c, s, g = _pct(completion), _pct(schedule), _pct(gap)
            out.append(Finding(pid, colour, message % {"m": month, "done": f"{done:,.0f}", "planned": f"{planned:,.0f}",
                                                       "c": c, "s": s, "g": g},
                               {"month": month, "completion": c, "schedule": s, "gap": g}, town, dept))
        return out


@register
class StartMissed(Rule):
    code = "start_missed"
    name = gettext_lazy("Planned start missed (应开工未开工)")
    measure = gettext_lazy("months")
    description = gettext_lazy("A new-start project not started after its planned start month: yellow in the first month "
                     "missed, red after three months.")
    default_yellow, default_red = Decimal(1), Decimal(3)
    order = 2

    def evaluate(self, ctx, yellow, red, params):
        version = plan_version_id(ctx.year)
        if version is None:
            return []
        found = rows(f"""
            SELECT p.id, p.town_id, p.department_id, pe.planned_start_month
            FROM {PE} pe JOIN {P} p ON p.id = pe.project_id
            LEFT JOIN {N} n ON n.project_id = p.id AND n.node_type_id = %s AND n.status = 'done' AND n.actual_date <= %s
            WHERE pe.version_id = %s AND pe.category = 'new' AND pe.planned_start_month IS NOT NULL
              AND pe.planned_start_month <= %s AND n.id IS NULL AND {ALIVE}""",
            [_type("start"), ctx.today, version, ctx.today.month - int(yellow)])
        message = _("Planned to start in %(y)s-%(m)02d and not started: %(n)s months late")
        out = []
        for pid, town, dept, month in found:
            late = ctx.today.month - month
            colour = self.colour_for(late, yellow, red)
            if colour:
                out.append(Finding(pid, colour, message % {
                    "y": ctx.year, "m": month, "n": late}, {"planned_month": month, "months_late": late}, town, dept))
        return out


@register
class CompletionMissed(Rule):
    code = "completion_missed"
    name = gettext_lazy("Planned completion missed (应完工未完工)")
    measure = gettext_lazy("months")
    description = gettext_lazy("The planned completion month has passed without completion acceptance: yellow, red after three months.")
    default_yellow, default_red = Decimal(1), Decimal(3)
    order = 3

    def evaluate(self, ctx, yellow, red, params):
        version = plan_version_id(ctx.year)
        if version is None:
            return []
        found = rows(f"""
            SELECT p.id, p.town_id, p.department_id, pe.planned_completion
            FROM {PE} pe JOIN {P} p ON p.id = pe.project_id
            LEFT JOIN {N} n ON n.project_id = p.id AND n.node_type_id = %s AND n.status = 'done'
            WHERE pe.version_id = %s AND pe.planned_completion <> '' AND pe.planned_completion < %s
              AND p.stage NOT IN ('completed', 'operating', 'review') AND n.id IS NULL AND {ALIVE}""",
            [_type("acceptance"), version, f"{ctx.year}-{ctx.today.month:02d}"])
        message = _("Planned to be completed in %(when)s and not completed: %(n)s months late")
        out = []
        for pid, town, dept, planned in found:
            try:
                late = ctx.month_index - (int(planned[:4]) * 12 + int(planned[5:7]))
            except ValueError:
                continue
            colour = self.colour_for(late, yellow, red)
            if colour:
                out.append(Finding(pid, colour, message % {
                    "when": planned, "n": late}, {"planned_completion": planned, "months_late": late}, town, dept))
        return out


@register
class NodeOverdue(Rule):
    code = "node_overdue"
    name = gettext_lazy("Node past its time limit")
    measure = gettext_lazy("days")
    description = gettext_lazy("A lifecycle node not done by its time limit: yellow from the first day, red after 30 days.")
    default_yellow, default_red = Decimal(1), Decimal(31)
    order = 4

    def evaluate(self, ctx, yellow, red, params):
        found = rows(f"""
            SELECT p.id, p.town_id, p.department_id, t.name, n.due_date
            FROM {N} n JOIN {NT} t ON t.id = n.node_type_id JOIN {P} p ON p.id = n.project_id
            WHERE n.status NOT IN ('done', 'skipped') AND n.due_date IS NOT NULL AND n.due_date < %s AND {ALIVE}
            ORDER BY p.id, n.due_date""", [ctx.today])
        today = ctx.today
        by_project: dict[int, list] = {}
        for pid, town, dept, name, due in found:
            by_project.setdefault(pid, [town, dept, []])[2].append((name, (today - due).days, due))
        message, item = _("Node past its time limit: %(nodes)s"), _("%(node)s %(days)s days overdue (limit %(due)s)")
        out = []
        for pid, (town, dept, nodes) in by_project.items():
            # a project's nodes come oldest limit first, so most days overdue first
            worst = nodes[0][1]
            colour = self.colour_for(worst, yellow, red)
            if colour:
                listed = "、".join(item % {"node": n, "days": d, "due": due.isoformat()} for n, d, due in nodes[:3])
                out.append(Finding(pid, colour, message % {"nodes": listed},
                                   {"nodes": [[n, d] for n, d, _due in nodes], "worst_days": worst}, town, dept))
        return out


@register
class NoReport(Rule):
    code = "no_report"
    name = gettext_lazy("No monthly report")
    measure = gettext_lazy("months")
    description = gettext_lazy("A project under way without a filed monthly report after the filing deadline: yellow, red after two months.")
    default_yellow, default_red = Decimal(1), Decimal(2)
    order = 5

    def evaluate(self, ctx, yellow, red, params):
        month, version = ctx.report_month, plan_version_id(ctx.year)
        if month < 1 or version is None:
            return []
        # Last month's report missing is a NOT EXISTS (an anti-join the planner estimates; as a
        # LEFT JOIN … IS NULL it expected one row and probed the plan lines once per project).
        found = rows(f"""
            SELECT p.id, p.town_id, p.department_id, 1 AS miss_last,
                   CASE WHEN r2.id IS NULL AND %s >= 1 AND (pe.category <> 'new' OR s.actual_date < %s) THEN 1 ELSE 0 END AS miss_before
            FROM {PE} pe JOIN {P} p ON p.id = pe.project_id
            LEFT JOIN {N} s ON s.project_id = p.id AND s.node_type_id = %s AND s.status = 'done'
            LEFT JOIN {R} r2 ON r2.project_id = p.id AND r2.year = %s AND r2.month = %s AND r2.status <> 'draft'
            WHERE pe.version_id = %s AND {ALIVE}
              AND (pe.category IN ('continuing', 'completing') OR (pe.category = 'new' AND s.actual_date <= %s))
              AND NOT EXISTS (SELECT 1 FROM {R} r1 WHERE r1.project_id = p.id AND r1.year = %s AND r1.month = %s
                              AND r1.status <> 'draft')""",
            [month - 1, _month_start(ctx.year, month), _type("start"), ctx.year, month - 1, version,
             _month_end(ctx.year, month), ctx.year, month])
        message = _("No monthly report filed for month %(months)s (%(n)s months running)")
        out = []
        for pid, town, dept, miss_last, miss_before in found:
            missing = miss_last + (miss_before if miss_last else 0)
            colour = self.colour_for(missing, yellow, red)
            if colour:
                months = f"{month - 1}、{month}" if missing > 1 else f"{month}"
                out.append(Finding(pid, colour, message % {
                    "months": months, "n": missing}, {"months_missing": missing, "last_month": month}, town, dept))
        return out


def _month_start(year, month):
    import datetime as dt

    return dt.date(year, month, 1)


def _month_end(year, month):
    from tuijin.race.periods import month_end

    return month_end(year, month)


@register
class NotRegistered(Rule):
    code = "not_registered"
    name = gettext_lazy("Started but not registered (入统)")
    measure = gettext_lazy("months")
    description = gettext_lazy("A project of 500万元 or more started without statistical registration: yellow after one month, "
                     "red after two.")
    default_yellow, default_red = Decimal(1), Decimal(2)
    default_params = {"min_total_investment": 500}
    order = 6

    def evaluate(self, ctx, yellow, red, params):
        found = rows(f"""
            SELECT p.id, p.town_id, p.department_id, s.actual_date
            FROM {P} p
            JOIN {N} s ON s.project_id = p.id AND s.node_type_id = %s AND s.status = 'done' AND s.actual_date IS NOT NULL
            WHERE NOT EXISTS (SELECT 1 FROM {N} g WHERE g.project_id = p.id AND g.node_type_id = %s AND g.status = 'done')
              AND p.total_investment >= %s AND {ALIVE}
              AND NOT EXISTS (SELECT 1 FROM {R} r WHERE r.project_id = p.id AND r.is_registered = %s AND r.status <> 'draft')""",
            [_type("start"), _type("registration"), Decimal(str(params.get("min_total_investment", 500))), True])
        message = _("Started on %(day)s and not registered in statistics (入统) after %(n)s months")
        out = []
        for pid, town, dept, started in found:
            months = months_between(started, ctx.today)
            colour = self.colour_for(months, yellow, red)
            if colour:
                out.append(Finding(pid, colour, message % {
                    "day": started.isoformat(), "n": months}, {"started": started.isoformat(), "months": months}, town, dept))
        return out


@register
class ProblemOverdue(Rule):
    code = "problem_overdue"
    name = gettext_lazy("Problem past its deadline")
    measure = gettext_lazy("days")
    description = gettext_lazy("A problem (堵点) open past the deadline of its level: yellow, red after 30 days.")
    default_yellow, default_red = Decimal(1), Decimal(31)
    requires = "tuijin.consultation.selectors:overdue_problems"
    order = 7

    def evaluate(self, ctx, yellow, red, params):
        problems = self.source()(ctx.today).values_list(
            "project_id", "project__town_id", "project__department_id", "title", "deadline")
        by_project: dict[int, list] = {}
        for pid, town, dept, title, deadline in problems:
            by_project.setdefault(pid, [town, dept, []])[2].append((title, (ctx.today - deadline).days))
        message, item = _("Problem not solved in time: %(items)s"), _("“%(title)s” %(days)s days past its deadline")
        out = []
        for pid, (town, dept, items) in by_project.items():
            worst = max(d for _t, d in items)
            colour = self.colour_for(worst, yellow, red)
            if colour:
                listed = "、".join(item % {"title": t, "days": d}
                                  for t, d in sorted(items, key=lambda x: -x[1])[:3])
                out.append(Finding(pid, colour, message % {"items": listed},
                                   {"problems": len(items), "worst_days": worst}, town, dept))
        return out


@register
class TwoYellows(Rule):
    """Evaluated by the scan after every other rule, on the lights themselves."""

    code = "two_yellows"
    name = gettext_lazy("Yellow two months running")
    measure = gettext_lazy("months")
    description = gettext_lazy("A project that was already yellow last month and is still yellow this month turns red.")
    default_yellow, default_red = None, Decimal(2)
    order = 9
    is_meta = True

    def evaluate(self, ctx, yellow, red, params):
        return []


def consecutive_yellow_colour() -> str:
    return Colour.RED
