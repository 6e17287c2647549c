"""The cleaning step as users run it: read raw inputs, clean, check, and write the processed folder.

Outputs in the processed folder (written atomically):

* births, deaths, deaths_by_cause, neonatal_visits  (.parquet for the library, .csv for Excel)
* maternal_deaths, maternal_causes  (the same; only when the input has maternal tables or deaths)
* monthly_desa        the monthly reports by desa/kelurahan and month (.parquet, .csv), when there are
                      monthly reports: what the quarterly brief is computed from
* reviews             (.parquet, .csv) the AMP-SR review fields of each line-list death, as codes;
                      only when line lists were read
* ledger.csv          every raw body row with its state (kept / mapped / set_aside) and why
* set_aside.csv       the rows set aside, with their reasons
* findings.csv        data-quality findings (severity, check, file, sheet, row, column, year, area, message)
* reported_values.csv totals and rates as printed in the tables, for traceability
* sources.csv         which table was read from which file and sheet
* dropped_columns.csv columns not read (personal data, or not used), by header name only
* cleaning_report.md  what was read, what changed and why, with counts
* registry_proposed_<district>.csv  for a district the registry does not know yet
* text_hash_salt.txt  the salt of the text hashes in messages ('text of 23 characters, #a1b2c3d4'),
                      kept so re-runs give the same hashes (``imr-analysis hash-text`` uses it)

No free text of the input is written (privacy.py); every text column and the report are also
scrubbed of personal-data patterns as a second line.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pandera.errors import SchemaError

from .. import outputs, privacy
from .pipeline import CleanResult, clean
from .checks import findings
from .report import cleaning_report
from ..read.files import INPUT_ERROR_COLUMNS
from ..schemas import MATERNAL_TABLES, SCHEMAS

CANONICAL = list(SCHEMAS)
#: Canonical tables a processed folder may lack (an empty table is then used). The maternal tables are
#: written only when the input has maternal deaths.
OPTIONAL = {"incomplete", *MATERNAL_TABLES}
#: The processed table of AMP-SR review fields (schemas.reviews), written when line lists were read.
REVIEWS = "reviews"


@dataclass
class CleanRun:
    result: CleanResult
    findings: pd.DataFrame
    out: Path
    written: list[Path]


def run_clean(paths: list[Path], out: Path, year: int | None = None, district: str | None = None,
              engine: str = "calamine", keep_going: bool = False, fmt: str | None = None,
              neonatal_max_days: int = 28, lang: str = "id") -> CleanRun:
    """Clean raw files/folders into ``out``; returns the result, the findings and the paths written.

    ``lang``: the language of cleaning_report.md ('id' or 'en'); the tables, ledger.csv and findings.csv
    are the same in either.

    ``keep_going``: files that cannot be used are listed in input_errors.csv instead of stopping.
    """
    # Load inputs and process data; cell texts are hashed with the processed folder's salt
    out = Path(out)
    with privacy.salted(privacy.folder_salt(out)) as salt:
        result = clean([Path(p) for p in paths], year=year, district=district, engine=engine, keep_going=keep_going,
                       fmt=fmt, neonatal_max_days=neonatal_max_days)
        found = findings(result)
    result.ledger, result.sources, result.input_errors = (privacy.scrub_frame(df) for df in
                                                          (result.ledger, result.sources, result.input_errors))
    found = privacy.scrub_frame(found)

    # Save outputs: staged, so an interrupted run leaves the previous outputs intact
    with outputs.staged(out) as stage:
        for name in CANONICAL:
            if name in MATERNAL_TABLES and result.tables[name].empty:
                continue
            outputs.write_table(result.tables[name], stage, name)
        if result.monthly_desa is not None and not result.monthly_desa.empty:
            outputs.write_table(result.monthly_desa, stage, "monthly_desa")
        if len(result.reviews):
            outputs.write_table(result.reviews, stage, REVIEWS)
        outputs.write_csv(result.ledger, stage / "ledger.csv")
        outputs.write_csv(result.ledger[result.ledger["state"] == "set_aside"], stage / "set_aside.csv")
        outputs.write_csv(found, stage / "findings.csv")
        reported = result.cells[result.cells["row_kind"].isin(["total", "rate"])].drop(columns=["used"])
        outputs.write_csv(reported, stage / "reported_values.csv")
        outputs.write_csv(result.sources, stage / "sources.csv")
        outputs.write_csv(result.input_errors, stage / "input_errors.csv")
        dropped = pd.DataFrame(result.dropped_columns, columns=["file", "sheet", "header", "why"])
        outputs.write_csv(dropped, stage / "dropped_columns.csv")
        if result.proposed_registry is not None:
            for dist, group in result.proposed_registry.groupby("district", dropna=False):
                g = group.assign(aliases=group["aliases"].map(lambda a: "|".join(sorted(a))))
                outputs.write_csv(g, stage / f"registry_proposed_{dist.replace(' ', '_').lower()}.csv")
        outputs.write_text(stage / "cleaning_report.md", privacy.scrub(cleaning_report(result, found, lang)))
        outputs.write_text(stage / privacy.SALT_FILE, salt + "\n")
        written = [out / p.relative_to(stage) for p in sorted(stage.rglob("*")) if p.is_file()]
    for old in out.glob("registry_proposed_*.csv"):  # proposals of an earlier run that no longer apply
        if old not in written:
            old.unlink()
    return CleanRun(result, found, out, written)


def input_errors(directory: Path) -> pd.DataFrame:
    """Files the last cleaning could not use (empty when there were none)."""
    path = Path(directory) / "input_errors.csv"
    if not path.exists():
        return pd.DataFrame(columns=INPUT_ERROR_COLUMNS)
    return pd.read_csv(path, encoding="utf-8-sig")


def unread_inputs(directory: Path, years=None) -> pd.DataFrame:
    """Files (or tables) the last cleaning could not use that may hold data for ``years``: those of
    these years and those whose year is unknown (all of them when ``years`` is None)."""
    errors = input_errors(directory)
    if years is None:
        return errors
    return errors[errors["year"].isin(list(years)) | errors["year"].isna()]


def districts(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The districts with data in the canonical tables, sorted."""
    found: set[str] = set()
    for name in ("births", "deaths", "deaths_by_cause", "neonatal_visits"):
        found |= set(tables[name]["district"])
    return sorted(found)


def years(tables: dict[str, pd.DataFrame], district: str | None = None) -> list[int]:
    """The years with data in the canonical tables (of ``district``, or of any), sorted."""
    frames = [tables[n] for n in ("births", "deaths", "deaths_by_cause", "neonatal_visits")]
    found = set()
    for f in frames:
        found |= set(f.loc[f["district"] == district, "year"] if district else f["year"])
    return sorted(int(y) for y in found)


def check_year(tables: dict[str, pd.DataFrame], directory: Path, year: int, district: str) -> None:
    """Stop with a clear message when a year has no data: its raw files could not be read, or there are none.

    A year that has data from other files is reported even when one of its files could not be read;
    the report and the data-quality report name that file (``unread_inputs``).
    """
    from ..errors import InputError, Location

    if year in years(tables, district):
        return
    errors = input_errors(directory)
    broken = errors[errors["year"] == year]
    if not broken.empty:
        stored = [{"input_error": InputError.from_stored(*_code_and_params(e), e["message"]).to_dict()}
                  for _, e in broken.iterrows()]
        raise InputError.from_key("year_unreadable", Location(file=Path(broken.iloc[0]["file"]).name), year=int(year),
                                  errors=stored)
    raise InputError.from_key("no_data_year", district=district, year=int(year),
                              years=", ".join(map(str, years(tables, district))))


def _code_and_params(error: pd.Series) -> tuple[str, str]:
    """The template key and parameters of an input_errors row ('' for a folder written before they were kept)."""
    code, params = error.get("code", ""), error.get("params", "")
    return ("" if pd.isna(code) else str(code)), ("" if pd.isna(params) else str(params))


def load_monthly_desa(directory: Path) -> pd.DataFrame:
    """The monthly reports by desa of a processed folder (schemas.monthly_desa); a clear message when it has none."""
    from ..errors import InputError, Location
    from ..schemas import monthly_desa

    path = Path(directory) / "monthly_desa.parquet"
    if not path.exists():
        raise InputError.from_key("no_monthly_desa", Location(file=str(path)))
    df = pd.read_parquet(path)
    try:
        return monthly_desa.validate(df)
    except SchemaError as exc:
        raise InputError.from_key("monthly_desa_schema", Location(file=str(path)),
                                  problem=privacy.scrub(str(exc).splitlines()[0])) from None


def load_processed(directory: Path) -> dict[str, pd.DataFrame]:
    """The canonical tables from a processed folder, validated against their schemas."""
    directory = Path(directory)
    if not directory.is_dir():
        from ..errors import InputError, Location
        raise InputError.from_key("processed_missing", Location(file=str(directory)))
    missing = [n for n in CANONICAL if n not in OPTIONAL and not (directory / f"{n}.parquet").exists()]
    if missing:
        from ..errors import InputError, Location
        raise InputError.from_key("processed_incomplete", Location(file=str(directory)),
                                  files=", ".join(m + ".parquet" for m in missing))
    tables = {}
    for name in CANONICAL:
        path = directory / f"{name}.parquet"
        if not path.exists():  # an optional table (data written by 'synth', say): none of its rows
            from .canonical import empty_table
            tables[name] = empty_table(name)
            continue
        df = pd.read_parquet(path)
        for col in df.columns[df.dtypes == "category"]:  # e.g. written by 'imr-analysis synth --format canonical'
            df[col] = df[col].astype(str)
        try:
            tables[name] = SCHEMAS[name].validate(df)
        except SchemaError as exc:
            from ..errors import InputError, Location
            raise InputError.from_key("canonical_schema", Location(file=str(directory / f"{name}.parquet")), name=name,
                                      problem=privacy.scrub(str(exc).splitlines()[0])) from None
    return tables


def load_reviews(directory: Path) -> pd.DataFrame:
    """The reviews table of a processed folder (schemas.reviews); empty when no line list was read."""
    from ..schemas import reviews
    from .review import review_frame

    path = Path(directory) / f"{REVIEWS}.parquet"
    if not path.exists():
        return review_frame([])
    try:
        return reviews.validate(pd.read_parquet(path))
    except SchemaError as exc:
        from ..errors import InputError, Location
        raise InputError.from_key("reviews_schema", Location(file=str(path)),
                                  problem=privacy.scrub(str(exc).splitlines()[0])) from None
