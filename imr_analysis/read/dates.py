"""Dates and ages as line lists write them: Excel dates, '2023-05-01', '01/05/2023', '1 Mei 2023';
ages as '5 hari', '3 bulan', '1 tahun' or plain numbers in an age-in-days column."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pandas as pd

from ..config import VOCAB_DIR
from ..text import norm

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_TEXT = re.compile(r"^(\d{1,2}) ([A-Z]+) (\d{4})$")
_AGE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(HARI|HR|H|DAYS?|D|BULAN|BLN|BL|MONTHS?|M|TAHUN|THN|TH|YEARS?|Y|MINGGU|MGG|WEEKS?|W|JAM|HOURS?)?$")


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    df = pd.read_csv(VOCAB_DIR / "months.csv")
    return dict(zip(df["name"], df["month"]))


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
    return _months().get(text)


def parse_date(value: object) -> dt.date | None:
    """A date from an Excel cell or text (ISO, day/month/year, or '1 Mei 2023'); None if unreadable."""
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
        if m := _DMY.match(text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _TEXT.match(norm(text)):
            month = _months().get(m.group(2))
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
        m = _AGE.match(str(value).strip().upper())
        if not m:
            return None
        number, word = float(m.group(1).replace(",", ".")), (m.group(2) or unit)
    word = word.upper()
    if word in ("", "HARI", "HR", "H", "DAY", "DAYS", "D"):
        return number
    if word in ("BULAN", "BLN", "BL", "MONTH", "MONTHS", "M"):
        return number * 30.4375
    if word in ("TAHUN", "THN", "TH", "YEAR", "YEARS", "Y"):
        return number * 365.25
    if word in ("MINGGU", "MGG", "WEEK", "WEEKS", "W"):
        return number * 7
    if word in ("JAM", "HOUR", "HOURS"):
        return number / 24
    return None
