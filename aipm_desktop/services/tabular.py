"""CSV and XLSX tables in and out: the one place that reads and writes spreadsheets.

Reading returns plain rows (dicts keyed by normalised header) with their spreadsheet row
numbers, so importers can validate every row first and report errors by row. Writing
neutralises formula injection: a text cell starting with ``= + - @`` (or a tab / carriage
return), also behind white space or zero-width characters or in their full-width forms,
gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UserError

SUFFIXES = (".csv", ".xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 200_000


@dataclass(frozen=True)
class SourceRow:
    """One data row of an imported table: its 1-based line/row number and its cells."""

    number: int
    cells: dict[str, str]


def normalise_header(name: Any) -> str:
    """``" Outcome Metric "`` -> ``"outcome_metric"``."""
    text = str(name or "").strip().lower()
    return "_".join(text.replace("-", " ").replace("/", " ").split())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # A value this app exported with a protecting apostrophe comes back as it was.
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv or .xlsx."
        )
    return suffix


def read_rows(path: Path | str, *, required: Sequence[str] = ()) -> list[SourceRow]:
    """Read a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file into rows.

    The first row is the header. Blank rows are skipped. Missing ``required`` columns or an
    unreadable file raise a :class:`UserError`.
    """
    path = Path(path).expanduser()
    suffix = _check_suffix(path)
    if not path.is_file():
        raise UserError(f"No such file: {path}")
    if suffix == ".csv":
        header, body = _read_csv(path)
    else:
        header, body = _read_xlsx(path)
    keys = [normalise_header(h) for h in header]
    if not any(keys):
        raise UserError(f"{path.name}: the first row must name the columns.")
    duplicates = sorted({k for k in keys if k and keys.count(k) > 1})
    if duplicates:
        raise UserError(f"{path.name}: duplicate column(s): {', '.join(duplicates)}.")
    missing = [c for c in required if c not in keys]
    if missing:
        raise UserError(f"{path.name}: missing column(s): {', '.join(missing)}.")
    rows: list[SourceRow] = []
    for number, values in body:
        cells = {k: _cell_text(v) for k, v in zip(keys, values, strict=False) if k}
        if any(cells.values()):
            rows.append(SourceRow(number=number, cells=cells))
        if len(rows) > MAX_ROWS:
            raise UserError(f"{path.name}: more than {MAX_ROWS:,} rows; split the file.")
    return rows


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    first_line = text.split("\n", 1)[0]
    # Excel in many locales writes ';'-separated CSV; pick what the header line uses.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        all_rows = list(reader)
    except csv.Error as exc:
        raise UserError(f"{path.name}: not a readable CSV file ({exc}).") from exc
    if not all_rows:
        raise UserError(f"{path.name} is empty.")
    return all_rows[0], [(i + 2, row) for i, row in enumerate(all_rows[1:])]


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UserError(f"{path.name}: not a readable XLSX workbook ({exc}).") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UserError(f"{path.name}: the first sheet is empty.")
        body = [(i + 2, list(row)) for i, row in enumerate(rows)]
    finally:
        book.close()
    return [str(h) if h is not None else "" for h in header], body


#: Characters a spreadsheet skips or folds before it looks for a formula: white space of
#: every kind (no-break, ideographic, line feed), zero-width characters and the BOM.
_INVISIBLE = "".join(
    [" \t\r\n\v\f\u00a0\u1680\u202f\u205f\u3000\u2028\u2029\u200b\u200c\u200d\u2060\ufeff"]
    + [chr(c) for c in range(0x2000, 0x200B)]  # en quad … hair space
)
#: Full-width forms some spreadsheets treat like their ASCII originals.
_FULL_WIDTH = {"\uff1d": "=", "\uff0b": "+", "\uff0d": "-", "\uff20": "@"}


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet might run ``value`` as a formula (OWASP CSV injection)."""
    if value.startswith(_FORMULA_START):
        return True
    head = value.lstrip(_INVISIBLE)[:1]
    return _FULL_WIDTH.get(head, head) in ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def write_rows(
    path: Path | str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    overwrite: bool = True,
) -> Path:
    """Write ``header`` and ``rows`` as CSV or XLSX (by suffix), whole or not at all."""
    from .outputs import replacing

    path = Path(path).expanduser()
    suffix = _check_suffix(path)
    with replacing(path, overwrite=overwrite, what="a table") as tmp:
        if suffix == ".csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([safe_cell(h) for h in header])
                for row in rows:
                    writer.writerow([safe_cell(_export_value(v)) for v in row])
        else:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append([safe_cell(h) for h in header])
            for row in rows:
                sheet.append([safe_cell(_export_value(v)) for v in row])
            book.save(tmp)
    return path


def _export_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value
