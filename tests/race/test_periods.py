import pytest

from tuijin.lib.errors import ServiceError
from tuijin.race.periods import Period


def test_it_reads_months_quarters_and_years():
    assert Period.parse("2026-Q3") == Period(2026, 7, 9)
    assert Period.parse("2026-09") == Period(2026, 9, 9)
    assert Period.parse("2026") == Period(2026, 1, 12)
    assert Period.parse("2026-Q3").key == "2026-Q3"


def test_it_refuses_what_is_not_a_period():
    for text in ("2026-Q5", "2026-13", "Q3", ""):
        with pytest.raises(ServiceError):
            Period.parse(text)


def test_previous_period_crosses_the_year():
    assert Period.parse("2026-Q1").previous().key == "2025-Q4"
    assert Period.parse("2026-01").previous().key == "2025-12"
    assert Period.parse("2026").previous().key == "2025"


def test_data_windows_end_with_the_period():
    q3 = Period.parse("2026-Q3")
    assert q3.window_months("month") == (9, 9)
    assert q3.window_months("quarter") == (7, 9)
    assert q3.window_months("ytd") == (1, 9)
    assert Period.parse("2026-08").window_months("quarter") == (7, 8)
