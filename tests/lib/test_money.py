from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuijin.lib.money import AmountError, parse_amount


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("3.5亿", "万元", Decimal("35000")),
        ("35000", "万元", Decimal("35000")),
        ("460万元", "亿元", Decimal("460")),
        ("1,234.5", "万元", Decimal("1234.5")),
        ("１２３４．５", "万元", Decimal("1234.5")),
        ("12345678元", "万元", Decimal("1234.5678")),
        ("2.1", "亿元", Decimal("21000")),
    ],
)
def test_it_reads_amounts_in_any_unit_into_wan(text, unit, expected):
    assert parse_amount(text, unit).value == expected


def test_it_refuses_an_approximate_amount_in_a_form_and_says_why():
    with pytest.raises(AmountError) as error:
        parse_amount("约3.5亿")
    assert "约3.5亿" in str(error.value)
    assert "approximate" in str(error.value) or "约" in str(error.value)


def test_it_flags_approximate_amounts_when_a_ledger_allows_them():
    amount = parse_amount("超60亿元", allow_approximate=True)
    assert amount.value == Decimal("600000")
    assert amount.approximate


@pytest.mark.parametrize("text", ["abc", "3.5.1亿", "", "亿"])
def test_it_refuses_text_that_is_not_a_number(text):
    with pytest.raises(AmountError):
        parse_amount(text)


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_it_keeps_every_amount_exact_to_the_yuan(value):
    assert parse_amount(f"{value}万元").value == value
    assert parse_amount(f"{value * 10000}元").value == value
