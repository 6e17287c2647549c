"""The cleaning step as users run it: read raw inputs, clean, check, and write the processed folder.

Outputs in the processed folder (written atomically):

* births, deaths, deaths_by_cause, neonatal_visits  (.parquet for the library, .csv for Excel)
* ledger.csv          every raw body row with its state (kept / mapped / set_aside) and why
* set_aside.csv       the rows set aside, with their reasons
* findings.csv        data-quality findings (severity, check, file, sheet, row, column, year, area, message)
* reported_values.csv totals and rates as printed in the tables, for traceability
* sources.csv         which table was read from which file and sheet
* cleaning_report.md  what was read, what changed and why, with counts
* registry_proposed_<district>.csv  for a district the registry does not know yet
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import io
from .clean import CleanResult, clean
from .quality import findings
from .report import cleaning_report
from .schemas import SCHEMAS

CANONICAL = list(SCHEMAS)


@dataclass
class CleanRun:
    result: CleanResult
    findings: pd.DataFrame
    out: Path
    written: list[Path]


def run_clean(paths: list[Path], out: Path, year: int | None = None, district: str | None = None,
              engine: str = "calamine") -> CleanRun:
    """Clean raw files/folders into ``out``; returns the result, the findings and the paths written."""
    # Load inputs and process data
    result = clean([Path(p) for p in paths], year=year, district=district, engine=engine)
    found = findings(result)

    # Save outputs
    out = Path(out)
    written: list[Path] = []
    for name in CANONICAL:
        written += io.write_table(result.tables[name], out, name)
    written.append(io.write_csv(result.ledger, out / "ledger.csv"))
    written.append(io.write_csv(result.ledger[result.ledger["state"] == "set_aside"], out / "set_aside.csv"))
    written.append(io.write_csv(found, out / "findings.csv"))
    reported = result.cells[result.cells["row_kind"].isin(["total", "rate"])].drop(columns=["used"])
    written.append(io.write_csv(reported, out / "reported_values.csv"))
    written.append(io.write_csv(result.sources, out / "sources.csv"))
    for old in out.glob("registry_proposed_*.csv"):
        old.unlink()
    if result.proposed_registry is not None:
        for dist, group in result.proposed_registry.groupby("district"):
            g = group.assign(aliases=group["aliases"].map(lambda a: "|".join(sorted(a))))
            written.append(io.write_csv(g, out / f"registry_proposed_{dist.replace(' ', '_').lower()}.csv"))
    written.append(io.write_text(out / "cleaning_report.md", cleaning_report(result, found)))
    return CleanRun(result, found, out, written)


def load_processed(directory: Path) -> dict[str, pd.DataFrame]:
    """The canonical tables from a processed folder, validated against their schemas."""
    directory = Path(directory)
    missing = [n for n in CANONICAL if not (directory / f"{n}.parquet").exists()]
    if missing:
        from .errors import InputError, Location
        raise InputError(f"the processed folder lacks {', '.join(m + '.parquet' for m in missing)}.",
                         Location(file=str(directory)),
                         "run 'imr-analysis clean RAW --out DIR' first, and pass that DIR as --processed.")
    return {n: SCHEMAS[n].validate(pd.read_parquet(directory / f"{n}.parquet")) for n in CANONICAL}
