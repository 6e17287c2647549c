"""The ``imr-analysis`` command: clean, indicators, run.

Exit codes: 0 done (warnings printed); 2 the input cannot be used (the message names the file,
sheet, row and column and says what to fix); 3 done but --strict and rows were set aside or
error findings exist; 1 an unexpected failure (run with --debug for the traceback).
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import pandas as pd

from . import config
from .errors import InputError, Location
from .privacy import scrub

EXIT_INPUT = 2
EXIT_STRICT = 3


def _print_clean_summary(run) -> None:
    from .vocab.puskesmas import registry_file

    ledger, found = run.result.ledger, run.findings
    data = ledger[ledger["row_kind"] == "data"]
    years = sorted(set(run.result.sources["year"]))
    print(f"Read {len(run.result.sources)} table(s) for {', '.join(sorted(set(run.result.sources['district'])))}, "
          f"years {', '.join(map(str, years))}.")
    print(f"Rows: {len(ledger)} raw body rows = {(ledger['state'] == 'kept').sum()} kept + "
          f"{(ledger['state'] == 'mapped').sum()} mapped + {(ledger['state'] == 'set_aside').sum()} set aside + "
          f"{(ledger['state'] == 'reported').sum()} reported values (total and rate rows, checked, not counted).")
    for _, row in data[data["state"] == "set_aside"].head(20).iterrows():
        print(f"  SET ASIDE {row['file']}, sheet '{row['sheet']}', row {row['row']}: {row['reason']}", file=sys.stderr)
    counts = found["severity"].value_counts() if not found.empty else {}
    print(f"Findings: {counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings, {counts.get('info', 0)} info "
          f"(see findings.csv).")
    shown = found[found["severity"].isin(["error", "warning"]) & (found["check"] != "unreadable_file")]  # printed by run
    for _, f in shown.head(15).iterrows():
        where = ", ".join(str(x) for x in (f["file"], f"sheet '{f['sheet']}'" if f["sheet"] else "",
                                            f"row {f['row']}" if pd.notna(f["row"]) else "",
                                            f"column {f['column']}" if f["column"] else "") if x)
        print(f"  {f['severity'].upper()} [{f['check']}] {where}: {f['message']}", file=sys.stderr)
    proposed = [p for p in run.written if p.name.startswith("registry_proposed_")]
    dropped = [d["header"] for d in run.result.dropped_columns if d["why"] == "personal data"]
    if dropped:
        print(f"Personal data dropped at read time (columns): {', '.join(sorted(set(dropped)))}.")
    for p in proposed:
        print(f"New district: names were taken as written. Review {p} and copy its rows into {registry_file()}.")
    print(f"Processed tables, ledger, findings and cleaning report written to {run.out}")


def cmd_hash_text(args) -> int:
    """The hash a message shows for a cell's text ('#a1b2c3d4'), to find that cell in your own file."""
    from .privacy import SALT_FILE, describe_text, salted

    salt_file = Path(args.processed) / SALT_FILE
    if not salt_file.exists():
        raise InputError(f"there is no {SALT_FILE} in the processed folder.", Location(file=str(args.processed)),
                         "give the processed folder the messages came from (the --out of clean, or --processed of run).")
    with salted(salt_file.read_text(encoding="utf-8").strip()):
        for text in args.text:
            print(describe_text(text))
    return 0


def cmd_clean(args) -> int:
    from .clean.store import run_clean

    from .clean.annex import expand_inputs

    files, _ = expand_inputs([Path(p) for p in args.raw])
    # One file that cannot be used fails alone when there are others: they are cleaned and written,
    # and input_errors.csv names it. A single file (or all of them) failing stops as before.
    run = run_clean(args.raw, args.out, year=args.year, district=args.district, engine=args.engine, fmt=args.format,
                    neonatal_max_days=args.neonatal_days, keep_going=len(files) > 1)
    errors_in = run.result.input_errors
    if len(errors_in) == len(files):
        raise InputError(str(errors_in.iloc[0]["message"]))
    _print_clean_summary(run)
    for message in errors_in["message"]:
        print(f"  FILE NOT USED {message}", file=sys.stderr)
    if not errors_in.empty:
        print(f"{len(errors_in)} of {len(files)} file(s) could not be used (listed above and in input_errors.csv); "
              "the others were cleaned.", file=sys.stderr)
        return EXIT_INPUT
    aside = (run.result.ledger["state"] == "set_aside").any()
    errors = (run.findings["severity"] == "error").any() if not run.findings.empty else False
    return EXIT_STRICT if args.strict and (aside or errors) else 0


def _format_table(df: pd.DataFrame) -> str:
    show = pd.DataFrame({
        "indicator": df["indicator"], "year": df["year"], "area": df["area"],
    })
    if (df["sex"] != "all").any():
        show["sex"] = df["sex"]
    if (df["cause"] != "all").any():
        show["age_group"], show["cause"] = df["age_group"], df["cause"]
    show["numerator"] = df["numerator"].map(lambda x: f"{x:,.0f}" if pd.notna(x) else "")
    show["denominator"] = df["denominator"].map(lambda x: f"{x:,.0f}" if pd.notna(x) else "")
    unit = df["multiplier"].map({1000: "per 1,000", 100: "%"})
    show["value"] = [(f"{v:.1f} {u}" if u != "%" else f"{v:.2f} %") if pd.notna(v) else "-" for v, u in zip(df["value"], unit)]
    show["95% CI"] = [f"{lo:.1f} - {hi:.1f}" if pd.notna(lo) else "-" for lo, hi in zip(df["lower_95"], df["upper_95"])]
    show["99.8% CI"] = [f"{lo:.1f} - {hi:.1f}" if pd.notna(lo) else "-" for lo, hi in zip(df["lower_998"], df["upper_998"])]
    show["method"] = df["method"]
    show["target"] = [f"{t:g}" if pd.notna(t) else "" for t in df["target"]]
    show["meets"] = df["meets_target"].map(lambda m: "" if pd.isna(m) else ("yes" if m else "no"))
    show["flag"] = df["flag"]
    return show.to_string(index=False)


def _check_out(out: str | None) -> None:
    """--out must be a .csv or .xlsx file; anything else is refused before any work."""
    if out and Path(out).suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"--out {out}: this command writes .csv or .xlsx files only.",
                         fix="give a file name ending in .csv or .xlsx.")


def cmd_indicators(args) -> int:
    from .analysis.indicators import compute_indicators
    from .clean.store import load_processed
    from .report import exports
    from .report.tables import years as data_years
    from .vocab.indicators import indicators as indicator_vocab

    _check_out(args.out)
    wanted = [w.strip() for w in args.indicator.split(",") if w.strip()] if args.indicator else []
    valid = list(indicator_vocab().index)
    unknown = [w for w in wanted if w not in valid]
    if unknown:
        raise InputError(f"unknown indicator name(s): {', '.join(unknown)}.",
                         fix=f"use one or more of: {', '.join(valid)} (comma-separated).")
    tables = load_processed(args.processed)
    years = data_years(tables)
    if args.year is not None and args.year not in years:
        raise InputError(f"there are no data for {args.year} in the processed folder (years: "
                         f"{', '.join(map(str, years)) or 'none'}).",
                         fix="choose one of those years, or clean that year's files first.")
    out = compute_indicators(tables, level=args.level, year=args.year, by_sex=args.by_sex,
                             cause_grouping=args.cause_grouping)
    if wanted:
        out = out[out["indicator"].isin(wanted)]
    if args.out:
        path = exports.write(out, "indicators", Path(args.out), args.lang, args.csv_locale, args.table)
        print(f"{len(out)} indicator rows written to {path}")
        return 0
    shown = out if args.indicator else out[~out["indicator"].isin(["cause_rate", "cause_share"])]
    print(_format_table(shown))
    if not args.indicator:
        print("\n(cause_rate and cause_share rows are left out here: use --indicator cause_share or --out FILE)")
    return 0


def _write_or_print(df: pd.DataFrame, args, kind: str) -> None:
    """Write the table ``kind`` to --out as people read it (report/exports.py), or print it."""
    from .report import exports

    out = args.out
    _check_out(out)
    if out:
        path = exports.write(df, kind, Path(out), args.lang, args.csv_locale, args.table)
        print(f"{len(df)} rows written to {path}")
    else:
        print(df.to_string(index=False, float_format=lambda v: f"{v:.2f}"))


def cmd_trends(args) -> int:
    from .clean.store import load_processed
    from .analysis.trends import trend_table

    table = trend_table(load_processed(args.processed), level=args.level, start=args.start, end=args.end)
    _write_or_print(table.drop(columns=["dispersion"]), args, "trends")
    return 0


def cmd_funnel(args) -> int:
    from .analysis.compare import funnel
    from .clean.store import load_processed

    tables = load_processed(args.processed)
    years = sorted(set(tables["births"]["year"]))
    if args.year not in years:
        raise InputError(f"there are no births for {args.year} in the processed folder (years: {', '.join(map(str, years))}).",
                         fix="choose one of those years.")
    if args.indicator not in ("imr", "nmr", "postneonatal_mr", "u5mr", "stillbirth_rate"):
        raise InputError(f"--indicator {args.indicator} is not a rate this funnel plot draws.",
                         fix="use imr, nmr, postneonatal_mr, u5mr or stillbirth_rate.")
    points, _, notes = funnel(tables, args.year, args.indicator, args.pool_years, args.overdispersion)
    print(f"{args.indicator} {min(notes['years'])}-{max(notes['years'])}: district {notes['theta']:.2f} per 1,000; "
          f"limits: {notes['limits']}")
    _write_or_print(points, args, "funnel")
    return 0


def cmd_synth(args) -> int:
    """Seeded synthetic data: national scale (canonical Parquet tables, or annex workbooks), or with
    --unseen a corpus of districts the registry does not know, with the truth it was written from."""
    from . import synth
    from .batch import parse_years

    if args.unseen:
        return _synth_unseen(args)
    years = parse_years(args.years) or list(range(2015, 2025))
    districts, puskesmas = args.districts or 514, args.puskesmas or 10000
    tables = synth.canonical(districts, puskesmas, years, args.monthly, args.seed)
    if args.format == "canonical":
        paths = synth.write_canonical(tables, args.out)
    else:
        paths = synth.write_annex(tables, args.out, args.max_workbooks)
    rows = len(tables["births"]) // 2
    print(f"{districts} districts, {puskesmas} Puskesmas, {years[0]}-{years[-1]}: {rows:,} Puskesmas-"
          f"{'months' if args.monthly else 'years'}; {len(paths)} files written to {args.out}")
    return 0


def _synth_unseen(args) -> int:
    from .batch import parse_years
    from .synth_unseen import write_corpus

    years = parse_years(args.years) or list(range(2019, 2025))
    corpus = write_corpus(args.out, districts=args.districts or 20, puskesmas=args.puskesmas, years=years, seed=args.seed)
    d = corpus.districts
    counts = d["format"].value_counts()
    print(f"{len(d)} districts the registry does not know ({counts.get('annex', 0)} with annex tables, "
          f"{counts.get('monthly', 0)} with monthly reports only, {counts.get('linelist', 0)} with line lists only), "
          f"{years[0]}-{years[-1]}: {corpus.raw_rows['file'].nunique()} files, {len(corpus.raw_rows):,} raw rows, "
          f"written to {args.out}")
    print(f"The counts they were written from: {Path(args.out) / 'truth.csv'}; every raw row: raw_rows.csv; "
          "layouts: districts.csv.")
    print(f"Clean the annex tables with: imr-analysis clean {Path(args.out) / 'annex'} --out PROCESSED")
    flat = d[d["format"] != "annex"].iloc[0] if (d["format"] != "annex").any() else None
    if flat is not None:
        print(f"Monthly reports and line lists name no district: imr-analysis clean {Path(args.out) / flat['folder']} "
              f"--district \"{flat['district']}\" --out PROCESSED")
    return 0


def cmd_run(args) -> int:
    """The main job: clean the raw data, then run the report notebooks for every year with papermill."""
    from .batch import parse_years, run_batch, summary_table

    districts = [d.strip() for d in args.districts.split(",")] if args.districts else None
    result = run_batch(years=parse_years(args.years), raw=args.raw, district=args.district, out=args.out,
                       lang=args.lang, jobs=args.jobs, processed=args.processed, show_code=args.show_code,
                       report_cleaning=_print_clean_summary, districts=districts, scheduler=args.scheduler)
    print(summary_table(result))
    print(f"\n{len(result.results) - len(result.failed)} of {len(result.results)} notebooks ran in {result.seconds:.1f} s "
          f"(--jobs {args.jobs}).")
    if result.failed:
        print(f"FAILED: {', '.join(r.name for r in result.failed)}. The failed notebooks are saved with their error "
              "cell; open them to see what went wrong.", file=sys.stderr)
    print(f"Reports: {result.index}")
    return 1 if result.failed else 0


def _add_out(parser: argparse.ArgumentParser) -> None:
    """--out, --lang, --csv-locale and --table of the commands that export a table (report/exports.py)."""
    parser.add_argument("--out", help="write to FILE.csv or FILE.xlsx instead of printing: headers and labels in "
                                      "--lang, rounded values, integer counts; XLSX with number formats, a frozen "
                                      "header row and fitted columns (default: print to the console)")
    parser.add_argument("--lang", choices=["id", "en"], default="id", help="language of headers and labels")
    parser.add_argument("--csv-locale", choices=["id", "en"],
                        help="CSV convention: id = ';' between fields and decimal comma (Excel set to Indonesian), "
                             "en = ',' and decimal point (default: the --lang)")
    parser.add_argument("--table", choices=["readable", "data"], default="readable",
                        help="readable: for people, as above; data: for scripts, the analysis table itself (codes, "
                             "English column names, full precision, integer counts; CSV with ',' and '.')")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="imr-analysis", description="Infant-mortality analyses for Indonesian district health offices.")
    p.add_argument("--debug", action="store_true", help="show the Python traceback of unexpected errors")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("clean", help="clean raw annex tables into canonical tables, a ledger and findings")
    c.add_argument("raw", nargs="+", type=Path, help="raw files or folders (.xlsx workbooks, .csv exports)")
    c.add_argument("--out", type=Path, required=True, help="processed folder to write")
    c.add_argument("--year", type=int, help="year, when a table's title block has none (a title's year wins)")
    c.add_argument("--district", help="district, when a table's title block has none (a title's district wins)")
    c.add_argument("--engine", choices=["calamine", "openpyxl"], default="calamine", help="Excel reader")
    c.add_argument("--strict", action="store_true",
                   help="exit 3 when any row was set aside or an error finding exists (reported total and rate rows "
                        "do not count)")
    c.add_argument("--format", choices=["annex", "monthly", "linelist"],
                   help="force the input format (default: recognised from each file's content)")
    c.add_argument("--neonatal-days", type=int, default=config.NEONATAL_MAX_DAYS,
                   help="last day of the neonatal period for line lists (default 28, Indonesian; WHO uses 27)")
    c.set_defaults(func=cmd_clean)

    h = sub.add_parser("hash-text", help="the hash messages show for a cell's text (they never show the text itself)")
    h.add_argument("text", nargs="+", help="the cell text, as in your file (surrounding spaces do not count)")
    h.add_argument("--processed", type=Path, required=True, help="the processed folder the messages came from")
    h.set_defaults(func=cmd_hash_text)

    i = sub.add_parser("indicators", help="indicators with confidence intervals from a processed folder")
    i.add_argument("--processed", type=Path, required=True)
    i.add_argument("--year", type=int)
    i.add_argument("--level", choices=["puskesmas", "kecamatan", "district"], default="district")
    i.add_argument("--indicator", help="comma-separated names: imr, nmr, postneonatal_mr, u5mr, stillbirth_rate, "
                                       "cause_rate, cause_share, kn1_coverage, kn_lengkap_coverage (default: all)")
    i.add_argument("--by-sex", action="store_true", help="add rows for male and female")
    i.add_argument("--cause-grouping", choices=["code", "report_group"], default="code")
    _add_out(i)
    i.set_defaults(func=cmd_indicators)

    tr = sub.add_parser("trends", help="annual percent change (Poisson/NB GLM) and the recent-trend marker")
    tr.add_argument("--processed", type=Path, required=True)
    tr.add_argument("--start", type=int)
    tr.add_argument("--end", type=int)
    tr.add_argument("--level", choices=["district", "puskesmas"], default="district")
    _add_out(tr)
    tr.set_defaults(func=cmd_trends)

    fu = sub.add_parser("funnel", help="funnel-plot data: Puskesmas rates against exact Poisson limits")
    fu.add_argument("--processed", type=Path, required=True)
    fu.add_argument("--year", type=int, required=True)
    fu.add_argument("--indicator", default="imr")
    fu.add_argument("--pool-years", type=int, default=1, choices=[1, 3, 5])
    fu.add_argument("--overdispersion", action="store_true", help="random-effects limits (DerSimonian-Laird tau^2)")
    _add_out(fu)
    fu.set_defaults(func=cmd_funnel)

    sy = sub.add_parser("synth", help="seeded synthetic data: national scale, or districts the registry does not know")
    sy.add_argument("--districts", type=int,
                    help="default 514 (--unseen: 20 with annex tables, plus one of monthly reports and one of a line list)")
    sy.add_argument("--puskesmas", type=int, help="Puskesmas in all (default 10000; --unseen: 6 per district)")
    sy.add_argument("--years", help="default 2015-2024 (--unseen: 2019-2024)")
    sy.add_argument("--unseen", action="store_true",
                    help="a corpus of districts the registry does not know, in the layouts districts send, with truth.csv")
    sy.add_argument("--monthly", action="store_true", help="one row per Puskesmas and month")
    sy.add_argument("--out", type=Path, required=True)
    sy.add_argument("--format", choices=["canonical", "annex"], default="canonical")
    sy.add_argument("--max-workbooks", type=int, help="annex format: stop after this many workbooks")
    sy.add_argument("--seed", type=int, default=1)
    sy.set_defaults(func=cmd_synth)

    r = sub.add_parser("run", help="the main job: clean the raw data and run the yearly report notebooks")
    r.add_argument("--years", help="e.g. 2019-2024 or 2021,2023 (default: every year with data)")
    r.add_argument("--raw", nargs="+", type=Path,
                   help="raw files or folders (default: data/raw under the current folder)")
    r.add_argument("--district", help="the district to report on (default: the only one in the data); also the "
                                      "district of raw files that name none, as in 'clean --district'")
    r.add_argument("--districts", help="'all' or NAME,NAME: every district x year, in reports/<district>/<year>/")
    r.add_argument("--scheduler", help="tcp://host:port of a Dask scheduler to run the notebooks on (optional extra)")
    r.add_argument("--out", type=Path, help="reports folder (default: reports/ under the current folder)")
    r.add_argument("--lang", choices=["id", "en"], default="id")
    r.add_argument("--jobs", type=int, default=1, help="notebooks run at once, in separate processes")
    r.add_argument("--processed", type=Path,
                   help="processed folder to write (default: data/processed/ under the current folder)")
    r.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML reports")
    r.set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"imr-analysis: cannot use the input.\n{exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("imr-analysis: interrupted; outputs already written are complete files (atomic writes).", file=sys.stderr)
        return 130
    except Exception as exc:  # never a bare traceback for users
        if args.debug:
            traceback.print_exc()
        print(f"imr-analysis: unexpected error ({type(exc).__name__}: {scrub(exc)}).\n"
              "  What to do: run again with --debug and report the output to the imr-analysis maintainers.",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
