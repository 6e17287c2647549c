"""The ``imr-analysis`` command: clean, indicators, run.

Exit codes: 0 done (warnings printed); 2 the input cannot be used (the message names the file,
sheet, row and column and says what to fix); 3 done but --strict and rows were set aside or
error findings exist; 1 an unexpected failure (run with --debug for the traceback).
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from functools import partial
from pathlib import Path

import pandas as pd

from . import config
from .errors import InputError, Location
from .vocab.findings import column_text, render_stored
from .vocab.ledger_kinds import ledger_text
from .privacy import scrub
from .vocab.messages import say

EXIT_INPUT = 2
EXIT_STRICT = 3
#: The rates a funnel plot draws (per 1,000; Puskesmas against the district).
#: How many rows set aside, and how many findings, ``clean`` prints (the rest: set_aside.csv, findings.csv).
SHOWN_SET_ASIDE, SHOWN_FINDINGS = 20, 15
FUNNEL_INDICATORS = ("imr", "nmr", "postneonatal_mr", "u5mr", "stillbirth_rate")


def _where(f, lang: str) -> str:
    """'file, sheet 'X', row 3, column D' of a finding, in ``lang``."""
    parts = [str(f["file"]) if f["file"] else "",
             say("where_sheet", lang, sheet=f["sheet"]) if f["sheet"] else "",
             say("where_row", lang, row=f["row"]) if pd.notna(f["row"]) else "",
             say("where_column", lang, column=column_text(f["column"], lang)) if f["column"] else "",
             say("where_area", lang, area=f["area"]) if _names_area(f) else ""]
    return ", ".join(x for x in parts if x)


def _names_area(f) -> bool:
    """Whether a finding's place needs its area: a finding of a whole Puskesmas or district (no row), such as
    the months a Puskesmas's monthly reports miss, would otherwise not say whose they are."""
    return pd.isna(f["row"]) and pd.notna(f.get("area")) and str(f.get("area")) != ""


def _print_clean_summary(run, lang: str = "id") -> None:
    from .clean.report import dropped_header_text
    from .vocab.puskesmas import REGISTRY_ENV, registry_file

    ledger, found = run.result.ledger, run.findings
    data = ledger[ledger["row_kind"] == "data"]
    years = sorted(set(run.result.sources["year"]))
    state = ledger["state"]
    print(say("clean_read", lang, tables=len(run.result.sources), years=", ".join(map(str, years)),
              districts=", ".join(sorted(set(run.result.sources["district"])))))
    print(say("clean_rows", lang, raw=len(ledger), kept=(state == "kept").sum(), mapped=(state == "mapped").sum(),
              aside=(state == "set_aside").sum(), reported=(state == "reported").sum()))
    aside = data[data["state"] == "set_aside"]
    for _, row in aside.head(SHOWN_SET_ASIDE).iterrows():
        print(say("clean_set_aside", lang, file=row["file"], sheet=row["sheet"], row=row["row"],
                  reason=ledger_text(row["reason"], lang)),
              file=sys.stderr)
    if len(aside) > SHOWN_SET_ASIDE:
        print(say("clean_set_aside_more", lang, more=len(aside) - SHOWN_SET_ASIDE), file=sys.stderr)
    counts = found["severity"].value_counts() if not found.empty else {}
    print(say("clean_findings", lang, **{f"{k}s" if k != "info" else k: _counted(k, counts.get(k, 0), lang)
                                          for k in ("error", "warning", "info")}))
    shown = found[found["severity"].isin(["error", "warning"]) & (found["check"] != "unreadable_file")]  # printed by run
    for _, f in shown.head(SHOWN_FINDINGS).iterrows():
        print(f"  {say('severity_' + f['severity'], lang)} [{f['check']}] {_where(f, lang)}: "
              f"{render_stored(f['code'], f['params'], lang, f['message'])}",
              file=sys.stderr)
    if len(shown) > SHOWN_FINDINGS:
        print(say("clean_findings_more", lang, more=len(shown) - SHOWN_FINDINGS), file=sys.stderr)
    proposed = [p for p in run.written if p.name.startswith("registry_proposed_")]
    dropped = [d["header"] for d in run.result.dropped_columns if d["why"] == "personal data"]
    if dropped:
        print(say("clean_personal_dropped", lang,
                  columns=", ".join(dropped_header_text(h, lang) for h in sorted(set(dropped)))))
    own = os.environ.get(REGISTRY_ENV)   # an office's own registry, or the package's file to copy
    for p in proposed:
        print(say("clean_new_district_env", lang, proposed=p, registry=registry_file(), env=REGISTRY_ENV) if own
              else say("clean_new_district", lang, proposed=p, registry=registry_file(), env=REGISTRY_ENV))
    print(say("clean_written", lang, out=run.out))


def _counted(kind: str, n: int, lang: str) -> str:
    """'1 warning', '2 warnings' ('1 peringatan'): a count of findings of the severity ``kind`` in ``lang``."""
    one, other = {"error": (say("count_error_one", lang, n=n), say("count_error_other", lang, n=n)),
                  "warning": (say("count_warning_one", lang, n=n), say("count_warning_other", lang, n=n)),
                  "info": (say("count_info_one", lang, n=n), say("count_info_other", lang, n=n))}[kind]
    return one if n == 1 else other


def cmd_hash_text(args) -> int:
    """The hash a message shows for a cell's text ('#a1b2c3d4'), to find that cell in your own file."""
    from .privacy import SALT_FILE, describe_text, salted

    salt_file = Path(args.processed) / SALT_FILE
    if not salt_file.exists():
        raise InputError.from_key("no_salt", Location(file=str(args.processed)), salt=SALT_FILE)
    with salted(salt_file.read_text(encoding="utf-8").strip()):
        for text in args.text:
            print(describe_text(text))
    return 0


def cmd_clean(args) -> int:
    from .clean.store import run_clean

    from .clean import expand_inputs

    files, _ = expand_inputs([Path(p) for p in args.raw])
    # One file that cannot be used fails alone when there are others: they are cleaned and written,
    # and input_errors.csv names it. A single file (or all of them) failing stops as before.
    run = run_clean(args.raw, args.out, year=args.year, district=args.district, engine=args.engine, fmt=args.format,
                    neonatal_max_days=args.neonatal_days, keep_going=len(files) > 1, lang=args.lang)
    errors_in = run.result.input_errors
    if len(errors_in) == len(files):
        first = errors_in.iloc[0]
        raise InputError.from_stored(first["code"], first["params"], first["message"])
    _print_clean_summary(run, args.lang)
    for _, e in errors_in.iterrows():
        message = InputError.from_stored(e["code"], e["params"], e["message"]).render(args.lang)
        print(say("clean_file_not_used", args.lang, message=message), file=sys.stderr)
    if not errors_in.empty:
        print(say("clean_files_not_used", args.lang, failed=len(errors_in), files=len(files)), file=sys.stderr)
        return EXIT_INPUT
    aside = (run.result.ledger["state"] == "set_aside").any()
    errors = (run.findings["severity"] == "error").any() if not run.findings.empty else False
    return EXIT_STRICT if args.strict and (aside or errors) else 0


def _format_table(df: pd.DataFrame, lang: str = "id") -> str:
    """The indicator table printed by ``indicators``, in ``lang``: the headers and labels of its --out tables
    (vocab/columns.csv), each value with its unit, rates and intervals to 1 decimal (percentages to 2) in
    the language's number format ('8,7 per 1.000 KH' / '8.7 per 1000 live births')."""
    from .report.exports import header, term
    from .report.language import fmt, fmt_ci, t
    from .vocab.indicators import unit

    def count(x) -> str:
        return fmt(x, lang, 0) if pd.notna(x) else ""

    show = pd.DataFrame({header("indicator", lang): df["indicator"].map(lambda i: t(i, lang)),
                         header("year", lang): df["year"], header("area", lang): df["area"]})
    if (df["sex"] != "all").any():
        show[header("sex", lang)] = df["sex"].map(lambda v: term(v, lang))
    if (df["cause"] != "all").any():
        show[header("age_group", lang)] = df["age_group"].map(lambda v: term(v, lang))
        show[header("cause", lang)] = df["cause"].map(lambda v: term(v, lang))
    show[header("numerator", lang)] = df["numerator"].map(count)
    show[header("denominator", lang)] = df["denominator"].map(count)
    decimals = df["multiplier"].map(lambda m: 2 if m == 100 else 1)
    show[header("value", lang)] = [f"{fmt(v, lang, d)} {unit(i, lang)}" if pd.notna(v) else "-"
                                   for v, d, i in zip(df["value"], decimals, df["indicator"])]
    show[header("ci_95", lang)] = [fmt_ci(lo, hi, lang) for lo, hi in zip(df["lower_95"], df["upper_95"])]
    show[header("ci_998", lang)] = [fmt_ci(lo, hi, lang) for lo, hi in zip(df["lower_998"], df["upper_998"])]
    show[header("method", lang)] = df["method"].map(lambda v: term(v, lang))
    show[header("target", lang)] = df["target"].map(count)
    show[header("meets_target", lang)] = df["meets_target"].map(
        lambda m: "" if pd.isna(m) else term("yes" if m else "no", lang))
    show[header("flag", lang)] = df["flag"].map(lambda v: term(v, lang))
    return show.to_string(index=False)


def _check_out(out: str | None, lang: str) -> None:
    """--out must be a .csv or .xlsx file; anything else is refused before any work."""
    if out and Path(out).suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(say("err_out_suffix", lang, out=out), fix=say("fix_out_suffix", lang), lang=lang)


def cmd_indicators(args) -> int:
    from .analysis.indicators import compute_indicators
    from .clean.store import load_processed
    from .report import exports
    from .report.tables import years as data_years
    from .vocab.indicators import indicators as indicator_vocab

    lang = args.lang
    _check_out(args.out, lang)
    wanted = [w.strip() for w in args.indicator.split(",") if w.strip()] if args.indicator else []
    valid = list(indicator_vocab().index)
    unknown = [w for w in wanted if w not in valid]
    if unknown:
        raise InputError(say("err_unknown_indicator", lang, names=", ".join(unknown)),
                         fix=say("fix_unknown_indicator", lang, valid=", ".join(valid)), lang=lang)
    tables = load_processed(args.processed)
    years = data_years(tables)
    if args.year is not None and args.year not in years:
        raise InputError(say("err_no_year", lang, year=args.year, years=", ".join(map(str, years)) or say("none", lang)),
                         fix=say("fix_no_year", lang), lang=lang)
    out = compute_indicators(tables, level=args.level, year=args.year, by_sex=args.by_sex,
                             cause_grouping=args.cause_grouping)
    if wanted:
        out = out[out["indicator"].isin(wanted)]
    out = _mark_partial_years(out, tables)
    if args.out:
        path = exports.write(out, "indicators", Path(args.out), args.lang, args.csv_locale, args.table)
        print(say("indicator_rows_written", lang, rows=len(out), path=path))
        return 0
    shown = out if args.indicator else out[~out["indicator"].isin(["cause_rate", "cause_share"])]
    print(_format_table(shown, lang))
    if not args.indicator:
        print("\n" + say("causes_left_out", lang))
    _print_partial_years(shown, lang)
    return 0


def _print_partial_years(shown: pd.DataFrame, lang: str) -> None:
    """A line under the console table for each year shown whose data cover only some months (a year to date)."""
    if "months_covered" not in shown:
        return
    from .report.language import year_label

    part = shown.loc[shown["months_covered"] != "", ["district", "year", "months_covered"]].drop_duplicates()
    for district, year, months in part.itertuples(index=False):
        first, last = (int(m) for m in (months.split("-") * 2)[:2])
        print(say("partial_year_note", lang, district=district, label=year_label(int(year), range(first, last + 1), lang)))


def _mark_partial_years(out: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """Indicators with a column ``months_covered`` ('1-6') when a year's data cover only some months
    (blank for full years); without the column when every year is a full year."""
    from .analysis.completeness import months_text, partial_years_by_district

    partial = partial_years_by_district(tables)
    if not partial or out.empty:
        return out
    return out.assign(months_covered=[months_text(partial[d][y]) if y in partial.get(d, {}) else ""
                                      for d, y in zip(out["district"], out["year"])])


def _write_or_print(df: pd.DataFrame, args, kind: str) -> None:
    """Write the table ``kind`` to --out as people read it (report/exports.py), or print it."""
    from .report import exports

    out = args.out
    _check_out(out, args.lang)
    if out:
        path = exports.write(df, kind, Path(out), args.lang, args.csv_locale, args.table)
        print(say("rows_written", args.lang, rows=len(df), path=path))
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

    from .report.language import fmt

    lang = args.lang
    _check_out(args.out, lang)
    tables = load_processed(args.processed)
    years = sorted(set(tables["births"]["year"]))
    if args.year not in years:
        raise InputError(say("err_no_births_year", lang, year=args.year, years=", ".join(map(str, years))),
                         fix=say("fix_choose_year", lang), lang=lang)
    if args.indicator not in FUNNEL_INDICATORS:
        raise InputError(say("err_funnel_indicator", lang, indicator=args.indicator),
                         fix=say("fix_funnel_indicator", lang, valid=", ".join(FUNNEL_INDICATORS)), lang=lang)
    points, _, notes = funnel(tables, args.year, args.indicator, args.pool_years, args.overdispersion)
    print(say("funnel_line", lang, indicator=args.indicator, first=min(notes["years"]), last=max(notes["years"]),
              theta=fmt(notes["theta"], lang, 2), limits=notes["limits"]))
    _write_or_print(points, args, "funnel")
    return 0


def cmd_review(args) -> int:
    """The AMP-SR review tables of a year (long: table, area, category, count, total, share, Wilson 95%), and
    with --register the follow-up of the recommendations as of --as-of (a template when the file is missing):
    printed in --lang, or written to --out as people read them (report/exports.py; --table data for scripts)."""
    from .analysis.review import en_route_share, follow_up, follow_up_counts, review_table
    from .clean.store import load_reviews
    from .read.register import parse_as_of, read_register, write_template
    from .report import exports

    lang = args.lang
    _check_out(args.out, lang)
    as_of = parse_as_of(args.as_of)
    reviews = load_reviews(args.processed)
    if not (reviews["year"] == args.year).any():
        if reviews.empty:
            raise InputError(say("review_none", lang, year=args.year), fix=say("fix_review_none", lang), lang=lang)
        years = ", ".join(str(int(y)) for y in sorted(reviews["year"].unique()))
        raise InputError(say("review_none_year", lang, year=args.year, years=years),
                         fix=say("fix_review_none_year", lang, year=args.year), lang=lang)
    table = pd.concat([review_table(reviews, args.year, args.level), en_route_share(reviews, args.year, args.level)],
                      ignore_index=True)
    followed = None
    if args.register is not None:
        if not args.register.exists():
            print(say("review_template_written", lang, path=write_template(args.register, lang)))
        else:
            followed = follow_up(read_register(args.register), as_of)
            counts = follow_up_counts(followed).set_index("follow_up")["count"]
            print(say("review_follow_up", lang, as_of=as_of.isoformat(), total=len(followed), **counts.to_dict()))
    if not args.out:
        print(_format_review_table(table, lang))
        if followed is not None:
            shown, _ = exports.readable_report_table(exports.saved_follow_up(followed), lang)
            print("\n" + shown.to_string(index=False))
        return 0
    written = exports.write_review(table, followed, Path(args.out), lang, args.csv_locale, args.table)
    for path in written[1:]:
        print(say("review_follow_up_written", lang, path=path))
    print(say("review_rows_written", lang, rows=len(table), path=written[0]))
    return 0


def _format_review_table(df: pd.DataFrame, lang: str = "id") -> str:
    """The review table printed by ``review``, in ``lang``: the headers and labels of its --out tables
    (vocab/columns.csv, vocab/review.yaml), the count first, then the share and its 95% Wilson interval to
    1 decimal in the language's number format ('42,9' / '42.9')."""
    from .report.exports import header, review_category_label, review_table_label
    from .report.language import fmt, fmt_ci

    show = pd.DataFrame({
        header("review_table", lang): [review_table_label(v, lang) for v in df["table"]],
        header("area", lang): df["area"].to_numpy(),
        header("review_category", lang): [review_category_label(x, c, lang) for x, c in zip(df["table"], df["category"])],
        header("review_count", lang): [fmt(x, lang, 0) for x in df["count"]],
        header("review_total", lang): [fmt(x, lang, 0) for x in df["total"]],
        header("share", lang): [fmt(x, lang, 1) for x in df["share"]],
        header("ci_95", lang): [fmt_ci(lo, hi, lang) for lo, hi in zip(df["lower_95"], df["upper_95"])]})
    return show.to_string(index=False)


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

    from .report.language import fmt

    lang = args.lang
    districts = [d.strip() for d in args.districts.split(",")] if args.districts else None
    result = run_batch(years=parse_years(args.years), raw=args.raw, district=args.district, out=args.out,
                       lang=lang, jobs=args.jobs, processed=args.processed, show_code=args.show_code,
                       report_cleaning=partial(_print_clean_summary, lang=lang), districts=districts,
                       scheduler=args.scheduler)
    print(summary_table(result, lang))
    print("\n" + say("run_ran", lang, ok=len(result.results) - len(result.failed), total=len(result.results),
                     seconds=fmt(result.seconds, lang), jobs=args.jobs))
    if result.failed:
        print(say("run_failed", lang, names=", ".join(r.name for r in result.failed)), file=sys.stderr)
    print(say("run_reports", lang, index=result.index))
    return 1 if result.failed else 0


def cmd_notebooks(args) -> int:
    """Copy the report notebooks to the analyst's working folder, set for their district and year."""
    from .batch import NOTEBOOKS, copy_notebooks

    lang = args.lang
    copies = copy_notebooks(args.out, args.processed, args.district, args.year, lang, args.force)
    print(say("notebooks_written", lang, count=len(copies.written), district=copies.district, year=copies.year,
              out=args.out, processed=copies.processed))
    print(say("notebooks_for_quality", lang, name=NOTEBOOKS["quality"]))
    print(say("notebooks_for_annual", lang, name=NOTEBOOKS["annual"], year=copies.year))
    print(say("notebooks_for_trends", lang, name=NOTEBOOKS["trends"], start=copies.years[0], end=copies.years[1]))
    if copies.brief:
        print(say("notebooks_for_brief", lang, name=NOTEBOOKS["brief"], year=copies.brief[0], quarter=copies.brief[1],
                  rtl=Path(args.out) / "outputs" / "brief" / "rtl_register.csv"))
    else:
        print(say("notebooks_for_brief_none", lang, name=NOTEBOOKS["brief"]))
    print(say("notebooks_for_review", lang, name=NOTEBOOKS["review"], year=copies.review_year, register=copies.register))
    annual = Path(args.out) / NOTEBOOKS["annual"]
    print(say("notebooks_next", lang, out=args.out, example=annual,
              example_out=annual.with_name(f"annual_report_{copies.year}.ipynb")))
    return 0


def cmd_annex(args) -> int:
    """The year's Profil annex tables (births, deaths, causes, causes at 12-59 months, KN, maternal deaths) in the
    official layout, from any processed data."""
    from .clean.store import load_processed
    from .analysis.completeness import months_text, partial_years
    from .report.annex import compile_annex, write_annex
    from .report.tables import resolve_district, years as data_years
    from .vocab.layout import table_label

    lang, out = args.lang, Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(say("err_annex_out_suffix", lang, out=out), fix=say("fix_annex_out_suffix", lang), lang=lang)
    if out.exists() and not args.force:
        raise InputError(say("err_annex_out_exists", lang, out=out), fix=say("fix_annex_out_exists", lang), lang=lang)
    tables = load_processed(args.processed)
    district = resolve_district(tables, args.district)
    years = sorted(data_years(tables, district))
    if args.year not in years:
        raise InputError(say("err_no_year_district", lang, year=args.year, district=district,
                             years=", ".join(map(str, years))), fix=say("fix_year_from_list", lang), lang=lang)
    partial = partial_years(tables, district).get(args.year)
    if partial:   # refused: the written table would read back as a full year (README, Profil annex tables)
        raise InputError(say("err_annex_partial_year", lang, year=args.year, district=district,
                             months=months_text(partial)), fix=say("fix_annex_partial_year", lang, year=args.year),
                         lang=lang)
    annex = compile_annex(tables, args.year, district)
    path = write_annex(annex, out)
    print(say("annex_written", lang, year=args.year, district=district, path=path,
              tables="; ".join(f"{name} ({table_label(kind, lang)})" for name, kind in annex.kinds.items())))
    if annex.missing:
        print(say("annex_missing", lang, year=args.year, tables="; ".join(table_label(k, lang) for k in annex.missing)))
    inc = tables["incomplete"]
    inc = inc[(inc["district"] == district) & (inc["year"] == args.year)]
    if len(inc):
        print(say("annex_incomplete", lang, rows=len(inc), year=args.year))
    return 0


def cmd_brief(args) -> int:
    """The quarterly Lokakarya Mini brief: the notebook run with papermill, as HTML, slides and a document."""
    from .batch import plan_briefs, run_briefs

    out = Path(args.out or Path.cwd() / "reports").resolve()
    processed = Path(args.processed or Path.cwd() / "data" / "processed").resolve()
    jobs = plan_briefs(args.year, args.quarter, processed, out, args.lang, args.puskesmas, args.kecamatan, args.all,
                       args.district, args.rtl)
    for register in dict.fromkeys(Path(job.parameters["rtl_register"]) for job in jobs):
        if not register.exists():   # the notebook writes it
            print(say("brief_rtl_template", args.lang, path=register))
    results = run_briefs(jobs, out, args.show_code)
    for r in results:
        print(say("brief_written", args.lang, name=r.name, status=r.status, html=r.html, folder=r.output.parent)
              + (f" ({r.error})" if r.error else ""))
    failed = [r for r in results if r.status != "ok"]
    return 1 if failed else 0


class _Help(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Help that shows each option's default; options without a fixed default say theirs in words."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "default" in text:
            return text
        return super()._get_help_string(action)


def _examples(*lines: str) -> str:
    return "example" + ("s" if len(lines) > 1 else "") + ":\n" + "\n".join(f"  {line}" for line in lines)


def _indicator_names() -> str:
    """'imr (AKB), nmr (AKN), ...': every indicator name in vocab/indicators.csv with its Indonesian label."""
    from .vocab.indicators import indicators

    return ", ".join(f"{code} ({label})" for code, label in indicators()["label_id"].items())


def _add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=["id", "en"], default="id",
                        help="language of the console messages (and of exported tables)")


def _add_out(parser: argparse.ArgumentParser) -> None:
    """--out, --csv-locale and --table of the commands that export a table (report/exports.py)."""
    parser.add_argument("--out", help="write to FILE.csv or FILE.xlsx instead of printing: headers and labels in "
                                      "--lang, rounded values, integer counts; XLSX with number formats, a frozen "
                                      "header row and fitted columns (default: print to the console)")
    parser.add_argument("--csv-locale", choices=["id", "en"],
                        help="CSV convention: id = ';' between fields and decimal comma (Excel set to Indonesian), "
                             "en = ',' and decimal point (default: the --lang)")
    parser.add_argument("--table", choices=["readable", "data"], default="readable",
                        help="readable: for people, as above; data: for scripts, the analysis table itself (codes, "
                             "English column names, full precision, integer counts; CSV with ',' and '.')")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="imr-analysis", formatter_class=_Help,
        description="Infant-mortality analyses for Indonesian district health offices.",
        epilog=_examples("imr-analysis run                     # the main job on data/raw, reports in reports/",
                         "imr-analysis clean data/raw --out data/processed",
                         "imr-analysis indicators --processed data/processed --year 2023",
                         "imr-analysis COMMAND --help         # the options of one command, with an example"))
    p.add_argument("--debug", action="store_true", help="show the Python traceback of unexpected errors (default: off)")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, help: str, *examples: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help, description=help, formatter_class=_Help,
                                epilog=_examples(*examples))
        _add_lang(parser)
        return parser

    c = command("clean", "clean raw annex tables into canonical tables, a ledger and findings",
                "imr-analysis clean data/raw --out data/processed",
                'imr-analysis clean laporan_bulanan/ --district "Musi Rawas Utara" --year 2023 --out data/processed')
    c.add_argument("raw", nargs="+", type=Path, help="raw files or folders (.xlsx workbooks, .csv exports)")
    c.add_argument("--out", type=Path, required=True, help="processed folder to write")
    c.add_argument("--year", type=int, help="year, when a table's title block has none; a title's year wins "
                                            "(default: the year in each title)")
    c.add_argument("--district", help="district, when a table's title block has none; a title's district wins "
                                      "(default: the district in each title)")
    c.add_argument("--engine", choices=["calamine", "openpyxl"], default="calamine", help="Excel reader")
    c.add_argument("--strict", action="store_true",
                   help="exit 3 when any row was set aside or an error finding exists (reported total and rate rows "
                        "do not count) (default: off, exit 0 with warnings)")
    c.add_argument("--format", choices=["annex", "monthly", "linelist"],
                   help="force the input format (default: recognised from each file's content)")
    c.add_argument("--neonatal-days", type=int, default=config.NEONATAL_MAX_DAYS,
                   help="last day of the neonatal period for line lists (Indonesian usage; WHO uses 27)")
    c.set_defaults(func=cmd_clean)

    h = command("hash-text", "the hash messages show for a cell's text (they never show the text itself)",
                'imr-analysis hash-text "Muara Rupit" --processed data/processed')
    h.add_argument("text", nargs="+", help="the cell text, as in your file (surrounding spaces do not count)")
    h.add_argument("--processed", type=Path, required=True, help="the processed folder the messages came from")
    h.set_defaults(func=cmd_hash_text)

    i = command("indicators", "indicators with confidence intervals from a processed folder",
                "imr-analysis indicators --processed data/processed --year 2023",
                "imr-analysis indicators --processed data/processed --level puskesmas --out indikator.xlsx",
                "imr-analysis indicators --processed data/processed --indicator imr,nmr --table data --out imr.csv")
    i.add_argument("--processed", type=Path, required=True, help="processed folder (the --out of clean)")
    i.add_argument("--year", type=int, help="one year (default: every year in the data)")
    i.add_argument("--level", choices=["puskesmas", "kecamatan", "district"], default="district",
                   help="areas the indicators are computed for")
    i.add_argument("--indicator", help=f"comma-separated names, from: {_indicator_names()} (default: all; the "
                                       "console leaves out cause_rate and cause_share unless named)")
    i.add_argument("--by-sex", action="store_true", help="add rows for male and female (default: both sexes together)")
    i.add_argument("--cause-grouping", choices=["code", "report_group"], default="code",
                   help="causes one by one, or in the report's groups")
    _add_out(i)
    i.set_defaults(func=cmd_indicators)

    tr = command("trends", "annual percent change (Poisson/NB GLM) and the recent-trend marker",
                 "imr-analysis trends --processed data/processed",
                 "imr-analysis trends --processed data/processed --level puskesmas --start 2019 --out tren.xlsx")
    tr.add_argument("--processed", type=Path, required=True, help="processed folder (the --out of clean)")
    tr.add_argument("--start", type=int, help="first year (default: the first year in the data)")
    tr.add_argument("--end", type=int, help="last year (default: the last year in the data)")
    tr.add_argument("--level", choices=["district", "puskesmas"], default="district",
                    help="areas the trends are fitted for")
    _add_out(tr)
    tr.set_defaults(func=cmd_trends)

    fu = command("funnel", "funnel-plot data: Puskesmas rates against exact Poisson limits",
                 "imr-analysis funnel --processed data/processed --year 2023",
                 "imr-analysis funnel --processed data/processed --year 2023 --pool-years 3 --overdispersion "
                 "--out funnel.xlsx")
    fu.add_argument("--processed", type=Path, required=True, help="processed folder (the --out of clean)")
    fu.add_argument("--year", type=int, required=True, help="the year (the last year when pooling)")
    fu.add_argument("--indicator", default="imr", help=f"the rate, one of: {', '.join(FUNNEL_INDICATORS)}")
    fu.add_argument("--pool-years", type=int, default=1, choices=[1, 3, 5], help="years pooled, ending at --year")
    fu.add_argument("--overdispersion", action="store_true",
                    help="random-effects limits (DerSimonian-Laird tau^2) (default: off, exact Poisson limits)")
    _add_out(fu)
    fu.set_defaults(func=cmd_funnel)

    rv = command("review", "AMP-SR death reviews: place of death, referral, delays, avoidable share with Wilson "
                           "intervals; the follow-up of the recommendations register",
                 "imr-analysis review --processed data/processed --year 2024",
                 "imr-analysis review --processed data/processed --year 2024 --level puskesmas --out kajian.xlsx",
                 "imr-analysis review --processed data/processed --year 2024 --register rekomendasi.xlsx "
                 "--as-of 2025-03-31")
    rv.add_argument("--processed", type=Path, required=True, help="processed folder (the --out of clean)")
    rv.add_argument("--year", type=int, required=True, help="the year of the deaths reviewed")
    rv.add_argument("--level", choices=["puskesmas", "district"], default="district",
                    help="areas the review tables are counted for")
    _add_out(rv)
    rv.add_argument("--register", type=Path,
                    help="the recommendations register (.csv or .xlsx); an empty template is written when it does "
                         "not exist (default: no follow-up)")
    rv.add_argument("--as-of", help="the date of the follow-up, yyyy-mm-dd (default: today)")
    rv.set_defaults(func=cmd_review)

    sy = command("synth", "seeded synthetic data: national scale, or districts the registry does not know",
                 "imr-analysis synth --unseen --districts 3 --years 2021-2023 --out data/synthetic",
                 "imr-analysis synth --districts 5 --puskesmas 50 --out data/synthetic_canonical")
    sy.add_argument("--districts", type=int,
                    help="default 514 (--unseen: 20 with annex tables, plus one of monthly reports and one of a line list)")
    sy.add_argument("--puskesmas", type=int, help="Puskesmas in all (default 10000; --unseen: 6 per district)")
    sy.add_argument("--years", help="default 2015-2024 (--unseen: 2019-2024)")
    sy.add_argument("--unseen", action="store_true",
                    help="a corpus of districts the registry does not know, in the layouts districts send, with "
                         "truth.csv (default: off, the national-scale tables)")
    sy.add_argument("--monthly", action="store_true", help="one row per Puskesmas and month (default: per year)")
    sy.add_argument("--out", type=Path, required=True, help="folder to write")
    sy.add_argument("--format", choices=["canonical", "annex"], default="canonical",
                    help="canonical Parquet tables, or annex workbooks as districts send them")
    sy.add_argument("--max-workbooks", type=int, help="annex format: stop after this many workbooks (default: all)")
    sy.add_argument("--seed", type=int, default=1, help="random seed (the same seed writes the same data)")
    sy.set_defaults(func=cmd_synth)

    r = command("run", "the main job: clean the raw data and run the yearly report notebooks",
                "imr-analysis run",
                "imr-analysis run --raw data/raw --years 2021-2023 --lang en --jobs 2")
    r.add_argument("--years", help="e.g. 2019-2024 or 2021,2023 (default: every year with data)")
    r.add_argument("--raw", nargs="+", type=Path,
                   help="raw files or folders (default: data/raw under the current folder)")
    r.add_argument("--district", help="the district to report on (default: the only one in the data); also the "
                                      "district of raw files that name none, as in 'clean --district'")
    r.add_argument("--districts", help="'all' or NAME,NAME: every district x year, in reports/<district>/<year>/ "
                                       "(default: one district, --district)")
    r.add_argument("--scheduler", help="tcp://host:port of a Dask scheduler to run the notebooks on (optional extra; "
                                       "default: this machine)")
    r.add_argument("--out", type=Path, help="reports folder (default: reports/ under the current folder)")
    r.add_argument("--jobs", type=int, default=1, help="notebooks run at once, in separate processes")
    r.add_argument("--processed", type=Path,
                   help="processed folder to write (default: data/processed/ under the current folder)")
    r.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML reports (default: hidden)")
    r.set_defaults(func=cmd_run)

    an = command("annex", "the year's Profil annex tables (lampiran) in the official layout, from any processed data",
                 "imr-analysis annex --processed data/processed --year 2023 --out profil_lampiran_2023.xlsx",
                 'imr-analysis annex --processed data/processed --year 2025 --district "Musi Rawas Utara" '
                 "--out profil_lampiran_2025.xlsx --force")
    an.add_argument("--processed", type=Path, required=True, help="processed folder (the --out of clean)")
    an.add_argument("--year", type=int, required=True, help="the year of the tables")
    an.add_argument("--district", help="the district (default: the only one in the processed folder)")
    an.add_argument("--out", type=Path, required=True, help="the workbook to write (.xlsx)")
    an.add_argument("--force", action="store_true", help="replace --out when it exists (default: stop with a message)")
    an.set_defaults(func=cmd_annex)

    nb = command("notebooks", "copy the five report notebooks (01-05) to your own working folder, set for your district "
                              "and year",
                 'imr-analysis notebooks --out kerja/ --district "Musi Rawas Utara" --year 2023',
                 "imr-analysis notebooks --out kerja/ --processed data/processed --lang en")
    nb.add_argument("--out", type=Path, required=True, help="working folder to copy the notebooks into")
    nb.add_argument("--processed", type=Path,
                    help="processed folder the notebooks read (default: data/processed/ under the current folder)")
    nb.add_argument("--district", help="your district (default: the only one in the processed folder)")
    nb.add_argument("--year", type=int, help="the annual report's year (default: the last year in the data)")
    nb.add_argument("--force", action="store_true", help="replace notebooks already in --out (default: keep them, "
                                                         "stop with a message)")
    nb.set_defaults(func=cmd_notebooks)
    br = command("brief", "the quarterly Lokakarya Mini brief (one Puskesmas, kecamatan or the district; HTML, PPTX, DOCX)",
                 'imr-analysis brief --year 2025 --quarter 2 --puskesmas "Nibung" --processed data/processed',
                 "imr-analysis brief --year 2025 --quarter 2 --all --out reports/lokmin --rtl rtl_register.xlsx")
    br.add_argument("--year", type=int, required=True, help="the year of the quarter")
    br.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4],
                    help="TW I (January-March) ... TW IV (October-December)")
    area = br.add_mutually_exclusive_group()
    area.add_argument("--puskesmas", help="one Puskesmas (default: the whole district)")
    area.add_argument("--kecamatan", help="one kecamatan (default: the whole district)")
    area.add_argument("--all", action="store_true", help="one brief per Puskesmas (default: off)")
    br.add_argument("--district", help="the district (default: the only one in the monthly reports)")
    br.add_argument("--out", type=Path, help="folder of the briefs (default: reports/ under the current folder)")
    br.add_argument("--processed", type=Path,
                    help="processed folder with the monthly reports (default: data/processed/ under the current folder)")
    br.add_argument("--rtl", type=Path, help="the RTL register, CSV or XLSX; an empty template is written when it does "
                                             "not exist (default: rtl_register.csv in each brief's folder)")
    br.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML (default: hidden)")
    br.set_defaults(func=cmd_brief)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "id")
    try:
        return args.func(args)
    except InputError as exc:
        print(f"{say('cannot_use_input', lang)}\n{exc.render(lang)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(say("interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:   # the reader of the output went away ('indicators | head'): stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # Python's own flush at exit would fail again
        return 141
    except Exception as exc:  # never a bare traceback for users
        if args.debug:
            traceback.print_exc()
        print(say("unexpected", lang, error=f"{type(exc).__name__}: {scrub(exc)}") + "\n" + say("unexpected_fix", lang),
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
