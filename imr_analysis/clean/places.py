"""Where a raw row is: its district and Puskesmas, resolved against the registry, or taken as written for a
district the registry does not know (and proposed for it)."""
from __future__ import annotations

from ..read.grid import column_letter
from .core import Context, finding
from ..privacy import cell_text, describe_text, described, looks_like_place_name
from ..vocab.findings import nested
from ..read.flat import FlatTable
from ..text import invisible_changes, visible
from ..vocab.puskesmas import display_name, district_key, kecamatan_key, name_key, written_name


def checked_district(registry, text: object) -> str | None:
    """A district name from the input, if the registry knows it or it looks like a place name; else None."""
    name = cell_text(text)
    if name and (registry.knows_district(name) or looks_like_place_name(name)):
        return name
    return None


def resolve_puskesmas(ctx: Context, district_raw: str, raw_name: object, rules: list, reasons: list, table,
                      entry: dict, column: str = "", kecamatan_raw: object = "", kecamatan_column: str = "") -> dict:
    """The geography of a raw row: registry match (known district), or the name as written (new district).

    An unknown name in a known district is never guessed: a reason (with the nearest registry
    names, never the name itself) is added to ``reasons`` and a finding to ``ctx.problems``. For a
    new district the name is taken as written and proposed for the registry, when it looks like a place
    name (its prefixes dropped, its punctuation kept: ``written_name``; rows whose names share a matching
    key get the first one's); otherwise the row is set aside. Sets ``entry['puskesmas']`` and ``entry['name_matched']``.
    """
    reg = ctx.registry
    district = reg.district_name(district_raw)
    geo = {"province": reg.province(district_raw), "district": district, "kecamatan": "", "puskesmas": ""}
    raw = cell_text(raw_name)
    where = f"column {column} ({describe_text(raw)})" if column else f"({describe_text(raw)})"
    where_param = nested("where_column_text", column=column, cell=described(raw)) if column else \
        nested("where_text", cell=described(raw))
    for what, text in (("Puskesmas", raw), ("kecamatan", cell_text(kecamatan_raw))):
        if hidden := invisible_changes(text):
            rules.append(f"{what} name read without its invisible or non-standard characters ({', '.join(hidden)})")
    if not raw:
        reasons.append("no Puskesmas name in this row; write the name in the PUSKESMAS column")
    elif not district_raw:  # the reason is given where the district was looked for
        pass
    elif reg.knows_district(district_raw):
        m = reg.match(district_raw, raw)
        if m.found:
            geo.update(kecamatan=m.kecamatan, puskesmas=m.puskesmas)
            entry["name_matched"] = m.term
            if m.rule != "exact":
                rules.append(m.rule)
        else:
            hint = f"; nearest registry names: {', '.join(m.suggestions)}" if m.suggestions else ""
            reasons.append(f"unknown Puskesmas in {where} for {district}{hint}. If it is one of them, add the name "
                           "as written in that cell to its aliases in imr_analysis/vocab/puskesmas.csv; if it is new, "
                           "add a row")
            hint_params = {"names": ", ".join(m.suggestions)} if m.suggestions else {}
            ctx.problems.append(finding("warning", "unknown_puskesmas", table.file, table.sheet, entry["row"], column,
                                        entry["year"], district,
                                        "unknown_puskesmas_hint" if hint_params else "unknown_puskesmas",
                                        where=where_param, district=district, **hint_params))
    elif not looks_like_place_name(visible(raw)):
        reasons.append(f"the Puskesmas cell {where} does not look like a place name (it holds digits like an ID or "
                       "phone number, an e-mail, an address or a personal name): write the Puskesmas name only")
        ctx.problems.append(finding("warning", "not_a_place_name", table.file, table.sheet, entry["row"], column,
                                    entry["year"], district, "puskesmas_not_place", where=where_param))
    else:
        kecamatan = ""
        if cell_text(kecamatan_raw) and looks_like_place_name(visible(cell_text(kecamatan_raw))):
            kecamatan = display_name(kecamatan_key(kecamatan_raw))
        elif cell_text(kecamatan_raw):
            rules.append(f"kecamatan in column {kecamatan_column or '?'} ({describe_text(kecamatan_raw)}) does not "
                         "look like a place name; left blank")
        # one name per matching key: the first written form seen (files are read in a fixed order)
        prop = ctx.proposals.setdefault((district, name_key(raw)), {
            "province": geo["province"], "district": district, "kecamatan": kecamatan, "puskesmas": written_name(raw),
            "aliases": set()})
        name = prop["puskesmas"]
        geo.update(kecamatan=kecamatan, puskesmas=name)
        entry["name_matched"] = name
        rules.append(f"new district: name taken as written -> '{name}'")
        if visible(raw).strip() != name:
            prop["aliases"].add(visible(raw).strip())
    entry["puskesmas"] = geo["puskesmas"]
    return geo


def district_of_row(table: FlatTable, ctx: Context, cells: list, reasons: list) -> str:
    """The district of a row: its district cell, else the title lines, else --district; '' with a reason when none."""
    col = table.col("district")
    if col is not None and cells[col.index]:
        if name := checked_district(ctx.registry, cells[col.index]):
            return name
        reasons.append(f"column {col.letter} (district: {describe_text(cells[col.index])}) does not look like a "
                       "district name; write the district name only")
        return ""
    if table.title_district and not ctx.district and not checked_district(ctx.registry, table.title_district):
        reasons.append("the district in the title lines above the header does not look like a place name; write "
                       "'KABUPATEN <name>' on a title line of its own, or pass --district")
        return ""
    name = (table.title_district if checked_district(ctx.registry, table.title_district) else None) or ctx.district
    if not name:
        reasons.append("no district: add a KABUPATEN column or title line, or pass --district")
    return name or ""



def check_title_district(file: str, sheet: str, cell: tuple[int, int], title: str, district: str, year,
                          problems: list) -> None:
    """A warning naming the title cell when it names another district than --district (the title is used)."""
    if district_key(title) == district_key(district):
        return
    row, col = cell
    problems.append(finding("warning", "district_mismatch", file, sheet, row, column_letter(col), year, title,
                            "district_mismatch", title=title, district=district))


