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
from ..vocab.layout import table_label


#: At most this many kinds of rule or reason, Puskesmas names, and example rows set aside are listed.
MAX_KINDS = 25
MAX_NAMES = 50
MAX_EXAMPLES = 10
_QUOTED = re.compile(r"'[^']*[^\W_][^']*'")   # quoted text from a cell or a name (a quoted symbol such as '-' stays)
_NUMBER = re.compile(r"(?<=\brow )\d+|\d+[.,]\d+|\d{3,}")   # row numbers, ages, years; not small ranges such as 0-11
_CELL_COUNT = re.compile(r" \(\d+ cells?\)$")
_SECOND_ROW = re.compile(r"^(second row for ).+? (\d{4}(?:/\d+)? )")   # the Puskesmas name of a duplicate
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


def _kinds(texts: pd.Series, ledger: pd.DataFrame, kind, name: str, separator: str | None = None) -> pd.DataFrame:
    """Rows per kind of ``texts`` (one per ledger row, indexed by it; ``separator`` parts one text into several),
    most frequent first (ties: the first seen first), with where each kind first occurs. The row's own
    Puskesmas name is a specific too ('second row for Pauh 2023 ...').

    Columns: ``name`` (the kind), rows, first at (file, sheet, row), and first (its ledger row).
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
    out.insert(2, "first at", [_where(f, s, r) for f, s, r in zip(first["file"], first["sheet"], first["row"])])
    return out


def _where(file: str, sheet: str, row: int) -> str:
    return f"{Path(file).name}" + (f", sheet '{sheet}'" if sheet else "") + f", row {row}"


def _kinds_table(kinds: pd.DataFrame) -> str:
    """The first MAX_KINDS kinds, and how many more there are."""
    text = _table(kinds.drop(columns="first").head(MAX_KINDS))
    if len(kinds) > MAX_KINDS:
        rest = kinds.iloc[MAX_KINDS:]
        text += f"\n… and {len(rest)} more kinds ({rest['rows'].sum()} rows); ledger.csv lists every row.\n"
    return text


def _table(df: pd.DataFrame) -> str:
    if df.empty:
        return "_none_\n"
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        lines.append("| " + " | ".join("" if pd.isna(v) else str(v).replace("|", "/") for v in row) + " |")
    return "\n".join(lines) + "\n"


def cleaning_report(result: CleanResult, findings: pd.DataFrame) -> str:
    ledger = result.ledger
    parts = ["# Cleaning report\n"]
    data = ledger[ledger["row_kind"] == "data"]
    parts.append(
        f"Raw body rows read: **{len(ledger)}** ({len(data)} Puskesmas rows, "
        f"{(ledger['row_kind'] == 'total').sum()} total rows, {(ledger['row_kind'] == 'rate').sum()} rate rows).\n\n"
        f"Kept as written: **{(ledger['state'] == 'kept').sum()}**; mapped by a rule: "
        f"**{(ledger['state'] == 'mapped').sum()}**; set aside: **{(ledger['state'] == 'set_aside').sum()}**; "
        f"reported values (total and rate rows, checked, not counted): **{(ledger['state'] == 'reported').sum()}**.\n\n"
        "Every row, with its state, the rules applied and why it was set aside, is in **ledger.csv** (the rows set "
        "aside also in set_aside.csv). This report gives the counts, by kind of rule and reason, and the first "
        "examples.\n")
    parts.append("\n## Tables found\n")
    src = result.sources.assign(table=lambda d: d["table"].map(lambda k: table_label(k, "id")))
    parts.append(_table(src[["district", "year", "table", "file", "sheet", "blocks", "used"]]))
    parts.append("\n## Rows by table and state\n")
    counts = ledger.pivot_table(index=["year", "table", "row_kind"], columns="state", values="row",
                                aggfunc="count", fill_value=0).reset_index()
    parts.append(_table(counts))
    parts.append("\n## Rules applied (mapped rows)\n")
    rules = data.loc[data["rules"] != "", "rules"]
    parts.append(_kinds_table(_kinds(rules, ledger, rule_kind, "rule", "; ")) if len(rules) else _table(pd.DataFrame()))
    parts.append("\n## Puskesmas names mapped\n")
    names = data[data["name_matched"] != data["puskesmas"]][["name_matched", "puskesmas"]].drop_duplicates()
    names = names[names["puskesmas"] != ""].sort_values("puskesmas")
    parts.append(_table(names.head(MAX_NAMES)))
    if len(names) > MAX_NAMES:
        parts.append(f"\n… and {len(names) - MAX_NAMES} more names (columns name_matched and puskesmas of "
                     "ledger.csv).\n")
    parts.append("\n## Rows set aside (Puskesmas rows)\n")
    aside = data[data["state"] == "set_aside"]
    if aside.empty:
        parts.append(_table(aside))
    else:
        kinds = _kinds(aside["reason"], ledger, reason_kind, "reason")
        parts.append(_kinds_table(kinds))
        parts.append("\nThe first row of each kind (every row set aside is in set_aside.csv):\n\n")
        examples = ledger.loc[kinds["first"].head(MAX_EXAMPLES), ["file", "sheet", "row", "name_hash", "reason"]]
        parts.append(_table(examples))
    parts.append("\n## Header mappings and columns not used\n")
    parts.append(_table(pd.DataFrame(result.header_notes).drop(columns="note_param", errors="ignore")))
    parts.append("\n## Data-quality findings\n")
    if findings.empty:
        parts.append("_none_\n")
    else:
        parts.append(_table(findings.groupby(["severity", "check"], dropna=False).size().rename("findings").reset_index()))
        parts.append("\nEvery finding, with its location, is in findings.csv.\n")
    if result.dropped_columns:
        parts.append("\n## Columns dropped when the files were read\n")
        parts.append("Personal-data columns are dropped as the file is read and never written anywhere; they are "
                     "listed here by the vocabulary term their header matched, or by column letter.\n\n")
        parts.append(_table(pd.DataFrame(result.dropped_columns).assign(file=lambda d: d["file"].map(lambda f: f.split("/")[-1]))))
    if "format" in ledger:
        parts.append("\n## Rows by input format\n")
        parts.append(_table(ledger.groupby(["format", "state"], dropna=False).size().rename("rows").reset_index()))
    if result.proposed_registry is not None:
        parts.append("\n## New district\n")
        parts.append("The registry does not know this district yet. Names were taken as written (case, spacing and "
                     "PKM/Puskesmas/UPTD prefixes normalised). Review registry_proposed_*.csv and copy its rows "
                     "into imr_analysis/vocab/puskesmas.csv.\n")
    if result.skipped_files:
        parts.append("\n## Files not read (not a workbook or CSV)\n")
        parts.append("\n".join(f"- {f}" for f in result.skipped_files) + "\n")
    return "\n".join(parts)
