"""Race and bulletin periods: a month ("2026-09"), a quarter ("2026-Q3") or a year ("2026")."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tuijin.lib.errors import ServiceError

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, quarter or year of one plan year."""

    year: int
    first_month: int
    last_month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        text = (text or "").strip()
        if m := _QUARTER.match(text):
            q = int(m.group(2))
            return cls(int(m.group(1)), 3 * q - 2, 3 * q)
        if m := _MONTH.match(text):
            month = int(m.group(2))
            if not 1 <= month <= 12:
                raise ServiceError(_("%(text)s: months run from 01 to 12.") % {"text": text})
            return cls(int(m.group(1)), month, month)
        if m := _YEAR.match(text):
            return cls(int(m.group(1)), 1, 12)
        raise ServiceError(
            _("%(text)s is not a period; write a month (2026-09), a quarter (2026-Q3) or a year (2026).") % {"text": text}
        )

    @property
    def kind(self) -> str:
        if self.first_month == self.last_month:
            return "month"
        if self.first_month == 1 and self.last_month == 12:
            return "year"
        return "quarter"

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.last_month:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.last_month // 3}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.last_month}
        if self.kind == "quarter":
            return _("Q%(q)s %(year)s") % {"year": self.year, "q": self.last_month // 3}
        return str(self.year)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "year":
            return Period(self.year - 1, 1, 12)
        length = self.last_month - self.first_month + 1
        first = self.first_month - length
        if first < 1:
            return Period(self.year - 1, first + 12, first + 12 + length - 1)
        return Period(self.year, first, first + length - 1)

    def window_months(self, window: str) -> tuple[int, int]:
        """First and last month of a data window ending with this period: the last month,
        the quarter holding the last month, or the year to date."""
        if window == "month":
            return self.last_month, self.last_month
        if window == "quarter":
            q_first = (self.last_month - 1) // 3 * 3 + 1
            return q_first, self.last_month
        return 1, self.last_month

    def __str__(self) -> str:
        return self.key


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
