"""Every key of the reading and cleaning vocabularies is read by the code: a key nobody reads is a promise
the tool does not keep (the YAML would say one thing, the code another)."""
from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pytest
import yaml

from helpers import (births_table, causes_table, deaths_table, kn_table, linelist_rows, monthly_row, monthly_rows,
                     write_xlsx)
from imr_analysis.annex_writer import TITLES, AnnexTable, maternal_causes_header, maternal_header, stack
from imr_analysis.config import VOCAB_DIR
from imr_analysis.read import dates, titles
from imr_analysis.read.annex import _title_kind as find_title
from imr_analysis.vocab import formats, icd10, layout, months

YAML_FILES = {"tables.yaml": layout.layout, "monthly.yaml": formats.flat_vocab, "linelist.yaml": formats.flat_vocab}


class _Tracked(dict):
    """A mapping that notes which of its keys were read (looked up, or met while iterating over it)."""

    def __init__(self, data: dict, path: str, read: set):
        super().__init__({k: _track(v, f"{path}.{k}", read) for k, v in data.items()})
        self._path, self._read = path, read

    def _mark(self, *keys):
        self._read.update(f"{self._path}.{k}" for k in keys)

    def __getitem__(self, key):
        self._mark(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        if key in self:
            self._mark(key)
        return super().get(key, default)

    def items(self):
        self._mark(*self.keys())
        return super().items()

    def values(self):
        self._mark(*self.keys())
        return super().values()

    def __iter__(self):
        self._mark(*self.keys())
        return super().__iter__()


def _track(value, path: str, read: set):
    return _Tracked(value, path, read) if isinstance(value, dict) else value


def _keys(data: dict, path: str) -> set[str]:
    out = set()
    for k, v in data.items():
        out.add(f"{path}.{k}")
        if isinstance(v, dict):
            out |= _keys(v, f"{path}.{k}")
    return out


def _corpus(tmp: Path) -> list[Path]:
    births = births_table([[1, "Rupit", "Muara Rupit", 10, 0, 10, 9, 0, 9, 19, 0, 19]])
    deaths = deaths_table([[1, "Rupit", "Muara Rupit", 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]])
    causes = causes_table([[1, "Rupit", "Muara Rupit", 1] + [0] * 16])
    kn = kn_table([[1, "Rupit", "Muara Rupit", 10, 9, 19, 10, 100, 9, 100, 19, 100, 9, 90, 9, 100, 18, 94.74]])
    # maternal deaths by period and age (with JUMLAH LAHIR HIDUP) and by cause (the JUMLAH KEMATIAN IBU total)
    maternal = AnnexTable("TABEL 30", TITLES["maternal"], maternal_header(),
                          [[1, "Rupit", "Muara Rupit", 19, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]],
                          "KABUPATEN MUSI RAWAS UTARA", 2023)
    maternal_causes = AnnexTable("TABEL 31", TITLES["maternal_causes"], maternal_causes_header(),
                                 [[1, "Rupit", "Muara Rupit", 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
                                 "KABUPATEN MUSI RAWAS UTARA", 2023)
    annex = write_xlsx(tmp / "profil_2023.xlsx", {"B": births, "D": deaths, "C": causes, "K": kn,
                                                  "M": stack([maternal]), "MC": stack([maternal_causes])})
    monthly = write_xlsx(tmp / "lb3_2022.xlsx", {"LB3": monthly_rows(
        [monthly_row("Januari", year=2022)], title="LAPORAN BULANAN KIA KABUPATEN MUSI RAWAS UTARA TAHUN 2022")})
    rows = linelist_rows([("P", "2021-01-01", "2021-01-05", None, "P21.0", "Muara Rupit"),
                          ("P", None, "2021-02-03", None, "Perdarahan", "Muara Rupit")],
                         title="DAFTAR KEMATIAN BAYI KABUPATEN MUSI RAWAS UTARA TAHUN 2021")
    # the death type, the period of a maternal death and the mother's age (the second row is a mother's death)
    rows[1] += ["JENIS KEMATIAN", "PERIODE KEMATIAN", "UMUR IBU"]
    rows[2] += ["BAYI", None, None]
    rows[3] += ["IBU", "Nifas", "27 tahun"]
    deaths_list = write_xlsx(tmp / "ampsr_2021.xlsx", {"L": rows})
    return [annex, monthly, deaths_list]


def test_every_yaml_key_is_read(tmp_path, monkeypatch):
    read: set[str] = set()
    real = yaml.safe_load

    def tracked_load(fh):
        return _track(real(fh), Path(fh.name).name, read)

    monkeypatch.setattr(yaml, "safe_load", tracked_load)
    loaders = [layout.layout, formats.flat_vocab, formats.age_units, dates._age_pattern, titles._patterns,
               layout._footer_prefix]
    for loader in loaders:
        loader.cache_clear()
    try:
        from imr_analysis.clean import clean
        from imr_analysis.clean.checks import findings
        result = clean(_corpus(tmp_path))
        findings(result)
        assert set(result.ledger["format"]) == {"annex", "monthly", "linelist"}
        # a table of deaths at 12-59 months by cause (the corpus has none) is recognised by its title
        assert find_title("JUMLAH KEMATIAN ANAK BALITA MENURUT PENYEBAB UTAMA") == "child_causes"
        assert dates.parse_age_days("2 minggu") == 14   # ages in words: the line list's age units
        maternal = result.tables["maternal_deaths"]
        assert maternal["deaths"].sum() == result.tables["maternal_causes"]["deaths"].sum() == 2   # annex + line list
        assert ((maternal["year"] == 2021) & (maternal["period"] == "postpartum")
                & (maternal["age_group"] == "age_20_34")).any()
        for kind in ["births", "deaths", "causes", "child_causes", "kn", "maternal", "maternal_causes", "monthly",
                     "linelist"]:
            for lang in ("id", "en"):   # the labels are read by the reports
                layout.table_label(kind, lang)
    finally:
        for loader in loaders:
            loader.cache_clear()
    for name in YAML_FILES:
        with open(VOCAB_DIR / name, encoding="utf-8") as fh:
            keys = _keys(real(fh), name)
        assert keys - read == set(), f"keys of {name} nobody reads"


# A CSV column for the person editing the file, not for the code.
DOCUMENTATION_COLUMNS = {"icd10.csv": {"note"}}
CSV_LOADERS = {"months.csv": months, "month_labels.csv": months, "icd10.csv": icd10}


@pytest.mark.parametrize("name", sorted(CSV_LOADERS))
def test_every_csv_column_is_read_by_its_loader(name):
    source = inspect.getsource(CSV_LOADERS[name])
    assert f'"{name}"' in source
    columns = set(pd.read_csv(VOCAB_DIR / name, nrows=1).columns) - DOCUMENTATION_COLUMNS.get(name, set())
    assert {c for c in columns if f'["{c}"]' not in source and f'"{c}")' not in source} == set()


def test_month_labels_and_numbers_agree():
    labels, numbers = months.month_labels(), months.month_numbers()
    assert labels[0] == "Jan" and labels[4] == "Mei" and len(labels) == 12
    assert all(numbers[label.upper()] == i for i, label in enumerate(labels, start=1))


@pytest.mark.parametrize("line, year, district", [
    ("KABUPATEN MUSI RAWAS UTARA", None, "MUSI RAWAS UTARA"),
    ("KABUPATEN KOTA MUSI RAWAS UTARA TAHUN 2023", 2023, "MUSI RAWAS UTARA"),
    ("KAB KOTA LUBUKLINGGAU", None, "LUBUKLINGGAU"),           # not 'KOTA LUBUKLINGGAU'
    ("LAPORAN BULANAN KIA KABUPATEN MUSI RAWAS UTARA TAHUN 2023", 2023, "MUSI RAWAS UTARA"),
    ("TAHUN 2023", 2023, None),
])
def test_one_title_pattern_for_every_format(line, year, district):
    assert titles.title_year(line) == year
    assert titles.title_district(line) == district


def test_icd10_ranges_in_file_order():
    ranges = icd10.icd10_ranges()
    assert ranges[0][2] == "lbw_prematurity" and all(first <= last for first, last, _ in ranges)


@pytest.mark.parametrize("text, sex", [("L", "male"), ("Laki-laki", "male"), ("perempuan", "female"), ("F", "female"),
                                       ("?", None), (None, None)])
def test_sex_values_come_from_the_line_list_vocabulary(text, sex):
    assert formats.sex_of(text) == sex
