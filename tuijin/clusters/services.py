"""Every change to clusters and joint companies: each checks the user may make it and runs in
a transaction. The arithmetic itself lives in :mod:`tuijin.clusters.shares`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.lib.errors import PermissionDenied, ServiceError

from . import policy, shares
from .choices import UNITS, AllocationMethod, ContributionKind, DistributionMethod
from .models import (
    Allocation,
    AllocationLine,
    AllocationRule,
    Cluster,
    ClusterProject,
    CoalitionIncome,
    CompanyIncome,
    Contribution,
    Distribution,
    DistributionLine,
    JointCompany,
    Shareholder,
    Village,
    VillageIncome,
)


def _require_office(by) -> None:
    if not policy.can_manage(by):
        raise PermissionDenied(_("Only the project office can change clusters and joint companies."))


# --- clusters ------------------------------------------------------------------------------


@transaction.atomic
def cluster_create(*, town, name: str, party_committee: str, villages, lead_village=None, by, **fields) -> Cluster:
    _require_office(by)
    villages = list(villages)
    _check_villages(town, villages, lead_village)
    cluster = Cluster(town=town, name=name, party_committee=party_committee, lead_village=lead_village, **fields)
    cluster.full_clean()
    cluster.save()
    cluster.villages.set(villages)
    return cluster


@transaction.atomic
def cluster_update(*, cluster: Cluster, villages=None, by, **fields) -> Cluster:
    _require_office(by)
    for name, value in fields.items():
        setattr(cluster, name, value)
    villages = list(villages) if villages is not None else list(cluster.villages.all())
    _check_villages(cluster.town, villages, cluster.lead_village)
    cluster.full_clean()
    cluster.save()
    cluster.villages.set(villages)
    return cluster


def _check_villages(town, villages, lead_village) -> None:
    if not villages:
        raise ServiceError({"villages": _("A cluster has at least one member village.")})
    strangers = [v.name for v in villages if v.town_id != town.pk]
    if strangers:
        raise ServiceError({"villages": _("%(villages)s do not belong to %(town)s.") % {
            "villages": "、".join(strangers), "town": town}})
    if lead_village is not None and lead_village not in villages:
        raise ServiceError({"lead_village": _("The lead village must be a member of the cluster.")})


@transaction.atomic
def cluster_project_link(*, cluster: Cluster, project, village: Village | None = None,
                         expected_income: Decimal | None = None, by) -> ClusterProject:
    """Mark a registered project as a project of the cluster."""
    _require_office(by)
    existing = ClusterProject.objects.filter(project=project).select_related("cluster__town").first()
    if existing and existing.cluster_id != cluster.pk:
        raise ServiceError({"project": _("%(project)s is already a project of %(cluster)s.") % {
            "project": project, "cluster": existing.cluster}})
    if village is not None and not cluster.villages.filter(pk=village.pk).exists():
        raise ServiceError({"village": _("%(village)s is not a member of the cluster.") % {"village": village}})
    link, _created = ClusterProject.objects.update_or_create(
        project=project, defaults={"cluster": cluster, "village": village, "expected_income": expected_income}
    )
    return link


@transaction.atomic
def village_income_record(*, village: Village, year: int, operating_income: Decimal, by) -> VillageIncome:
    _require_office(by)
    row, _created = VillageIncome.objects.update_or_create(
        village=village, year=year, defaults={"operating_income": operating_income}
    )
    return row


# --- companies, shareholders, contributions ------------------------------------------------


@transaction.atomic
def company_create(*, cluster: Cluster, name: str, by, **fields) -> JointCompany:
    _require_office(by)
    company = JointCompany(cluster=cluster, name=name, **fields)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_update(*, company: JointCompany, by, **fields) -> JointCompany:
    _require_office(by)
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def shareholder_add(*, company: JointCompany, name: str, kind: str, village: Village | None = None, by) -> Shareholder:
    _require_office(by)
    if village is not None and not company.cluster.villages.filter(pk=village.pk).exists():
        raise ServiceError({"village": _("%(village)s is not a member village of %(cluster)s.") % {
            "village": village, "cluster": company.cluster}})
    if Shareholder.objects.filter(company=company, name=name).exists():
        raise ServiceError({"name": _("%(name)s is already a shareholder.") % {"name": name}})
    last = company.shareholders.order_by("-order").values_list("order", flat=True).first()
    holder = Shareholder(company=company, name=name, kind=kind, village=village, order=(last or 0) + 1)
    holder.full_clean()
    holder.save()
    return holder


@transaction.atomic
def contribution_set(*, shareholder: Shareholder, kind: str, quantity: Decimal, valuation: Decimal | None = None,
                     contributed_on: dt.date | None = None, note: str = "", by) -> Contribution | None:
    """Record (or replace) what a shareholder puts in of one kind; a quantity of zero without
    a valuation removes the entry."""
    _require_office(by)
    if quantity < 0 or (valuation is not None and valuation < 0):
        raise ServiceError({"quantity": _("A contribution cannot be negative.")})
    if kind in (ContributionKind.CASH, ContributionKind.ASSETS) and valuation is not None and valuation != quantity:
        raise ServiceError({"valuation": _("Cash and assets are entered in 10k yuan; their valuation is the quantity.")})
    if quantity == 0 and valuation is None:
        Contribution.objects.filter(shareholder=shareholder, kind=kind).delete()
        return None
    row, _created = Contribution.objects.update_or_create(
        shareholder=shareholder, kind=kind,
        defaults={"quantity": quantity, "valuation": valuation, "contributed_on": contributed_on, "note": note},
    )
    return row


# --- allocation rules and their computation -------------------------------------------------


@transaction.atomic
def rule_create(*, company: JointCompany, method: str, effective_from: dt.date, approved_by: str,
                weights: dict[str, Decimal] | None = None, population_pool: Decimal | None = None,
                guaranteed_rate: Decimal | None = None, rounding_places: int = 4,
                approved_on: dt.date | None = None, document_number: str = "", note: str = "", by) -> AllocationRule:
    """Record a new version of the company's allocation rule. Earlier versions stay as they were."""
    _require_office(by)
    errors = {}
    clean_weights: dict[str, str] = {}
    if method == AllocationMethod.WEIGHTED:
        weights = {k: Decimal(v) for k, v in (weights or {}).items() if v not in (None, "")}
        unknown = [k for k in weights if k not in ContributionKind.values]
        if unknown:
            errors["weights"] = _("Unknown contribution kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)}
        elif any(w < 0 for w in weights.values()):
            errors["weights"] = _("A weight cannot be negative.")
        else:
            total = sum(weights.values(), Decimal(0))
            if total != 1:
                errors["weights"] = _("The weights add up to %(sum)s; they must add up to exactly 1.") % {
                    "sum": format(total.normalize(), "f")}
        clean_weights = {k: format(w.normalize(), "f") for k, w in weights.items() if w != 0}
    if method == AllocationMethod.FIXED_POPULATION and not population_pool:
        errors["population_pool"] = _("Give the capital to be apportioned by population.")
    if not approved_by.strip():
        errors["approved_by"] = _("Name the body that approved the rule, e.g. the shareholders' meeting.")
    if not 0 <= rounding_places <= 6:
        errors["rounding_places"] = _("Publish shares with 0 to 6 decimal places.")
    if errors:
        raise ServiceError(errors)
    last = company.rules.order_by("-version").values_list("version", flat=True).first()
    rule = AllocationRule.objects.create(
        company=company, version=(last or 0) + 1, method=method, weights=clean_weights,
        population_pool=population_pool if method == AllocationMethod.FIXED_POPULATION else None,
        guaranteed_rate=guaranteed_rate, rounding_places=rounding_places, effective_from=effective_from,
        approved_by=approved_by.strip(), approved_on=approved_on, document_number=document_number, note=note,
        created_by=by,
    )
    return rule


@transaction.atomic
def coalition_incomes_set(*, rule: AllocationRule, incomes: dict[frozenset[int], Decimal], by) -> None:
    """Record the yearly income of each coalition of shareholders (for Shapley allocation)."""
    _require_office(by)
    if rule.method != AllocationMethod.SHAPLEY:
        raise ServiceError(_("Coalition incomes belong to a Shapley rule only."))
    holders = set(rule.company.shareholders.values_list("pk", flat=True))
    if len(holders) > shares.SHAPLEY_MAX_PLAYERS:
        raise ServiceError(_("The Shapley value is offered for at most %(max)s shareholders.") % {
            "max": shares.SHAPLEY_MAX_PLAYERS})
    for members in incomes:
        if not members <= holders:
            raise ServiceError(_("A coalition names someone who is not a shareholder."))
    rule.coalitions.all().delete()
    CoalitionIncome.objects.bulk_create(
        CoalitionIncome(rule=rule, members=CoalitionIncome.key(members), income=income)
        for members, income in incomes.items() if members
    )


def all_coalitions(holders: list[Shareholder]) -> list[tuple[Shareholder, ...]]:
    """Every non-empty coalition, small ones first, in register order."""
    return [combo for size in range(1, len(holders) + 1) for combo in combinations(holders, size)]


def factors_for(rule: AllocationRule, holders: list[Shareholder], contributions: list[Contribution]) -> list[shares.Factor]:
    """The terms of the share formula for a rule's method (see docs/clusters.md)."""
    by_kind: dict[str, dict[int, Contribution]] = {}
    for c in contributions:
        by_kind.setdefault(c.kind, {})[c.shareholder_id] = c
    ids = [h.pk for h in holders]

    def amounts(kind: str) -> dict[int, Fraction]:
        return {i: shares.as_fraction(by_kind.get(kind, {})[i].quantity) if i in by_kind.get(kind, {}) else Fraction(0)
                for i in ids}

    def label(kind: str) -> str:
        return str(ContributionKind(kind).label)

    method = rule.method
    if method == AllocationMethod.WEIGHTED:
        return [
            shares.Factor(kind, label(kind), str(UNITS[ContributionKind(kind)]), amounts(kind), weight)
            for kind, weight in rule.weight_fractions().items()
        ]
    if method == AllocationMethod.CAPITAL:
        cash, assets = amounts(ContributionKind.CASH), amounts(ContributionKind.ASSETS)
        capital = {i: cash[i] + assets[i] for i in ids}
        return [shares.Factor("capital", _("Capital (cash and assets)"), _("10k yuan"), capital, Fraction(1))]
    if method == AllocationMethod.LAND_EQUITY:
        land = {}
        names = {h.pk: h.name for h in holders}
        for i in ids:
            c = by_kind.get(ContributionKind.LAND, {}).get(i)
            if c is not None and c.quantity > 0 and c.valuation is None:
                raise shares.ShareError(_("The land of %(holder)s has no valuation; land counted as equity needs one.")
                                        % {"holder": names[i]})
            land[i] = shares.as_fraction(c.valuation) if c is not None and c.valuation is not None else Fraction(0)
        parts = [
            ("cash", label(ContributionKind.CASH), amounts(ContributionKind.CASH)),
            ("assets", label(ContributionKind.ASSETS), amounts(ContributionKind.ASSETS)),
            ("land_value", _("Land (valued)"), land),
        ]
        return _money_factors(parts)
    if method == AllocationMethod.FIXED_POPULATION:
        pool = shares.as_fraction(rule.population_pool or 0)
        cash = amounts(ContributionKind.CASH)
        population = amounts(ContributionKind.POPULATION)
        if sum(population.values()) == 0:
            raise shares.ShareError(_("No shareholder has a population entered; nothing to apportion the pool by."))
        grand = sum(cash.values(), Fraction(0)) + pool
        return [
            shares.Factor("fixed_cash", _("Fixed cash"), _("10k yuan"), cash, sum(cash.values(), Fraction(0)) / grand),
            shares.Factor("population", label(ContributionKind.POPULATION), _("persons"), population, pool / grand),
        ]
    raise shares.ShareError(_("This method does not use contribution factors."))


def _money_factors(parts) -> list[shares.Factor]:
    """Money contributions counted together: w_k = Σ_j x_jk / Σ all, so share_i = Σ_k x_ik / Σ all."""
    grand = sum((sum(values.values(), Fraction(0)) for _k, _l, values in parts), Fraction(0))
    if grand == 0:
        raise shares.ShareError(_("No shareholder has contributed any capital yet."))
    factors = []
    for key, lab, values in parts:
        total = sum(values.values(), Fraction(0))
        if total:
            factors.append(shares.Factor(key, lab, _("10k yuan"), values, total / grand))
    return factors


def allocation_preview(rule: AllocationRule) -> list[shares.Share]:
    """The shares a rule gives now, without recording them."""
    holders = list(rule.company.shareholders.all())
    names = {h.pk: h.name for h in holders}
    ids = [h.pk for h in holders]
    places = rule.rounding_places
    if rule.method == AllocationMethod.SHAPLEY:
        incomes = {c.member_ids: shares.as_fraction(c.income) for c in rule.coalitions.all()}
        return shares.shapley_shares(ids, incomes, places=places, names=names)
    contributions = list(Contribution.objects.filter(shareholder__company=rule.company))
    return shares.weighted_shares(ids, factors_for(rule, holders, contributions), places=places, names=names)


@transaction.atomic
def allocation_compute(*, rule: AllocationRule, by) -> Allocation:
    """Compute and keep the shares under ``rule``: exact fractions, published percentages and
    the line-by-line explanation of each."""
    _require_office(by)
    results = allocation_preview(rule)
    allocation = Allocation.objects.create(rule=rule, computed_by=by)
    AllocationLine.objects.bulk_create(
        AllocationLine(
            allocation=allocation, shareholder_id=s.holder, order=n,
            exact=f"{s.exact.numerator}/{s.exact.denominator}", percent=s.percent,
            explanation=[_term_json(t) for t in s.terms],
        )
        for n, s in enumerate(results)
    )
    return allocation


def _term_json(term: shares.Term) -> dict:
    return {
        "key": term.key,
        "params": term.params,
        "x": _fmt(term.x),
        "total": _fmt(term.total),
        "weight": _fmt(term.weight),
        "weight_exact": f"{term.weight.numerator}/{term.weight.denominator}",
        "percent": str(shares.fraction_to_decimal(term.value * 100, 6)),
    }


def term_label(term: dict) -> tuple[str, str]:
    """The label and unit of a stored explanation line, in the reader's language."""
    key = term.get("key", "")
    if key in ContributionKind.values:
        return str(ContributionKind(key).label), str(UNITS[ContributionKind(key)])
    if key == "shapley":
        return _("joining %(size)s other(s): mean marginal income of %(count)s coalition(s)") % term["params"], _("10k yuan")
    labels = {"capital": _("Capital (cash and assets)"), "land_value": _("Land (valued)"), "fixed_cash": _("Fixed cash")}
    return labels.get(key, key), _("10k yuan")


def explained(lines) -> None:
    """Put the translated label and unit on each explanation line of allocation lines."""
    for line in lines:
        for term in line.explanation:
            term["label"], term["unit"] = term_label(term)


def _fmt(value: Fraction) -> str:
    """Exact when the decimal terminates within 6 places, else rounded to 6 places."""
    text = format(shares.fraction_to_decimal(value, 6), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- income and its distribution ------------------------------------------------------------


@transaction.atomic
def company_income_record(*, company: JointCompany, year: int, operating_income: Decimal, distributable: Decimal,
                          note: str = "", by) -> CompanyIncome:
    _require_office(by)
    if distributable > operating_income:
        raise ServiceError({"distributable": _("The distributable amount cannot exceed the operating income.")})
    row, _created = CompanyIncome.objects.update_or_create(
        company=company, year=year,
        defaults={"operating_income": operating_income, "distributable": distributable, "note": note},
    )
    return row


def current_allocation(company: JointCompany, on: dt.date | None = None) -> Allocation | None:
    """The latest allocation computed under the rule version in force on ``on`` (default: the
    latest version)."""
    rules = company.rules.all()
    if on is not None:
        rules = rules.filter(effective_from__lte=on)
    rule = rules.order_by("-version").first()
    if rule is None:
        return None
    return rule.allocations.order_by("-computed_at", "-pk").first()


@transaction.atomic
def distribution_compute(*, company: JointCompany, year: int, method: str, by,
                         amount: Decimal | None = None, guaranteed_rate: Decimal | None = None) -> Distribution:
    """Share out a year's distributable amount: by share, guaranteed minimum first, or equally.
    The paid amounts add up to exactly the distributable amount (largest remainder, to the yuan)."""
    _require_office(by)
    if amount is None:
        income = CompanyIncome.objects.filter(company=company, year=year).first()
        if income is None:
            raise ServiceError(_("Record the income of %(year)s first.") % {"year": year})
        amount = income.distributable
    holders = list(company.shareholders.all())
    if not holders:
        raise ServiceError(_("The company has no shareholders yet."))
    allocation = current_allocation(company, dt.date(year, 12, 31))
    lines = {}
    percents = []
    if allocation is not None:
        lines = {line.shareholder_id: line.percent for line in allocation.lines.all()}
        percents = [(h.pk, lines[h.pk]) for h in holders if h.pk in lines]
        if len(percents) != len(holders):
            raise ServiceError(_("A shareholder was added after the shares were computed; compute the allocation again."))
    covered = True
    if method == DistributionMethod.EQUAL:
        payouts = shares.distribute_equally(amount, [h.pk for h in holders])
    elif allocation is None:
        raise ServiceError(_("Compute the share allocation before distributing by share."))
    elif method == DistributionMethod.BY_SHARE:
        payouts = shares.distribute_by_share(amount, percents)
    elif method == DistributionMethod.GUARANTEED_FIRST:
        rate = guaranteed_rate if guaranteed_rate is not None else allocation.rule.guaranteed_rate
        if rate is None:
            raise ServiceError({"guaranteed_rate": _("Give the guaranteed dividend rate.")})
        guaranteed_rate = rate
        guarantees = guaranteed_amounts(company, rate)
        payouts, covered = shares.distribute_guaranteed_first(amount, percents, guarantees)
    else:
        raise ServiceError(_("Unknown distribution method."))
    distribution, _created = Distribution.objects.update_or_create(
        company=company, year=year,
        defaults={
            "method": method, "amount": amount, "allocation": allocation if method != DistributionMethod.EQUAL else None,
            "guaranteed_rate": guaranteed_rate if method == DistributionMethod.GUARANTEED_FIRST else None,
            "guarantees_covered": covered, "computed_by": by,
        },
    )
    distribution.lines.all().delete()
    rows = []
    for n, p in enumerate(payouts):
        guaranteed = shares.fraction_to_decimal(p.guaranteed, shares.MONEY_PLACES)
        rows.append(DistributionLine(
            distribution=distribution, shareholder_id=p.holder, order=n, percent=lines.get(p.holder),
            guaranteed=guaranteed, by_share=p.total - guaranteed, total=p.total,
        ))
    DistributionLine.objects.bulk_create(rows)
    return distribution


def guaranteed_amounts(company: JointCompany, rate: Decimal) -> dict[int, Fraction]:
    """Each shareholder's guaranteed dividend: ``rate`` % of its valued contribution
    (cash + assets + land at its valuation), as in Gutian's 5% on land counted as equity."""
    valued: dict[int, Fraction] = {h: Fraction(0) for h in company.shareholders.values_list("pk", flat=True)}
    for c in Contribution.objects.filter(shareholder__company=company):
        money = c.money_value
        if money is not None:
            valued[c.shareholder_id] += shares.as_fraction(money)
    return {h: v * shares.as_fraction(rate) / 100 for h, v in valued.items()}

