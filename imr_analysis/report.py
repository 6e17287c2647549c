"""The human-readable cleaning report (Markdown): what was read, what changed and why, with counts."""
from __future__ import annotations

import pandas as pd

from .clean import CleanResult
from .vocab.layout import table_label


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
        f"reported values (total and rate rows, checked, not counted): **{(ledger['state'] == 'reported').sum()}**.\n")
    parts.append("\n## Tables found\n")
    src = result.sources.assign(table=lambda d: d["table"].map(lambda k: table_label(k, "id")))
    parts.append(_table(src[["district", "year", "table", "file", "sheet", "blocks", "used"]]))
    parts.append("\n## Rows by table and state\n")
    counts = ledger.pivot_table(index=["year", "table", "row_kind"], columns="state", values="row",
                                aggfunc="count", fill_value=0).reset_index()
    parts.append(_table(counts))
    parts.append("\n## Rules applied (mapped rows)\n")
    rules = data.loc[data["rules"] != "", "rules"].str.split("; ").explode()
    rules = rules.str.replace(r" \(\d+ cells?\)$", "", regex=True)
    rules = rules.where(~rules.str.startswith("name "), "Puskesmas name normalised or alias applied")
    parts.append(_table(rules.value_counts().rename_axis("rule").reset_index(name="rows")))
    parts.append("\n## Puskesmas names mapped\n")
    names = data[data["name_matched"] != data["puskesmas"]][["name_matched", "puskesmas"]].drop_duplicates()
    parts.append(_table(names[names["puskesmas"] != ""].sort_values("puskesmas")))
    parts.append("\n## Rows set aside (Puskesmas rows)\n")
    aside = data[data["state"] == "set_aside"][["file", "sheet", "row", "name_hash", "reason"]]
    parts.append(_table(aside))
    parts.append("\n## Header mappings and columns not used\n")
    parts.append(_table(pd.DataFrame(result.header_notes)))
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
