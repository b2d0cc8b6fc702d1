"""Spreadsheet reading and formula-safe writing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.services.tabular import read_rows, safe_cell, write_rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_keeps_values_and_defuses_formulas(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"table{suffix}"
    write_rows(
        out,
        ["Title", "Score", "Note"],
        [["Summarise cases", 72.5, '=HYPERLINK("http://x")'], ["-minus", 3, "@cmd"]],
    )
    rows = read_rows(out, required=["title"])
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].cells == {
        "title": "Summarise cases",
        "score": "72.5",
        "note": '=HYPERLINK("http://x")',
    }
    assert rows[1].cells["title"] == "-minus"


def test_written_csv_cells_start_with_apostrophe(tmp_path: Path) -> None:
    out = write_rows(tmp_path / "t.csv", ["a"], [["=1+1"], ["+SUM(A1)"], ["plain"]])
    text = out.read_text(encoding="utf-8-sig")
    assert "'=1+1" in text and "'+SUM(A1)" in text and "'plain" not in text
    assert safe_cell(5) == 5


def test_missing_required_column_and_bad_files(tmp_path: Path) -> None:
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("name,owner\nA,B\n")
    with pytest.raises(UserError, match="missing column"):
        read_rows(csv_file, required=["title"])
    bad = tmp_path / "t.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(UserError, match="not a readable XLSX"):
        read_rows(bad)
    with pytest.raises(UserError, match="unsupported file type"):
        read_rows(tmp_path / "t.txt")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title\ncaf\xe9\n".encode("latin-1"))
    # Windows-1252 (what Excel's plain "CSV" saves in western locales) is read as such.
    assert read_rows(latin)[0].cells == {"title": "café"}


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        write_rows(tmp_path / "nope" / "t.csv", ["a"], [[1]])


@pytest.mark.parametrize(
    "value",
    [
        '\u200b=HYPERLINK("http://x")',  # zero-width space first
        "\uff1dSUM(A1)",  # full-width equals sign
        " =1+1",  # a leading space (survives a JSON dump)
        "\u00a0@cmd",  # no-break space
        "\n-2+3",  # line feed
        "\ufeff+1",  # byte-order mark
    ],
)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hidden_formula_starts_are_defused_and_round_trip(
    tmp_path: Path, value: str, suffix: str
) -> None:
    assert safe_cell(value) == "'" + value
    out = write_rows(tmp_path / f"t{suffix}", ["a", "b"], [[value, "x"]])
    if suffix == ".csv":
        with out.open(encoding="utf-8-sig", newline="") as fh:
            written = list(csv.reader(fh))[1][0]
    else:
        import openpyxl

        book = openpyxl.load_workbook(out, read_only=True)
        written = next(book.active.iter_rows(min_row=2, values_only=True))[0]
        book.close()
    assert written == "'" + value  # the spreadsheet shows it as text
    rows = read_rows(out, required=["a"])
    assert rows[0].cells["a"] == value  # read back exactly as it was


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_column_empty_in_every_row_is_still_there(tmp_path: Path, suffix: str) -> None:
    out = write_rows(tmp_path / f"t{suffix}", ["title", "owner"], [["A", ""], ["B", None]])
    rows = read_rows(out, required=["title"])
    assert [r.cells for r in rows] == [
        {"title": "A", "owner": ""},
        {"title": "B", "owner": ""},
    ]
