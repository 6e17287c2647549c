"""AMP-SR death reviews: what the reviews found, and whether their recommendations were carried out.

``review_table`` is the long table of the review (``imr-analysis review``): one row per table, area and
category with ``table, area, category, count, total, share, lower_95, upper_95``. The tables are the
review fields (vocab/review.yaml ``tables``: place_of_death, place_of_birth, referred, attendant, the
three delays, avoidable); the categories are their vocabulary codes (``en_route``, ``yes``). count =
deaths of the area whose answer is the category; total = all deaths of the area reviewed in the line
list (``unknown`` answers included, so the counts add up to the total); share = count / total in %,
with the 95% Wilson score interval (statsmodels ``proportion_confint``, as ``intervals.proportion_ci``).
Small numbers: the counts come first, and the interval is always given.

``follow_up`` gives the state of each recommendation of the register on a date: ``done``, ``overdue``
(deadline passed and not done) or ``open``.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .intervals import proportion_ci
from ..vocab.review import field_vocabulary, review_tables, review_vocab

LONG_COLUMNS = ["table", "area", "category", "count", "total", "share", "lower_95", "upper_95"]
LEVELS = ("puskesmas", "district")
#: The table of the share that died en route or after referral (``en_route_share``).
EN_ROUTE_TABLE = "en_route_or_referred"


def _year(reviews: pd.DataFrame, year: int | None) -> pd.DataFrame:
    return reviews if year is None else reviews[reviews["year"] == int(year)]


def _with_ci(out: pd.DataFrame) -> pd.DataFrame:
    """``share`` (%), ``lower_95`` and ``upper_95`` (Wilson) of ``count`` / ``total``."""
    ci = proportion_ci(out["count"].astype(float), out["total"].astype(float), levels=(0.95,), multiplier=100)
    return out.assign(share=ci["value"].to_numpy(), lower_95=ci["lower_95"].to_numpy(),
                      upper_95=ci["upper_95"].to_numpy())


def _long(df: pd.DataFrame, table: str, flags: dict[str, pd.Series], level: str) -> pd.DataFrame:
    """Counts of each category (a boolean Series per category) by area, with the area's deaths as total."""
    area = df[level].astype(str)
    parts = []
    for category, flag in flags.items():
        counts = flag.astype(int).groupby(area, sort=True, dropna=False).agg(["sum", "size"])
        parts.append(pd.DataFrame({"table": table, "area": counts.index, "category": category,
                                   "count": counts["sum"].to_numpy(), "total": counts["size"].to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=LONG_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def review_table(reviews: pd.DataFrame, year: int | None = None, level: str = "district",
                 tables: list[str] | None = None) -> pd.DataFrame:
    """The long review table (module doc) of ``year`` (None: every year) by ``level`` (puskesmas or district).

    The categories of a table are the vocabulary codes that occur in it that year, in the vocabulary's order;
    every area gets each of them (a zero count is a count).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    df = _year(reviews, year)
    parts = []
    for table in tables or review_tables():
        codes = list(review_vocab()["answers"][field_vocabulary(table)])
        present = [c for c in codes if (df[table] == c).any()]
        parts.append(_long(df, table, {c: df[table] == c for c in present}, level))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=LONG_COLUMNS)
    order = {t: i for i, t in enumerate(tables or review_tables())}
    out = out.sort_values(["table", "area"], key=lambda s: s.map(order) if s.name == "table" else s, kind="stable")
    return _with_ci(out.reset_index(drop=True).astype({"count": int, "total": int}))[LONG_COLUMNS]


def en_route_share(reviews: pd.DataFrame, year: int | None = None, level: str = "district") -> pd.DataFrame:
    """The share of deaths that happened en route (place of death in vocab review.yaml ``en_route``), after a
    referral (referred = yes), or either: the long table (module doc) with table ``en_route_or_referred`` and
    categories ``en_route``, ``after_referral`` and ``en_route_or_after_referral``."""
    df = _year(reviews, year)
    en_route = df["place_of_death"].isin(review_vocab()["en_route"])
    referred = df["referred"] == "yes"
    flags = {"en_route": en_route, "after_referral": referred, "en_route_or_after_referral": en_route | referred}
    out = _long(df, EN_ROUTE_TABLE, flags, level)
    return _with_ci(out.astype({"count": int, "total": int}))[LONG_COLUMNS]


def time_to_review(reviews: pd.DataFrame, year: int | None = None, level: str = "district",
                   within_days: int | None = None) -> pd.DataFrame:
    """Days from death to review by area: deaths, reviewed (both dates known), median, min and max days, and
    how many reviews came later than ``within_days`` (vocab review.yaml ``review_within_days``)."""
    within = int(review_vocab()["review_within_days"] if within_days is None else within_days)
    df = _year(reviews, year)
    rows = []
    for area, group in df.groupby(df[level].astype(str), sort=True, dropna=False):
        days = group["days_to_review"].dropna().astype(int)
        rows.append({"area": area, "deaths": len(group), "reviewed": len(days),
                     "median_days": float(days.median()) if len(days) else float("nan"),
                     "min_days": int(days.min()) if len(days) else pd.NA,
                     "max_days": int(days.max()) if len(days) else pd.NA,
                     f"over_{within}_days": int((days > within).sum())})
    return pd.DataFrame(rows, columns=["area", "deaths", "reviewed", "median_days", "min_days", "max_days",
                                       f"over_{within}_days"])


def follow_up(register: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The register with ``follow_up`` as of ``as_of``: ``done`` (status done), ``overdue`` (not done and the
    deadline is before ``as_of``), else ``open``; and ``days_overdue`` (0 unless overdue)."""
    done = register["status"] == "done"
    late = ~done & (register["deadline"] < as_of)
    out = register.copy()
    out["follow_up"] = ["done" if d else "overdue" if o else "open" for d, o in zip(done, late)]
    out["days_overdue"] = [(as_of - d).days if o else 0 for d, o in zip(register["deadline"], late)]
    return out


def follow_up_counts(followed: pd.DataFrame) -> pd.DataFrame:
    """How many recommendations are open, done and overdue (every state, zeros included), and the total."""
    states = list(review_vocab()["register"]["follow_up"])
    counts = followed["follow_up"].value_counts().reindex(states, fill_value=0)
    return pd.DataFrame({"follow_up": states, "count": counts.to_numpy().astype(int),
                         "total": len(followed)})

