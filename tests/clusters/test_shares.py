"""The arithmetic of shares and dividends, on cases computed by hand (docs/clusters.md)."""

from decimal import Decimal
from fractions import Fraction as F

import pytest

from tuijin.clusters.shares import (
    Factor,
    ShareError,
    distribute_by_share,
    distribute_equally,
    distribute_guaranteed_first,
    largest_remainder,
    shapley_shares,
    weighted_shares,
)

XINPU = ["新东", "六塘", "五塘", "高王", "浦东"]


def xinpu_factors(land=F("0.5"), cash=F("0.4"), population=F("0.1")):
    return [
        Factor("land", "土地", "亩", dict(zip(XINPU, [F(6), F("5.5"), F("4.5"), F(4), F("3.5")], strict=True)), land),
        Factor("cash", "现金", "万元", dict(zip(XINPU, [F(400), F(300), F(200), F(100), F(0)], strict=True)), cash),
        Factor("population", "人口", "人", dict(zip(XINPU, [F(2400), F(2100), F(1800), F(1500), F(1200)], strict=True)),
               population),
    ]


def test_weighted_shares_of_the_xinpu_example_match_the_hand_computation():
    shares = weighted_shares(XINPU, xinpu_factors())
    # 新东: 0.5·6/23.5 + 0.4·400/1000 + 0.1·2400/9000 = 36/235·… = 31.4326241…%
    assert shares[0].exact == F(1, 2) * 6 / F("23.5") + F(4, 10) * 400 / 1000 + F(1, 10) * 2400 / 9000
    assert [s.percent for s in shares] == [
        Decimal("31.4326"), Decimal("26.0355"), Decimal("19.5745"), Decimal("14.1773"), Decimal("8.7801")
    ]
    assert sum(s.percent for s in shares) == Decimal("100.0000")


def test_a_zero_contribution_gives_nothing_for_that_kind():
    shares = weighted_shares(XINPU, xinpu_factors())
    cash_term = next(t for t in shares[4].terms if t.label == "现金")
    assert cash_term.x == 0 and cash_term.total == 1000 and cash_term.value == 0
    # 浦东 still holds land and population shares: 0.5·3.5/23.5 + 0.1·1200/9000
    assert shares[4].exact == F(1, 2) * F("3.5") / F("23.5") + F(1, 10) * 1200 / 9000


def test_a_shareholder_with_nothing_at_all_holds_zero():
    factors = [Factor("cash", "现金", "万元", {"A": F(100), "B": F(0)}, F(1))]
    shares = weighted_shares(["A", "B"], factors)
    assert [s.percent for s in shares] == [Decimal("100.0000"), Decimal("0.0000")]


def test_a_single_shareholder_holds_exactly_100_percent():
    shares = weighted_shares(["A"], xinpu_factors_for_one())
    assert shares[0].exact == 1 and shares[0].percent == Decimal("100.0000")


def xinpu_factors_for_one():
    return [Factor("land", "土地", "亩", {"A": F(7)}, F("0.6")), Factor("cash", "现金", "万元", {"A": F(50)}, F("0.4"))]


@pytest.mark.parametrize("weights", [("0.5", "0.4", "0.09"), ("0.5", "0.5", "0.1"), ("0.3333", "0.3333", "0.3333")])
def test_it_refuses_weights_that_do_not_add_up_to_one(weights):
    with pytest.raises(ShareError) as exc:
        weighted_shares(XINPU, xinpu_factors(*(F(w) for w in weights)))
    assert "须恰好等于1" in exc.value.messages[0]


def test_decimal_weights_that_add_up_to_one_exactly_are_accepted():
    # 0.1 + 0.2 + 0.7 is not 1 in binary floating point; it is in exact arithmetic.
    shares = weighted_shares(XINPU, xinpu_factors(F("0.1"), F("0.2"), F("0.7")))
    assert sum(s.exact for s in shares) == 1


def test_it_refuses_a_weighted_kind_nobody_contributed():
    factors = [Factor("land", "土地", "亩", {"A": F(0), "B": F(0)}, F("0.5")),
               Factor("cash", "现金", "万元", {"A": F(1), "B": F(1)}, F("0.5"))]
    with pytest.raises(ShareError, match="没有股东投入土地，但规则赋予其0.5的权重"):
        weighted_shares(["A", "B"], factors)


def test_rounding_gives_exactly_100_percent_with_the_remainder_to_the_earliest_tie():
    factors = [Factor("cash", "现金", "万元", {"A": F(1), "B": F(1), "C": F(1)}, F(1))]
    shares = weighted_shares(["A", "B", "C"], factors)
    assert [s.percent for s in shares] == [Decimal("33.3334"), Decimal("33.3333"), Decimal("33.3333")]
    assert sum(s.percent for s in shares) == 100


def test_rounding_at_other_places_still_sums_to_100():
    factors = [Factor("cash", "现金", "万元", {"A": F(2), "B": F(2), "C": F(2), "D": F(1)}, F(1))]
    shares = weighted_shares(list("ABCD"), factors, places=0)
    # 28.57, 28.57, 28.57, 14.29 → floors 28+28+28+14 = 98; remainders .57,.57,.57,.29 → A, B
    assert [s.percent for s in shares] == [Decimal(29), Decimal(29), Decimal(28), Decimal(14)]


def test_largest_remainder_goes_to_the_largest_fraction_not_the_first():
    rounded = largest_remainder([("A", F(1, 3)), ("B", F(2, 3))], F(1), 0)
    assert rounded == {"A": Decimal(0), "B": Decimal(1)}


def test_shapley_on_the_known_three_village_game():
    x, t, j = "徐福", "田央", "筋竹"
    v = {frozenset(): F(0), frozenset({x}): F(300), frozenset({t}): F(120), frozenset({j}): F(80),
         frozenset({x, t}): F(520), frozenset({x, j}): F(440), frozenset({t, j}): F(240), frozenset({x, t, j}): F(820)}
    shares = shapley_shares([x, t, j], v)
    # φ = 420, 230, 170 (worked by hand in docs/clusters.md)
    assert [s.exact * 820 for s in shares] == [420, 230, 170]
    assert [s.percent for s in shares] == [Decimal("51.2195"), Decimal("28.0488"), Decimal("20.7317")]
    # The explanation: one line per coalition size, summing to the share.
    assert sum(term.value for term in shares[0].terms) == shares[0].exact
    assert shares[0].terms[0].x == 300 and shares[0].terms[2].x == 580


def test_shapley_of_an_additive_game_is_each_ones_own_income():
    v = {frozenset({"A"}): F(10), frozenset({"B"}): F(30), frozenset({"A", "B"}): F(40)}
    assert [s.exact for s in shapley_shares(["A", "B"], v)] == [F(1, 4), F(3, 4)]


def test_shapley_refuses_a_missing_coalition_naming_it():
    v = {frozenset({"A"}): F(10), frozenset({"B"}): F(30)}
    with pytest.raises(ShareError, match="3个联盟中有1个缺少收益数据，如：A\\+B"):
        shapley_shares(["A", "B"], v)


def test_shapley_refuses_a_nonzero_empty_coalition():
    v = {frozenset(): F(5), frozenset({"A"}): F(10)}
    with pytest.raises(ShareError, match="空联盟的收益须为0"):
        shapley_shares(["A"], v)


def test_shapley_refuses_more_than_twelve_shareholders_before_reading_anything():
    with pytest.raises(ShareError, match="13家股东需填写8192个数据"):
        shapley_shares([str(i) for i in range(13)], {})


def test_shapley_refuses_a_negative_value():
    v = {frozenset({"A"}): F(100), frozenset({"B"}): F(0), frozenset({"A", "B"}): F(50)}
    with pytest.raises(ShareError, match="B的沙普利值为负"):
        shapley_shares(["A", "B"], v)


XINPU_PERCENTS = list(zip(XINPU, [Decimal("31.4326"), Decimal("26.0355"), Decimal("19.5745"), Decimal("14.1773"),
                                  Decimal("8.7801")], strict=True))


def test_distribution_by_share_of_220_wan():
    payouts = distribute_by_share(Decimal(220), XINPU_PERCENTS)
    assert [p.total for p in payouts] == [
        Decimal("69.1517"), Decimal("57.2781"), Decimal("43.0639"), Decimal("31.1901"), Decimal("19.3162")
    ]
    assert sum(p.total for p in payouts) == Decimal("220.0000")


def test_guaranteed_minimum_first_then_by_share():
    guarantees = dict(zip(XINPU, [F(29), F("23.25"), F("16.75"), F(11), F("5.25")], strict=True))  # 5% of valued input
    payouts, covered = distribute_guaranteed_first(Decimal(220), XINPU_PERCENTS, guarantees)
    assert covered
    assert [p.total for p in payouts] == [
        Decimal("71.3554"), Decimal("58.3328"), Decimal("43.1267"), Decimal("30.1039"), Decimal("17.0812")
    ]
    assert sum(p.total for p in payouts) == Decimal(220)
    assert payouts[0].guaranteed == 29 and payouts[0].by_share == F("134.75") * F("0.314326")


def test_guarantees_larger_than_the_amount_are_scaled_down_and_nothing_goes_by_share():
    payouts, covered = distribute_guaranteed_first(Decimal(30), [("A", Decimal(50)), ("B", Decimal(50))],
                                                   {"A": F(40), "B": F(20)})
    assert not covered
    assert [p.total for p in payouts] == [Decimal(20), Decimal(10)]
    assert all(p.by_share == 0 for p in payouts)


def test_equal_split_adds_up_to_the_yuan():
    payouts = distribute_equally(Decimal(100), ["A", "B", "C"])
    assert [p.total for p in payouts] == [Decimal("33.3334"), Decimal("33.3333"), Decimal("33.3333")]


def test_a_single_shareholder_receives_everything():
    assert [p.total for p in distribute_by_share(Decimal("12.3456"), [("A", Decimal(100))])] == [Decimal("12.3456")]


def test_it_refuses_to_distribute_by_shares_that_do_not_add_up():
    with pytest.raises(ShareError, match="持股比例合计不等于100%"):
        distribute_by_share(Decimal(10), [("A", Decimal(60)), ("B", Decimal(30))])
