import pytest

from imr_analysis.read.numbers import parse_number


@pytest.mark.parametrize("cell, value, rule", [
    ("1.905", 1905, "Indonesian number '1.905' -> 1905"),
    ("8,92", 8.92, ""),
    ("1.234,5", 1234.5, ""),
    (" 0 ", 0, ""),
    ("-", 0, "'-' -> 0"),
    (None, 0, "blank -> 0"),
    ("", 0, "blank -> 0"),
    (17.0, 17, ""),
    ("96.23", 96.23, ""),
])
def test_indonesian_numbers(cell, value, rule):
    parsed = parse_number(cell)
    assert parsed.value == pytest.approx(value)
    assert parsed.rule == rule
    assert parsed.problem == ""


@pytest.mark.parametrize("cell, words", [("tad", "'tad' (no data)"), ("lima", "text in a number cell (text of 4 characters, #"),
                                         ("1,905,300", "'1,905,300' uses a comma as thousands separator; write 1.905.300"),
                                         ("1,605,011,234,560,001", "text of 21 characters, #")])
def test_text_in_number_cells_is_a_problem(cell, words):
    parsed = parse_number(cell)
    assert parsed.value is None
    assert words in parsed.problem
    if cell not in ("tad", "1,905,300"):  # free text and long digit strings are never repeated
        assert cell not in parsed.problem


def test_percent_sign_is_read_in_a_percentage_cell_and_a_problem_in_a_count_cell():
    assert parse_number("12%", blank_is_zero=False).value == pytest.approx(12)
    assert parse_number("95,96%", blank_is_zero=False).value == pytest.approx(95.96)
    count = parse_number("100%")
    assert count.value is None and count.check == "percent_in_count" and "'100%' in a count cell" in count.problem


def test_blank_percentage_is_missing_not_zero():
    assert parse_number(None, blank_is_zero=False).value is None


def test_comma_is_the_decimal_separator():
    # '1,905' is Indonesian for 1.905: in a count column cleaning then sets the row aside as non-integer
    assert parse_number("1,905").value == pytest.approx(1.905)
