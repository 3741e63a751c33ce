"""Reads that span tables: lists, a cluster's picture, yearly income and its growth."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from tuijin.projects.models import Project

from . import policy
from .choices import ContributionKind
from .models import (
    Allocation,
    Cluster,
    ClusterProject,
    CompanyIncome,
    Contribution,
    Distribution,
    JointCompany,
    Village,
    VillageIncome,
)


def clusters_for(user, *, town=None, q: str = ""):
    rows = Cluster.objects.filter(policy.visible_clusters_filter(user)).select_related("town", "lead_village")
    if town:
        rows = rows.filter(town=town)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(villages__name__icontains=q) | Q(party_committee__icontains=q)).distinct()
    return rows.annotate(
        project_count=Count("links", distinct=True), company_count=Count("companies", distinct=True)
    ).order_by("town__order", "name").prefetch_related(
        Prefetch("villages", queryset=Village.objects.order_by("order", "name"))
    )


def cluster_project_ids():
    """Ids of the projects that are cluster projects: for filters in other apps' reports."""
    return ClusterProject.objects.values_list("project_id", flat=True)


def cluster_projects(cluster: Cluster):
    return (
        ClusterProject.objects.filter(cluster=cluster)
        .select_related("project", "project__category", "village")
        .order_by("project__code")
    )


def collective_income_by_year(clusters) -> dict[int, dict[int, Decimal]]:
    """cluster id → year → Σ member villages' collective operating income."""
    ids = [c.pk for c in clusters]
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = (
        VillageIncome.objects.filter(village__clusters__in=ids)
        .values("village__clusters", "year")
        .annotate(total=Sum("operating_income"))
    )
    for row in rows:
        result[row["village__clusters"]][row["year"]] = row["total"]
    return result


def growth(series: dict[int, Decimal], year: int) -> Decimal | None:
    """Year-on-year growth in percent (two places); None without a positive previous year."""
    this, last = series.get(year), series.get(year - 1)
    if this is None or not last:
        return None
    return ((this - last) / last * 100).quantize(Decimal("0.01"))


def income_table(series: dict[int, Decimal]) -> list[dict]:
    return [{"year": y, "total": series[y], "growth": growth(series, y)} for y in sorted(series)]


def village_incomes(villages) -> dict[int, dict[int, Decimal]]:
    table: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in VillageIncome.objects.filter(village__in=villages):
        table[row.village_id][row.year] = row.operating_income
    return table


def dividends_by_village(villages) -> dict[int, dict[int, Decimal]]:
    """village id → year → dividends its collective received from joint companies."""
    from .models import DistributionLine

    table: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = (
        DistributionLine.objects.filter(shareholder__village__in=villages)
        .values("shareholder__village", "distribution__year")
        .annotate(total=Sum("total"))
    )
    for row in rows:
        table[row["shareholder__village"]][row["distribution__year"]] = row["total"]
    return table


def companies_for(user):
    return (
        JointCompany.objects.filter(policy.visible_clusters_filter(user, "cluster__"))
        .select_related("cluster__town")
        .annotate(holder_count=Count("shareholders", distinct=True))
        .order_by("cluster__town__order", "name")
    )


def contribution_matrix(company: JointCompany) -> tuple[list, list[str], dict]:
    """Shareholders, the kinds in use, and (holder id, kind) → contribution."""
    holders = list(company.shareholders.select_related("village"))
    contributions = list(Contribution.objects.filter(shareholder__company=company))
    used = {c.kind for c in contributions}
    kinds = [k for k in ContributionKind.values if k in used]
    cells = {(c.shareholder_id, c.kind): c for c in contributions}
    return holders, kinds, cells


def company_rules(company: JointCompany):
    return company.rules.select_related("created_by").order_by("-version")


def latest_allocation(company: JointCompany) -> Allocation | None:
    return (
        Allocation.objects.filter(rule__company=company)
        .select_related("rule", "computed_by")
        .prefetch_related("lines__shareholder")
        .order_by("-rule__version", "-computed_at", "-pk")
        .first()
    )


def company_incomes(company: JointCompany):
    return list(CompanyIncome.objects.filter(company=company).order_by("year"))


def company_distributions(company: JointCompany):
    return list(
        Distribution.objects.filter(company=company).prefetch_related("lines__shareholder").order_by("-year")
    )


def county_summary(user) -> dict:
    clusters = Cluster.objects.filter(policy.visible_clusters_filter(user))
    projects = ClusterProject.objects.filter(cluster__in=clusters)
    return {
        "clusters": clusters.count(),
        "villages": Village.objects.filter(clusters__in=clusters).distinct().count(),
        "projects": projects.count(),
        "investment": Project.objects.filter(cluster_link__in=projects).aggregate(s=Sum("total_investment"))["s"]
        or Decimal(0),
        "companies": JointCompany.objects.filter(cluster__in=clusters).count(),
    }
