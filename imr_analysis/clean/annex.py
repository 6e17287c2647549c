"""Cleaning: raw annex tables -> canonical tidy tables, with every raw row accounted for.

Each body row of every table ends in exactly one ledger state:

* ``kept``      read as it stands;
* ``mapped``    read after a rule: a Puskesmas alias, blank/'-' -> 0, an Indonesian number,
                a new district's name taken as written;
* ``set_aside`` not used, with a reason the user can act on (unknown Puskesmas, text or a
                negative number in a count cell, a duplicate);
* ``reported``  a total or rate row (JUMLAH KAB., ANGKA ... (DILAPORKAN)): kept as a reported
                value and checked against the data, never counted.

Free text of the input is never copied into the ledger, findings or notes (privacy.py): names
and cells are given by their column, length and salted hash, columns by what they were
recognised as, tables by their kind.
"""
from __future__ import annotations

import gc
import operator
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import CellBuilder
from ..errors import InputError, Location, column_letter
from ..privacy import current_salt, looks_like_place_name
from ..read.annex import AnnexTable, BodyRow, Column, find_tables, finish_table, join_continuations
from ..read.grid import SUPPORTED, read_grids
from ..read.flat import FlatTable, detect as detect_flat, has_header, read_flat
from ..read.numbers import Parsed, parse_number
from .flat import (FlatContext, account_linelist, account_monthly, checked_district, name_hash, resolve_puskesmas,
                         summarise_rules)
from ..config import NEONATAL_MAX_DAYS
from ..schemas import GEOGRAPHY, SCHEMAS, UNKNOWN
from ..vocab.layout import layout, table_label
from ..vocab.puskesmas import Registry, district_key

GEO = GEOGRAPHY
LEDGER_COLUMNS = ["file", "sheet", "row", "table", "block", "row_kind", "year", "district", "name_hash", "name_matched",
                  "puskesmas", "state", "rules", "reason", "month", "format", "counts_missing"]
FORMATS = ("annex", "monthly", "linelist")
#: Which source counts when a district-year has several: the annex tables, then monthly reports, then line lists.
PRECEDENCE = {"annex": 0, "monthly": 1, "linelist": 2}


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
    input_errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", "year", "message"]))
    dropped_columns: list[dict] = field(default_factory=list)   # header names only
    registry: Registry | None = None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        if self._tables is None:
            self._tables = build_canonical(self.cells)
            self._tables["incomplete"] = incomplete_rows(self.ledger, self._tables, self.registry or Registry())
        return self._tables


def expand_inputs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to read: given files as they are; folders searched recursively for workbooks and CSVs."""
    files, skipped = [], []
    for path in map(Path, paths):
        if not path.exists():
            raise InputError("no such file or folder.", Location(file=str(path)), "check the path.")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or child.name.startswith(("~$", ".")):
                    continue
                if child.suffix.lower() in SUPPORTED and "examples" not in child.relative_to(path).parts:
                    files.append(child)
                else:
                    skipped.append(str(child))
        else:
            files.append(path)
    files = sorted(dict.fromkeys(files), key=lambda p: str(p))  # a fixed reading order, whatever the argument order
    if not files:
        raise InputError("no Excel workbook or CSV file was found.", Location(file=", ".join(map(str, paths))),
                         "give the annex workbooks (.xlsx) or CSV exports, or a folder that holds them.")
    return files, skipped


_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


def read_tables(files: list[Path], engine: str = "calamine", errors: list | None = None,
                fmt: str | None = None) -> list:
    """Every annex table, monthly report and line list in every file; a file holding none is an input error.

    With ``errors`` (a list), a file that cannot be used is recorded there (with the year its
    name suggests) and the other files are still read, even when reading it failed in an
    unexpected way; without it, the first error is raised.
    ``fmt`` forces the format ('annex', 'monthly' or 'linelist') instead of recognising it.
    """
    tables = []
    for path in files:
        try:
            tables.extend(_read_file(path, engine, fmt))
        except Exception as exc:
            if errors is None:
                raise
            if not isinstance(exc, InputError):
                exc = InputError(f"the file could not be read (unexpected {type(exc).__name__}).", Location(file=str(path)),
                                 f"run 'imr-analysis --debug clean \"{path}\" --out DIR' and report what it prints to the "
                                 "imr-analysis maintainers, or remove the file from the input.")
            errors.append(_file_error(path, exc))
    return tables


def _file_error(path: Path | str, exc: InputError, year: int | None = None) -> dict:
    """An input_errors row: the file, the year it belongs to (given, else the one its name suggests), the message."""
    if year is None and (m := _YEAR_IN_NAME.search(Path(path).name)):
        year = int(m.group(1))
    return {"file": str(path), "year": year, "message": str(exc)}


def _read_file(path: Path, engine: str, fmt: str | None = None) -> list:
    """The tables of one file; '(lanj.)' blocks on a sheet of their own join their table."""
    found: list = []
    for grid in read_grids(path, engine):
        annex = find_tables(grid, finish=False) if fmt in (None, "annex") else []
        if annex:
            found.extend(annex)
            continue
        kind = detect_flat(grid) if fmt is None else (fmt if fmt != "annex" and has_header(grid, fmt) else None)
        if kind:
            found.append(read_flat(grid, kind))
    if not found:
        titles = "; ".join(spec["label_id"] for spec in layout()["tables"].values())
        what = {"annex": "no annex table", "monthly": "no monthly report header (BULAN, PUSKESMAS, ...)",
                "linelist": "no line-list header (TANGGAL KEMATIAN / UMUR, PUSKESMAS, ...)"}.get(fmt or "", "")
        raise InputError(
            (f"{what} was found in this file." if what else
             "none of the known formats was found in this file: no annex table (found by its title text), "
             "no monthly report header (BULAN, PUSKESMAS, ...), no line-list header (TANGGAL KEMATIAN, ...)."),
            Location(file=str(path)),
            f"check the title row of annex tables ({titles}) or the header row of monthly reports and line lists; "
            "or remove the file from the input.",
        )
    flat = [t for t in found if isinstance(t, FlatTable)]
    joined = join_continuations([t for t in found if not isinstance(t, FlatTable)])
    for table in joined:
        finish_table(table)
    return joined + flat


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
    ctx = FlatContext(registry, year, district, neonatal_max_days, proposals=proposals, problems=problems)
    for flat in flats:
        if flat.title_district and district:
            _check_title_district(flat.file, flat.sheet, flat.title_district_cell, flat.title_district, district,
                                  flat.title_year, problems)
        account = account_monthly if flat.kind == "monthly" else account_linelist
        entries = account(flat, ctx, cell_rows)
        ledger_rows.extend(map(_ledger_record, entries))
        dropped += [{"file": flat.file, "sheet": flat.sheet, "header": h, "why": "personal data"} for h in flat.dropped_personal]
        dropped += [{"file": flat.file, "sheet": flat.sheet, "header": h, "why": "not used"} for h in flat.dropped_other]
        for col in flat.columns:
            if col.rule:
                notes.append({"file": flat.file, "sheet": flat.sheet, "table": flat.kind, "year": flat.title_year,
                              "column": col.letter, "header": col.label, "note": col.rule})
        years = sorted({e["year"] for e in entries if e["year"] is not None})
        flat_district = district or checked_district(registry, flat.title_district) or ""
        for y in years or [None]:
            sources.append({"table": flat.kind, "year": y, "district": registry.district_name(flat_district),
                            "file": flat.file, "sheet": flat.sheet, "title": f"{flat.kind} (header row {flat.header_row})",
                            "blocks": 1, "used": True})
    for table in tables:
        try:
            t_year, t_district = _resolve_period(table, year, district, problems, registry)
        except InputError as exc:  # no year or district for this table: only its own rows are lost
            if file_errors is None:
                raise
            file_errors.append(_file_error(table.file, exc, table.year))
            continue
        sources.append({"table": table.kind, "year": t_year, "district": registry.district_name(t_district),
                        "file": table.file, "sheet": table.sheet,
                        "title": f"{table_label(table.kind, 'id')} (title row {table.blocks[0].title_row})",
                        "blocks": len(table.blocks), "used": True})
        table_ctx = FlatContext(registry, t_year, t_district, proposals=proposals, problems=problems)
        for b, block in enumerate(table.blocks):
            on_sheet = replace(table, sheet=block.sheet or table.sheet)  # a '(lanj.)' block may be on another sheet
            notes += _column_notes(on_sheet, block.columns, t_year)
            if block.outside:
                problems.append(_outside_finding(on_sheet, block, t_year))
            plan = _BlockPlan(on_sheet, block.columns, cell_rows)
            for body in _consume(block.rows):
                entry = _account_row(on_sheet, b, plan, body, t_year, t_district, table_ctx, cell_rows, seen_rows)
                ledger_rows.append(_ledger_record(entry))
    # the raw rows are accounted for: free them before the frames are built
    everything = tables = flats = flat = table = block = body = entry = entries = None
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
    apply_precedence(cells, ledger)
    gc.unfreeze()

    proposed = None
    if proposals:
        proposed = pd.DataFrame(proposals.values())[["province", "district", "kecamatan", "puskesmas", "aliases"]]
    # Save outputs: see write_outputs
    errors = pd.DataFrame(file_errors or [], columns=["file", "year", "message"])
    return CleanResult(None, ledger, cells, pd.DataFrame(sources), notes, problems, proposed, skipped, errors,
                       dropped, registry)


def apply_precedence(cells: pd.DataFrame, ledger: pd.DataFrame) -> None:
    """One source counts per district and year: annex tables, else monthly reports, else line lists.

    The data rows of the other sources stay in the ledger as set aside ('compared, not counted')
    and their cells are kept, unused, for the reconciliation checks. Changes both frames in place.
    """
    if cells.empty or (cells["format"].nunique() < 2 and ledger["format"].nunique() < 2):
        return  # one format: nothing to compare
    data = cells[cells["row_kind"] == "data"]
    rank = data.assign(rank=_rank(data["format"])).groupby(["district", "year"], dropna=False)["rank"].min()
    cell_rank = _rank(cells["format"])
    best = rank.reindex(pd.MultiIndex.from_arrays([cells["district"], cells["year"]])).to_numpy()
    lower = (cell_rank > best) & (cells["row_kind"] == "data").to_numpy()
    if not lower.any():
        return
    cells.loc[lower, "used"] = False
    cells.loc[lower, "compared"] = True
    names = {0: "annex tables", 1: "monthly reports", 2: "line lists"}
    led_best = rank.reindex(pd.MultiIndex.from_arrays([ledger["district"], ledger["year"]])).to_numpy()
    led_rank = _rank(ledger["format"])
    mask = (led_rank > led_best) & (ledger["row_kind"] == "data").to_numpy() & (ledger["state"] != "set_aside").to_numpy()
    ledger.loc[mask, "reason"] = [
        f"the {names[int(best_rank)]} give the counts for {district} {int(year)}; "
        "this row is compared with them (see findings), not counted twice"
        for best_rank, district, year in zip(led_best[mask], ledger.loc[mask, "district"], ledger.loc[mask, "year"])]
    ledger.loc[mask, "state"] = "set_aside"


def _consume(rows: list):
    """The items of ``rows`` in order, each taken out of the list as it is used (so it is freed once accounted for)."""
    rows.reverse()
    while rows:
        yield rows.pop()


def _ledger_record(entry: dict) -> tuple:
    """A ledger entry as a compact record in LEDGER_COLUMNS order (None where it has no value), kept until the
    ledger frame is built."""
    try:
        return _LEDGER_FIELDS(entry)
    except KeyError:
        return tuple(entry.get(c) for c in LEDGER_COLUMNS)


_LEDGER_FIELDS = operator.itemgetter(*LEDGER_COLUMNS)


def _rank(formats: pd.Series) -> np.ndarray:
    """PRECEDENCE of each format (0 counts first)."""
    return formats.map(PRECEDENCE).to_numpy(dtype=float)


def _resolve_period(table: AnnexTable, year: int | None, district: str | None, problems: list,
                    registry: Registry) -> tuple[int, str]:
    where = table.location(table.blocks[0].title_row)
    t_year = table.year or year
    if t_year is None:
        raise InputError("the table's title block has no year (TAHUN yyyy) and no --year was given.", where,
                         "add the year to the title block, or pass --year.")
    if table.year and year and table.year != year:
        problems.append({"severity": "warning", "check": "year_mismatch", "file": table.file, "sheet": table.sheet,
                         "row": where.row, "column": "", "year": table.year, "area": "",
                         "message": f"the title says {table.year} but --year {year} was given; the title's year is used."})
    t_district = table.district or district
    if table.district and not (registry.knows_district(table.district) or looks_like_place_name(table.district)):
        if not district:
            raise InputError("the district line of the title block (KABUPATEN ...) does not look like a place name: "
                             "it holds digits like an ID or phone number, an e-mail, an address or a personal name.",
                             where, "write only 'KABUPATEN <name>' on that line, or pass --district.")
        problems.append({"severity": "warning", "check": "not_a_place_name", "file": table.file, "sheet": table.sheet,
                         "row": where.row, "column": "", "year": t_year, "area": "",
                         "message": "the district line of the title block does not look like a place name; "
                                    "--district is used instead."})
        t_district = district
    elif table.district and district:
        block = next(b for b in table.blocks if b.district_cell)
        _check_title_district(table.file, block.sheet or table.sheet, block.district_cell, table.district, district,
                              t_year, problems)
    if not t_district:
        raise InputError("the table's title block has no district (KABUPATEN/KOTA ...) and no --district was given.",
                         where, "add the district to the title block, or pass --district.")
    return t_year, t_district


def _check_title_district(file: str, sheet: str, cell: tuple[int, int], title: str, district: str, year,
                          problems: list) -> None:
    """A warning naming the title cell when it names another district than --district (the title is used)."""
    if district_key(title) == district_key(district):
        return
    row, col = cell
    problems.append({"severity": "warning", "check": "district_mismatch", "file": file, "sheet": sheet, "row": row,
                     "column": column_letter(col), "year": year, "area": title,
                     "message": f"the title names {title} but --district {district} was given; the title's district is "
                                "used (as for the year). If the title is wrong, correct that cell."})


class _BlockPlan:
    """What every row of a block shares: its columns (letter, header text, cell-column id) and their signature."""

    def __init__(self, table: AnnexTable, columns: list[Column], builder: CellBuilder):
        read = [c for c in columns if c.role != "ignored"]
        self.columns = [(col, col.letter, f"{col.letter} ({col.label})",
                         builder.column(col.letter, col.label, table.kind, col.role, col.measure, col.sex,
                                        col.age_group, col.cause, col.denominator_kind),
                         col.role == "count", col.role in ("count", "check")) for col in read]
        self.signature = tuple(sorted((c.measure, c.sex, c.age_group, c.cause, c.role) for c in read))
        self.salt = current_salt()


def _account_row(table: AnnexTable, block_no: int, plan: _BlockPlan, body: BodyRow, year: int,
                 district_raw: str, ctx: FlatContext, builder: CellBuilder, seen_rows: dict[tuple, tuple]) -> dict:
    """The ledger entry for a body row; its parsed cells go to ``builder`` (not counted when set aside)."""
    registry, problems = ctx.registry, ctx.problems
    district = registry.district_name(district_raw)
    entry = {"file": table.file, "sheet": table.sheet, "row": body.row, "table": table.kind,
             "block": "lanj." if block_no else "main", "row_kind": body.kind, "year": year,
             "district": district, "name_hash": name_hash(body.label), "name_matched": "", "puskesmas": "",
             "state": "", "rules": "", "reason": "", "month": pd.NA, "format": "annex"}
    rules: list[str] = []
    reasons: list[str] = []
    geo = {"province": registry.province(district_raw), "district": district, "kecamatan": "", "puskesmas": ""}

    if body.kind == "total":
        reasons.append("district total row: kept as a reported value and checked against the sum of the Puskesmas rows")
    elif body.kind == "rate":
        reasons.append("reported rate row: kept as a reported value and checked against the recomputed rate")
    else:
        geo = resolve_puskesmas(ctx, district_raw, body.label, rules, reasons, table, entry, body.name_column,
                                body.kecamatan, body.kecamatan_column)
    row_id = builder.row(table.file, table.sheet, body.row, entry["block"], body.kind, year, geo, pd.NA, "annex")

    values: list[tuple[str, float | None]] = []   # (column letter, value) for the duplicate check
    cell_rules: list[str] = []
    data, rate = body.kind == "data", body.kind == "rate"
    column_ids, raws, numbers, decimals = [], [], [], []
    for col, letter, header, column_id, is_count, blank_is_zero in plan.columns:
        raw = body.cells.get(col.index)
        counts_here = is_count and data
        parsed, shown, implausible, odd = _read_cell(raw, blank_is_zero and not rate, plan.salt)
        if parsed.problem or implausible:
            # text, or an ID number typed into a number cell: the value is kept nowhere, not even for the checks
            what = ("implausibly large number (an ID number typed into a number cell?); correct the cell"
                    if implausible else parsed.problem)
            check = "implausible_count" if implausible else (parsed.check or "text_in_count")
            if counts_here:
                reasons.append(f"column {header}: {what}")
                problems.append(_problem("error", check, table, body, col, year, geo,
                                         f"column {header}: {what}. The row is set aside."))
            else:
                problems.append({"severity": "warning", "check": parsed.check or "unreadable_value", "file": table.file,
                                 "sheet": table.sheet, "row": body.row, "column": letter, "year": year,
                                 "area": geo["puskesmas"] or district,
                                 "message": f"column {header}: {what}; the value is left out of the checks."})
            continue
        value = parsed.value
        if counts_here and odd:
            if value < 0:
                reasons.append(f"column {header}: negative count {value:g}; counts cannot be below 0, correct the cell")
                problems.append(_problem("error", "negative_count", table, body, col, year, geo,
                                         f"column {header}: negative count {value:g}. The row is set aside; correct the cell."))
            elif not float(value).is_integer():
                reasons.append(f"column {header}: non-integer count {value:g}; counts must be whole numbers, correct the cell")
                problems.append(_problem("error", "non_integer_count", table, body, col, year, geo,
                                         f"column {header}: non-integer count {value:g}. The row is set aside; correct the cell."))
        if parsed.rule and data:
            cell_rules.append(parsed.rule)
        column_ids.append(column_id)
        raws.append(raw)
        numbers.append(value)
        decimals.append(shown)
        values.append((letter, value))
    builder.add_cells(row_id, column_ids, raws, numbers, decimals)
    rules.extend(summarise_rules(cell_rules))
    duplicate = False
    if body.kind == "data" and geo["puskesmas"] and not reasons:
        _check_duplicate(table, plan.signature, body, values, district, year, geo, seen_rows, reasons, problems)
        duplicate = bool(reasons)
    # A data row set aside for anything but being a duplicate leaves its counts out of the data.
    entry["counts_missing"] = bool(reasons) and body.kind == "data" and not duplicate
    if body.kind in ("total", "rate"):  # a reported value: checked against the data, never counted
        entry["state"], entry["reason"] = "reported", "; ".join(reasons)
        entry["rules"] = "; ".join(rules)
        return entry
    if reasons:
        entry["state"], entry["reason"] = "set_aside", "; ".join(reasons)
        entry["rules"] = "; ".join(rules)
        if body.kind == "data":  # kept for the table-total checks only, never counted
            builder.set_used(row_id, False)
        return entry
    entry["state"] = "mapped" if rules else "kept"
    entry["rules"] = "; ".join(rules)
    return entry


def _check_duplicate(table: AnnexTable, signature: tuple, body: BodyRow, cells: list[tuple[str, float | None]],
                     district: str, year: int, geo: dict, seen: dict, reasons: list, problems: list) -> None:
    """The same Puskesmas, year and columns read twice (same table or another file): the second is set aside.

    ``signature`` says which columns the row has; ``cells`` are its (column letter, value) pairs.
    When its numbers differ from the first, a 'conflicting_duplicate' warning asks which is right.
    """
    key = (table.kind, district, year, geo["puskesmas"], signature)
    values = tuple(v for _, v in sorted(cells))   # by column letter (one cell per column)
    first = seen.get(key)
    if first is None:
        seen[key] = (table.file, table.sheet, body.row, values)
        return
    f_file, f_sheet, f_row, f_values = first
    where = f"row {f_row}" if (f_file, f_sheet) == (table.file, table.sheet) else \
        f"{Path(f_file).name}" + (f", sheet '{f_sheet}'" if f_sheet else "") + f", row {f_row}"
    same = "the same numbers" if f_values == values else "DIFFERENT numbers"
    reasons.append(f"second row for {geo['puskesmas']} {year} in this table (first at {where}, {same}); not counted twice")
    if f_values != values:
        problems.append({"severity": "warning", "check": "conflicting_duplicate", "file": table.file, "sheet": table.sheet,
                         "row": body.row, "column": "", "year": year, "area": geo["puskesmas"],
                         "message": f"{geo['puskesmas']} {year} appears twice with different numbers (first at {where}); "
                                    "the first is counted: check which is right and remove the other."})


def _column_notes(table: AnnexTable, columns: list[Column], year: int) -> list[dict]:
    """A note for each column read under a rule (a typo fixed, an unknown cause, not used); neighbouring
    columns with the same note (a block of unrecognised columns) share one note."""
    runs: list[list[Column]] = []
    for col in (c for c in columns if c.rule):
        if runs and runs[-1][-1].rule == col.rule and runs[-1][-1].index == col.index - 1:
            runs[-1].append(col)
        else:
            runs.append([col])
    notes = []
    for run in runs:
        first, last = run[0], run[-1]
        header, note = _recognised_as(first), first.rule
        if len(run) > 1:
            header = f"{_recognised_as(first)} … {_recognised_as(last)}" if _recognised_as(first) else ""
            note = f"{first.rule} ({len(run)} neighbouring columns, {first.letter} to {last.letter})"
        notes.append({"file": table.file, "sheet": table.sheet, "table": table.kind, "year": year,
                      "column": first.letter, "header": header, "note": note})
    return notes


def _recognised_as(col: Column) -> str:
    """What a column was recognised as, for notes; '' for one that was not (its header text is never written)."""
    return "" if col.role == "ignored" else col.label


def _outside_finding(table: AnnexTable, block, year: int) -> dict:
    """One finding for the values beside a block, right of its last column (scratch sums, notes, junk)."""
    refs = [f"{column_letter(j)}{r}" for r, j in block.outside]
    rows, cols = [r for r, _ in block.outside], [j for _, j in block.outside]
    span = f"{column_letter(min(cols))}{min(rows)}:{column_letter(max(cols))}{max(rows)}"
    shown = ", ".join(refs[:10]) + (f" and {len(refs) - 10} more" if len(refs) > 10 else "")
    return {"severity": "warning", "check": "outside_table", "file": table.file, "sheet": table.sheet,
            "row": min(rows), "column": column_letter(min(cols)), "year": year, "area": "",
            "message": f"{len(refs)} cell{'s' if len(refs) > 1 else ''} right of the table's last column "
                       f"{column_letter(block.edge - 1)} ({span}: {shown}) are outside the table and were not read. "
                       "If they belong to the table, give them a header label; otherwise move them off the table's rows."}


def _problem(severity: str, check: str, table: AnnexTable, body: BodyRow, col: Column, year: int,
             geo: dict, message: str) -> dict:
    return {"severity": severity, "check": check, "file": table.file, "sheet": table.sheet, "row": body.row,
            "column": col.letter, "year": year, "area": geo["puskesmas"] or geo["district"], "message": message}


@lru_cache(maxsize=65536, typed=True)   # tables repeat the same few hundred cell texts
def _read_cell(raw: object, blank_is_zero: bool, salt: str) -> tuple[Parsed, int, bool, bool]:
    """A cell read once per distinct text (and salt: a problem gives the text by its salted hash): its value,
    the decimals shown, whether it is implausibly large (an ID number?) and whether it is an odd count
    (negative or not whole)."""
    parsed = parse_number(raw, blank_is_zero=blank_is_zero)
    value = parsed.value
    implausible = not parsed.problem and value is not None and abs(value) > 1e7
    odd = value is not None and (value < 0 or not float(value).is_integer())
    return parsed, _decimals(raw), implausible, odd


def _decimals(raw: object) -> int:
    """Decimals shown in a reported value ('96,23' -> 2); floats from Excel count up to 2."""
    if raw is None:
        return 0
    text = str(raw).strip().rstrip("%")
    if isinstance(raw, float):
        text = repr(raw)
        return 0 if raw.is_integer() else min(len(text.split(".")[-1]), 2)
    for sep in (",", "."):
        if sep in text:
            tail = text.split(sep)[-1]
            if sep == "." and len(tail) == 3 and "," not in text:
                return 0  # '1.905' is a thousands separator
            return len(tail)
    return 0


# --- canonical tables -----------------------------------------------------------------

_SOURCE = ["file", "sheet", "row"]
#: The cell columns the canonical tables are built from (a narrow copy is cheaper than the whole cell table).
_CANONICAL_FROM = GEO + ["year", "month", "sex", "role", "measure", "age_group", "cause", "denominator_kind",
                         "value"] + _SOURCE


def _data_counts(cells: pd.DataFrame, table: str) -> pd.DataFrame:
    mask = (cells["table"] == table) & (cells["row_kind"] == "data") & (cells["role"] == "count") & cells["used"]
    sel = cells.loc[mask, _CANONICAL_FROM]
    return sel.assign(value=sel["value"].astype(float))


def _with_source(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=keys + ["source_file", "source_sheet", "source_row"])
    src = df.groupby(keys, dropna=False)[_SOURCE].first().reset_index()
    return src.rename(columns={"file": "source_file", "sheet": "source_sheet", "row": "source_row"})


def _sum_with_source(df: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """The sum of ``value`` per ``keys`` as ``name``, with the first source cell of each group, in one pass."""
    return df.groupby(keys, dropna=False).agg(**{name: ("value", "sum")}, source_file=("file", "first"),
                                              source_sheet=("sheet", "first"), source_row=("row", "first")).reset_index()


def build_canonical(cells: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Aggregate the used count cells into the four canonical tables (validated by pandera).

    Keys are the geography, year, month (monthly data; dropped when no row has one) and sex.
    """
    keys = GEO + ["year", "month", "sex"]
    out = {}

    b = _data_counts(cells, "births")
    births = b.groupby(keys + ["measure"], dropna=False)["value"].sum().unstack("measure").reset_index() \
        if not b.empty else pd.DataFrame(columns=keys)
    for col in ("live_births", "stillbirths"):
        if col not in births:
            births[col] = 0.0
        births[col] = births[col].fillna(0)
    births = births.merge(_with_source(b, keys), on=keys, how="left")
    out["births"] = births[keys + ["live_births", "stillbirths", "source_file", "source_sheet", "source_row"]]

    d = _data_counts(cells, "deaths").rename(columns={"measure": "age_group_"})
    d["age_group"] = d["age_group_"]
    d = d[d["age_group"].isin(["neonatal", "postneonatal", "child"])]
    dk = keys + ["age_group"]
    out["deaths"] = _sum_with_source(d, dk, "deaths")

    c = pd.concat([_data_counts(cells, "causes"), _data_counts(cells, "child_causes")])
    ck = keys + ["age_group", "cause"]
    out["deaths_by_cause"] = _sum_with_source(c, ck, "deaths")

    out["neonatal_visits"] = _visits(cells, keys)

    for name, df in out.items():
        if df.empty:
            out[name] = empty_table(name)
            continue
        df["year"] = df["year"].astype("int64")  # rows without a year are set aside, but their cells made the column float
        if df["month"].isna().all():
            df = df.drop(columns="month")
        else:
            df["month"] = df["month"].astype("Int64")
        # sorted while the text is categorical (sorted categories: the order of the text itself, less to copy)
        df = df.sort_values([k for k in ["district", "year", "month", "puskesmas", "sex", "age_group", "cause", "visit"] if k in df])
        df = _default_text(with_known_geography(df))
        out[name] = SCHEMAS[name].validate(df.reset_index(drop=True))
    return out


def _default_text(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain str (the cell table holds text as categories: see cells.py); each category is
    converted once and taken by its code."""
    for col in [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)]:
        values = df[col]
        text = values.cat.categories.astype("str").array.take(values.cat.codes.to_numpy(), allow_fill=True)
        df[col] = pd.Series(text, index=df.index)
    return df


def with_known_geography(df: pd.DataFrame) -> pd.DataFrame:
    """The geography rule (schemas.py): an empty or missing province or kecamatan becomes 'unknown'."""
    for col in ("province", "kecamatan"):
        values = df[col]
        if isinstance(values.dtype, pd.CategoricalDtype):  # the cell table's text: each category decided once
            known = np.array([c if str(c).strip() else UNKNOWN for c in values.cat.categories] + [UNKNOWN], dtype=object)
            df[col] = pd.Series(known[values.cat.codes.to_numpy()], index=df.index, dtype=object)  # code -1: the last
            continue
        df[col] = values.astype(object).where(values.notna() & (values.astype(str).str.strip() != ""), UNKNOWN)
    return df


def incomplete_rows(ledger: pd.DataFrame, canonical: dict[str, pd.DataFrame], registry: Registry) -> pd.DataFrame:
    """The data rows whose counts are missing from the canonical tables (set aside for a problem).

    One row per such raw row: its geography (the Puskesmas once resolved, else 'unknown'),
    year, month (monthly data) and table. Indicators leave these Puskesmas-periods out of both
    numerator and denominator and flag the areas above them as built from incomplete rows.
    Duplicates (the first row is counted) and sources compared but not counted are not listed.
    """
    cols = GEO + ["year", "month", "table", "source_file", "source_sheet", "source_row"]
    if ledger.empty or "counts_missing" not in ledger:
        return empty_table("incomplete")
    rows = ledger[ledger["counts_missing"] & ledger["year"].notna()]
    if rows.empty:
        return empty_table("incomplete")
    frames = [t[GEO] for t in canonical.values() if not t.empty and set(GEO) <= set(t)]
    places = pd.concat(frames).drop_duplicates(["district", "puskesmas"]) if frames else pd.DataFrame(columns=GEO)
    out = rows.rename(columns={"file": "source_file", "sheet": "source_sheet", "row": "source_row"})
    out = out.assign(puskesmas=out["puskesmas"].replace("", UNKNOWN).fillna(UNKNOWN),
                     district=out["district"].replace("", UNKNOWN).fillna(UNKNOWN))
    out = out.drop(columns=[c for c in ("province", "kecamatan") if c in out]).merge(
        places, on=["district", "puskesmas"], how="left")
    out["province"] = out["province"].fillna(out["district"].map(registry.province))
    out = with_known_geography(out)
    out["year"] = out["year"].astype(int)
    out["source_sheet"] = out["source_sheet"].fillna("")
    out = out[cols].reset_index(drop=True)
    if out["month"].isna().all():
        out = out.drop(columns="month")
    return SCHEMAS["incomplete"].validate(out)


def empty_table(name: str) -> pd.DataFrame:
    """An empty canonical table with the schema's columns and dtypes (a table absent from the input)."""
    schema = SCHEMAS[name]
    cols = {}
    for col, spec in schema.columns.items():
        dtype = str(spec.dtype)
        cols[col] = pd.Series(dtype="int64" if "int" in dtype else "float64" if "float" in dtype else "str")
    return pd.DataFrame(cols).drop(columns=["month"], errors="ignore")


def _visits(cells: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    k = cells.loc[(cells["table"] == "kn") & (cells["row_kind"] == "data") & cells["used"], _CANONICAL_FROM]
    counts = k[(k["role"] == "count") & k["measure"].isin(["kn1", "kn_lengkap"])]
    denom = k[(k["role"] == "count") & (k["measure"] == "denominator")]
    pct = k[(k["role"] == "pct") & k["measure"].isin(["kn1", "kn_lengkap"])]
    v = counts.groupby(keys + ["measure"], dropna=False)["value"].sum().rename("visits").reset_index()
    den = denom.groupby(keys, dropna=False).agg(denominator=("value", "sum"),
                                                denominator_kind=("denominator_kind", "first")).reset_index()
    pc = pct.groupby(keys + ["measure"], dropna=False)["value"].first().rename("reported_pct").reset_index()
    v = v.merge(den, on=keys, how="left").merge(pc, on=keys + ["measure"], how="left")
    v = v.merge(_with_source(counts, keys + ["measure"]), on=keys + ["measure"], how="left")
    v = v.rename(columns={"measure": "visit"})
    cols = keys + ["visit", "visits", "denominator", "denominator_kind", "reported_pct",
                   "source_file", "source_sheet", "source_row"]
    return v.reindex(columns=cols)
