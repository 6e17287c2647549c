"""The maternal section of the annual and trend reports: counts first, then AKI pooled over years.

A district has a handful of maternal deaths a year, so the section shows the deaths by period,
age group, cause and Puskesmas for each year, then AKI pooled over the 3 and 5 years ending at a
year (``tables.pooled_aki``: summed deaths / summed live births x 100,000, exact Poisson interval
below 10 deaths, Byar's from 10) beside the RPJMN 2024 and SDG 3.1 targets, and one key sentence.
A year without maternal-death data (AKI flag 'no maternal data') says so in every table and
sentence: it is never shown as 0 deaths.

``MaternalSection`` is mixed into ``AnnualReport`` and ``TrendReport``; each says which years the
section covers (``maternal_years``) and which window ends its pooled table (``pooled_end_years``).
"""
from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from ..schemas import MATERNAL_AGE_GROUPS, MATERNAL_PERIODS
from ..vocab.maternal import maternal_cause_label, maternal_causes
from ..vocab.targets import targets
from . import tables
from .language import fmt, rate_text, say, t

#: The tables of the section, in order: what maternal deaths are counted by (tables.MATERNAL_BY).
MATERNAL_COUNTS = ("period", "age_group", "cause", "puskesmas")
#: The column naming the category in each saved count table (exports.REPORT_KINDS labels it).
SAVED_CATEGORY = {"period": "period", "age_group": "age_group", "cause": "maternal_cause", "puskesmas": "puskesmas"}


def category_order(by: str) -> list[str]:
    """The categories of a count table in report order (schemas; causes: the current edition's, maternal_causes.csv)."""
    if by == "period":
        return [p for p in MATERNAL_PERIODS if p != "unspecified"]
    if by == "age_group":
        return [a for a in MATERNAL_AGE_GROUPS if a != "unspecified"]
    if by == "cause":
        return list(dict.fromkeys(maternal_causes()["current_code"]))
    return []


def years_with_maternal_data(computed: dict[str, pd.DataFrame], years) -> list[int]:
    """The years of ``years`` whose district AKI row has maternal-death data (no 'no maternal data' flag)."""
    ind = computed["district"]
    ind = ind[(ind["indicator"] == "mmr") & ind["year"].isin(list(years)) & ind["numerator"].notna()]
    return sorted(int(y) for y in ind["year"].unique())


def counts_long(wide: pd.DataFrame, by: str, data_years: list[int]) -> pd.DataFrame:
    """A count table of ``tables.maternal_deaths_by`` as the saved table: category, year, deaths (years with data)."""
    name = SAVED_CATEGORY[by]
    if wide.empty:
        return pd.DataFrame(columns=[name, "year", "deaths"])
    cols = [y for y in data_years if y in wide.columns]
    long = wide.melt(id_vars=[by], value_vars=cols, var_name="year", value_name="deaths")
    return long.rename(columns={by: name}).astype({"year": int, "deaths": int})


def pooled_saved(pooled: pd.DataFrame) -> pd.DataFrame:
    """The pooled AKI as saved: window, counts, rate, interval, method and each target with its source."""
    keep = ["start_year", "end_year", "years", "deaths", "live_births", "value", "lower_95", "upper_95", "method"]
    return pooled[keep + [c for c in pooled.columns if c.startswith("target_")]]


class MaternalSection:
    """Maternal deaths and AKI in a report (needs ``data``, ``computed``, ``lang``, ``year_text`` and the
    Report helpers ``_table``, ``_keep_table``, ``_kept``)."""

    def maternal_years(self) -> list[int]:
        """The years the count tables show (one column each)."""
        raise NotImplementedError

    def pooled_end_years(self) -> list[int]:
        """The years whose 3- and 5-year pooled AKI the pooled table shows."""
        raise NotImplementedError

    def _maternal_data_years(self) -> list[int]:
        return years_with_maternal_data(self.computed, self.maternal_years())

    def _no_data_text(self, years) -> str:
        return say("no_maternal_data_sentence", self.lang, years=", ".join(self.year_text(y) for y in years))

    def maternal_by(self, by: str):
        """Maternal deaths by ``by`` (period, age_group, cause, puskesmas), one column per year and the total;
        a year without maternal data shows 'no data' (never 0)."""
        lang, years, data_years = self.lang, self.maternal_years(), self._maternal_data_years()
        wide = tables.maternal_deaths_by(self.data, data_years, by) if data_years else pd.DataFrame(columns=[by])
        self._keep_table(f"maternal_by_{by}", counts_long(wide, by, data_years))
        if not data_years:
            return Markdown(self._no_data_text(years))
        wide = wide.set_index(by)
        order = category_order(by)
        if order:
            wide = wide.reindex(order + [c for c in wide.index if c not in order], fill_value=0)
        shown = pd.DataFrame({t(f"maternal_{by}" if by != "puskesmas" else "puskesmas", lang):
                              [self._category_label(by, c) for c in wide.index]})
        for year in years:
            shown[self.year_text(year)] = ([fmt(v, lang, 0) for v in wide[year]] if year in data_years
                                           else t("no_maternal_data", lang))
        shown[t("total", lang)] = [fmt(v, lang, 0) for v in wide[data_years].sum(axis=1)]
        total = [t("total", lang)] + [fmt(wide[y].sum(), lang, 0) if y in data_years else t("no_maternal_data", lang)
                                      for y in years] + [fmt(wide[data_years].to_numpy().sum(), lang, 0)]
        shown.loc[len(shown)] = total
        return self._table(f"maternal_by_{by}", f"title_maternal_by_{by}", shown)

    def _category_label(self, by: str, category: str) -> str:
        """A category of a count table as the report names it: a cause's label, a Puskesmas's name, a period's or
        age group's label (labels.csv)."""
        if by == "cause":
            return maternal_cause_label(category, self.lang)
        return category if by == "puskesmas" else t(category, self.lang)

    def maternal_count_key(self, by: str) -> str:
        """The key sentence of a count table: 'Dari 16 kematian ibu 2019–2023, terbanyak: Nifas (7).' (ties joined
        with ' / '), from the saved table (``maternal_by`` first)."""
        saved = self.tables[f"maternal_by_{by}"]
        per = saved.groupby(SAVED_CATEGORY[by], sort=False, dropna=False)["deaths"].sum()
        data_years = sorted(int(y) for y in saved["year"].unique())
        top = int(per.max()) if len(per) else 0
        names = " / ".join(self._category_label(by, c) for c in per.index[per == top]) if top else "-"
        span = self.year_text(data_years[0]) if len(data_years) == 1 else \
            f"{data_years[0]}–{self.year_text(data_years[-1])}" if data_years == list(range(data_years[0], data_years[-1] + 1)) \
            else ", ".join(self.year_text(y) for y in data_years)
        return say("key_maternal_by", self.lang, total=fmt(per.sum(), self.lang, 0), years=span, names=names,
                   deaths=fmt(top, self.lang, 0))

    def maternal_entries(self) -> list[tuple[str, pd.DataFrame | None, str, str]]:
        """The maternal section as the slides and the document show it (report/office.py ``Table``):
        (title, display table, key sentence, source line) for each count table and the pooled AKI, the pooled
        table's sentence the section's (``maternal_sentence``). A district without maternal data in the years
        shown: one entry, the section's title and the sentence the report shows instead (no table)."""
        lang = self.lang
        title = f"{t('office_maternal_heading', lang)}: {self.place()}"
        if not self._maternal_data_years():
            return [(title, None, self._no_data_text(self.maternal_years()), "")]
        entries = []
        for by in MATERNAL_COUNTS:
            table = self.maternal_by(by)
            entries.append((table.title, table.frame, self.maternal_count_key(by), table.source))
        pooled = self.maternal_pooled()
        sentence = self.maternal_sentence(self.year)
        if isinstance(pooled, Markdown):   # no 3 consecutive years with data: the note, then the year's deaths
            return entries + [(title, None, f"{pooled.data} {sentence}", "")]
        return entries + [(pooled.title, pooled.frame, sentence, pooled.source)]

    def _pooled(self) -> pd.DataFrame:
        def build():
            parts = [tables.pooled_aki(self.computed, end) for end in self.pooled_end_years()]
            parts = [p for p in parts if not p.empty]
            return pooled_saved(pd.concat(parts, ignore_index=True)) if parts else pd.DataFrame(
                columns=["start_year", "end_year", "years", "deaths", "live_births", "value", "lower_95", "upper_95"])
        return self._kept("maternal_pooled", build)

    def maternal_pooled(self):
        """AKI pooled over 3 and 5 years with its 95% interval, beside the targets (targets.csv)."""
        lang, p = self.lang, self._pooled()
        if p.empty:
            ends = self.pooled_end_years()
            missing = [y for y in ends if y not in years_with_maternal_data(self.computed, ends)]
            return Markdown(self._no_data_text(missing) if missing else t("no_maternal_pooled", lang))
        shown = pd.DataFrame({
            t("pooled_window", lang): [f"{s}–{e}" for s, e in zip(p["start_year"], p["end_year"])],
            t("pooled_years", lang): [fmt(v, lang, 0) for v in p["years"]],
            t("deaths", lang): [fmt(v, lang, 0) for v in p["deaths"]],
            t("live_births", lang): [fmt(v, lang, 0) for v in p["live_births"]],
            t("mmr", lang): [fmt(v, lang, 1) for v in p["value"]],
            t("ci_95", lang): [aki_interval(lo, hi, lang) for lo, hi in zip(p["lower_95"], p["upper_95"])],
        })
        for _, target in mmr_targets().iterrows():
            shown[say("target_column", lang, source=target["label"], year=target["target_year"])] = \
                target_text(target, lang)
        return self._table("maternal_pooled", "title_maternal_pooled", shown)

    def maternal_sentence(self, year: int) -> str:
        """'2 kematian ibu pada 2023; AKI 3 tahun 2021–2023: 86,7 per 100.000 KH (IK 95% 41,5–159,5); ...',
        or the sentence saying the year has no maternal data."""
        lang = self.lang
        if year not in years_with_maternal_data(self.computed, [year]):
            return self._no_data_text([year])
        ind = self.computed["district"]
        deaths = ind[(ind["indicator"] == "mmr") & (ind["year"] == year)]["numerator"].iloc[0]
        parts = [say("maternal_deaths_sentence", lang, deaths=fmt(deaths, lang, 0), year=self.year_text(year))]
        p = self._pooled()
        for _, r in p[p["end_year"] == year].iterrows():
            parts.append(say("maternal_pooled_clause", lang, n=int(r["years"]), start=int(r["start_year"]),
                             end=int(r["end_year"]), rate=rate_text(r["value"], lang, indicator="mmr"),
                             ci=aki_interval(r["lower_95"], r["upper_95"], lang)))
        return "; ".join(parts) + "."


def mmr_targets() -> pd.DataFrame:
    """The AKI targets of targets.csv with a short name each ('RPJMN', 'SDG 3.1': the source's first words)."""
    tg = targets()
    tg = tg[tg["indicator"] == "mmr"].copy()
    tg["label"] = tg["source"].str.split(" ").str[0]
    return tg


def target_text(target: pd.Series, lang: str) -> str:
    """'183' (at most) or '< 70' (below)."""
    value = fmt(float(target["target"]), lang, 0)
    return f"< {value}" if target.get("comparison") == "below" else value


def aki_interval(lower: float, upper: float, lang: str) -> str:
    """'41,5–159,5' (id) / '41.5–159.5' (en); '-' when missing."""
    if pd.isna(lower) or pd.isna(upper):
        return "-"
    return f"{fmt(lower, lang, 1)}–{fmt(upper, lang, 1)}"
