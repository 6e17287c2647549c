"""Cleaning: raw files -> canonical tidy tables, with every raw row accounted for.

``clean`` reads the inputs (read/files.py), hands each table to the accountant of its format
(annex.py, monthly.py, linelist.py, on the shared core.py), builds the ledger and cell tables,
and lets one source count per district-year (canonical.py). The canonical tables are built from
the cells when first used.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .annex import account_table, resolve_period
from .canonical import apply_precedence, build_canonical, build_monthly_desa, incomplete_rows
from .cells import CellBuilder
from .core import LEDGER_COLUMNS, Context, ledger_record
from .linelist import account_linelist
from .monthly import account_monthly, require_year
from .review import review_frame
from .places import check_title_district, checked_district
from ..config import NEONATAL_MAX_DAYS
from ..errors import InputError, Location
from ..read.annex import AnnexTable
from ..read.files import INPUT_ERROR_COLUMNS, expand_inputs, file_error, read_tables
from ..read.flat import FlatTable
from ..schemas import ACCOUNTING
from ..vocab.layout import table_label
from ..vocab.puskesmas import Registry


@dataclass
class CleanResult:
    """Everything cleaning produces: canonical tables, the ledger, cell values and notes.

    ``tables`` (the canonical tables and the incomplete rows) are aggregated from ``cells`` when first
    used, so the checks on the cells can run before them: a province's cells and tables are then not
    held together with the checks' working copies.
    """

    _tables: dict[str, pd.DataFrame] | None
    ledger: pd.DataFrame
    cells: pd.DataFrame
    sources: pd.DataFrame
    header_notes: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)   # cell problems outside count columns
    proposed_registry: pd.DataFrame | None = None
    skipped_files: list[str] = field(default_factory=list)
    input_errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INPUT_ERROR_COLUMNS))
    dropped_columns: list[dict] = field(default_factory=list)   # header names only
    registry: Registry | None = None
    monthly_desa: pd.DataFrame | None = None   # the monthly reports by desa (canonical.build_monthly_desa)
    reviews: pd.DataFrame = field(default_factory=lambda: review_frame([]))   # AMP-SR review fields (review.py)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        if self._tables is None:
            self._tables = build_canonical(self.cells)
            self._tables["incomplete"] = incomplete_rows(self.ledger, self._tables, self.registry or Registry())
        return self._tables


def clean(paths: list[Path], year: int | None = None, district: str | None = None,
          registry: Registry | None = None, engine: str = "calamine", keep_going: bool = False,
          fmt: str | None = None, neonatal_max_days: int = NEONATAL_MAX_DAYS) -> CleanResult:
    """Read raw files and folders and return the canonical tables with full accounting.

    ``keep_going``: a file that cannot be used is recorded in ``input_errors`` instead of
    stopping the run (the yearly batch uses this so one broken year does not stop the others).
    """
    # Load inputs
    files, skipped = expand_inputs(paths)
    file_errors: list[dict] | None = [] if keep_going else None
    everything = read_tables(files, engine, file_errors, fmt)
    gc.freeze()  # what exists now (the raw tables) stays out of the collector's passes while the accounting
    #              makes millions of small objects (none in reference cycles); unfrozen once the frames are built
    tables = [t for t in everything if isinstance(t, AnnexTable)]
    flats = [t for t in everything if isinstance(t, FlatTable)]
    registry = registry or Registry()

    # Process data
    ledger_rows, sources, notes, problems = [], [], [], []
    cell_rows = CellBuilder()
    proposals: dict[tuple[str, str], dict] = {}
    seen_rows: dict[tuple, tuple] = {}
    dropped: list[dict] = []
    ctx = Context(registry, year, district, neonatal_max_days, proposals=proposals, problems=problems)
    for flat in flats:
        try:
            if flat.kind == "monthly":
                require_year(flat, ctx)
        except InputError as exc:  # a monthly report without any year: only its own rows are lost
            if file_errors is None:
                raise
            file_errors.append(file_error(flat.file, exc))
            continue
        if flat.title_district and district:
            check_title_district(flat.file, flat.sheet, flat.title_district_cell, flat.title_district, district,
                                  flat.title_year, problems)
        account = account_monthly if flat.kind == "monthly" else account_linelist
        entries = account(flat, ctx, cell_rows)
        ledger_rows.extend(map(ledger_record, entries))
        dropped += [{"file": flat.file, "sheet": flat.sheet, "header": h, "why": "personal data"} for h in flat.dropped_personal]
        dropped += [{"file": flat.file, "sheet": flat.sheet, "header": h, "why": "not used"} for h in flat.dropped_other]
        for col in flat.columns:
            if col.rule:
                notes.append({"file": flat.file, "sheet": flat.sheet, "table": flat.kind, "year": flat.title_year,
                              "column": col.letter, "header": col.label, "note": col.rule, "note_param": col.rule_note})
        years = sorted({e["year"] for e in entries if e["year"] is not None})
        flat_district = district or checked_district(registry, flat.title_district) or ""
        for y in years or [None]:
            sources.append({"table": flat.kind, "year": y, "district": registry.district_name(flat_district),
                            "file": flat.file, "sheet": flat.sheet, "title": f"{flat.kind} (header row {flat.header_row})",
                            "blocks": 1, "used": True})
    for table in tables:
        try:
            t_year, t_district = resolve_period(table, year, district, problems, registry)
        except InputError as exc:  # no year or district for this table: only its own rows are lost
            if file_errors is None:
                raise
            file_errors.append(file_error(table.file, exc, table.year))
            continue
        sources.append({"table": table.kind, "year": t_year, "district": registry.district_name(t_district),
                        "file": table.file, "sheet": table.sheet,
                        "title": f"{table_label(table.kind, 'id')} (title row {table.blocks[0].title_row})",
                        "blocks": len(table.blocks), "used": True})
        table_ctx = Context(registry, t_year, t_district, proposals=proposals, problems=problems)
        account_table(table, t_year, t_district, table_ctx, cell_rows, seen_rows, ledger_rows, notes)
    if file_errors and not sources:  # no file could be used: nothing to clean, each file says why
        gc.unfreeze()
        raise InputError.from_key("no_file_usable", Location(), n=len(file_errors), errors=[
            {"input_error": InputError.from_stored(e["code"], e["params"], e["message"]).to_dict()} for e in file_errors])
    # the raw rows are accounted for: free them before the frames are built
    everything = tables = flats = flat = table = entries = None
    ledger = pd.DataFrame(ledger_rows, columns=LEDGER_COLUMNS)
    del ledger_rows
    if sources and not ledger.empty:
        counted = ledger[(ledger["row_kind"] == "data") & (ledger["state"] != "set_aside")]
        used = set(zip(counted["file"], counted["sheet"], counted["table"]))
        for src in sources:
            src["used"] = (src["file"], src["sheet"], src["table"]) in used
    if "month" not in ledger:
        ledger["month"], ledger["format"] = pd.NA, "annex"
    ledger["month"] = ledger["month"].astype("Int64")
    ledger["format"] = ledger["format"].fillna("annex")
    ledger["counts_missing"] = ledger.get("counts_missing", pd.Series(False, index=ledger.index)).fillna(False).astype(bool)
    cells = cell_rows.frame()
    del cell_rows
    cells["format"] = cells["format"].fillna("annex")
    cells["month"] = cells["month"].astype("Int64")
    cells["used"] = cells["used"].astype(bool)
    cells["compared"] = False
    by_desa = build_monthly_desa(cells, ctx.desa)
    apply_precedence(cells, ledger)
    for name, table in (("ledger", ledger), ("cells", cells)):
        if len(table):  # an empty table has the columns, with no dtype to check
            ACCOUNTING[name].validate(table, inplace=True)
    gc.unfreeze()

    proposed = None
    if proposals:
        proposed = pd.DataFrame(proposals.values())[["province", "district", "kecamatan", "puskesmas", "aliases"]]
    # Save outputs: see write_outputs
    errors = pd.DataFrame(file_errors or [], columns=INPUT_ERROR_COLUMNS)
    return CleanResult(None, ledger, cells, pd.DataFrame(sources), notes, problems, proposed, skipped, errors,
                       dropped, registry, by_desa, review_frame(ctx.reviews))


