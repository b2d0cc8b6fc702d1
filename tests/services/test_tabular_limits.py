# ruff: noqa: E501
"""Spreadsheet reading within caps, in the encodings spreadsheets export, without control
characters; and writing text an XLSX cannot hold (issue 12)."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import openpyxl
import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.services import tabular
from aipm_desktop.services.problems import quote
from aipm_desktop.services.tabular import read_rows, write_rows

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def build_xlsx(
    path: Path, rows_xml: str, *, dimension: str | None = None, strings: list[str] = ()
) -> Path:
    """A minimal workbook written with zipfile: small on disk whatever it declares."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dim}<sheetData>{rows_xml}</sheetData></worksheet>'
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    shared_xml = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared_xml)
    return path


def _row(number: int, *values: str) -> str:
    cells = "".join(
        f'<c r="{_col(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values, start=1)
    )
    return f'<row r="{number}">{cells}</row>'


def _col(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def test_a_hand_built_workbook_reads(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "ok.xlsx", _row(1, "title", "owner") + _row(2, "A", "B"))
    assert [r.cells for r in read_rows(path)] == [{"title": "A", "owner": "B"}]


def test_declared_millions_of_rows_are_refused_before_reading(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "tall.xlsx", _row(1, "title"), dimension="A1:A3000001")
    with pytest.raises(UserError, match=r"tall\.xlsx: the sheet declares 3,000,000 rows.*200,000"):
        read_rows(path)


def test_rows_past_the_cap_stop_the_read_even_without_a_dimension(tmp_path: Path) -> None:
    far = tabular.MAX_ROWS + 5
    path = build_xlsx(tmp_path / "sparse.xlsx", _row(1, "title") + _row(2, "A") + _row(far, "Z"))
    with pytest.raises(UserError, match=r"sparse\.xlsx: more than 200,000 rows"):
        read_rows(path)


def test_millions_of_undeclared_rows_are_counted_before_parsing(
    tmp_path: Path, monkeypatch
) -> None:
    body = _row(1, "title") + "".join(
        f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, tabular.MAX_ROWS + 3)
    )
    path = build_xlsx(tmp_path / "tall.xlsx", body)
    assert path.stat().st_size < 2_000_000

    def parsed(*_args, **_kwargs):
        raise AssertionError("openpyxl opened the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", parsed)
    with pytest.raises(UserError, match=r"tall\.xlsx: more than 200,000 rows \(the limit"):
        read_rows(path)


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_the_row_count_spans_chunks_exactly(tmp_path: Path, monkeypatch, prefix: str) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 10)
    monkeypatch.setattr(tabular, "_CHUNK_BYTES", 7)  # every tag split across chunks

    def sheet(rows: int) -> Path:
        xml = "".join(
            f'<{prefix}row r="{r}"><{prefix}c r="A{r}"><{prefix}v>1</{prefix}v></{prefix}c>'
            f"</{prefix}row>"
            for r in range(1, rows + 1)
        )
        ns = f'xmlns{":" + prefix[:-1] if prefix else ""}="{_MAIN}"'
        path = tmp_path / f"p{rows}.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
            archive.writestr("_rels/.rels", _ROOT_RELS)
            archive.writestr("xl/workbook.xml", _WORKBOOK)
            archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                f"<{prefix}worksheet {ns}><{prefix}sheetData>{xml}</{prefix}sheetData>"
                f"</{prefix}worksheet>",
            )
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}"/>')
        return path

    with pytest.raises(UserError, match=r"p12\.xlsx: more than 10 rows"):
        tabular._check_zip(sheet(12))
    tabular._check_zip(sheet(11))  # header and 10 rows: within the cap


def test_declared_16384_columns_are_refused(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "wide.xlsx", _row(1, "title"), dimension="A1:XFD2000")
    with pytest.raises(UserError, match=r"wide\.xlsx: the sheet declares 16,384 columns.*200"):
        read_rows(path)


def test_a_row_wider_than_the_cap_is_refused(tmp_path: Path) -> None:
    wide = _row(1, "title") + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
    path = build_xlsx(tmp_path / "wide.xlsx", wide)
    with pytest.raises(UserError, match=r"wide\.xlsx: row 2 has 16,384 columns, more than the 200"):
        read_rows(path)
    # Trailing empty cells (a formatted row) do not count.
    padded = (
        _row(1, "title")
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="XFD2"/></row>'
    )
    assert read_rows(build_xlsx(tmp_path / "padded.xlsx", padded))[0].cells == {"title": "x"}


def test_a_huge_shared_string_is_refused_before_loading(tmp_path: Path) -> None:
    big = "x" * (tabular.MAX_CELL_CHARS + 1)
    path = build_xlsx(
        tmp_path / "cell.xlsx",
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>',
        strings=["title", big],
    )
    assert path.stat().st_size < 10_000
    with pytest.raises(UserError, match=r"cell\.xlsx: a cell holds more than 100,000 characters"):
        read_rows(path)


def test_a_huge_inline_cell_is_refused(tmp_path: Path) -> None:
    big = "y" * (tabular.MAX_CELL_CHARS + 1)
    path = build_xlsx(tmp_path / "inline.xlsx", _row(1, "title") + _row(2, big))
    with pytest.raises(UserError, match=r"inline\.xlsx: row 2, column 'title', holds more than"):
        read_rows(path)


def test_uncompressed_size_is_checked_first(tmp_path: Path, monkeypatch) -> None:
    path = build_xlsx(tmp_path / "bomb.xlsx", _row(1, "title") + _row(2, "z" * 50_000))
    assert path.stat().st_size < 5_000
    monkeypatch.setattr(tabular, "MAX_UNCOMPRESSED", 40_000)
    with pytest.raises(UserError, match=r"bomb\.xlsx: the workbook unpacks to .* MB, more than"):
        read_rows(path)


def test_csv_caps(tmp_path: Path, monkeypatch) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(300)) + "\n" + "x\n")
    with pytest.raises(UserError, match=r"wide\.csv: 300 columns, more than the 200"):
        read_rows(wide)
    long_cell = tmp_path / "long.csv"
    long_cell.write_text("title\n" + "a" * (tabular.MAX_CELL_CHARS + 1) + "\n")
    with pytest.raises(UserError, match=r"long\.csv: row 2, column 'title', holds more than"):
        read_rows(long_cell)
    huge_cell = tmp_path / "huge.csv"
    huge_cell.write_text('title\n"' + "a" * 300_000 + '"\n')
    with pytest.raises(UserError, match=r"huge\.csv: a cell holds more than 100,000"):
        read_rows(huge_cell)
    monkeypatch.setattr(tabular, "MAX_ROWS", 10)
    tall = tmp_path / "tall.csv"
    tall.write_text("title\n" + "x\n" * 11)
    with pytest.raises(UserError, match=r"tall\.csv: more than 10 rows"):
        read_rows(tall)
    tall.write_text("title\n" + "x\n" * 10)
    assert len(read_rows(tall)) == 10


# encodings ---------------------------------------------------------------------------

_TEXT = "title,owner\nCafé crème,Zoë “lead” 5€\n"
_EXPECTED = [{"title": "Café crème", "owner": "Zoë “lead” 5€"}]


@pytest.mark.parametrize(
    "data",
    [
        _TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + _TEXT.encode("utf-8"),
        _TEXT.encode("cp1252"),
        codecs.BOM_UTF16_LE + _TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + _TEXT.encode("utf-16-be"),
        _TEXT.encode("utf-16-le"),
        _TEXT.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be"],
)
def test_csv_encodings(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    assert [r.cells for r in read_rows(path)] == _EXPECTED


def test_excel_unicode_text_is_tab_separated_utf16(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    text = "title\towner\r\nÜbersicht, kurz\tJosé\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert [r.cells for r in read_rows(path)] == [{"title": "Übersicht, kurz", "owner": "José"}]


def test_undecodable_csv_says_how_to_save_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"title\nbad \x81 byte \xe9\n")  # 0x81 is not Windows-1252 either
    with pytest.raises(UserError, match=r"odd\.csv: cannot read it .*CSV UTF-8"):
        read_rows(path)


# control characters --------------------------------------------------------------------


def test_control_characters_are_stripped_from_cells(tmp_path: Path) -> None:
    path = tmp_path / "ctl.csv"
    path.write_bytes(b'title,note\r\nA\x07B\x1b[31mC\x00,"one\x0btwo\r\nthree\tfour\x7f"\r\n')
    assert read_rows(path)[0].cells == {"title": "AB[31mC", "note": "onetwo\nthree\tfour"}


def test_xlsx_writer_drops_what_xml_cannot_hold(tmp_path: Path) -> None:
    out = write_rows(
        tmp_path / "out.xlsx", ["title"], [["bell\x07 esc\x1b[0m nul\x00 vt\x0b ok\ttab\nline"]]
    )
    assert read_rows(out)[0].cells == {"title": "bell esc[0m nul vt ok\ttab\nline"}
    csv_out = write_rows(tmp_path / "out.csv", ["title"], [["lone \ud800 surrogate"]])
    assert read_rows(csv_out)[0].cells == {"title": "lone  surrogate"}


def test_quote_escapes_control_characters_and_shortens() -> None:
    assert quote("a\x1b[31mb") == "'a\\x1b[31mb'"
    assert quote("\ud800") == "'\\ud800'"
    assert "\u202e" not in quote("x\u202ey")
    assert len(quote("z" * 500)) == 60
