"""Feedback import from CSV or XLSX: every row checked first, then all of it or nothing.

Columns: ``text``, ``date`` (YYYY-MM-DD or a spreadsheet date), ``source`` (Zendesk,
Intercom, a survey ...) and ``customer`` are required columns (source and customer cells
may be blank); ``tags`` is optional, and so are ``class`` (UX, data, model, policy, not AI)
and ``cluster`` for feedback triaged elsewhere. Other columns (a help desk export has
many) are ignored and named in the preview.

A row the workspace already holds (same date, source, customer and text) is skipped, so
importing the same file again adds nothing; the preview also names an earlier import of a
file with the same SHA-256. The apply writes the batch (file name, SHA-256, rows) and its
items in one operation: one undo step takes the whole import back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select

from ...errors import UserError
from ...models import FeedbackClass, FeedbackImport, utcnow
from ...models.triage import MAX_FEEDBACK_TEXT
from ...store import Workspace, bulk
from ..changes import Changes
from ..dates import format_date
from ..kpis.imports import parse_day
from ..problems import MAX_LISTED, ImportRefused, Problem, RejectedRows, summarise
from ..record_import import start_writing
from ..records import insert_row, new_row
from ..tabular import SourceColumns, collector_paused, file_sha256, read_columns
from .data import FEEDBACK, parse_class

IMPORTS = FeedbackImport.__table__  # type: ignore[attr-defined]
REQUIRED = ("text", "date", "source", "customer")
IMPORT_COLUMNS: dict[str, str] = {
    "text": "the feedback or ticket text (required)",
    "date": "YYYY-MM-DD or a spreadsheet date (required)",
    "source": "where it came from: Zendesk, Intercom, survey ... (column required, may be blank)",
    "customer": "the customer or account (column required, may be blank)",
    "tags": "comma-separated tags (optional)",
    "class": "UX, data, model, policy or not AI, if triaged elsewhere (optional)",
    "cluster": "the failure cluster (optional)",
}
_LIMITS = {"source": 100, "customer": 200, "tags": 500, "cluster": 200}
_UNTRIAGED = FeedbackClass.UNTRIAGED.value

#: A valid row: (row number, text, date, source, customer, tags, class, cluster).
Row = tuple[int, str, Any, str, str, str, str, str]
#: The columns of a row as an import stores them (its number is not stored).
_ITEM_COLUMNS = (None, "text", "date", "source", "customer", "tags", "triage_class", "cluster")


@dataclass(frozen=True)
class FeedbackPreview(RejectedRows):
    """What an import would add, before anything is written: ``rows`` to add,
    ``duplicates`` (row numbers of items already stored, skipped), ``rejected`` /
    ``problems`` (nothing is imported while any row is rejected)."""

    source: str
    sha256: str
    row_count: int
    rows: tuple[Row, ...]
    duplicates: tuple[int, ...]
    rejected: tuple[tuple[int, str], ...]
    problems: tuple[Problem, ...]
    ignored_columns: tuple[str, ...] = ()
    earlier_import: str = ""

    @property
    def to_write(self) -> int:
        return len(self.rows)

    def summary(self) -> str:
        """``1,200 rows: 1,180 to add, 20 already stored, 0 rejected``."""
        return (
            f"{self.row_count:,} rows: {len(self.rows):,} to add, {len(self.duplicates):,} "
            f"already stored, {len(self.rejected):,} rejected"
        )

    def notes(self) -> list[str]:
        """What is worth knowing that refuses nothing."""
        found = []
        if self.earlier_import:
            found.append(self.earlier_import)
        if self.ignored_columns:
            found.append(f"Ignored column(s): {', '.join(self.ignored_columns)}.")
        return found

    def lines(self, limit: int = MAX_LISTED) -> list[str]:
        return summarise(self.problems, limit=limit)

    def refusal(self) -> ImportRefused:
        return ImportRefused(
            f"{self.source}: nothing imported, {len(self.rejected):,} of {self.row_count:,} "
            "rows cannot be imported",
            self.problems,
        )

    def undo_label(self) -> str:
        return f"import {len(self.rows):,} feedback items from {self.source}"


@dataclass
class _Checker:
    """Checks rows (dates parsed once per distinct text): all of them column by column
    (:meth:`columns`), or one by one naming every problem (:meth:`check`)."""

    today: Any
    days: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def day(self, text: str) -> Any:
        """The date ``text`` names, or what is wrong with it (parsed once per text)."""
        known = self.days.get(text)
        if known is None:
            try:
                known = parse_day(text)
            except ValueError as exc:
                known = str(exc)
            else:
                if known > self.today:
                    known = f"{format_date(known)} is in the future"
            self.days[text] = known
        return known

    def columns(self, table: SourceColumns) -> list[Row] | None:
        """Every row to add, each check made once per column (and dates and classes once
        per distinct text); None when any row is rejected (:meth:`check` then names
        what is wrong with each)."""
        count = len(table)
        columns = table.columns
        texts = list(map(str.strip, columns["text"]))
        if count and ("" in texts or max(map(len, texts)) > MAX_FEEDBACK_TEXT):
            return None
        dates = columns["date"]
        days = {text: self.day(text) for text in set(dates)}
        if any(isinstance(day, str) for day in days.values()):
            return None
        values: dict[str, Iterable[str]] = {}
        for name, limit in _LIMITS.items():
            given = columns.get(name)
            if given is None:
                values[name] = [""] * count
                continue
            values[name] = cells = _squeezed(given)
            if max(map(len, cells), default=0) > limit:
                return None
        classes: Iterable[str] = [_UNTRIAGED] * count
        if "".join(columns.get("class", ())).strip():
            try:
                named = {c: _class_value(c) for c in set(columns["class"])}
            except UserError:
                return None
            classes = map(named.__getitem__, columns["class"])
        return list(
            zip(
                table.numbers,
                texts,
                map(days.__getitem__, dates),
                values["source"],
                values["customer"],
                values["tags"],
                classes,
                values["cluster"],
                strict=True,
            )
        )

    def check(self, number: int, cells: dict[str, str]) -> Row | None:
        """The row to add, or None (its problems noted) when it is rejected."""
        found: list[tuple[str, str]] = []
        text = cells.get("text", "").strip()
        if not text:
            found.append(("text", "the text is empty"))
        elif len(text) > MAX_FEEDBACK_TEXT:
            found.append(("text", f"longer than {MAX_FEEDBACK_TEXT:,} characters"))
        day = self.day(cells.get("date", ""))
        if isinstance(day, str):
            found.append(("date", day))
        values = {name: _squeeze(cells.get(name, "")) for name in _LIMITS}
        for name, limit in _LIMITS.items():
            if len(values[name]) > limit:
                found.append((name, f"longer than {limit} characters"))
        klass = FeedbackClass.UNTRIAGED.value
        if cells.get("class", "").strip():
            try:
                klass = parse_class(cells["class"]).value
            except UserError as exc:
                found.append(("class", str(exc).rstrip(".")))
        if found:
            for column, message in found:
                self.problems.append(Problem(number, column, message))
            self.rejected.append((number, "; ".join(f"{c}: {m}" for c, m in found)))
            return None
        return (
            number,
            text,
            day,
            values["source"],
            values["customer"],
            values["tags"],
            klass,
            values["cluster"],
        )


def _class_value(text: str) -> str:
    """The class a cell names (untriaged when it is blank)."""
    return parse_class(text).value if text.strip() else _UNTRIAGED


def _squeeze(text: str) -> str:
    """``text`` with its runs of white space as one space, trimmed."""
    if "  " in text or not text.isprintable() or text != text.strip():
        return " ".join(text.split())
    return text


def _squeezed(column: Sequence[str]) -> Sequence[str]:
    """:func:`_squeeze` over a column, which most columns need nothing of (tested at once:
    no double space, no other white space, every cell trimmed)."""
    if (
        "  " in "\n".join(column)
        or not "".join(column).isprintable()
        or not all(map(str.__eq__, column, map(str.strip, column)))
    ):
        return list(map(_squeeze, column))
    return column


def _key(day: Any, source: str, customer: str, text: str) -> tuple[Any, str, str, int]:
    return (day, source.casefold(), customer.casefold(), hash(text))


def _stored_keys(ws: Workspace, days: Sequence[Any]) -> Counter[tuple[Any, str, str, int]]:
    """How often each (date, source, customer, text) between the earliest and the latest
    of ``days`` is stored."""
    if not days:
        return Counter()
    query = select(FEEDBACK.c.date, FEEDBACK.c.source, FEEDBACK.c.customer, FEEDBACK.c.text).where(
        and_(FEEDBACK.c.date >= min(days), FEEDBACK.c.date <= max(days))
    )
    with ws.engine.connect() as conn:
        return Counter(_key(*row) for row in conn.execute(query))


def _new_rows(ws: Workspace, valid: list[Row]) -> tuple[list[Row], list[int]]:
    """The rows of ``valid`` to add, and the numbers of those already stored (as often
    as each is stored: two equal rows in a file, one stored, add one)."""
    stored = _stored_keys(ws, list(map(itemgetter(2), valid)))
    if not stored:
        return valid, []
    rows: list[Row] = []
    duplicates: list[int] = []
    for row in valid:
        key = _key(row[2], row[3], row[4], row[1])
        if stored.get(key, 0) > 0:
            stored[key] -= 1
            duplicates.append(row[0])
        else:
            rows.append(row)
    return rows, duplicates


def _earlier(ws: Workspace, sha256: str) -> str:
    query = (
        select(IMPORTS.c.file_name, IMPORTS.c.created_at)
        .where(IMPORTS.c.sha256 == sha256)
        .order_by(IMPORTS.c.id.desc())
        .limit(1)
    )
    with ws.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return ""
    return (
        f"A file with the same content ({row[0]}) was imported on {format_date(row[1])}; "
        "its rows are already stored."
    )


def preview_import(*, ws: Workspace, source: Path | str) -> FeedbackPreview:
    """Read and check a feedback file; nothing is written (see the module docstring)."""
    from .. import clock

    path = Path(source).expanduser()
    table = read_columns(path, required=REQUIRED)
    ignored = tuple(c for c in table.columns if c not in IMPORT_COLUMNS)
    checker = _Checker(today=clock.today())
    with collector_paused():
        valid = checker.columns(table)
        if valid is None:
            checked = (checker.check(n, table.cells(i)) for i, n in enumerate(table.numbers))
            valid = [r for r in checked if r]
        rows, duplicates = _new_rows(ws, valid)
    sha256 = file_sha256(path)
    return FeedbackPreview(
        source=path.name,
        sha256=sha256,
        row_count=len(table),
        rows=tuple(rows),
        duplicates=tuple(duplicates),
        rejected=tuple(checker.rejected),
        problems=tuple(checker.problems),
        ignored_columns=ignored,
        earlier_import=_earlier(ws, sha256),
    )


def apply_import(
    *,
    ws: Workspace,
    preview: FeedbackPreview,
    progress: Callable[[int, int], None] | None = None,
    who: str | None = None,
) -> tuple[Changes, int]:
    """Write a checked import as one operation: the batch row and every item, or, on any
    problem, nothing. Refuses a preview with rejected rows. ``progress(done, total)``
    after each batch of rows. Returns the changes and how many items were added."""
    total = len(preview.rows)
    if not start_writing(ws, preview, total, progress):
        return Changes("feedback_item", (), "import"), 0
    now = utcnow()
    with collector_paused(), ws.write(label=preview.undo_label(), who=who) as session:
        conn = session.connection()
        batch = {
            "file_name": preview.source[:300],
            "sha256": preview.sha256,
            "row_count": preview.row_count,
            "added": total,
        }
        batch_id = insert_row(conn, IMPORTS, new_row(batch, now))
        shared = {"created_at": now, "updated_at": now, "version": 1, "import_id": batch_id}
        stamps = {
            True: {**shared, "triaged_at": None, "triaged_by": ""},
            False: {**shared, "triaged_at": now, "triaged_by": who or ""},
        }
        # Oldest first: the date indexes then grow at one end (several times faster).
        rows = sorted(preview.rows, key=itemgetter(2))
        parts = [(True, rows)]
        if any(map(_UNTRIAGED.__ne__, map(itemgetter(6), rows))):
            parts = [(u, [r for r in rows if (r[6] == _UNTRIAGED) is u]) for u in (True, False)]
        done = 0
        for untriaged, part in parts:
            step = None if progress is None else _counting(progress, done, total)
            bulk.insert_rows(
                conn, FEEDBACK, _ITEM_COLUMNS, part, constants=stamps[untriaged], progress=step
            )
            done += len(part)
    return Changes("feedback_item", (), "import"), total


def _counting(
    progress: Callable[[int, int], None], before: int, total: int
) -> Callable[[int], None]:
    """``progress(done, total)`` for a part of an import that starts after ``before``
    rows, called with how many of the part's rows are written."""
    return lambda written: progress(before + written, total)


def import_batches(*, ws: Workspace) -> list[dict[str, Any]]:
    """The imported files, newest first: name, SHA-256, rows read and items added."""
    query = select(IMPORTS).order_by(IMPORTS.c.id.desc())
    with ws.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
