"""CSV and XLSX tables in and out: the one place that reads and writes spreadsheets.

Reading returns plain rows (dicts keyed by normalised header) with their spreadsheet row
numbers, so importers can validate every row first and report errors by row. Writing
neutralises formula injection: a text cell starting with ``= + - @`` (or a tab / carriage
return), also behind white space or zero-width characters or in their full-width forms,
gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import hashlib
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from ..errors import UserError
from .problems import quote

SUFFIXES = (".csv", ".xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Caps of what an import reads: data rows below the header, columns, characters in one
#: cell, and (XLSX) the uncompressed size of the workbook's parts together.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 100_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_CHUNK_BYTES = 1024 * 1024
#: C0 control characters (but tab and line feed) and DEL: stripped from imported cells.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: What an XLSX (XML 1.0) cannot hold: C0 controls but tab, LF, CR; lone surrogates.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SAVE_AS_UTF8 = (
    "save it from the spreadsheet app with File > Save As > 'CSV UTF-8 (Comma delimited)'"
)


@dataclass(frozen=True)
class SourceRow:
    """One data row of an imported table: its 1-based line/row number and its cells."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class SourceColumns:
    """An imported table column by column (:func:`read_columns`): the 1-based line/row
    number of each data row, and per named column of the header its cells, in row order."""

    numbers: Sequence[int]
    columns: Mapping[str, Sequence[str]]

    def __len__(self) -> int:
        return len(self.numbers)

    def cells(self, index: int) -> dict[str, str]:
        """The cells of the ``index``-th data row, as :class:`SourceRow` holds them."""
        return {name: column[index] for name, column in self.columns.items()}


def clean_text(text: str) -> str:
    """Imported text without control characters: CR LF and CR become LF; the other C0
    controls but tab and LF, and DEL, are dropped."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def normalise_header(name: Any) -> str:
    """``" Outcome Metric "`` -> ``"outcome_metric"``."""
    text = clean_text(str(name or "")).strip().lower()
    return "_".join(text.replace("-", " ").replace("/", " ").split())


def _unprotected(text: str) -> str:
    """``text`` without the apostrophe this app puts before a formula-like cell it exports
    (so a value exported and imported comes back as it was)."""
    return text[1:] if text[:1] == "'" and is_formula_like(text[1:]) else text


def _cell_text(value: Any) -> str:
    if type(value) is str and value.isprintable():  # most CSV cells: no control character
        return _unprotected(value.strip())
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _unprotected(clean_text(str(value)).strip())


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while many rows are read or checked: each
    burst of container objects (the rows hold no reference cycles; reference counting
    frees them) would set it off again and again. A third of a 200,000-row read."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, as hex (an import records what it read)."""
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv or .xlsx."
        )
    return suffix


def read_rows(path: Path | str, *, required: Sequence[str] = ()) -> list[SourceRow]:
    """Read a CSV or XLSX (first sheet) file into rows, streaming, within the caps.

    CSV may be UTF-8 (with or without BOM), UTF-16 with BOM or without (Excel's "Unicode
    text", tab-separated) or Windows-1252; the separator is what the header line uses
    (``,`` ``;`` or tab). The first row is the header. Blank rows are skipped; control
    characters are stripped from cells. Missing ``required`` columns, an unreadable file,
    or more than :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns, :data:`MAX_CELL_CHARS`
    characters in a cell or :data:`MAX_UNCOMPRESSED` bytes of XLSX content raise a
    :class:`UserError` naming the file and the limit, as soon as the cap is passed.
    """
    path = Path(path).expanduser()
    suffix = _check_suffix(path)
    if not path.is_file():
        raise UserError(f"No such file: {path}")
    try:
        with collector_paused():
            if suffix == ".csv":
                return _collect(path, _csv_records(path), required)
            return _read_xlsx(path, required)
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}") from exc


def read_columns(path: Path | str, *, required: Sequence[str] = ()) -> SourceColumns:
    """:func:`read_rows` column by column, for imports of many rows: the same rows, cells,
    caps and messages. A CSV file whose rows all have the header's width (or are blank)
    and whose cells are within the cap is read without a Python object per row or cell:
    each column is cleaned and checked at once. Anything else (and XLSX) is read row by
    row, as :func:`read_rows` reads it."""
    path = Path(path).expanduser()
    if _check_suffix(path) == ".csv" and path.is_file():
        try:
            with collector_paused():
                found = _csv_columns(path, required)
        except OSError as exc:
            raise UserError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        if found is not None:
            return found
    rows = read_rows(path, required=required)
    names = list(rows[0].cells) if rows else []
    return SourceColumns(
        numbers=[r.number for r in rows],
        columns={n: [r.cells[n] for r in rows] for n in names},
    )


def _csv_columns(path: Path, required: Sequence[str]) -> SourceColumns | None:
    """A CSV file's columns, or None when a row needs :func:`_collect`'s row-by-row read
    (one past the row cap, wider than the column cap, a cell over the cell cap)."""
    records = _csv_rows(path)
    header = next(records, None)
    if header is None:
        raise UserError(f"{path.name} is empty.")
    keys = _header_keys(path, header, required)
    body = list(itertools.islice(records, MAX_ROWS))
    if next(records, None) is not None:
        return None
    width = len(keys)
    lengths = set(map(len, body))
    if max(lengths, default=0) > MAX_COLUMNS:
        return None
    if lengths - {width}:  # blank lines, rows cut short, rows with extra cells
        padding = [""] * width
        body = [v if len(v) == width else (v + padding)[:width] for v in body]
    raw = list(zip(*body, strict=True)) if body else [() for _ in keys]
    if max((_longest(column) for column in raw), default=0) > MAX_CELL_CHARS:
        return None
    columns = {k: _clean_column(column) for k, column in zip(keys, raw, strict=True) if k}
    numbers: Sequence[int] = range(2, 2 + len(body))
    kept = list(map(any, zip(*columns.values(), strict=True)))
    if not all(kept):  # blank rows are skipped
        numbers = list(itertools.compress(numbers, kept))
        columns = {k: list(itertools.compress(c, kept)) for k, c in columns.items()}
    return SourceColumns(numbers=numbers, columns=columns)


def _clean_column(values: Sequence[str]) -> list[str]:
    """The cell texts of a column of CSV cells, as :func:`_cell_text` makes them, tested
    for control characters and protecting apostrophes all at once."""
    joined = "".join(values)
    if not joined.isprintable():
        return list(map(_cell_text, values))
    cells = list(map(str.strip, values))
    if "'" in joined:
        cells = [_unprotected(c) if c[:1] == "'" else c for c in cells]
    return cells


def csv_rows(path: Path | str) -> Iterator[list[str]]:
    """Stream a CSV file's records as lists of cells, the header first (record *n* is the
    *n*-th item; a blank line is an empty list), read as :func:`read_rows` reads it
    (encoding, separator) but without its row cap and without a dict per row: for
    imports too large for :func:`read_rows` that check and aggregate the rows as they
    come (per-unit experiment data)."""
    path = Path(path).expanduser()
    if _check_suffix(path) != ".csv":
        raise UserError(f"{path.name}: only a CSV file can be streamed.")
    if not path.is_file():
        raise UserError(f"No such file: {path}")
    try:
        yield from _csv_rows(path)
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}") from exc


def _too_many_rows(path: Path) -> UserError:
    return UserError(
        f"{path.name}: more than {MAX_ROWS:,} rows (the limit of an import); split the file."
    )


def _declares_too_many_rows(path: Path, max_row: int) -> UserError:
    return UserError(
        f"{path.name}: the sheet declares {max_row - 1:,} rows, more than the "
        f"{MAX_ROWS:,} an import reads; split the file."
    )


def _too_many_columns(path: Path, count: int | str) -> UserError:
    return UserError(
        f"{path.name}: {count} columns, more than the {MAX_COLUMNS:,} an import reads; "
        "delete the columns that are not needed."
    )


def _cell_too_long(path: Path, where: str) -> UserError:
    return UserError(
        f"{path.name}: {where} holds more than {MAX_CELL_CHARS:,} characters (the limit of "
        "one cell); shorten it."
    )


def _collect(
    path: Path, records: Iterator[tuple[int, Sequence[Any]]], required: Sequence[str]
) -> list[SourceRow]:
    """Rows from ``(row number, values)`` records, the first being the header."""
    first = next(records, None)
    if first is None:
        raise UserError(f"{path.name} is empty.")
    keys = _header_keys(path, first[1], required)
    rows: list[SourceRow] = []
    width = len(keys)
    named = [k for k in keys if k]
    for number, values in records:
        if number > MAX_ROWS + 1:
            raise _too_many_rows(path)
        if len(values) > MAX_COLUMNS and len(_trimmed(values)) > MAX_COLUMNS:
            raise _too_many_columns(path, f"row {number} has {len(_trimmed(values)):,}")
        if _longest(values[:width]) > MAX_CELL_CHARS:
            key = next(
                k for k, v in zip(keys, values, strict=False) if _longest([v]) > MAX_CELL_CHARS
            )
            raise _cell_too_long(path, f"row {number}, column {quote(key)},")
        cells = dict(zip(keys, map(_cell_text, values), strict=False))
        cells.pop("", None)
        if len(cells) < len(named):  # a row cut short (trailing empty cells) has every column
            cells = {k: cells.get(k, "") for k in named}
        if any(cells.values()):
            rows.append(SourceRow(number=number, cells=cells))
    return rows


def _header_keys(path: Path, header: Sequence[Any], required: Sequence[str]) -> list[str]:
    """The normalised column names of a header row ("" for an unnamed column), refused
    when there are too many, none, duplicates or a ``required`` one is missing."""
    keys = [normalise_header(h) for h in _trimmed(header)]
    if len(keys) > MAX_COLUMNS:
        raise _too_many_columns(path, f"{len(keys):,}")
    if not any(keys):
        raise UserError(f"{path.name}: the first row must name the columns.")
    duplicates = sorted({k for k in keys if k and keys.count(k) > 1})
    if duplicates:
        names = ", ".join(quote(k) for k in duplicates)
        raise UserError(f"{path.name}: duplicate column(s): {names}.")
    missing = [c for c in required if c not in keys]
    if missing:
        raise UserError(f"{path.name}: missing column(s): {', '.join(missing)}.")
    return keys


def _longest(values: Sequence[Any]) -> int:
    """The length of the longest text among ``values`` (0 for none)."""
    try:
        return max(map(len, values), default=0)
    except TypeError:  # numbers, dates or empty cells of a workbook
        return max((len(v) for v in values if isinstance(v, str)), default=0)


def _trimmed(values: Sequence[Any]) -> Sequence[Any]:
    """``values`` without its trailing empty cells."""
    end = len(values)
    while end and values[end - 1] in (None, ""):
        end -= 1
    return values if end == len(values) else values[:end]


# CSV ---------------------------------------------------------------------------------


def _csv_encoding(path: Path) -> str:
    """The encoding of a CSV file: by its BOM, a NUL pattern (UTF-16 without BOM), else
    UTF-8 when every byte decodes strictly, else Windows-1252."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
        if head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        else:
            sample = head[: len(head) - len(head) % 2]
            pairs = len(sample) // 2
            if pairs:
                even_nul = sample[0::2].count(0)
                odd_nul = sample[1::2].count(0)
                if odd_nul > pairs * 0.3 and even_nul < pairs * 0.05:
                    return "utf-16-le"
                if even_nul > pairs * 0.3 and odd_nul < pairs * 0.05:
                    return "utf-16-be"
            encoding = "utf-8"
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = fh.read(_CHUNK_BYTES)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return encoding


def _csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    return enumerate(_csv_rows(path), start=1)


def _csv_rows(path: Path) -> Iterator[list[str]]:
    encoding = _csv_encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as fh:
            first_line = fh.readline()
            # Excel writes ';'-separated CSV in many locales, tab-separated "Unicode text".
            delimiter = max((",", ";", "\t"), key=first_line.count)
            reader = csv.reader(itertools.chain([first_line], fh), delimiter=delimiter)
            yield from reader
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path.name}: cannot read it as {encoding} text ({exc.reason} at byte "
            f"{exc.start}); {_SAVE_AS_UTF8}."
        ) from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(path, "a cell") from exc
        raise UserError(f"{path.name}: not a readable CSV file ({exc}).") from exc


# XLSX --------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than :data:`MAX_UNCOMPRESSED` bytes,
    one whose shared strings hold a cell over :data:`MAX_CELL_CHARS` (read before
    openpyxl loads them all), and one whose first sheet holds more than :data:`MAX_ROWS`
    rows below the header (counted before openpyxl parses it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED:
                raise UserError(
                    f"{path.name}: the workbook unpacks to {total / 2**20:,.0f} MB, more than "
                    f"the {MAX_UNCOMPRESSED / 2**20:,.0f} MB an import reads; split the file."
                )
            for member in members:
                if member.filename.lower().endswith("sharedstrings.xml"):
                    with archive.open(member) as fh:
                        _check_shared_strings(path, fh)
            # Before openpyxl, which parses a sheet without a dimension to its end on load.
            sheet = _first_worksheet(archive)
            if sheet is not None:
                with archive.open(sheet) as fh:
                    _check_row_count(path, fh)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UserError(f"{path.name}: not a readable XLSX workbook ({exc}).") from exc


def _check_shared_strings(path: Path, fh: IO[bytes]) -> None:
    """Stream the shared strings; stop at the first string over the cell cap."""
    parser = expat.ParserCreate()
    parser.buffer_text = False
    length = 0

    def start(name: str, _attrs: Any) -> None:
        nonlocal length
        if name.rpartition(":")[2] == "si":
            length = 0

    def text(data: str) -> None:
        nonlocal length
        length += len(data)
        if length > MAX_CELL_CHARS:
            raise _cell_too_long(path, "a cell")

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    try:
        while chunk := fh.read(_CHUNK_BYTES):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UserError(f"{path.name}: not a readable XLSX workbook ({exc}).") from exc


def _xml_elements(data: bytes, local: str) -> list[dict[str, str]]:
    """The attributes of every ``local`` element of a small XML part (namespaced
    attributes keyed ``"<uri> <name>"``)."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(" ")[2] == local:
            found.append(attrs)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.Parse(data, True)
    return found


def _relationship_targets(
    archive: zipfile.ZipFile, rels_name: str, base: str
) -> list[tuple[str, str, str]]:
    """``(id, type, archive member)`` of each relationship in ``rels_name``."""
    targets = []
    for rel in _xml_elements(archive.read(rels_name), "Relationship"):
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else base + target
        parts: list[str] = []
        for part in member.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        targets.append((rel.get("Id", ""), rel.get("Type", ""), "/".join(parts)))
    return targets


def _first_worksheet(archive: zipfile.ZipFile) -> str | None:
    """The archive member of the workbook's first worksheet (openpyxl's
    ``worksheets[0]``), or None when the package does not say (openpyxl then decides)."""
    names = set(archive.namelist())
    try:
        book = next(
            (
                m
                for _i, t, m in _relationship_targets(archive, "_rels/.rels", "")
                if t.endswith("/officeDocument")
            ),
            "xl/workbook.xml",
        )
        folder, _sep, file = book.rpartition("/")
        base = f"{folder}/" if folder else ""
        rels = f"{base}_rels/{file}.rels"
        if book not in names or rels not in names:
            return None
        by_id = {i: (t, m) for i, t, m in _relationship_targets(archive, rels, base)}
        for sheet in _xml_elements(archive.read(book), "sheet"):
            rel_id = next((v for k, v in sheet.items() if k.endswith(" id")), None)
            kind, member = by_id.get(rel_id or "", ("", ""))
            if kind.endswith("/worksheet") and member in names:
                return member
    except (expat.ExpatError, KeyError, ValueError):
        return None
    return None


#: The root element of a worksheet part, to learn the prefix its elements carry.
_WORKSHEET_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>/]")
#: The last row of a declared dimension (``<dimension ref="A1:D3000001"/>``).
_DIMENSION_LAST_ROW = re.compile(
    rb"<(?:[\w.-]+:)?dimension\s[^>]*?ref=\"[^\":]*:\$?[A-Za-z]*\$?(\d+)\""
)


def _check_row_count(path: Path, fh: IO[bytes]) -> None:
    """Refuse a worksheet with more than :data:`MAX_ROWS` rows below the header, counting
    its ``<row`` start tags in the decompressed stream before openpyxl parses any of it;
    stop reading as soon as the count passes the cap. (A tag written unusually, such as
    ``<row/>`` or ``<row`` and a line break, is not counted: the row cap of the read still
    holds for it.)"""
    head = b""
    root = None
    while root is None and len(head) <= _SNIFF_BYTES and (chunk := fh.read(_CHUNK_BYTES)):
        head += chunk
        root = _WORKSHEET_ROOT.search(head)
    prefix = root.group(1) + b":" if root and root.group(1) else b""
    needle = b"<" + prefix + b"row"
    data, count = head, 0
    while data:
        count += data.count(needle + b" ") + data.count(needle + b">")
        if count > MAX_ROWS + 1:
            declared = _DIMENSION_LAST_ROW.search(head)
            if declared and int(declared.group(1)) > MAX_ROWS + 1:
                raise _declares_too_many_rows(path, int(declared.group(1)))
            raise _too_many_rows(path)
        # The carried tail is shorter than a whole match, so nothing is counted twice.
        chunk = fh.read(_CHUNK_BYTES)
        data = data[-len(needle) :] + chunk if chunk else b""


def _read_xlsx(path: Path, required: Sequence[str]) -> list[SourceRow]:
    from openpyxl import load_workbook

    _check_zip(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UserError(f"{path.name}: not a readable XLSX workbook ({exc}).") from exc
    try:
        sheet = book.worksheets[0]
        max_row, max_col = sheet.max_row, sheet.max_column  # as the sheet declares them
        if max_row is not None and max_row > MAX_ROWS + 1:
            raise _declares_too_many_rows(path, max_row)
        if max_col is not None and max_col > MAX_COLUMNS:
            raise _too_many_columns(path, f"the sheet declares {max_col:,}")
        # Read only the cells the sheet holds (a declared size is not padded out).
        sheet.reset_dimensions()
        records = _xlsx_records(path, sheet)
        return _collect(path, records, required)
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"{path.name}: not a readable XLSX workbook ({exc}).") from exc
    finally:
        book.close()


def _xlsx_records(path: Path, sheet: Any) -> Iterator[tuple[int, Sequence[Any]]]:
    index = 0
    for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield index, row
    if index == 0:
        raise UserError(f"{path.name}: the first sheet is empty.")


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
                writer.writerow([safe_cell(_export_value(h, _SURROGATE)) for h in header])
                for row in rows:
                    writer.writerow([safe_cell(_export_value(v, _SURROGATE)) for v in row])
        else:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append([safe_cell(_export_value(h, _XML_ILLEGAL)) for h in header])
            for row in rows:
                sheet.append([safe_cell(_export_value(v, _XML_ILLEGAL)) for v in row])
            book.save(tmp)
    return path


def _export_value(value: Any, illegal: re.Pattern[str]) -> Any:
    """A cell as the file holds it: text without the characters the format cannot hold
    (control characters in XLSX, lone surrogates in either), dropped instead of failing."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, str):
        return illegal.sub("", value)
    return "" if value is None else value
