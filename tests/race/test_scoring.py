"""Every scoring method on hand-computed cases: ties, missing data, zero denominators,
negative values."""

from decimal import Decimal as D

from tuijin.race.scoring import Raw, competition_ranks, score_all


def scores(method, raws, weight="10", direction="higher", **params):
    result = score_all(method, direction, D(weight), params, {i: Raw(None if v is None else D(str(v))) for i, v in raws.items()})
    return {i: s.score for i, s in result.items()}


def test_target_gives_full_points_at_the_target_and_a_share_below_it():
    assert scores("target", {1: 100, 2: 72.1, 3: 130}, target=100) == {1: D("10.00"), 2: D("7.21"), 3: D("10.00")}


def test_target_cap_allows_a_bonus_only_up_to_the_cap():
    assert scores("target", {1: 110, 2: 150}, target=100, cap="1.2") == {1: D("11.00"), 2: D("12.00")}


def test_target_uses_each_units_own_target_when_given():
    raws = {1: Raw(D("37.5"), target=D("75")), 2: Raw(D("75"), target=D("75"))}
    result = score_all("target", "higher", D(20), {"target": "unit"}, raws)
    assert (result[1].score, result[2].score) == (D("10.00"), D("20.00"))


def test_target_scores_negative_growth_as_zero_not_below():
    assert scores("target", {1: -12.5}, target=10) == {1: D("0.00")}


def test_target_with_a_zero_target_is_met_by_any_value_not_below_it():
    assert scores("target", {1: 0, 2: -1}, target=0) == {1: D("10.00"), 2: D("0.00")}


def test_target_lower_is_better_divides_the_target_by_the_value():
    assert scores("target", {1: 2, 2: 4, 3: 0}, direction="lower", target=2) == {1: D("10.00"), 2: D("5.00"), 3: D("10.00")}


def test_missing_data_scores_zero_and_says_so():
    result = score_all("target", "higher", D(10), {}, {1: Raw(None, missing_reason="no plan")})
    assert result[1].score == D("0.00")
    assert "0" in result[1].how


def test_rank_points_100_95_90_with_ties_sharing_the_better_place():
    assert competition_ranks({1: D(5), 2: D(9), 3: D(9), 4: D(1)}, True) == {2: 1, 3: 1, 1: 3, 4: 4}
    assert scores("rank", {1: 5, 2: 9, 3: 9, 4: 1}, weight="20") == {2: D("20.00"), 3: D("20.00"), 1: D("18.00"), 4: D("17.00")}


def test_rank_orders_negative_growth_below_positive_and_missing_gets_nothing():
    assert scores("rank", {1: -3.2, 2: 4.1, 3: None}) == {2: D("10.00"), 1: D("9.50"), 3: D("0.00")}


def test_rank_floor_and_step_and_lower_is_better():
    assert scores("rank", {1: 1, 2: 2, 3: 3, 4: 4}, direction="lower", step=40, floor=30) == {
        1: D("10.00"), 2: D("6.00"), 3: D("3.00"), 4: D("3.00")}


def test_linear_between_worst_and_best_including_negative_values():
    assert scores("linear", {1: -10, 2: 10, 3: 30}, weight="20") == {1: D("0.00"), 2: D("10.00"), 3: D("20.00")}


def test_linear_with_all_units_equal_gives_everyone_full_points_instead_of_dividing_by_zero():
    assert scores("linear", {1: 5, 2: 5}) == {1: D("10.00"), 2: D("10.00")}


def test_linear_lower_is_better_and_fixed_ends_clamp():
    assert scores("linear", {1: 0, 2: 5, 3: 20}, direction="lower", best=0, worst=10) == {1: D("10.00"), 2: D("5.00"), 3: D("0.00")}


def test_linear_with_no_data_at_all_scores_zero():
    assert scores("linear", {1: None, 2: None}) == {1: D("0.00"), 2: D("0.00")}


def test_per_event_adds_points_up_to_the_cap():
    assert scores("per_event", {1: 0, 2: 3, 3: 7}, points="2") == {1: D("0.00"), 2: D("6.00"), 3: D("10.00")}


def test_per_event_deducts_from_full_points_and_never_below_zero():
    assert scores("per_event", {1: 0, 2: 2, 3: 9}, direction="lower", points="2") == {1: D("10.00"), 2: D("6.00"), 3: D("0.00")}


def test_per_event_counts_per_amount_for_money():
    # 1 point per 1,000 万元 secured, from a base of 2
    assert scores("per_event", {1: 2500, 2: 0}, points="1", per="1000", base="2") == {1: D("4.50"), 2: D("2.00")}


def test_scores_round_half_up_to_hundredths():
    assert scores("target", {1: D("33.335")}, target=100, weight="1") == {1: D("0.33")}
    assert scores("linear", {1: 0, 2: 1, 3: 8}, weight="1") == {1: D("0.00"), 2: D("0.13"), 3: D("1.00")}
