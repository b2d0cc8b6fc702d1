"""Reading a results file (CSV, XLSX or JSONL) into a header and rows of text cells, and
the column mapping that says which file column is which field.

A mapping is ``{file column: field}`` with file columns as normalised headers
(``"Ticket ID"`` -> ``ticket_id``) and fields as :mod:`.results` names them: ``id``,
``expected``, ``predicted``, ``probability``, ``latency``, ``cost``, ``slice[:name]``,
``flag[:name]``, ``score[:name]`` or ``ignore``. A named field without a name takes the
file column's (``lang=slice`` stores the slice ``lang``). Common header names are
recognised (``label`` and ``gold`` are the expected label, ``confidence`` the
probability ...); other columns are guessed from their cells: only booleans make a flag,
only numbers a score, and a column the suite lists as a slice is that slice.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import UserError
from ...models.evaluations import column_key
from ..problems import quote
from ..tabular import csv_rows, file_sha256, normalise_header, read_rows
from .results import FIXED_FIELDS, NAMED_FIELDS

SUFFIXES = (".csv", ".xlsx", ".jsonl")
#: Data rows a CSV or JSONL results file may hold (XLSX: the spreadsheet cap).
MAX_RESULT_ROWS = 1_000_000
IGNORE = "ignore"

#: Header names recognised as a field (after normalising).
_KNOWN_HEADERS = {
    "id": ("id", "example_id", "example", "item_id", "case_id", "sample_id", "uid", "key"),
    "expected": (
        "expected",
        "expected_label",
        "label",
        "gold",
        "gold_label",
        "target",
        "reference",
        "ground_truth",
        "true_label",
    ),
    "predicted": (
        "predicted",
        "predicted_label",
        "prediction",
        "pred",
        "output",
        "model_output",
    ),
    "probability": ("probability", "prob", "confidence", "p"),
    "latency": ("latency", "latency_ms", "latency_s", "duration", "duration_ms", "response_time"),
    "cost": ("cost", "cost_usd", "cost_eur", "price"),
}
_ALIASES = {
    "label": "expected",
    "gold": "expected",
    "target": "expected",
    "prediction": "predicted",
    "pred": "predicted",
    "confidence": "probability",
    "prob": "probability",
    "": IGNORE,
    "skip": IGNORE,
}
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "t", "1.0"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "f", "0.0"})
#: Rows looked at to guess a column's kind.
_SAMPLE = 2_000


@dataclass(frozen=True)
class SourceTable:
    """A results file read: its header (normalised), its data cells column by column
    (text, stripped), each data row's number in the file, and the file's SHA-256."""

    name: str
    header: list[str]
    columns: list[list[str]]
    numbers: list[int]
    sha256: str

    @property
    def row_count(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> list[str]:
        return self.columns[self.header.index(name)]

    def sample(self, count: int) -> list[tuple[str, ...]]:
        """The first ``count`` rows."""
        return list(zip(*(c[:count] for c in self.columns), strict=True))


def read_source(path: Path | str) -> SourceTable:
    """Read a CSV, XLSX or JSONL results file (first row / keys of the objects as header;
    blank rows skipped). A :class:`UserError` for an unreadable or empty file."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv, .xlsx or .jsonl."
        )
    if not path.is_file():
        raise UserError(f"No such file: {path}")
    if suffix == ".jsonl":
        header, rows, numbers = _read_jsonl(path)
    elif suffix == ".csv":
        header, rows, numbers = _read_csv(path)
    else:
        found = read_rows(path)
        header = list(found[0].cells) if found else []
        rows = [[r.cells.get(k, "") for k in header] for r in found]
        numbers = [r.number for r in found]
    if not rows:
        raise UserError(f"{path.name} holds no results (no data rows below the header).")
    columns = [list(map(str.strip, c)) for c in zip(*rows, strict=True)]
    return SourceTable(path.name, header, columns, numbers, file_sha256(path))


def _read_csv(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    records = csv_rows(path)
    first = next(records, None)
    if not first:
        raise UserError(f"{path.name} is empty.")
    header = [normalise_header(h) for h in first]
    _check_header(path, header)
    width = len(header)
    # Records past the cap are not read (a blank line counts towards it: it is cheap).
    records_read = list(itertools.islice(records, MAX_RESULT_ROWS + 1_000))
    numbers = [n for n, record in enumerate(records_read, start=2) if record]
    if len(numbers) > MAX_RESULT_ROWS:
        raise _too_many(path)
    rows = [r if len(r) == width else (r + [""] * width)[:width] for r in records_read if r]
    return header, rows, numbers


def _read_jsonl(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    objects: list[tuple[int, dict[str, str]]] = []
    keys: dict[str, None] = {}
    try:
        with path.open("r", encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except ValueError as error:
                    raise UserError(
                        f"{path.name}: line {number} is not a JSON object ({error})."
                    ) from error
                if not isinstance(item, dict):
                    raise UserError(f"{path.name}: line {number} is not a JSON object.")
                if len(objects) >= MAX_RESULT_ROWS:
                    raise _too_many(path)
                cells = {normalise_header(k): _json_cell(v) for k, v in item.items()}
                keys.update(dict.fromkeys(cells))
                objects.append((number, cells))
    except UnicodeDecodeError as error:
        raise UserError(f"{path.name}: not UTF-8 text ({error.reason}).") from error
    except OSError as error:
        raise UserError(f"Cannot read {path}: {error.strerror or error}") from error
    header = list(keys)
    _check_header(path, header)
    rows = [[cells.get(k, "") for k in header] for _n, cells in objects]
    return header, rows, [n for n, _c in objects]


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return value.strip()
    return json.dumps(value, ensure_ascii=False)


def _check_header(path: Path, header: Sequence[str]) -> None:
    if not any(header):
        raise UserError(f"{path.name}: the first row must name the columns.")
    duplicates = sorted({k for k in header if k and header.count(k) > 1})
    if duplicates:
        raise UserError(
            f"{path.name}: duplicate column(s): {', '.join(quote(k) for k in duplicates)}."
        )


def _too_many(path: Path) -> UserError:
    return UserError(
        f"{path.name}: more than {MAX_RESULT_ROWS:,} results (the limit of one run); split it."
    )


# -- the mapping -------------------------------------------------------------------------------


def parse_field(text: str) -> str:
    """A field as a mapping gives it, checked and in its canonical form (``Slice : Lang``
    -> ``slice:lang``); ValueError naming the fields for anything else."""
    head, _sep, name = str(text).strip().lower().partition(":")
    head = _ALIASES.get(head.strip(), head.strip())
    name = column_key(name)
    if head in FIXED_FIELDS or head == IGNORE:
        if name:
            raise ValueError(f"{head} takes no name ({text!r})")
        return head
    if head in NAMED_FIELDS:
        return f"{head}:{name}" if name else head
    fields = ", ".join([*FIXED_FIELDS, "slice[:name]", "flag[:name]", "score[:name]", IGNORE])
    raise ValueError(f"unknown field {text!r}; use one of {fields}")


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``["gold=expected", "lang=slice"]`` (the CLI's ``--map``) as a mapping."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = str(pair).partition("=")
        if not sep or not column.strip():
            raise UserError(f"--map {pair!r}: give it as COLUMN=FIELD (e.g. gold=expected).")
        try:
            mapping[normalise_header(column)] = parse_field(target)
        except ValueError as error:
            raise UserError(f"--map {pair!r}: {error}.") from error
    return mapping


def stored_name(column: str, spec: str) -> str:
    """The name a mapped column is stored under: the field's (``expected``), or for a
    named field the name given or else the file column's."""
    head, _sep, name = spec.partition(":")
    if head in NAMED_FIELDS:
        return name or column_key(column)
    return head


def remembered(mapping_json: str) -> dict[str, str]:
    """A suite's stored mapping (an unreadable one reads as none)."""
    try:
        value = json.loads(mapping_json) if mapping_json else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def guess_mapping(
    table: SourceTable,
    *,
    slices: Sequence[str] = (),
    remember: Mapping[str, str] | None = None,
    given: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A field for every column of ``table``: as ``given`` says, else as the suite's
    remembered mapping says, else by header name, else by the cells."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    given = {normalise_header(k): v for k, v in (given or {}).items()}
    remember = dict(remember or {})
    for column in table.header:
        if not column:
            continue
        for source in (given, remember):
            if column in source:
                mapping[column] = parse_field(source[column])
                break
    taken = {v for v in mapping.values() if v in FIXED_FIELDS}
    slice_keys = {column_key(s) for s in slices}
    for column in table.header:
        if not column or column in mapping:
            continue
        if ":" in column or column in FIXED_FIELDS:  # a header as an export writes it
            try:
                spec = parse_field(column)
            except ValueError:
                spec = ""
            if spec and spec not in taken:
                mapping[column] = spec
                taken.add(spec)
                continue
        known = next(
            (f for f, names in _KNOWN_HEADERS.items() if column in names and f not in taken),
            None,
        )
        if known is None and column.endswith("_id") and "id" not in taken:
            known = "id"  # ticket_id, case_id ...: the first such column
        if known is not None:
            mapping[column] = known
            taken.add(known)
        elif column_key(column) in slice_keys:
            mapping[column] = "slice"
        else:
            mapping[column] = _guess_by_cells(table, column)
    return {column: mapping[column] for column in table.header if column in mapping}


def _guess_by_cells(table: SourceTable, column: str) -> str:
    cells = {c.lower() for c in table.column(column)[:_SAMPLE]} - {""}
    if not cells:
        return IGNORE
    if cells <= TRUE_WORDS | FALSE_WORDS:
        return "flag"
    try:
        for cell in cells:
            float(cell)
    except ValueError:
        return "slice" if len(cells) <= 30 else IGNORE
    return "score"
