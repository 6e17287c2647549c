"""The human-readable cleaning report (Markdown): what was read, what changed and why, with counts.

The report summarises; ledger.csv holds every row. Rules and reasons are counted by kind (the
text with its specifics, quoted cell text and numbers, elided), each with the place it first
occurs, and a few rows are shown as examples. Its size does not grow with the number of rows.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .pipeline import CleanResult
from ..read.grid import SUPPORTED
from ..vocab.findings import header_path_text, localise_number, render
from ..vocab.labels import check_lang, labels
from ..vocab.layout import table_label
from ..vocab.ledger_kinds import ledger_text
from ..vocab.messages import say


#: At most this many kinds of rule or reason, Puskesmas names, and example rows set aside are listed.
MAX_KINDS = 25
MAX_NAMES = 50
MAX_EXAMPLES = 10
_QUOTED = re.compile(r"'[^']*[^\W_][^']*'")   # quoted text from a cell or a name (a quoted symbol such as '-' stays)
_NUMBER = re.compile(r"(?<=\brow )\d+|\d+[.,]\d+|\d{3,}")   # row numbers, ages, years; not small ranges such as 0-11
_CELL_COUNT = re.compile(r" \(\d+ cells?\)$")
_SECOND_ROW = re.compile(r"^(second row for ).+? (\d{4}(?:/\d+)? )")   # the Puskesmas name of a duplicate
_LETTER = re.compile(r"column ([A-Z]{1,3})")   # a dropped column named by its letter
_DESCRIBED = re.compile(r"text of \d+ characters?, #[0-9a-f]{8}")   # privacy.describe_text


def rule_kind(rule: str) -> str:
    """A rule without its specifics: "blank -> 0 (5 cells)" -> "blank -> 0"; name rules are one kind."""
    rule = _CELL_COUNT.sub("", rule)
    if rule.startswith(("name ", "new district: name ")):
        return "Puskesmas name normalised or alias applied"
    return _QUOTED.sub("'…'", _DESCRIBED.sub("text of … characters, #…", rule))


def reason_kind(reason: str) -> str:
    """A reason without its specifics: quoted cell text, cell texts described by length and hash, decimals and
    long numbers elided ("age at death … years")."""
    reason = _SECOND_ROW.sub(r"\1… \2", reason)
    return _NUMBER.sub("…", _QUOTED.sub("'…'", _DESCRIBED.sub("text of … characters, #…", reason)))


def _kinds(texts: pd.Series, ledger: pd.DataFrame, kind, name: str, separator: str | None = None,
           lang: str = "en") -> pd.DataFrame:
    """Rows per kind of ``texts`` (one per ledger row, indexed by it; ``separator`` parts one text into several),
    most frequent first (ties: the first seen first), with where each kind first occurs. The row's own
    Puskesmas name is a specific too ('second row for Pauh 2023 ...').

    Columns: ``name`` (the kind, in English), rows, first at (file, sheet, row, in ``lang``), and first (its
    ledger row).
    """
    kind_of: dict[str, str] = {}   # each distinct text is reduced to its kind once
    rows: dict[str, int] = {}
    first: dict[str, int] = {}
    for i, text, puskesmas in zip(texts.index, texts, ledger.loc[texts.index, "puskesmas"]):
        in_row = set()
        for part in (text.split(separator) if separator else (text,)):
            if puskesmas:
                part = part.replace(puskesmas, "…")
            k = kind_of.get(part)
            if k is None:
                k = kind_of[part] = kind(part)
            if k not in in_row:
                in_row.add(k)
                rows[k] = rows.get(k, 0) + 1
                first.setdefault(k, i)
    out = pd.DataFrame({name: list(rows), "rows": list(rows.values()), "first": [first[k] for k in rows]})
    out = out.sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)
    first = ledger.loc[out["first"], ["file", "sheet", "row"]]
    out.insert(2, "first at", [_where(f, s, r, lang) for f, s, r in zip(first["file"], first["sheet"], first["row"])])
    return out


def _where(file: str, sheet: str, row: int, lang: str = "en") -> str:
    return ", ".join([Path(file).name] + ([say("where_sheet", lang, sheet=sheet)] if sheet else [])
                     + [say("where_row", lang, row=row)])


def _label(key: str, lang: str) -> str:
    """The label ``key`` of vocab/labels.csv in ``lang``."""
    return labels().loc[key, check_lang(lang)]


def _value_label(prefix: str, code, lang: str) -> str:
    """The label of a code (``prefix + code``) in ``lang``, or the code itself when it has none."""
    key = f"{prefix}{code}"
    return _label(key, lang) if key in labels().index else code


def _count(n: int, lang: str) -> str:
    """A count as the language writes it: 1.234 (id), 1,234 (en)."""
    return localise_number(f"{int(n):,}", lang)


def _kinds_table(kinds: pd.DataFrame, lang: str) -> str:
    """The first MAX_KINDS kinds, and how many more there are."""
    shown = kinds.drop(columns="first").head(MAX_KINDS)
    name = shown.columns[0]
    shown = shown.assign(**{name: shown[name].map(lambda k: ledger_text(k, lang)),
                            "rows": shown["rows"].map(lambda n: _count(n, lang))})
    text = _table(shown, lang, {name: "cleaning_kind_rule" if name == "rule" else "reason",
                                "first at": "cleaning_first_at"})
    if len(kinds) > MAX_KINDS:
        rest = kinds.iloc[MAX_KINDS:]
        text += "\n" + say_label("cleaning_more_kinds", lang, kinds=_count(len(rest), lang),
                                 rows=_count(rest["rows"].sum(), lang)) + "\n"
    return text


def say_label(key: str, lang: str, **values) -> str:
    """The label template ``key`` of vocab/labels.csv in ``lang`` with ``values`` filled in."""
    return _label(key, lang).format(**values)


def _table(df: pd.DataFrame, lang: str = "en", headers: dict[str, str] | None = None) -> str:
    """A Markdown table; its column headers are labels in ``lang`` (``headers``: column -> label key; else the
    column's own name as the key)."""
    if df.empty:
        return _label("cleaning_none", lang) + "\n"
    headers = headers or {}
    cols = [_label(headers.get(c, c), lang) for c in df.columns]
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        lines.append("| " + " | ".join("" if pd.isna(v) else _md_text(v).replace("|", "/") for v in row) + " |")
    return "\n".join(lines) + "\n"


def _md_text(value: object) -> str:
    """Text from the input (a file, sheet or Puskesmas name) as Markdown shows it as written: ``&`` and ``<`` as
    entities, so a name such as '<script>…' never opens an HTML element or entity in a Markdown viewer ('->' stays)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;")


def dropped_header_text(header: str, lang: str) -> str:
    """A dropped column as the report names it: its vocabulary term as written (NAMA IBU), or its letter in
    ``lang`` ('column A' -> 'kolom A'; read/flat.py names a column without a term by its letter)."""
    letter = _LETTER.fullmatch(header)
    return say("where_column", lang, column=letter.group(1)) if letter else header


def _note_text(note: dict, lang: str) -> str:
    """A header note in ``lang``: rendered from its template (``note_param``), else as written."""
    param = note.get("note_param")
    return render(param["key"], param.get("params", {}), lang) if param else note["note"]


def cleaning_report(result: CleanResult, findings: pd.DataFrame, lang: str = "id") -> str:
    """The cleaning report (Markdown) in ``lang``: headings, sentences and column headers from vocab/labels.csv,
    the kinds of rule and reason from vocab/ledger_kinds.csv. ledger.csv itself stays English, for scripts."""
    ledger = result.ledger
    n = ledger["state"].value_counts()
    kinds = ledger["row_kind"].value_counts()
    data = ledger[ledger["row_kind"] == "data"]
    parts = [f"# {_label('cleaning_title', lang)}\n"]
    parts.append(_label("cleaning_ledger", lang) + "\n\n"
                 + say_label("cleaning_rows_read", lang, rows=_count(len(ledger), lang), data=_count(len(data), lang),
                             total=_count(kinds.get("total", 0), lang), rate=_count(kinds.get("rate", 0), lang))
                 + "\n\n"
                 + say_label("cleaning_states", lang, **{s: _count(n.get(s, 0), lang)
                                                         for s in ("kept", "mapped", "set_aside", "reported")}) + "\n")
    parts.append(f"\n## {_label('cleaning_tables_found', lang)}\n")
    src = result.sources.assign(table=lambda d: d["table"].map(lambda k: table_label(k, lang)),
                                used=lambda d: d["used"].map(lambda u: _label("yes" if u else "no", lang)))
    parts.append(_table(src[["district", "year", "table", "file", "sheet", "blocks", "used"]], lang,
                        {"blocks": "cleaning_blocks", "used": "cleaning_used"}))
    parts.append(f"\n## {_label('cleaning_rows_by_table', lang)}\n")
    counts = ledger.pivot_table(index=["year", "table", "row_kind"], columns="state", values="row",
                                aggfunc="count", fill_value=0).reset_index()
    counts.columns.name = None
    counts = counts.assign(table=counts["table"].map(lambda k: table_label(k, lang)),
                           row_kind=counts["row_kind"].map(lambda k: _value_label("row_kind_", k, lang)))
    for state in counts.columns[3:]:
        counts[state] = counts[state].map(lambda v: _count(v, lang))
    parts.append(_table(counts, lang))
    parts.append(f"\n## {_label('cleaning_rules', lang)}\n")
    rules = data.loc[(data["rules"] != "") & (data["state"] != "set_aside"), "rules"]   # of the rows counted
    parts.append(_kinds_table(_kinds(rules, ledger, rule_kind, "rule", "; ", lang), lang) if len(rules)
                 else _table(pd.DataFrame(), lang))
    parts.append(f"\n## {_label('cleaning_names', lang)}\n")
    names = data[data["name_matched"] != data["puskesmas"]][["name_matched", "puskesmas"]].drop_duplicates()
    names = names[names["puskesmas"] != ""].sort_values("puskesmas")
    parts.append(_table(names.head(MAX_NAMES), lang, {"name_matched": "cleaning_name_matched"}))
    if len(names) > MAX_NAMES:
        parts.append("\n" + say_label("cleaning_more_names", lang, names=_count(len(names) - MAX_NAMES, lang)) + "\n")
    parts.append(f"\n## {_label('cleaning_set_aside', lang)}\n")
    aside = data[data["state"] == "set_aside"]
    if aside.empty:
        parts.append(_table(aside, lang))
    else:
        kinds = _kinds(aside["reason"], ledger, reason_kind, "reason", lang=lang)
        parts.append(_kinds_table(kinds, lang))
        parts.append("\n" + _label("cleaning_examples", lang) + "\n\n")
        examples = ledger.loc[kinds["first"].head(MAX_EXAMPLES), ["file", "sheet", "row", "name_hash", "reason"]]
        examples = examples.assign(reason=examples["reason"].map(lambda r: ledger_text(r, lang)))
        parts.append(_table(examples, lang, {"name_hash": "cleaning_name_hash"}))
    parts.append(f"\n## {_label('cleaning_header_notes', lang)}\n")
    notes = pd.DataFrame([{**{k: v for k, v in note.items() if k not in ("note", "note_param")},
                           "note": _note_text(note, lang)} for note in result.header_notes])
    if not notes.empty:
        notes = notes.assign(table=notes["table"].map(lambda k: table_label(k, lang)),
                             header=notes["header"].map(lambda h: header_path_text(h, lang)))
    parts.append(_table(notes, lang, {"header": "cleaning_header", "note": "cleaning_note"}))
    parts.append(f"\n## {_label('cleaning_findings', lang)}\n")
    if findings.empty:
        parts.append(_label("cleaning_none", lang) + "\n")
    else:
        table = findings.groupby(["severity", "check"], dropna=False).size().rename("findings").reset_index()
        table = table.assign(severity=table["severity"].map(lambda k: _value_label("", k, lang)),
                             check=table["check"].map(lambda k: _value_label("check_", k, lang)),
                             findings=table["findings"].map(lambda v: _count(v, lang)))
        parts.append(_table(table, lang))
        parts.append("\n" + _label("cleaning_findings_note", lang) + "\n")
    if result.dropped_columns:
        parts.append(f"\n## {_label('cleaning_dropped', lang)}\n")
        parts.append(_label("cleaning_dropped_note", lang) + "\n\n")
        dropped = pd.DataFrame(result.dropped_columns)
        dropped = dropped.assign(file=dropped["file"].map(lambda f: f.split("/")[-1]),
                                 header=dropped["header"].map(lambda h: dropped_header_text(h, lang)),
                                 why=dropped["why"].map(lambda k: _value_label("why_", k, lang)))
        parts.append(_table(dropped, lang, {"header": "column", "why": "reason"}))
    if "format" in ledger:
        parts.append(f"\n## {_label('cleaning_formats', lang)}\n")
        formats = ledger.groupby(["format", "state"], dropna=False).size().rename("rows").reset_index()
        formats = formats.assign(format=formats["format"].map(lambda k: _value_label("format_", k, lang)),
                                 state=formats["state"].map(lambda k: _value_label("", k, lang)),
                                 rows=formats["rows"].map(lambda v: _count(v, lang)))
        parts.append(_table(formats, lang, {"format": "cleaning_format"}))
    if result.proposed_registry is not None:
        parts.append(f"\n## {_label('cleaning_new_district', lang)}\n")
        parts.append(_label("cleaning_new_district_note", lang) + "\n")
    examples = [f for f in result.skipped_files if Path(f).suffix.lower() in SUPPORTED]   # read/files.expand_inputs
    others = [f for f in result.skipped_files if f not in examples]
    for key, skipped in (("cleaning_skipped_examples", examples), ("cleaning_skipped", others)):
        if skipped:
            parts.append(f"\n## {_label(key, lang)}\n")
            parts.append("\n".join(f"- {_md_text(f)}" for f in skipped) + "\n")
    return "\n".join(parts)
