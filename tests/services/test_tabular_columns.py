"""Reading a table column by column (tabular.read_columns, the feedback import's reader):
the same rows, row numbers, cleaned cells and refusals as reading it row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.services import tabular
from aipm_desktop.services.tabular import read_columns, read_rows

TRICKY = (
    "Text,Date,,Customer\r\n"
    "  padded  ,2026-10-01,x,Harbor\r\n"
    "\r\n"  # a blank line: skipped, but it still has a line number
    "short row,2026-10-02\r\n"
    "extra cells,2026-10-03,y,Alder,spill,more\r\n"
    "'=1+2,2026-10-04,,'tis\r\n"  # an exported formula comes back; a quote is kept
    '"a ""quoted"", multi\nline",2026-10-05,,Kestrel\r\n'
    "bell\x07 rings,2026-10-06,,\r\n"  # a control character is dropped
    "   ,  ,z,  \r\n"  # blank once trimmed (the unnamed column does not count)
)


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_columns_hold_the_cells_and_numbers_rows_hold(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", TRICKY)
    table = read_columns(path, required=["text"])
    assert list(table.numbers) == [2, 4, 5, 6, 7, 8]
    assert table.columns["text"] == [
        "padded",
        "short row",
        "extra cells",
        "=1+2",
        'a "quoted", multi\nline',
        "bell rings",
    ]
    assert table.columns["customer"] == ["Harbor", "", "Alder", "'tis", "Kestrel", ""]
    assert list(table.columns) == ["text", "date", "customer"]
    rows = read_rows(path, required=["text"])
    assert [table.cells(i) for i in range(len(table))] == [r.cells for r in rows]
    assert list(table.numbers) == [r.number for r in rows]


def test_a_semicolon_file_and_an_xlsx_read_alike(tmp_path: Path) -> None:
    csv_path = _write(tmp_path / "s.csv", "title;owner\nA;Lena\nB;\n")
    xlsx_path = tabular.write_rows(
        tmp_path / "s.xlsx", ["title", "owner"], [["A", "Lena"], ["B", None]]
    )
    for path in (csv_path, xlsx_path):
        table = read_columns(path)
        assert (list(table.numbers), dict(table.columns)) == (
            [2, 3],
            {"title": ["A", "B"], "owner": ["Lena", ""]},
        )


def test_the_caps_refuse_as_the_row_reader_does(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    path = _write(tmp_path / "many.csv", "text\na\nb\n\nc\n")
    with pytest.raises(UserError, match="more than 3 rows"):
        read_columns(path)
    path = _write(tmp_path / "three.csv", "text\na\n\nc\n")
    assert read_columns(path).columns["text"] == ["a", "c"]
    monkeypatch.setattr(tabular, "MAX_CELL_CHARS", 5)
    path = _write(tmp_path / "long.csv", "text,note\nshort,fine\nok,too long\n")
    with pytest.raises(UserError, match="row 3, column 'note'"):
        read_columns(path)
    with pytest.raises(UserError, match="missing column"):
        read_columns(_write(tmp_path / "none.csv", "other\nx\n"), required=["text"])
