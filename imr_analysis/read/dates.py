"""Dates and ages as line lists write them: Excel dates, '2023-05-01', '01/05/2023', '1 Mei 2023';
ages as '5 hari', '3 bulan', '1 tahun' or plain numbers in an age-in-days column."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from ..text import norm
from ..vocab.formats import age_units
from ..vocab.months import month_numbers

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_TEXT = re.compile(r"^(\d{1,2}) ([A-Z]+) (\d{4})$")


@lru_cache(maxsize=1)
def _age_pattern() -> re.Pattern:
    """A number and an optional unit word of linelist.yaml ``age_units`` (longest words tried first)."""
    words = sorted(age_units(), key=len, reverse=True)
    return re.compile(r"^(\d+(?:[.,]\d+)?)\s*(" + "|".join(map(re.escape, words)) + r")?$")


def parse_month(value: object) -> int | None:
    """'Januari', 'Jan', 'January', '1', 1.0, '01' -> 1; anything else -> None."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1 <= value <= 12 else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.month
    text = norm(value)
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return month_numbers().get(text)


@dataclass(frozen=True)
class DateOrder:
    """How a column writes its numeric dates: day first ('03/04/2023' is 3 April) or month first (4 March).

    ``order`` is 'dmy', 'mdy', or None when the column holds both (a day above 12 in the first
    part of one date, in the second part of another): then a date that reads both ways is not read.
    """

    order: str | None
    day_first_rows: tuple[int, ...] = ()    # rows whose first part is above 12: only day first reads them
    month_first_rows: tuple[int, ...] = ()  # rows whose second part is above 12: only month first reads them
    ambiguous_rows: tuple[int, ...] = ()    # rows that read as two different dates

    @property
    def evidence(self) -> bool:
        return bool(self.day_first_rows or self.month_first_rows)


def date_order(values: list[tuple[int, object]], default: str = "dmy") -> DateOrder:
    """The order of the numeric dates (dd/mm/yyyy or mm/dd/yyyy) of one column, decided by all its values.

    A value with a first part above 12 can only be day first, one with a second part above 12
    only month first. With evidence for one order only, that order; with none, ``default``
    (Indonesian usage writes the day first); with both, None.
    """
    day, month, ambiguous = [], [], []
    for row, value in values:
        parts = _dmy_parts(value)
        if parts is None:
            continue
        first, second, _ = parts
        if first > 12 >= second:
            day.append(row)
        elif second > 12 >= first:
            month.append(row)
        elif first != second and first <= 12 and second <= 12:
            ambiguous.append(row)
    order = None if (day and month) else "mdy" if month else "dmy" if day else default
    return DateOrder(order, tuple(day), tuple(month), tuple(ambiguous))


def _dmy_parts(value: object) -> tuple[int, int, int] | None:
    if not isinstance(value, str):
        return None
    m = _DMY.match(value.strip())
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def parse_date(value: object, order: str | None = "dmy") -> dt.date | None:
    """A date from an Excel cell or text (ISO, numeric, or '1 Mei 2023'); None if unreadable.

    ``order`` says how numeric dates are written: 'dmy' (03/04/2023 is 3 April), 'mdy' (4 March),
    or None (mixed in the column): then only a date that reads one way is read.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial day number
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    text = str(value).strip()
    try:
        if m := _ISO.match(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if parts := _dmy_parts(text):
            first, second, year = parts
            if order is None and first != second and first <= 12 and second <= 12:
                return None  # reads as two dates, and the column does not say which
            month_first = order == "mdy" if order else second > 12
            return dt.date(year, first, second) if month_first else dt.date(year, second, first)
        if m := _TEXT.match(norm(text)):
            month = month_numbers().get(m.group(2))
            return dt.date(int(m.group(3)), month, int(m.group(1))) if month else None
    except ValueError:
        return None
    return None


def parse_age_days(value: object, unit: str = "") -> float | None:
    """Age in days from '5 hari', '3 bulan', '1 tahun', '2 minggu', '10 jam', or a number in ``unit``
    (a bare number without a unit counts as days). Months count as 30.4375 days, years as 365.25."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        number, word = float(value), unit
    else:
        m = _age_pattern().match(str(value).strip().upper())
        if not m:
            return None
        number, word = float(m.group(1).replace(",", ".")), (m.group(2) or unit)
    days = age_units().get(word.upper() or "HARI")
    return None if days is None else float(Fraction(number) * days)
