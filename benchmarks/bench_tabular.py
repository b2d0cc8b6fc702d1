"""Spreadsheet reading against hostile files: seconds and peak RSS per file, as JSON.

    python benchmarks/bench_tabular.py

Each file is read by ``tabular.read_rows`` in a fresh child process (so one file's peak
does not hide another's). Hostile files (built small on disk with zipfile): 3 million
declared rows; 16,384 columns x 2,000 rows; a 400 MB shared string; 3 million rows with
no dimension; a 50 MB CSV. The normal case is a 50,000-row CSV and XLSX.
Keys per file: ``seconds``, ``peak_rss_mb``, ``size_mb`` and ``outcome`` (rows read or
the refusal). Not run by CI.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _xlsx(path: Path, sheet_parts, strings_parts=()) -> Path:
    """A workbook written part by part (streamed into the zip), small on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{_CT}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="{_CT}.worksheet+xml"/><Override PartName="/xl/'
            f'sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="S" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for part in sheet_parts:
                fh.write(part.encode())
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(f'<sst xmlns="{_MAIN}">'.encode())
            for part in strings_parts:
                fh.write(part.encode())
            fh.write(b"</sst>")
    return path


def _rows(count: int, width: int = 2, *, dimension: str | None = None):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    yield f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>'
    yield '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>'
    batch = []
    for r in range(2, count + 2):
        cells = "".join(f'<c r="{_col(c)}{r}"><v>{c}</v></c>' for c in range(1, width + 1))
        batch.append(f'<row r="{r}">{cells}</row>')
        if len(batch) * width >= 200_000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield "</sheetData></worksheet>"


def _col(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def build(folder: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    files["xlsx_3m_rows_declared"] = _xlsx(
        folder / "tall.xlsx", _rows(3_000_000, 1, dimension="A1:A3000001")
    )
    files["xlsx_3m_rows_no_dimension"] = _xlsx(folder / "tall_nodim.xlsx", _rows(3_000_000, 1))
    files["xlsx_16384_cols_x_2000_rows"] = _xlsx(
        folder / "wide.xlsx", _rows(2_000, 16_384, dimension="A1:XFD2001")
    )
    files["xlsx_16384_cols_no_dimension"] = _xlsx(folder / "wide_nodim.xlsx", _rows(2_000, 16_384))

    def big_string():
        yield "<si><t>"
        chunk = "x" * 1_000_000
        for _ in range(400):
            yield chunk
        yield "</t></si>"

    files["xlsx_400mb_cell"] = _xlsx(
        folder / "cell.xlsx",
        [
            f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
            '<t>title</t></is></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>'
            "</sheetData></worksheet>"
        ],
        big_string(),
    )
    csv50 = folder / "big.csv"
    with csv50.open("w", encoding="utf-8", newline="") as fh:
        fh.write("kpi,date,value,note\n")
        line = "Adoption rate,2025-01-06,12.5," + "n" * 60 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line)):
            fh.write(line)
    files["csv_50mb"] = csv50
    from aipm_desktop.services.tabular import write_rows

    rows = [[f"KPI {i % 500}", "2025-01-06", i * 0.5, "note"] for i in range(50_000)]
    files["csv_50k_rows"] = write_rows(folder / "n.csv", ["kpi", "date", "value", "note"], rows)
    files["xlsx_50k_rows"] = write_rows(folder / "n.xlsx", ["kpi", "date", "value", "note"], rows)
    return files


def _child(path: str) -> None:
    from aipm_desktop.errors import UserError
    from aipm_desktop.services.tabular import read_rows

    start = time.perf_counter()
    try:
        outcome = f"{len(read_rows(path)):,} rows read"
    except UserError as error:
        outcome = f"refused: {error}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": round(peak), "outcome": outcome})
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        return
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in build(Path(tmp)).items():
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True,
                text=True,
                check=True,
                timeout=900,
            )
            result = json.loads(out.stdout)
            result["size_mb"] = round(path.stat().st_size / 1e6, 2)
            results[name] = result
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
