"""Tables people open in Excel: the exports of ``indicators``, ``trends``, ``funnel`` and ``review``.

An analysis table (codes, full-precision floats) becomes a table a person reads:

* headers in the report language (``vocab/columns.csv``); indicator and cause codes shown as
  their labels (``vocab/indicators.csv``, ``vocab/causes.csv``) with a code column kept beside
  them for formulas and scripts; terms such as trend markers and funnel positions as their
  labels (``vocab/labels.csv``, then ``vocab/columns.csv``);
* rates, percentages, confidence limits and annual percent changes rounded to 1 decimal,
  p-values to 3; counts and years as integers (``33``, never ``33.0``);
* XLSX: those number formats on the cells (Excel then shows them in its own locale: ``8,7`` in
  Indonesian), a bold frozen header row, an autofilter and column widths that fit;
* CSV: ``locale="id"`` writes the convention of Excel set to Indonesian (``;`` between fields,
  decimal comma); ``locale="en"`` writes ``,`` and ``.``.

Scripts ask for ``table="data"``: the analysis table itself (codes, English column names, full
precision, ``,`` and ``.``), with counts and years as integers.

Only the rounding changes numbers; every value is the analysis value rounded half to even at
its stated decimals (``round``), and the full-precision values stay available from the library.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import outputs
from ..analysis.review import LONG_COLUMNS as REVIEW_COLUMNS
from ..config import VOCAB_DIR
from ..vocab.causes import causes
from ..vocab.indicators import indicators as indicator_vocab
from ..vocab.maternal import maternal_causes
from ..vocab.review import answer_label, field_vocabulary, register_columns, register_entry, review_tables
from ..vocab.targets import source_text
from .language import LANGS, check_lang, say, t

#: CSV conventions: field separator and decimal mark.
CSV_LOCALES = {"id": (";", ","), "en": (",", ".")}

#: Excel number formats and decimals of each kind of column.
NUMBER_FORMATS = {"year": "0", "count": "#,##0", "days": "#,##0", "rate": "0.0", "share": "0.0", "ratio": "0.00",
                  "pct": "0.00", "p": "0.000"}
DECIMALS = {"rate": 1, "share": 1, "ratio": 2, "pct": 2, "p": 3}
#: The answer vocabularies of the recommendations register (vocab/review.yaml ``register``) shown as their labels.
REGISTER_KINDS = ("responsible", "status", "follow_up")
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """One exported column: where its values come from, its header key and how it is shown.

    kind: 'text' (as is), 'term' (a label of the value), 'indicator' / 'cause' (the label of a
    code), 'code' (the code itself), 'bool' (yes / no), 'year', 'count' (integers), 'rate'
    (1 decimal), 'ratio' and 'pct' (2 decimals: rate ratios, coverage percentages as the reports
    show them), 'p' (3 decimals), 'unit' (the indicator's unit), 'months' (the months a partial
    year's data cover, '1-6' -> 'Januari s.d. Juni'; blank for a full year); of the death reviews:
    'review_table' and 'review_category' (the label of a review table and of its category, from
    vocab/review.yaml and vocab/labels.csv), 'share' (a percentage of deaths, 1 decimal), 'days'
    (whole days, rounded), 'check' (a finding's kind), 'date' (ISO, yyyy-mm-dd), and the register's
    answers 'responsible', 'status', 'follow_up' (their labels in vocab/review.yaml).
    """

    source: str
    key: str
    kind: str


def _c(source: str, kind: str = "text", key: str | None = None) -> Column:
    return Column(source, key or source, kind)


INDICATORS = [
    _c("indicator", "indicator"), _c("indicator", "code", "indicator_code"), _c("year", "year"), _c("level", "term"),
    _c("area"), _c("district"), _c("sex", "term"), _c("age_group", "term"), _c("cause", "cause"),
    _c("cause", "code", "cause_code"), _c("numerator", "count"), _c("denominator", "count"), _c("value", "rate"),
    _c("indicator", "unit", "unit"), _c("lower_95", "rate"), _c("upper_95", "rate"), _c("lower_998", "rate"),
    _c("upper_998", "rate"), _c("method", "term"), _c("target", "rate"), _c("target_source", "target_source"),
    _c("meets_target", "bool"), _c("denominator_kind", "term"), _c("flag", "term"), _c("months_covered", "months"),
]
TRENDS = [
    _c("indicator", "indicator"), _c("indicator", "code", "indicator_code"), _c("level", "term"), _c("district"),
    _c("area"), _c("cause", "cause"), _c("cause", "code", "cause_code"), _c("start_year", "year"),
    _c("end_year", "year"), _c("n_years", "count"), _c("apc", "rate"), _c("apc_lower_95", "rate"),
    _c("apc_upper_95", "rate"), _c("p_value", "p"), _c("model", "term"), _c("trend_marker", "term"),
    _c("note", "term"), _c("left_out", "text", "partial_years_left_out"),
]
FUNNEL = [
    _c("area"), _c("numerator", "count"), _c("denominator", "count"), _c("value", "rate"), _c("benchmark", "rate"),
    _c("lower_95", "rate"), _c("upper_95", "rate"), _c("lower_998", "rate"), _c("upper_998", "rate"),
    _c("flag", "term", "position"),
]
#: The long table of the death reviews (``imr-analysis review``, analysis/review.py): the table and the category
#: as labels, their codes beside them; shares and their Wilson limits in % to 1 decimal.
REVIEW = [
    _c("table", "review_table", "review_table"), _c("table", "code", "review_table_code"), _c("area"),
    _c("category", "review_category", "review_category"), _c("category", "code", "category_code"),
    _c("count", "count", "review_count"), _c("total", "count", "review_total"), _c("share", "share"),
    _c("lower_95", "share"), _c("upper_95", "share"),
]
LAYOUTS = {"indicators": INDICATORS, "trends": TRENDS, "funnel": FUNNEL, "review": REVIEW}


#: The kind of each column of the reports' saved tables (``Report.save``) that its values do not tell:
#: a column not named here is a count when it holds integers, a rate when it holds other numbers,
#: yes / no when it holds booleans, and a term (its label, else the text itself) when it holds text.
REPORT_KINDS = {
    "indicator": "indicator", "cause": "cause", "maternal_cause": "maternal_cause", "puskesmas": "text", "area": "text", "district": "text",
    "target_source": "target_source", "source": "text",
    "target_2024_source": "target_source", "target_2030_source": "target_source", "years": "count",
    "year": "year", "start_year": "year", "end_year": "year", "last_year": "year", "target_year": "year",
    "numerator": "count", "denominator": "count", "deaths": "count", "live_births": "count", "kn_lengkap": "count",
    "kn1_coverage": "pct", "kn_lengkap_coverage": "pct", "gap_to_target": "pct",
    "rate_ratio": "ratio", "ratio_lower_95": "ratio", "ratio_upper_95": "ratio", "dispersion": "ratio",
    "p_value": "p", "p_zero": "p",
    # the review report (report/review.py, its saved names): time to review, its findings, the register's follow-up
    "review_median": "days", "review_min_days": "days", "review_max_days": "days", "check": "check", "row": "count",
    "file": "text", "sheet": "text", "review_finding": "text",
    "recommendation": "text", "evidence": "text", "responsible": "responsible", "status": "status",
    "review_follow_up": "follow_up", "deadline": "date", "review_days_overdue": "count",
}


def _report_layout(df: pd.DataFrame) -> list[Column]:
    """The columns of a report's saved table, each with its kind; indicator and cause codes keep a code column.
    A review table (analysis/review.py) has the layout of ``imr-analysis review``."""
    if list(df.columns) == REVIEW_COLUMNS:
        return REVIEW
    layout = []
    for name in df.columns:
        kind = REPORT_KINDS.get(name) if isinstance(name, str) else "rate"   # wide tables: one column per year
        if kind is None:
            values = df[name]
            kind = ("bool" if pd.api.types.is_bool_dtype(values) else
                    "count" if pd.api.types.is_integer_dtype(values) else
                    "rate" if pd.api.types.is_numeric_dtype(values) else "term")
        layout.append(Column(name, name, kind))
        if kind in ("indicator", "cause"):
            layout.append(Column(name, f"{name}_code", "code"))
    return layout


def report_header(key, lang: str = "id") -> str:
    """The header of a report table's column in ``lang``: vocab/columns.csv ('col.<key>'), then the columns of
    the recommendations register (vocab/review.yaml), then the report labels (vocab/labels.csv, indicator and
    cause labels); a year column is its year."""
    if not isinstance(key, str):
        return str(key)
    if f"col.{key}" in _columns_vocab().index:
        return header(key, lang)
    if key in register_columns():
        return register_columns()[key][check_lang(lang)]
    try:
        return t(key, lang)
    except KeyError:   # a column no vocabulary names yet: its own name, rather than no table
        return key


def report_sheet(name: str, lang: str = "id") -> str:
    """The XLSX sheet name of a report's saved table ``name`` in ``lang`` (vocab/columns.csv 'sheet.<name>';
    a name it does not list, such as ``fitted_<indicator>``, is labelled by its parts, else is its own name)."""
    own = _columns_vocab()
    if f"sheet.{name}" in own.index:
        return own.loc[f"sheet.{name}", check_lang(lang)]
    prefix, _, rest = name.partition("_")
    if f"sheet.{prefix}" in own.index and rest:
        return f"{own.loc[f'sheet.{prefix}', lang]} {report_header(rest, lang)}"
    return name


def readable_report_table(df: pd.DataFrame, lang: str = "id") -> tuple[pd.DataFrame, dict[str, str]]:
    """A report's saved table as people read it, in ``lang``, and its number formats (header -> format).

    The same rules as the exports of ``indicators``: headers and labels in ``lang``, counts and years
    as integers, rates rounded (:data:`DECIMALS`); rows and their order are kept.
    """
    check_lang(lang)
    layout = _report_layout(df)
    shown = pd.DataFrame({report_header(c.key, lang): _values(df, c, lang) for c in layout}, index=df.index)
    for c in layout:   # a table's total row ('total' in its name column) in lang
        if c.kind == "text":
            shown[report_header(c.key, lang)] = shown[report_header(c.key, lang)].replace("total", t("total", lang))
    formats = {report_header(c.key, lang): NUMBER_FORMATS[c.kind] for c in layout if c.kind in NUMBER_FORMATS}
    return shown.reset_index(drop=True), formats


def write_report_tables(tables: dict[str, pd.DataFrame], folder: Path, lang: str = "id",
                        csv_locale: str | None = None) -> list[Path]:
    """A report's tables as people read them: ``tables/<name>.csv`` each (in the CSV convention of
    ``csv_locale``, default ``lang``) and one ``tables.xlsx`` with a formatted sheet per table."""
    folder = Path(folder)
    sep, decimal = _csv_locale(csv_locale or lang)
    sheets, formats, written = {}, {}, []
    for name, df in tables.items():
        shown, fmts = readable_report_table(df, lang)
        written.append(outputs.write_csv(shown, folder / "tables" / f"{name}.csv", sep=sep, decimal=decimal))
        sheet = report_sheet(name, lang)[:31]
        sheets[sheet] = shown
        formats[sheet] = fmts
    if sheets:
        written.append(outputs.write_xlsx(sheets, folder / "tables.xlsx",
                                          finish=lambda sheet, ws: sheet_formatter(formats[sheet])(sheet, ws)))
    return written


#: The follow-up columns of the register as the review report saves them: named by their labels (vocab/labels.csv).
FOLLOW_UP_SAVED = {"follow_up": "review_follow_up", "days_overdue": "review_days_overdue"}


def saved_follow_up(followed: pd.DataFrame) -> pd.DataFrame:
    """The register with its follow-up (``analysis.review.follow_up``) as the review report saves it and shows it:
    the responsible unit's code, or the unit as written (scrubbed) when the vocabulary does not know it; the
    follow-up columns named by their labels (:data:`FOLLOW_UP_SAVED`)."""
    out = followed.rename(columns=FOLLOW_UP_SAVED)
    if "responsible_text" in out:
        known = out["responsible"].isin(list(register_entry("responsible")))
        out["responsible"] = out["responsible"].where(known, out["responsible_text"])
    return out.drop(columns=["responsible_text"], errors="ignore")


def write_review(table: pd.DataFrame, follow_up: pd.DataFrame | None, path: Path, lang: str = "id",
                 csv_locale: str | None = None, kind: str = "readable") -> list[Path]:
    """The long review table of ``imr-analysis review`` and, with a register, its follow-up (the register with
    its state, ``analysis.review.follow_up``) at ``path``: XLSX, a sheet each; CSV, the follow-up beside it as
    ``<stem>_follow_up.csv``.

    ``kind="readable"`` (default): as people read them, in ``lang`` (:data:`REVIEW`; the follow-up as the
    review report saves it), number formats in the XLSX, the CSV convention of ``csv_locale`` (default
    ``lang``). ``kind="data"``: the analysis tables for scripts (codes, full precision, ',' and '.').
    """
    path = Path(path)
    xlsx = path.suffix.lower() == ".xlsx"
    if kind not in ("readable", "data"):
        raise ValueError(f"table must be 'readable' or 'data', not '{kind}'")
    if kind == "data":
        frames = {"review": (data_table(table, "review"), {})} | (
            {"follow_up": (follow_up.reset_index(drop=True), {})} if follow_up is not None else {})
        sep, decimal = CSV_LOCALES["en"]
    else:
        frames = {sheet_name("review", lang): (readable(table, "review", lang), number_formats("review", lang))}
        if follow_up is not None:
            frames[sheet_name("follow_up", lang)] = readable_report_table(saved_follow_up(follow_up), lang)
        sep, decimal = _csv_locale(csv_locale or lang)
    if xlsx:
        formats = {name: fmts for name, (_, fmts) in frames.items()}
        finish = None if kind == "data" else (lambda sheet, ws: sheet_formatter(formats[sheet])(sheet, ws))
        return [outputs.write_xlsx({name: df for name, (df, _) in frames.items()}, path, finish=finish)]
    (first, _), *rest = frames.values()
    written = [outputs.write_csv(first, path, sep=sep, decimal=decimal)]
    for df, _ in rest:
        written.append(outputs.write_csv(df, path.with_name(path.stem + "_follow_up.csv"), sep=sep, decimal=decimal))
    return written


def _csv_locale(locale: str) -> tuple[str, str]:
    if locale not in CSV_LOCALES:
        raise ValueError(f"csv_locale must be one of {', '.join(CSV_LOCALES)}, not '{locale}'")
    return CSV_LOCALES[locale]


@lru_cache(maxsize=1)
def _columns_vocab() -> pd.DataFrame:
    return pd.read_csv(VOCAB_DIR / "columns.csv", dtype=str, keep_default_na=False).set_index("key")


def header(key: str, lang: str = "id") -> str:
    """The column header of ``key`` in ``lang`` (vocab/columns.csv, key 'col.<key>')."""
    return _columns_vocab().loc[f"col.{key}", check_lang(lang)]


def sheet_name(kind: str, lang: str = "id") -> str:
    return _columns_vocab().loc[f"sheet.{kind}", check_lang(lang)]


def term(value, lang: str = "id") -> str:
    """A value's label: vocab/columns.csv ('value.<text>'), then vocab/labels.csv, else the text itself.

    Notes joined with '; ' are labelled one by one. Missing values give ''.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    if not text:
        return ""
    if "; " in text:
        return "; ".join(term(part, lang) for part in text.split("; "))
    own = _columns_vocab()
    if f"value.{text}" in own.index:
        return own.loc[f"value.{text}", lang]
    try:
        return t(text, lang)
    except KeyError:
        return text


def _code_label(value, table: pd.DataFrame, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return ""
    if value in table.index:
        return table.loc[value, f"label_{lang}"]
    return term(value, lang)


def _values(df: pd.DataFrame, col: Column, lang: str) -> pd.Series:
    """The column's values as shown: labels, integers or rounded floats."""
    raw = df[col.source]
    if col.kind == "text":
        return raw.astype(object).where(raw.notna(), "")
    if col.kind == "code":
        return raw.astype(object).where(raw.notna(), "")
    if col.kind == "term":
        return raw.map(lambda v: term(v, lang))
    if col.kind == "indicator":
        return raw.map(lambda v: _code_label(v, indicator_vocab(), lang))
    if col.kind == "cause":
        return raw.map(lambda v: _code_label(v, causes(), lang))
    if col.kind == "maternal_cause":
        return raw.map(lambda v: _code_label(v, maternal_causes(), lang))
    if col.kind == "target_source":
        return raw.map(lambda v: source_text(v, lang))
    if col.kind == "unit":
        units = indicator_vocab()[f"unit_{lang}"]
        return raw.map(lambda v: units.get(v, ""))
    if col.kind == "months":
        return raw.map(lambda v: months_label(v, lang))
    if col.kind == "review_table":
        return raw.map(lambda v: review_table_label(v, lang))
    if col.kind == "review_category":
        return pd.Series([review_category_label(table, v, lang) for table, v in zip(df["table"], raw)], index=df.index,
                         dtype=object)
    if col.kind == "check":
        return raw.map(lambda v: _label_or_term(f"check_{v}", v, lang))
    if col.kind in REGISTER_KINDS:
        entries = register_entry(col.kind)
        return raw.map(lambda v: entries[v][lang] if v in entries else "" if pd.isna(v) else str(v))   # as written
    if col.kind == "date":
        return raw.map(lambda v: "" if v is None or (not hasattr(v, "isoformat") and pd.isna(v)) else
                       v.isoformat() if hasattr(v, "isoformat") else str(v))
    if col.kind == "bool":
        yes, no = term("yes", lang), term("no", lang)
        return raw.map(lambda v: "" if v is None or pd.isna(v) else (yes if bool(v) else no))
    numbers = pd.to_numeric(raw, errors="coerce")
    if col.kind == "days":   # whole days (a median may be a half day): rounded half to even, as ``round``
        return numbers.round().astype("Int64")
    if col.kind in ("year", "count"):
        whole = numbers.dropna()
        if not np.allclose(whole, whole.round()):
            raise ValueError(f"column {col.source} holds fractions; it cannot be shown as whole numbers")
        return numbers.round().astype("Int64")
    return numbers.round(DECIMALS[col.kind]).astype(float)


def _label_or_term(key: str, value, lang: str) -> str:
    """The label ``key`` of vocab/labels.csv, else the value's own label (:func:`term`)."""
    try:
        return t(key, lang)
    except KeyError:
        return term(value, lang)


def review_table_label(table: str, lang: str = "id") -> str:
    """A review table's name in ``lang`` (vocab/labels.csv 'review_<table>': 'place_of_death' -> 'Tempat meninggal')."""
    return _label_or_term(f"review_{table}", table, lang)


def review_category_label(table: str, category: str, lang: str = "id") -> str:
    """A category of a review table in ``lang``: the answer's label in vocab/review.yaml ('place_of_death',
    'en_route' -> 'Dalam perjalanan'); the categories of the en-route table are labels 'review_<category>'."""
    if table in review_tables():
        return answer_label(field_vocabulary(table), category, lang)
    return _label_or_term(f"review_{category}", category, lang)


def months_label(months: str, lang: str = "id") -> str:
    """'1-6' (``completeness.months_text``) as people read it: 'Januari s.d. Juni'; '' (a full year) stays ''."""
    if not isinstance(months, str) or not months:
        return ""
    first, _, last = months.partition("-")
    if not last:
        return t(f"month_{int(first)}", lang)
    return say("year_to_date", lang, first=t(f"month_{int(first)}", lang), last=t(f"month_{int(last)}", lang))


def readable(df: pd.DataFrame, kind: str, lang: str = "id") -> pd.DataFrame:
    """The table ``kind`` ('indicators', 'trends', 'funnel') as people read it, in ``lang``.

    Columns the analysis table lacks are left out; its rows and their order are kept.
    """
    check_lang(lang)
    layout = [c for c in LAYOUTS[kind] if c.source in df.columns]
    return pd.DataFrame({header(c.key, lang): _values(df, c, lang) for c in layout}, index=df.index) \
        .reset_index(drop=True)


def number_formats(kind: str, lang: str = "id") -> dict[str, str]:
    """Header -> Excel number format, for the numeric columns of table ``kind``."""
    return {header(c.key, lang): NUMBER_FORMATS[c.kind] for c in LAYOUTS[kind] if c.kind in NUMBER_FORMATS}


def sheet_formatter(formats: dict[str, str]):
    """Format one written sheet: bold frozen header, autofilter, number formats and column widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def finish(_name: str, ws) -> None:
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
        for index, cells in enumerate(ws.iter_cols(min_row=1, max_row=ws.max_row), start=1):
            head = cells[0]
            head.font = Font(bold=True)
            fmt = formats.get(head.value)
            width = len(str(head.value or ""))
            for cell in cells[1:]:
                if fmt and cell.value is not None:
                    cell.number_format = fmt
                shown = f"{cell.value:,.3f}" if isinstance(cell.value, float) else str(cell.value or "")
                width = max(width, len(shown))
            ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
    return finish


def data_table(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The analysis table for scripts: codes, its own column names, full precision; counts and years
    as integers (``33``, not ``33.0``)."""
    whole = [c.source for c in LAYOUTS[kind] if c.kind in ("year", "count") and c.source in df.columns]
    return df.assign(**{col: _values(df, Column(col, col, "count"), "en") for col in whole}).reset_index(drop=True)


def write(df: pd.DataFrame, kind: str, path: Path, lang: str = "id", csv_locale: str | None = None,
          table: str = "readable") -> Path:
    """Write table ``kind`` to ``path`` (.xlsx or .csv).

    ``table="readable"`` (default): as people read it, in ``lang``; ``csv_locale`` ('id' or 'en';
    default: ``lang``) sets the CSV's separator and decimal mark. ``table="data"``: the analysis
    table for scripts (:func:`data_table`), CSV with ',' and '.'.
    """
    path = Path(path)
    xlsx = path.suffix.lower() == ".xlsx"
    if table == "data":
        plain = data_table(df, kind)
        return outputs.write_xlsx({kind: plain}, path) if xlsx else outputs.write_csv(plain, path)
    if table != "readable":
        raise ValueError(f"table must be 'readable' or 'data', not '{table}'")
    shown = readable(df, kind, lang)
    if xlsx:
        formats = sheet_formatter(number_formats(kind, lang))
        return outputs.write_xlsx({sheet_name(kind, lang): shown}, path, finish=formats)
    sep, decimal = _csv_locale(csv_locale or lang)
    return outputs.write_csv(shown, path, sep=sep, decimal=decimal)


__all__ = ["CSV_LOCALES", "LANGS", "data_table", "header", "number_formats", "readable", "readable_report_table",
           "report_header", "report_sheet", "review_category_label", "review_table_label", "sheet_formatter", "term",
           "write", "write_report_tables", "write_review"]
