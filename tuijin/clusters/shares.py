"""The arithmetic of shares and dividends, exact and without the database.

Every share is first computed as an exact fraction; only the published figure is rounded,
by the largest remainder method (Hamilton's method), so the published shares add up to
exactly 100% and the paid dividends to exactly the distributable amount:

1. take each exact value, counted in units of the last published place (0.0001% for shares
   at four places, 0.0001 万元 = 1 yuan for money), and keep its whole part;
2. the units still missing to reach the total go, one each, to the values with the largest
   fractional parts; equal fractional parts go to the earlier shareholder in the register.

Refusals raise :class:`ShareError` with a message a project officer can act on.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from django.utils.translation import gettext as _

from tuijin.lib.errors import ServiceError

#: Shapley values need the income of all 2^n coalitions: bounded so a page stays fast.
SHAPLEY_MAX_PLAYERS = 12
MONEY_PLACES = 4  # 万元 to the yuan


class ShareError(ServiceError):
    """The inputs do not allow an allocation; the message says why."""


def as_fraction(value: Decimal | int | str | Fraction) -> Fraction:
    if isinstance(value, Fraction):
        return value
    return Fraction(Decimal(str(value)) if not isinstance(value, Decimal) else value)


def fraction_to_decimal(value: Fraction, places: int) -> Decimal:
    """Round half up to ``places`` decimals (for display only; published figures use
    :func:`largest_remainder`)."""
    scaled = value * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def largest_remainder(values: Sequence[tuple[Hashable, Fraction]], total: Fraction, places: int) -> dict:
    """Round ``values`` (non-negative, summing exactly to ``total``) to ``places`` decimals so
    that the rounded values sum exactly to ``total``. Ties go to the earlier item."""
    if any(v < 0 for _k, v in values):
        raise ShareError(_("A negative amount cannot be rounded into shares."))
    if sum((v for _k, v in values), Fraction(0)) != total:
        raise ShareError(_("The parts do not add up to the total; nothing was rounded."))
    unit = Fraction(1, 10**places)
    total_units = total / unit
    if total_units.denominator != 1:
        raise ShareError(
            _("The total %(total)s has more than %(places)s decimal places.") % {"total": total, "places": places}
        )
    floors = []
    for index, (key, value) in enumerate(values):
        units = value / unit
        whole = math.floor(units)
        floors.append([key, whole, units - whole, index])
    missing = int(total_units) - sum(f[1] for f in floors)
    for item in sorted(floors, key=lambda f: (-f[2], f[3]))[:missing]:
        item[1] += 1
    quant = Decimal(1).scaleb(-places)
    return {key: Decimal(whole).scaleb(-places).quantize(quant) for key, whole, _r, _i in floors}


@dataclass
class Factor:
    """One term of the share formula: a contribution kind with each shareholder's amount
    x_ik and the weight w_k the rule gives it."""

    key: str
    label: str
    unit: str
    values: dict  # holder -> Fraction
    weight: Fraction


@dataclass
class Term:
    label: str
    unit: str
    key: str  # what the term is: a contribution kind, "capital", "shapley" …
    params: dict
    x: Fraction  # this shareholder's amount x_ik
    total: Fraction  # everyone's amount Σ_j x_jk
    weight: Fraction  # w_k
    value: Fraction  # w_k · x_ik / Σ_j x_jk


@dataclass
class Share:
    holder: Hashable
    exact: Fraction
    percent: Decimal = Decimal(0)
    terms: list[Term] = field(default_factory=list)


def weighted_shares(holders: Sequence[Hashable], factors: Sequence[Factor], *, places: int = 4,
                    names: dict | None = None) -> list[Share]:
    """share_i = Σ_k w_k · x_ik / Σ_j x_jk, then published in percent at ``places`` decimals."""
    names = names or {}
    if not holders:
        raise ShareError(_("The company has no shareholders yet."))
    weights = sum((f.weight for f in factors), Fraction(0))
    if weights != 1:
        raise ShareError(
            _("The weights add up to %(sum)s; they must add up to exactly 1.") % {"sum": _plain(weights)}
        )
    for factor in factors:
        if factor.weight < 0:
            raise ShareError(_("The weight of %(kind)s is negative.") % {"kind": factor.label})
        for holder, value in factor.values.items():
            if value < 0:
                raise ShareError(
                    _("%(holder)s has a negative %(kind)s.") % {"holder": names.get(holder, holder), "kind": factor.label}
                )
    shares = {h: Share(holder=h, exact=Fraction(0)) for h in holders}
    for factor in factors:
        if factor.weight == 0:
            continue
        total = sum((factor.values.get(h, Fraction(0)) for h in holders), Fraction(0))
        if total == 0:
            raise ShareError(
                _("No shareholder contributed %(kind)s, but the rule gives it a weight of %(weight)s.")
                % {"kind": factor.label, "weight": _plain(factor.weight)}
            )
        for h in holders:
            x = factor.values.get(h, Fraction(0))
            value = factor.weight * x / total
            shares[h].exact += value
            shares[h].terms.append(Term(factor.label, factor.unit, factor.key, {}, x, total, factor.weight, value))
    return _publish(holders, shares, places)


def _publish(holders, shares: dict, places: int) -> list[Share]:
    rounded = largest_remainder([(h, shares[h].exact * 100) for h in holders], Fraction(100), places)
    for h in holders:
        shares[h].percent = rounded[h]
    return [shares[h] for h in holders]


def _plain(value: Fraction) -> str:
    if value.denominator == 1 or 10**12 % value.denominator == 0:
        return format(Decimal(value.numerator) / Decimal(value.denominator), "f").rstrip("0").rstrip(".") or "0"
    return f"{value.numerator}/{value.denominator} ≈ {fraction_to_decimal(value, 6)}"


# --- Shapley value -------------------------------------------------------------------------


def coalition_key(members) -> frozenset:
    return frozenset(members)


def shapley_shares(holders: Sequence[Hashable], incomes: dict[frozenset, Fraction], *, places: int = 4,
                   names: dict | None = None) -> list[Share]:
    """Shares proportional to each holder's Shapley value φ_i in the game v(S) = the yearly
    income coalition S earns on its own (飞地抱团).

    φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S∪{i}) − v(S)); share_i = φ_i / v(N).
    Each shareholder's explanation has one line per coalition size s: the mean marginal
    income of joining the C(n−1, s) coalitions of s others, weighted 1/n.
    """
    names = names or {}
    n = len(holders)
    if n == 0:
        raise ShareError(_("The company has no shareholders yet."))
    if n > SHAPLEY_MAX_PLAYERS:
        raise ShareError(
            _("The Shapley value needs the income of all 2^n coalitions; with %(n)s shareholders that is "
              "%(count)s figures. Use at most %(max)s shareholders or another method.")
            % {"n": n, "count": 2**n, "max": SHAPLEY_MAX_PLAYERS}
        )
    index = {h: i for i, h in enumerate(holders)}
    value = {}
    for members, income in incomes.items():
        unknown = [m for m in members if m not in index]
        if unknown:
            raise ShareError(_("A coalition names someone who is not a shareholder."))
        mask = sum(1 << index[m] for m in members)
        value[mask] = as_fraction(income)
    if value.get(0, Fraction(0)) != 0:
        raise ShareError(_("The income of the empty coalition must be 0."))
    value[0] = Fraction(0)
    missing = [mask for mask in range(1, 2**n) if mask not in value]
    if missing:
        examples = ["+".join(str(names.get(holders[i], holders[i])) for i in range(n) if mask >> i & 1)
                    for mask in missing[:3]]
        raise ShareError(
            _("The income of %(count)s of the %(all)s coalitions is missing, e.g. %(examples)s.")
            % {"count": len(missing), "all": 2**n - 1, "examples": "、".join(examples)}
        )
    grand = value[2**n - 1]
    if grand <= 0:
        raise ShareError(_("The income of all shareholders together must be positive."))
    shares = {}
    for h in holders:
        i = index[h]
        others = [j for j in range(n) if j != i]
        phi = Fraction(0)
        terms = []
        for size in range(n):
            marginals = []
            for combo in combinations(others, size):
                mask = sum(1 << j for j in combo)
                marginals.append(value[mask | 1 << i] - value[mask])
            mean = sum(marginals, Fraction(0)) / len(marginals)
            phi += mean / n
            terms.append(Term(
                _("joining %(size)s other(s): mean marginal income of %(count)s coalition(s)") % {"size": size, "count": len(marginals)},
                _("10k yuan"), "shapley", {"size": size, "count": len(marginals)}, mean, grand, Fraction(1, n),
                mean / n / grand,
            ))
        if phi < 0:
            raise ShareError(
                _("%(holder)s has a negative Shapley value (%(value)s); shares cannot be negative. "
                  "Check the coalition incomes.") % {"holder": names.get(h, h), "value": _plain(phi)}
            )
        shares[h] = Share(holder=h, exact=phi / grand, terms=terms)
    return _publish(holders, shares, places)


def shapley_values(holders: Sequence[Hashable], incomes: dict[frozenset, Fraction]) -> dict:
    """φ_i in money, for statements (same validation as :func:`shapley_shares`)."""
    grand = as_fraction(incomes[frozenset(holders)])
    return {s.holder: s.exact * grand for s in shapley_shares(holders, incomes)}


# --- Distribution of income ----------------------------------------------------------------


@dataclass
class Payout:
    holder: Hashable
    guaranteed: Fraction
    by_share: Fraction
    total: Decimal = Decimal(0)

    @property
    def exact(self) -> Fraction:
        return self.guaranteed + self.by_share


def distribute_by_share(amount: Decimal, percents: Sequence[tuple[Hashable, Decimal]]) -> list[Payout]:
    """amount × published share, rounded to the yuan by largest remainder."""
    total = as_fraction(amount)
    _check_amount(total)
    _check_percents(percents)
    payouts = [Payout(h, Fraction(0), total * as_fraction(p) / 100) for h, p in percents]
    return _round_payouts(payouts, total)


def distribute_guaranteed_first(amount: Decimal, percents: Sequence[tuple[Hashable, Decimal]],
                                guarantees: dict) -> tuple[list[Payout], bool]:
    """Each shareholder first receives its guaranteed minimum dividend; the rest is split by
    share. When the amount does not cover all guarantees, it is split in proportion to the
    guarantees and nothing is left to split by share (the second value is then False)."""
    total = as_fraction(amount)
    _check_amount(total)
    _check_percents(percents)
    owed = {h: as_fraction(guarantees.get(h, 0)) for h, _p in percents}
    if any(v < 0 for v in owed.values()):
        raise ShareError(_("A guaranteed dividend cannot be negative."))
    owed_total = sum(owed.values(), Fraction(0))
    covered = owed_total <= total
    if covered:
        rest = total - owed_total
        payouts = [Payout(h, owed[h], rest * as_fraction(p) / 100) for h, p in percents]
    else:
        payouts = [Payout(h, total * owed[h] / owed_total, Fraction(0)) for h, _p in percents]
    return _round_payouts(payouts, total), covered


def distribute_equally(amount: Decimal, holders: Sequence[Hashable]) -> list[Payout]:
    total = as_fraction(amount)
    _check_amount(total)
    if not holders:
        raise ShareError(_("The company has no shareholders yet."))
    payouts = [Payout(h, Fraction(0), total / len(holders)) for h in holders]
    return _round_payouts(payouts, total)


def _check_amount(total: Fraction) -> None:
    if total < 0:
        raise ShareError(_("The distributable amount cannot be negative."))


def _check_percents(percents) -> None:
    if not percents:
        raise ShareError(_("There are no shares to distribute by; compute the allocation first."))
    if sum(Decimal(p) for _h, p in percents) != 100:
        raise ShareError(_("The shares do not add up to 100%."))


def _round_payouts(payouts: list[Payout], total: Fraction) -> list[Payout]:
    rounded = largest_remainder([(i, p.exact) for i, p in enumerate(payouts)], total, MONEY_PLACES)
    for i, p in enumerate(payouts):
        p.total = rounded[i]
    return payouts
