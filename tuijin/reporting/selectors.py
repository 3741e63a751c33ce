"""Fixed-asset investment statistics (固定资产投资统计), computed in SQL from the monthly reports.

Every function aggregates in the database (grouped queries or correlated subqueries); none
loops over projects in Python. The horse race, supervision and the cockpit call these.

Conventions
- Money is ``Decimal`` in 万元; percentages are ``Decimal`` with one decimal place, or
  ``None`` when the base is zero ("—" on pages).
- A report counts in the statistics once it has been filed: every status but ``draft``.
  A returned or reopened report keeps counting with its last filed amount until it is
  corrected, so a correction of a locked month changes the figures when it is re-filed.
- The plan of a year is its latest version (the working, adjusted plan 调整计划); the
  time-proportional schedule (序时进度) to month M is the plan's split summed over months ≤ M,
  read from the lines' month columns (``PlanEntry.plan_m1 …``, tuijin.projects.services.split).
- "Started" means the project's 开工 node is done with an actual date; "registered" (入统)
  means its 入统 node is done, or a filed monthly report says it is registered.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least

from tuijin.orgs.models import Unit
from tuijin.projects.choices import NodeStatus, PlanCategory
from tuijin.projects.models import Category, IndustryChain, Node, PlanEntry, PlanVersion, Project

from .models import (
    MONTH_FIELDS,
    MonthlyReport,
    ProjectYearInvestment,
    ReportStatus,
    TownPlanTotals,
    TownYearInvestment,
)
from .totals import upto as months_upto

ZERO = Decimal(0)
#: Above this many keys, :func:`unit_names` reads the whole table instead of an IN list.
MANY_KEYS = 200
MONEY = DecimalField(max_digits=20, decimal_places=4)
START_NODE = "start"
REGISTRATION_NODE = "registration"

#: Grouping keys of :func:`unit_figures`: the project field and the model naming the unit.
GROUPINGS: dict[str, tuple[str, type]] = {
    "town": ("town_id", Unit),
    "department": ("department_id", Unit),
    "category": ("category_id", Category),
    "industry_chain": ("industry_chain_id", IndustryChain),
}


def counted_reports() -> QuerySet:
    """Reports that count in the statistics (filed at least once)."""
    return MonthlyReport.objects.exclude(status=ReportStatus.DRAFT)


def plan_version_id(year: int) -> int | None:
    """The id of the plan version that statistics of ``year`` use: its latest version."""
    return PlanVersion.objects.filter(year=year).order_by("-number").values_list("pk", flat=True).first()


def pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole in percent, one decimal; None when whole is zero or unknown."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def growth(current: Decimal, previous: Decimal) -> Decimal | None:
    """Year-on-year growth in percent; None when last year was zero (see :func:`growth_label`)."""
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def growth_label(current: Decimal, previous: Decimal) -> str:
    """How a growth rate reads in a table: "16.8%", "新增" (from zero to something) or "—"."""
    rate = growth(current, previous)
    if rate is not None:
        return f"{rate}%"
    return "新增" if current else "—"


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------- per project


def _report_sum(**filters) -> Coalesce:
    inner = (
        counted_reports()
        .filter(project_id=OuterRef("project_id"), **filters)
        .order_by()
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(inner, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _pct_expr(part: str, whole: str):
    # A float: SQLite would divide integral decimals as integers; percentages are for reading and sorting.
    return Case(
        When(
            **{f"{whole}__gt": 0},
            then=ExpressionWrapper(Cast(part, FloatField()) * 100.0 / Cast(whole, FloatField()), output_field=FloatField()),
        ),
        default=Value(None),
        output_field=FloatField(),
    )


def project_figures(year: int, month: int, project_ids: Iterable[int] | None = None) -> QuerySet:
    """The plan entries of ``year`` (latest version) annotated, per project, with:

    ``month_amount`` (this month), ``ytd`` (year to date), ``since_start`` (opening balance
    frozen by the roll-over + ytd), ``annual_plan``, ``planned_to_date`` (序时进度 amount),
    ``completion_pct`` (ytd / annual plan), ``schedule_pct`` (ytd / planned to date) as
    floats (None when the base is zero),
    ``last_year_ytd`` (same months last year), ``is_registered`` and ``last_status`` /
    ``is_filed`` for this month's report.

    A lazy QuerySet of :class:`PlanEntry`: filter, order and paginate it in SQL.
    ``entry.project`` is selected with its town, department, category and chain.
    """
    version = plan_version_id(year)
    qs = PlanEntry.objects.filter(version_id=version)
    if project_ids is not None:
        qs = qs.filter(project_id__in=list(project_ids))
    this_month = MonthlyReport.objects.filter(project_id=OuterRef("project_id"), year=year, month=month)
    registered = counted_reports().filter(
        project_id=OuterRef("project_id"), is_registered=True
    ).filter(Q(year__lt=year) | Q(year=year, month__lte=month))
    registration_node = Node.objects.filter(
        project_id=OuterRef("project_id"), node_type__code=REGISTRATION_NODE, status=NodeStatus.DONE
    )
    return (
        qs.select_related(
            "project", "project__town", "project__owner", "project__department", "project__category",
            "project__industry_chain",
        )
        .annotate(
            month_amount=_report_sum(year=year, month=month),
            ytd=_report_sum(year=year, month__lte=month),
            last_year_ytd=_report_sum(year=year - 1, month__lte=month),
            last_year_month=_report_sum(year=year - 1, month=month),
            annual_plan=F("planned_investment"),
            # The line's split, from its month columns.
            planned_to_date=ExpressionWrapper(months_upto(month, "plan_"), output_field=MONEY),
            last_status=Subquery(this_month.values("status")[:1]),
            is_registered=Exists(registered) | Exists(registration_node),
        )
        .annotate(
            since_start=ExpressionWrapper(F("opening_cumulative") + F("ytd"), output_field=MONEY),
            completion_pct=_pct_expr("ytd", "annual_plan"),
            schedule_pct=_pct_expr("ytd", "planned_to_date"),
        )
    )


def with_forecast(queryset: QuerySet, share: Decimal | None) -> QuerySet:
    """Add ``forecast`` (year-end investment) to :func:`project_figures` rows: ytd divided by
    the share of a year's investment typically done by this month, capped by what remains of
    the total investment and never below ytd. None without a pattern."""
    if not share:
        return queryset.annotate(forecast=Value(None, output_field=MONEY))
    remaining = ExpressionWrapper(F("project__total_investment") - F("opening_cumulative"), output_field=MONEY)
    raw = ExpressionWrapper(F("ytd") / Value(share), output_field=MONEY)
    return queryset.annotate(forecast=Greatest(F("ytd"), Least(raw, remaining), output_field=MONEY))


# ---------------------------------------------------------------- per unit and county


@dataclass
class Figures:
    """The investment figures of one unit (a town, department, category or chain) or the county."""

    key: int | None
    name: str
    month: Decimal = ZERO
    ytd: Decimal = ZERO
    last_year_month: Decimal = ZERO
    last_year_ytd: Decimal = ZERO
    annual_plan: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    opening: Decimal = ZERO
    projects: int = 0
    forecast: Decimal | None = None

    @property
    def since_start(self) -> Decimal:
        return self.opening + self.ytd

    @property
    def completion_pct(self) -> Decimal | None:
        return pct(self.ytd, self.annual_plan)

    @property
    def schedule_pct(self) -> Decimal | None:
        return pct(self.ytd, self.planned_to_date)

    @property
    def schedule_gap(self) -> Decimal | None:
        """Points ahead (+) or behind (−) the time-proportional schedule, against the annual plan."""
        done, due = pct(self.ytd, self.annual_plan), pct(self.planned_to_date, self.annual_plan)
        return None if done is None or due is None else done - due

    @property
    def growth_pct(self) -> Decimal | None:
        return growth(self.ytd, self.last_year_ytd)

    @property
    def growth_label(self) -> str:
        return growth_label(self.ytd, self.last_year_ytd)

    @property
    def month_growth_label(self) -> str:
        return growth_label(self.month, self.last_year_month)

    def add(self, other: Figures) -> None:
        for name in ("month", "ytd", "last_year_month", "last_year_ytd", "annual_plan", "planned_to_date", "opening"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.projects += other.projects


def _investment_sums(year: int, month: int, prefix: str = "") -> dict:
    return {
        "month_amount": Sum(f"{prefix}m{month}", filter=Q(year=year)),
        "ytd": Sum(months_upto(month, prefix), filter=Q(year=year), output_field=MONEY),
        "ly_month": Sum(f"{prefix}m{month}", filter=Q(year=year - 1)),
        "ly_ytd": Sum(months_upto(month, prefix), filter=Q(year=year - 1), output_field=MONEY),
    }


def _plan_sums(month: int, *, stored: bool) -> dict:
    if stored:  # TownPlanTotals: already summed per town
        return {"plan": Sum("planned"), "opening": Sum("opening"), "n": Sum("lines"),
                "due": Sum(months_upto(month, "plan_"), output_field=MONEY)}
    return {"plan": Sum("planned_investment"), "opening": Sum("opening_cumulative"), "n": Count("pk"),
            # The schedule to date from the lines' month columns: one row per line.
            "due": Sum(months_upto(month, "plan_"), output_field=MONEY)}


def _grouped_by_town(year: int, month: int, version: int | None, *, county: bool) -> tuple[list, list]:
    """Reports and plan rows per town from the towns' stored totals (tuijin.reporting.towns),
    with the projects without a town added from their own rows (key None): two queries, each a
    UNION ALL of a few thousand town rows and the few town-less projects. ``county`` sums all
    into one row (key 0)."""
    if county:
        town_key = none_key = Value(0, output_field=IntegerField())
    else:
        town_key, none_key = F("town_id"), Value(None, output_field=IntegerField())
    reports = (
        TownYearInvestment.objects.filter(year__in=[year - 1, year]).order_by().values(k=town_key)
        .annotate(**_investment_sums(year, month))
        .union(
            ProjectYearInvestment.objects.filter(year__in=[year - 1, year], project__town__isnull=True)
            .order_by().values(k=none_key).annotate(**_investment_sums(year, month)),
            all=True,
        )
    )
    plans = (
        TownPlanTotals.objects.filter(version_id=version).order_by().values(k=town_key)
        .annotate(**_plan_sums(month, stored=True))
        .union(
            PlanEntry.objects.filter(version_id=version, project__town__isnull=True)
            .order_by().values(k=none_key).annotate(**_plan_sums(month, stored=False)),
            all=True,
        )
    )
    return list(reports), list(plans)


def _grouped(by: str | None, year: int, month: int) -> dict[int | None, Figures]:
    """Two grouped queries (reports, plan lines with their monthly split), merged by unit key;
    by town and for the county, from the towns' stored totals."""
    field_name = GROUPINGS[by][0] if by else None
    version = plan_version_id(year)
    out: dict[int | None, Figures] = {}

    def row(key) -> Figures:
        if key not in out:
            out[key] = Figures(key=key, name="")
        return out[key]

    if by in ("town", None):
        reports, plans = _grouped_by_town(year, month, version, county=by is None)
        return _merge(out, row, reports, plans)

    def key_of(prefix: str):
        return F(f"{prefix}{field_name}") if field_name else Value(0, output_field=IntegerField())

    # One row per project and year (ProjectYearInvestment, kept exact by the services) instead
    # of every report of both years up to the month.
    reports = (
        ProjectYearInvestment.objects.filter(year__in=[year - 1, year])
        .order_by()
        .values(k=key_of("project__"))
        .annotate(**_investment_sums(year, month))
    )
    plans = (
        PlanEntry.objects.filter(version_id=version)
        .order_by()
        .values(k=key_of("project__"))
        .annotate(**_plan_sums(month, stored=False))
    )
    return _merge(out, row, reports, plans)


def _merge(out, row, reports, plans) -> dict[int | None, Figures]:
    # A key may come twice (the county's towns and its town-less projects): add, not replace.
    for r in reports:
        f = row(r["k"])
        f.month += r["month_amount"] or ZERO
        f.ytd += r["ytd"] or ZERO
        f.last_year_month += r["ly_month"] or ZERO
        f.last_year_ytd += r["ly_ytd"] or ZERO
    for r in plans:
        f = row(r["k"])
        f.annual_plan += r["plan"] or ZERO
        f.opening += r["opening"] or ZERO
        f.projects += r["n"] or 0
        f.planned_to_date += r["due"] or ZERO
    return out


def unit_figures(
    year: int, month: int, by: str = "town", *, forecast: bool = True, share: Decimal | None = None,
    named: bool = True,
) -> list[Figures]:
    """Figures per unit for month ``month`` of ``year``: this month, year to date, since start,
    annual plan, planned to date, completion and schedule %, year-on-year growth against the
    same months of last year (``growth_label`` reads "新增" when last year was zero), and the
    year-end forecast. ``by`` is one of town, department, category, industry_chain. Units with
    no plan and no reports are left out; projects without the unit come last as key None.
    Four queries (five with the forecast; pass ``share`` from :func:`county_forecast` to save
    one), whatever the number of projects. With ``named=False`` the rows come without names, in
    key order, one query fewer: for callers that keep a few rows and name those
    (:func:`name_rows`)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    rows = _grouped(by, year, month)
    names = unit_names(by, [k for k in rows if k is not None]) if named else {}
    if forecast and share is None:
        share = typical_share(year, month)
    for key, f in rows.items():
        f.name = names.get(key, "—")
        if forecast and share:
            f.forecast = _forecast_amount(f.ytd, share)
    if not named:
        for f in rows.values():
            f.name = ""
        return sorted(rows.values(), key=lambda f: (f.key is None, f.key or 0))
    order = {key: i for i, key in enumerate(names)}
    return sorted(rows.values(), key=lambda f: (f.key is None, order.get(f.key, 10**9), f.name))


def name_rows(by: str, rows: Iterable[Figures]) -> None:
    """Give a few :func:`unit_figures` rows (taken with ``named=False``) their names. One query."""
    rows = list(rows)
    names = unit_names(by, [f.key for f in rows if f.key is not None])
    for f in rows:
        f.name = names.get(f.key, "—")


def unit_names(by: str, keys: Iterable[int]) -> dict[int, str]:
    """{key: display name} of the units of a grouping, in the units' own order. One query."""
    model = GROUPINGS[by][1]
    keys = set(keys)
    # Thousands of keys (a province's towns): read the whole table, a few thousand short rows,
    # rather than bind an IN list of thousands of values (ten times slower than the query).
    qs = model.objects.all() if len(keys) > MANY_KEYS else model.objects.filter(pk__in=keys)
    if model is Unit:
        rows = qs.values_list("pk", "short_name", "name")
        return {pk: short or name for pk, short, name in rows if pk in keys}
    return {pk: name for pk, name in qs.values_list("pk", "name") if pk in keys}


def total_of(units: Iterable[Figures], share: Decimal | None = None) -> Figures:
    """The county's figures as the sum of a full :func:`unit_figures` list (its rows partition
    the county, projects without the unit included), without querying again."""
    total = Figures(key=None, name="")
    for f in units:
        total.add(f)
    if share:
        total.forecast = _forecast_amount(total.ytd, share)
    return total


def county_figures(year: int, month: int) -> Figures:
    """The county's figures for the month (same fields as :func:`unit_figures`)."""
    rows = _grouped(None, year, month)
    total = rows.get(0) or Figures(key=None, name="")
    total.key, total.name = None, ""
    share = typical_share(year, month)
    if share:
        total.forecast = _forecast_amount(total.ytd, share)
    return total


def monthly_series(year_from: int, year_to: int, *, town_id: int | None = None) -> dict[int, list[Decimal]]:
    """{year: [amount of month 1..12]} for the county or one town — the trend charts' data."""
    series = {y: [ZERO] * 12 for y in range(year_from, year_to + 1)}
    for r in _yearly(year_from, year_to, town_id, {name: Sum(name) for name in MONTH_FIELDS}):
        series[r["year"]] = [a + (r[name] or ZERO) for a, name in zip(series[r["year"]], MONTH_FIELDS, strict=True)]
    return series


def _yearly(year_from: int, year_to: int, town_id: int | None, sums: dict) -> QuerySet:
    """``sums`` per year over the towns' stored rows (one town's with ``town_id``), and for
    the county plus the projects without a town: one query; a year may come twice."""
    towns = TownYearInvestment.objects.filter(year__gte=year_from, year__lte=year_to)
    if town_id is not None:
        return towns.filter(town_id=town_id).order_by().values("year").annotate(**sums)
    townless = ProjectYearInvestment.objects.filter(year__gte=year_from, year__lte=year_to, project__town__isnull=True)
    return (
        towns.order_by().values("year").annotate(**sums)
        .union(townless.order_by().values("year").annotate(**sums), all=True)
    )


# ---------------------------------------------------------------- starts and registration


@dataclass
class StartFigures:
    key: int | None
    name: str
    new_starts: int = 0  # 新开工 projects in the plan
    due_by_now: int = 0  # of which planned to start by this month
    started: int = 0  # of which started by the end of this month
    overdue: int = 0  # planned to start by now, not started (应开工未开工)

    @property
    def start_rate(self) -> Decimal | None:
        return pct(Decimal(self.started), Decimal(self.new_starts))


def start_figures(year: int, month: int, by: str | None = "town") -> tuple[StartFigures, list[StartFigures]]:
    """New starts (新开工) in ``year``'s plan, how many have started by the end of ``month``,
    the start rate and overdue starts: (county, per unit). Two queries."""
    end = month_end(year, month)
    started = Node.objects.filter(
        project_id=OuterRef("project_id"),
        node_type__code=START_NODE,
        status=NodeStatus.DONE,
        actual_date__lte=end,
    )
    field_name = GROUPINGS[by][0] if by else None
    key = F(f"project__{field_name}") if field_name else Value(0, output_field=IntegerField())
    rows = (
        PlanEntry.objects.filter(version_id=plan_version_id(year), category=PlanCategory.NEW)
        .annotate(is_started=Exists(started))
        .order_by()
        .values(k=key)
        .annotate(
            n=Count("pk"),
            due=Count("pk", filter=Q(planned_start_month__lte=month)),
            done=Count("pk", filter=Q(is_started=True)),
            late=Count("pk", filter=Q(planned_start_month__lte=month, is_started=False)),
        )
    )
    county = StartFigures(key=None, name="")
    units = []
    for r in rows:
        f = StartFigures(key=r["k"], name="", new_starts=r["n"], due_by_now=r["due"], started=r["done"], overdue=r["late"])
        county.new_starts += f.new_starts
        county.due_by_now += f.due_by_now
        county.started += f.started
        county.overdue += f.overdue
        units.append(f)
    if by:
        names = unit_names(by, [u.key for u in units if u.key])
        for u in units:
            u.name = names.get(u.key, "—")
        units.sort(key=lambda u: (u.key is None, u.name))
    return county, units


def registration_gaps(today: dt.date, *, town_id: int | None = None) -> QuerySet:
    """Started projects not registered in statistics (入统) a month or more after their start.

    Projects annotated with ``started_on`` and ``months_unregistered`` (1 or 2+; rows under a
    month are left out), oldest first. Count the two levels with
    ``.filter(months_unregistered__gte=2)``. One query."""
    one_month_ago = _months_before(today, 1)
    two_months_ago = _months_before(today, 2)
    registered_report = counted_reports().filter(project_id=OuterRef("pk"), is_registered=True)
    registration_node = Node.objects.filter(
        project_id=OuterRef("pk"), node_type__code=REGISTRATION_NODE, status=NodeStatus.DONE
    )
    qs = Project.objects.alive().filter(
        nodes__node_type__code=START_NODE, nodes__status=NodeStatus.DONE, nodes__actual_date__lte=one_month_ago
    )
    if town_id is not None:
        qs = qs.filter(town_id=town_id)
    return (
        qs.exclude(Exists(registered_report))
        .exclude(Exists(registration_node))
        .annotate(
            started_on=F("nodes__actual_date"),
            months_unregistered=Case(
                When(nodes__actual_date__lte=two_months_ago, then=Value(2)), default=Value(1), output_field=IntegerField()
            ),
        )
        .select_related("town", "owner")
        .order_by("started_on", "pk")
    )


def registration_gap_counts(today: dt.date) -> list[dict]:
    """Per town: {town_id, town, after_one, after_two} counts of :func:`registration_gaps`."""
    rows = (
        registration_gaps(today)
        .order_by()
        .values("town_id", "town__short_name")
        .annotate(after_one=Count("pk"), after_two=Count("pk", filter=Q(months_unregistered__gte=2)))
    )
    return sorted(
        ({"town_id": r["town_id"], "town": r["town__short_name"] or "—", "after_one": r["after_one"],
          "after_two": r["after_two"]} for r in rows),
        key=lambda r: (-r["after_two"], -r["after_one"], r["town"]),
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    return dt.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


# ---------------------------------------------------------------- punctuality


@dataclass
class Punctuality:
    key: int | None
    name: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def on_time_pct(self) -> Decimal | None:
        return pct(Decimal(self.on_time), Decimal(self.expected))


def reporting_punctuality(year: int, month: int, by: str = "town") -> list[Punctuality]:
    """Per unit, for one period: reports expected, filed on time, filed late, and missing
    (never filed). The horse race and supervision count late and missing reports from here.
    One query (plus the unit names)."""
    field_name = GROUPINGS[by][0]
    rows = (
        MonthlyReport.objects.filter(year=year, month=month)
        .order_by()
        .values(k=F(f"project__{field_name}"))
        .annotate(
            expected=Count("pk"),
            filed_late=Count("pk", filter=Q(submitted_at__isnull=False, is_late=True)),
            filed=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
    )
    result = [
        Punctuality(key=r["k"], name="", expected=r["expected"], on_time=r["filed"] - r["filed_late"],
                    late=r["filed_late"], missing=r["expected"] - r["filed"])
        for r in rows
    ]
    names = unit_names(by, [p.key for p in result if p.key])
    for p in result:
        p.name = names.get(p.key, "—")
    return sorted(result, key=lambda p: (-(p.missing + p.late), p.name))


# ---------------------------------------------------------------- forecast


def _forecast_amount(ytd: Decimal, share: Decimal) -> Decimal:
    return (ytd / share).quantize(Decimal("0.0001"))


def _year_pattern(year: int, month: int, years_back: int = 5) -> dict[int, tuple[Decimal, Decimal]]:
    """{past year: (investment to month M, whole-year investment)} for the county. One query."""
    sums = {"upto": Sum(months_upto(month), output_field=MONEY), "total": Sum(months_upto(12), output_field=MONEY)}
    pattern: dict[int, tuple[Decimal, Decimal]] = {}
    for r in _yearly(year - years_back, year - 1, None, sums):
        upto, total = pattern.get(r["year"], (ZERO, ZERO))
        pattern[r["year"]] = (upto + (r["upto"] or ZERO), total + (r["total"] or ZERO))
    return {y: v for y, v in pattern.items() if v[1]}


def typical_share(year: int, month: int) -> Decimal | None:
    """The share of a year's investment typically done by the end of ``month``, pooled over
    up to five past years; None without history. December is 1."""
    if month >= 12:
        return Decimal(1)
    return _share_of(_year_pattern(year, month))


def _share_of(pattern: dict[int, tuple[Decimal, Decimal]]) -> Decimal | None:
    upto = sum((u for u, _t in pattern.values()), ZERO)
    total = sum((t for _u, t in pattern.values()), ZERO)
    if not total or not upto:
        return None
    return upto / total


@dataclass
class ForecastCheck:
    year: int
    at_month: Decimal
    actual: Decimal
    forecast: Decimal | None

    @property
    def error_pct(self) -> Decimal | None:
        """(forecast − actual) / actual."""
        if self.forecast is None or not self.actual:
            return None
        return pct(self.forecast - self.actual, self.actual)


@dataclass
class Forecast:
    """The county's year-end forecast and how the same method did on past years."""

    year: int
    month: int
    ytd: Decimal
    share: Decimal | None
    amount: Decimal | None
    backtest: list[ForecastCheck] = field(default_factory=list)
    project_error_pct: Decimal | None = None  # mean absolute error of the per-project forecast

    @property
    def mean_abs_error_pct(self) -> Decimal | None:
        errors = [abs(c.error_pct) for c in self.backtest if c.error_pct is not None]
        return (sum(errors) / len(errors)).quantize(Decimal("0.1")) if errors else None


def county_forecast(
    year: int,
    month: int,
    *,
    series: dict[int, list[Decimal]] | None = None,
    per_project_error: bool = False,
    town_id: int | None = None,
) -> Forecast:
    """Year-end forecast for the county from the year's pattern so far (ytd ÷ typical share
    done by this month), with the error of the same method on each past year — each past year
    forecast from the other past years' pattern (leave one out). Computed from
    :func:`monthly_series` over the year and five before it (one query; pass ``series`` if you
    already have it). With ``per_project_error``, also the mean absolute error of the
    per-project forecast over past project-years (of one town with ``town_id``) — a heavier
    query, meant for drill-down pages."""
    if series is None or not all(y in series for y in range(year - 5, year + 1)):
        series = monthly_series(year - 5, year)
    pattern = {
        y: (sum(values[:month], ZERO), sum(values, ZERO))
        for y, values in series.items()
        if year - 5 <= y < year and sum(values, ZERO)
    }
    ytd = sum(series[year][:month], ZERO)
    share = Decimal(1) if month >= 12 else _share_of(pattern)
    checks = []
    for past, (upto, total) in sorted(pattern.items()):
        others = [v for y, v in pattern.items() if y != past]
        o_upto = sum((u for u, _t in others), ZERO)
        o_total = sum((t for _u, t in others), ZERO)
        if month >= 12:
            guess = upto
        else:
            guess = (upto * o_total / o_upto).quantize(Decimal("0.0001")) if o_upto and o_total else None
        checks.append(ForecastCheck(year=past, at_month=upto, actual=total, forecast=guess))
    return Forecast(
        year=year,
        month=month,
        ytd=ytd,
        share=share,
        amount=_forecast_amount(ytd, share) if share else None,
        backtest=checks,
        project_error_pct=_project_forecast_error(year, month, share, town_id) if per_project_error else None,
    )


def _project_forecast_error(year: int, month: int, share: Decimal | None, town_id: int | None = None) -> Decimal | None:
    """Mean absolute percentage error of ytd ÷ share against each project's actual year, over
    the past five years' project-years with investment. One SQL statement."""
    if not share:
        return None
    table = ProjectYearInvestment._meta.db_table
    projects = Project._meta.db_table
    town_filter = f"AND project_id IN (SELECT id FROM {projects} WHERE town_id = %s)" if town_id else ""  # noqa: S608
    to_month = " + ".join(MONTH_FIELDS[:month])
    whole = " + ".join(MONTH_FIELDS)
    sql = f"""
        SELECT AVG(ABS(upto / %s - total) / total) FROM (
            SELECT {to_month} AS upto, {whole} AS total
            FROM {table}
            WHERE year >= %s AND year < %s {town_filter}
        ) AS t WHERE total > 0
    """  # noqa: S608  (table and column names are the model's, never user input)
    params = [share, year - 5, year] + ([town_id] if town_id else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    if value is None:
        return None
    return (Decimal(str(value)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


# ---------------------------------------------------------------- hooks for other apps


def completed_in_year(project_ids: Iterable[int], year: int) -> dict[int, Decimal]:
    """{project id: investment completed in ``year``} — registered in
    ``tuijin.projects.services.libraries.COMPLETED_IN_YEAR`` for the year-end roll-over."""
    rows = (
        ProjectYearInvestment.objects.filter(year=year, project_id__in=list(project_ids))
        .annotate(total=ExpressionWrapper(months_upto(12), output_field=MONEY))
        .values_list("project_id", "total")
    )
    return {pid: total or ZERO for pid, total in rows}


def reporting_span() -> tuple[int | None, int | None]:
    """The first and last year with any report."""
    agg = MonthlyReport.objects.aggregate(first=Min("year"), last=Max("year"))
    return agg["first"], agg["last"]
