"""What the three reports share: loading the processed folder, display settings, and the report
object a notebook drives (load, call, show, save).

Each report method returns what the notebook shows (a display table, a figure, Markdown, or HTML
from ``markup`` when it shows text from the input: names, files) and keeps the underlying table or
figure so that ``save()`` writes them all: tables as CSV and as one XLSX workbook, figures as PNG.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config, markup, outputs
from ..clean.store import load_processed
from ..errors import InputError, Location
from . import figures
from .language import t


def file_names(errors: pd.DataFrame) -> list[str]:
    """The file names (no folders) of input_errors rows, each once, in order."""
    return list(dict.fromkeys(Path(f).name for f in errors["file"]))


def display_path(path: Path) -> str:
    """A path as shown in reports: relative to the project when inside it (no machine-specific parts)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT).as_posix()
    except ValueError:
        return path.name


def load(processed_dir: str | Path | None = None) -> tuple[dict[str, pd.DataFrame], Path]:
    """The processed tables of ``processed_dir`` (default data/processed), and that folder.

    It only reads: a folder with no processed tables (a fresh clone) stops with a message that
    says what to run to clean the raw data into it.
    """
    directory = Path(processed_dir) if processed_dir else config.PROCESSED_DIR
    if not (directory / "births.parquet").exists():
        raw = display_path(config.RAW_DIR)
        raise InputError("there are no processed tables in this folder yet.", Location(file=display_path(directory)),
                         f"clean the raw data into it first: run the notebook 01_data_quality, or "
                         f"'imr-analysis clean {raw} --out {display_path(directory)}' (the batch "
                         f"'imr-analysis run' cleans before it runs the reports); then run this report again.")
    return load_processed(directory), directory


def setup_display() -> None:
    """Fixed pandas display options, so stored notebook outputs are the same on every machine.

    Tables are HTML that pandas escapes; MathJax is told to leave them alone (``markup``).
    """
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 2)
    pd.set_option("display.html.use_mathjax", False)  # table cells hold input text: never typeset '$...$'


@dataclass
class Report:
    """A report in ``lang`` writing to ``output_dir``; the annual, trend and data-quality reports build on it."""

    lang: str
    output_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figs: dict[str, object] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)   # raw files that may hold this report's data but could not be read

    def _heading(self, title: str):
        """The report's title (HTML: input text in it escaped with ``markup.text``), and a warning naming
        the raw files whose data are missing from it."""
        blocks = [f"<h1>{title}</h1>"]
        if self.unread:
            blocks.append(f"<p><b>{t('unread_files_note', self.lang)}</b> "
                          + ", ".join(markup.code(name) for name in self.unread) + "</p>")
        return markup.output(*blocks)

    def _keep_table(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        self.tables[name] = df
        return df

    def _kept(self, name: str, build) -> pd.DataFrame:
        """The table kept as ``name``, built (``build()``) and kept the first time it is asked for."""
        if name not in self.tables:
            self.tables[name] = build()
        return self.tables[name]

    def _keep_fig(self, name: str, fig):
        self.figs[name] = fig
        return fig

    def save(self):
        """Write every table (CSV and one XLSX workbook) and every figure (PNG) to the output folder."""
        out = self.output_dir
        for name, df in self.tables.items():
            outputs.write_csv(df, out / "tables" / f"{name}.csv")
        if self.tables:
            outputs.write_xlsx(self.tables, out / "tables.xlsx")
        for name, fig in self.figs.items():
            figures.save(fig, out / "figures" / f"{name}.png")
        paths = [display_path(out / "tables.xlsx")] + \
                [display_path(out / "tables" / (n + ".csv")) for n in self.tables] + \
                [display_path(out / "figures" / (n + ".png")) for n in self.figs]
        return markup.output(f"<p>{t('saved', self.lang)}</p>", markup.bullets(paths, markup.code))
