"""The district -> province vocabulary: complete (514 kabupaten/kota, 38 provinces) and read as title blocks write names."""
from collections import Counter

import pandas as pd
import pytest

from imr_analysis.text import norm
from imr_analysis.vocab.districts import DISTRICTS_FILE, districts, resolve_district, split_kind
from imr_analysis.vocab.puskesmas import registry


@pytest.fixture(scope="module")
def table():
    return districts()


def test_every_kabupaten_kota_and_province_is_there_once(table):
    assert len(table) == 514
    assert Counter(table["kind"]) == {"kabupaten": 416, "kota": 98}
    assert table["code"].is_unique and table["name"].is_unique
    assert table["code"].str.fullmatch(r"\d{2}\.\d{2}").all()
    assert (table["code"].str[:2] == table["province_code"]).all()
    provinces = table[["province_code", "province"]].drop_duplicates()
    assert len(provinces) == 38 and provinces["province_code"].is_unique and provinces["province"].is_unique


@pytest.mark.parametrize("code, name, province", [
    ("16.13", "Kabupaten Musi Rawas Utara", "Sumatera Selatan"),
    ("32.04", "Kabupaten Bandung", "Jawa Barat"),
    ("32.73", "Kota Bandung", "Jawa Barat"),
    ("31.71", "Kota Administrasi Jakarta Pusat", "Daerah Khusus Ibukota Jakarta"),
    ("65.71", "Kota Tarakan", "Kalimantan Utara"),
    # the 2022 Papua provinces
    ("93.01", "Kabupaten Merauke", "Papua Selatan"),
    ("94.04", "Kabupaten Mimika", "Papua Tengah"),
    ("95.01", "Kabupaten Jayawijaya", "Papua Pegunungan"),
    ("96.71", "Kota Sorong", "Papua Barat Daya"),
    # the one edit to the source: 'Kep.' written out
    ("71.09", "Kabupaten Kepulauan Siau Tagulandang Biaro", "Sulawesi Utara"),
])
def test_known_codes(table, code, name, province):
    row = table.set_index("code").loc[code]
    assert (row["name"], row["province"]) == (name, province)


def test_columns_agree_with_the_official_name(table):
    for _, row in table.iterrows():
        kind = row["kind"].capitalize()
        assert row["name"] in (f"{kind} {row['district']}", f"{kind} Administrasi {row['district']}")
        # no district name itself starts like a prefix ('Kotabaru' is not 'Kota Baru')
        assert split_kind(row["district"]) == ("", norm(row["district"]))


def test_no_name_or_alias_points_to_two_districts_of_one_kind(table):
    owners = Counter()
    for _, row in table.iterrows():
        own = split_kind(row["district"])[1]
        aliases = [a for a in row["aliases"].split("|") if a]
        for alias in aliases:
            assert split_kind(alias)[1] != own, f"{row['code']}: alias {alias!r} is the name itself"
        for key in {own, *(split_kind(a)[1] for a in aliases)}:
            owners[(key.replace(" ", ""), row["kind"])] += 1
    assert [k for k, n in owners.items() if n > 1] == []


@pytest.mark.parametrize("written, code, rule", [
    ("KABUPATEN MUSI RAWAS UTARA", "16.13", "exact"),
    ("Kab. Musi Rawas Utara", "16.13", "exact"),
    ("Musi Rawas Utara", "16.13", "exact"),
    ("MURATARA", "16.13", "alias 'MURATARA' -> 'Kabupaten Musi Rawas Utara'"),
    ("KOTA BANDUNG", "32.73", "exact"),
    ("Kabupaten Bandung", "32.04", "exact"),
    ("KAB/KOTA : KOTA MALANG", "35.73", "exact"),
    ("Kota Adm. Jakarta Pusat", "31.71", "exact"),
    ("Kab. Kep. Sula", "82.05", "exact"),
    ("Kota Pagaralam", "16.72", "spelling 'Kota Pagaralam' -> 'Kota Pagar Alam'"),
    ("Toba Samosir", "12.12", "alias 'Toba Samosir' -> 'Kabupaten Toba'"),
    ("Kota Kotamobagu", "71.74", "exact"),
])
def test_a_title_block_name_resolves(written, code, rule):
    match = resolve_district(written)
    assert match.found and match.code == code and match.rule == rule


def test_musi_rawas_utara_is_in_sumatera_selatan():
    match = resolve_district("KABUPATEN MUSI RAWAS UTARA")
    assert (match.district, match.kind, match.province) == ("Musi Rawas Utara", "kabupaten", "Sumatera Selatan")


def test_a_name_shared_by_a_kabupaten_and_a_kota_needs_its_prefix():
    bandung = resolve_district("BANDUNG")
    assert not bandung.found and bandung.code == ""
    assert bandung.candidates == ("Kabupaten Bandung", "Kota Bandung")
    assert "ambiguous" in bandung.rule and "'Kabupaten' or 'Kota'" in bandung.rule
    assert bandung.province == "Jawa Barat"  # both lie in Jawa Barat
    assert resolve_district("Kab/Kota Bandung").candidates == bandung.candidates
    banjar = resolve_district("Banjar")  # Kota Banjar (Jawa Barat), Kabupaten Banjar (Kalimantan Selatan)
    assert not banjar.found and banjar.province == "" and len(banjar.candidates) == 2


def test_the_wrong_prefix_is_not_corrected():
    match = resolve_district("Kabupaten Batu")
    assert not match.found and match.candidates == ("Kota Batu",)
    assert match.rule == "there is no Kabupaten Batu, only Kota Batu (35.79, Jawa Timur)"


@pytest.mark.parametrize("written", ["Musi Rawass Utara", "", None, "KABUPATEN"])
def test_unknown_names_are_not_guessed(written):
    match = resolve_district(written)
    assert not match.found and match.code == match.province == ""
    if written == "Musi Rawass Utara":
        assert "not one of the 514" in match.rule
        assert match.candidates[0] == "Kabupaten Musi Rawas Utara"


def test_every_district_resolves_from_its_official_and_its_short_name(table):
    bare = Counter(table["district"])
    for _, row in table.iterrows():
        short = f"{'Kab.' if row['kind'] == 'kabupaten' else 'Kota'} {row['district'].upper()}"
        for written in (row["name"], short):
            assert resolve_district(written).code == row["code"], written
        alone = resolve_district(row["district"])
        assert alone.found == (bare[row["district"]] == 1), row["district"]
    assert sum(n == 2 for n in bare.values()) == 26 and max(bare.values()) == 2


def test_every_registry_district_is_in_the_same_province():
    reg = registry()
    for district, province in reg[["district", "province"]].drop_duplicates().itertuples(index=False):
        match = resolve_district(district)
        assert match.found and match.province == province, (district, match.rule)


def test_a_broken_vocabulary_file_is_named(tmp_path):
    df = pd.read_csv(DISTRICTS_FILE, dtype=str, keep_default_na=False)
    df.drop(columns="kind").to_csv(tmp_path / "no_kind.csv", index=False)
    with pytest.raises(ValueError, match=r"no_kind.csv: the district vocabulary lacks columns \['kind'\]"):
        districts(tmp_path / "no_kind.csv")
    df.assign(kind="kecamatan").to_csv(tmp_path / "bad_kind.csv", index=False)
    with pytest.raises(ValueError, match="bad_kind.csv: kind must be one of"):
        districts(tmp_path / "bad_kind.csv")
