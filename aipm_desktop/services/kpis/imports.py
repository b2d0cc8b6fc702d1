"""KPI snapshot import and export (CSV or XLSX).

Imports validate every row first (:func:`preview_import`) and write all-or-nothing
(:func:`apply_import`); :func:`export_snapshots` writes a file that reads back.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy import bindparam as bp
from sqlalchemy import exc as sa_exc

from ...errors import UserError
from ...models import Kpi, KpiSnapshot, UseCase, utcnow
from ..changes import Changes
from ..dates import format_date
from ..problems import ImportRefused, Problem, RejectedRows, summarise
from ..record_import import start_writing
from ..records import new_row
from ..tabular import read_rows, write_rows

if TYPE_CHECKING:
    from ...store import Workspace


DUPLICATE_CHOICES = ("replace", "skip")
IMPORT_COLUMNS: dict[str, str] = {
    "kpi": "KPI name, catalog key or id (required)",
    "date": "YYYY-MM-DD or a spreadsheet date (required)",
    "value": "a number (required)",
    "use_case": "use case title or id: the KPI must be tracked for it (optional)",
    "note": "text shown with the snapshot (optional)",
}
EXPORT_HEADER = ("kpi", "date", "value", "use_case", "note")
MAX_REPORTED_ERRORS = 20
_CHUNK = 2000  # rows per executemany batch and per progress call
_IN_CHUNK = 500  # ids per IN (...) list
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (10_000, 2_958_465)  # 1927-05-18 .. 9999-12-31 as spreadsheet serials


# import -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid row of an import file, resolved to its KPI."""

    number: int
    kpi_id: int
    kpi_name: str
    day: dt.date
    value: float
    note: str
    use_case_id: int | None
    old_value: float | None


@dataclass(frozen=True)
class ImportPreview(RejectedRows):
    """What an import would do, before anything is written.

    ``add``: new snapshots; ``replace``: existing snapshots (same KPI and date) whose value
    the file replaces (``on_duplicate="replace"``); ``skip``: existing ones left as they are
    (``on_duplicate="skip"``); ``rejected``: ``(row number, message)`` for rows that cannot
    be imported. A KPI and date appearing twice in the file is ambiguous: the later row is
    rejected (naming the earlier one), so the file must be fixed before anything is written.
    """

    source: str
    on_duplicate: str
    add: tuple[ImportRow, ...]
    replace: tuple[ImportRow, ...]
    skip: tuple[ImportRow, ...]
    rejected: tuple[tuple[int, str], ...]
    kpi_count: int = 0

    @property
    def to_write(self) -> int:
        return len(self.add) + len(self.replace)

    def summary(self) -> str:
        """``120 to add, 3 to replace, 0 to skip, 2 rejected (4 KPIs)``."""
        kpis = f" ({self.kpi_count} KPI{'s' if self.kpi_count != 1 else ''})"
        return (
            f"{len(self.add):,} to add, {len(self.replace):,} to replace, "
            f"{len(self.skip):,} to skip, {len(self.rejected):,} rejected{kpis}"
        )

    def problems(self) -> list[Problem]:
        """Every rejected row as a :class:`Problem` (for the summary and the error file)."""
        return [Problem(number, "", message) for number, message in self.rejected]

    def rejected_summary(self) -> list[str]:
        """The rejected rows summarised: grouped by kind, the first 20 rows listed."""
        return summarise(self.problems())

    def refusal(self) -> ImportRefused:
        """Why nothing is imported while rows are rejected."""
        return ImportRefused(
            f"{self.source}: nothing imported, {len(self.rejected):,} row(s) rejected",
            self.problems(),
        )


def parse_day(text: str) -> dt.date:
    """An ISO date (``2025-03-31``, optionally with a time) or a spreadsheet serial day."""
    text = text.strip()
    if not text:
        raise ValueError("the date is empty")
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        serial = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if serial.is_integer() and _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD")


def parse_value(text: str) -> float:
    """A finite number; a trailing ``%`` is allowed (the value is kept as written)."""
    raw = text.strip()
    if not raw:
        raise ValueError("the value is empty")
    cleaned = raw.removesuffix("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{raw!r} is not a finite number")
    return number


@dataclass
class _Resolver:
    """Resolves the KPI and use case references of import rows (with cached answers)."""

    kpis: list[Any]
    use_cases: list[Any]
    by_name: dict[str, list[Any]] = field(default_factory=dict)
    by_key: dict[str, list[Any]] = field(default_factory=dict)
    by_id: dict[int, Any] = field(default_factory=dict)
    uc_by_title: dict[str, list[int]] = field(default_factory=dict)
    uc_ids: dict[int, str] = field(default_factory=dict)
    cache: dict[tuple[str, str], tuple[Any, int | None] | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.kpis:
            self.by_id[row.id] = row
            self.by_name.setdefault(row.name.casefold(), []).append(row)
            if row.catalog_key:
                self.by_key.setdefault(row.catalog_key.casefold(), []).append(row)
        for uid, title in self.use_cases:
            self.uc_ids[uid] = title
            self.uc_by_title.setdefault(title.casefold(), []).append(uid)

    def use_case(self, text: str) -> int | None:
        if not text:
            return None
        if text.isdigit() and int(text) in self.uc_ids:
            return int(text)
        ids = self.uc_by_title.get(text.casefold(), [])
        if len(ids) > 1:
            raise ValueError(f"{len(ids)} use cases are titled {text!r}; give the use case id")
        if not ids:
            raise ValueError(f"unknown use case {text!r}")
        return ids[0]

    def resolve(self, kpi_text: str, uc_text: str) -> tuple[Any, int | None] | str:
        """``(kpi row, use case id)`` or an error message."""
        key = (kpi_text, uc_text)
        if key not in self.cache:
            try:
                self.cache[key] = self._resolve(kpi_text, uc_text)
            except ValueError as exc:
                self.cache[key] = str(exc)
        return self.cache[key]

    def _resolve(self, kpi_text: str, uc_text: str) -> tuple[Any, int | None]:
        if not kpi_text:
            raise ValueError("the KPI is empty")
        use_case_id = self.use_case(uc_text)
        folded = kpi_text.casefold()
        if kpi_text.isdigit() and int(kpi_text) in self.by_id:
            found = [self.by_id[int(kpi_text)]]
        else:
            found = self.by_name.get(folded) or self.by_key.get(folded) or []
        if not found:
            names = [r.name for r in self.kpis]
            close = difflib.get_close_matches(kpi_text, names, n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(repr(n) for n in close)}?)" if close else ""
            raise ValueError(f"unknown KPI {kpi_text!r}{hint}")
        if use_case_id is not None:
            mine = [r for r in found if r.use_case_id == use_case_id]
            if not mine:
                title = self.uc_ids[use_case_id]
                raise ValueError(f"KPI {kpi_text!r} is not tracked for use case {title!r}")
            found = mine
        if len(found) > 1:
            raise ValueError(
                f"{len(found)} KPIs match {kpi_text!r}; give the KPI's name or id, "
                "or a use_case column"
            )
        return found[0], use_case_id


def _existing(ws: Workspace, kpi_ids: Iterable[int]) -> dict[tuple[int, dt.date], float]:
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    ids = sorted(set(kpi_ids))
    found: dict[tuple[int, dt.date], float] = {}
    with ws.engine.connect() as conn:
        for i in range(0, len(ids), _IN_CHUNK):
            chunk = ids[i : i + _IN_CHUNK]
            query = select(s.c.kpi_id, s.c.date, s.c.value).where(s.c.kpi_id.in_(chunk))
            for kid, day, value in conn.execute(query):
                found[(kid, day)] = value
    return found


def preview_import(
    *, ws: Workspace, source: Path | str, on_duplicate: str = "replace"
) -> ImportPreview:
    """Read and check an import file; classify every row (nothing is written).

    Columns: ``kpi`` (name, catalog key or id), ``date``, ``value``, optional
    ``use_case`` (title or id: the KPI must be tracked for it; it also picks between KPIs
    sharing a catalog key) and ``note``. Other columns are refused. A note left empty
    keeps an existing snapshot's note when its value is replaced.
    """
    if on_duplicate not in DUPLICATE_CHOICES:
        raise UserError(f"on duplicate must be one of {', '.join(DUPLICATE_CHOICES)}.")
    source = Path(source).expanduser()
    rows = read_rows(source, required=["kpi", "date", "value"])
    if rows:
        unknown = [c for c in rows[0].cells if c not in IMPORT_COLUMNS]
        if unknown:
            raise UserError(
                f"{source.name}: unknown column(s): {', '.join(unknown)}; the columns are "
                f"{', '.join(IMPORT_COLUMNS)}."
            )
    k = Kpi.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        kpi_list = conn.execute(select(k.c.id, k.c.name, k.c.catalog_key, k.c.use_case_id)).all()
        use_cases = conn.execute(select(u.c.id, u.c.title)).all()
    resolver = _Resolver(list(kpi_list), [tuple(r) for r in use_cases])

    rejected: list[tuple[int, str]] = []
    parsed: list[tuple[int, Any, dt.date, float, str, int | None]] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for row in rows:
        cells = row.cells
        problems: list[str] = []
        resolved = resolver.resolve(cells.get("kpi", "").strip(), cells.get("use_case", "").strip())
        if isinstance(resolved, str):
            problems.append(resolved)
        day: dt.date | None = None
        value: float | None = None
        try:
            day = parse_day(cells.get("date", ""))
        except ValueError as exc:
            problems.append(str(exc))
        try:
            value = parse_value(cells.get("value", ""))
        except ValueError as exc:
            problems.append(str(exc))
        note = cells.get("note", "").strip()
        if len(note) > 500:
            problems.append("the note is longer than 500 characters")
        if not problems and not isinstance(resolved, str) and day and value is not None:
            kpi_row, use_case_id = resolved
            key = (kpi_row.id, day)
            earlier = seen.get(key)
            if earlier is not None:
                problems.append(
                    f"{kpi_row.name!r} on {format_date(day)} is already given in row {earlier}"
                )
            else:
                seen[key] = row.number
                parsed.append((row.number, kpi_row, day, value, note, use_case_id))
        if problems:
            rejected.append((row.number, "; ".join(problems)))

    existing = _existing(ws, {kpi_row.id for _n, kpi_row, *_rest in parsed})
    add: list[ImportRow] = []
    replace: list[ImportRow] = []
    skip: list[ImportRow] = []
    for number, kpi_row, day, value, note, use_case_id in parsed:
        old = existing.get((kpi_row.id, day))
        item = ImportRow(number, kpi_row.id, kpi_row.name, day, value, note, use_case_id, old)
        if old is None:
            add.append(item)
        elif on_duplicate == "replace":
            replace.append(item)
        else:
            skip.append(item)
    return ImportPreview(
        source=source.name,
        on_duplicate=on_duplicate,
        add=tuple(add),
        replace=tuple(replace),
        skip=tuple(skip),
        rejected=tuple(rejected),
        kpi_count=len({r[1].id for r in parsed}),
    )


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def apply_import(
    *,
    ws: Workspace,
    preview: ImportPreview,
    progress: Callable[[int, int], None] | None = None,
    who: str | None = None,
) -> tuple[Changes, int]:
    """Write a checked import in one transaction: all of it or, on any problem, nothing.

    Refuses (``ValidationError``) a preview with rejected rows. ``progress(done, total)``
    is called after each batch of rows. One operation: one undo step, with a change-log row
    per snapshot written.
    Returns ``Changes("kpi_snapshot", (), "import")`` (empty ids: many snapshots) and the
    number of snapshots written.
    """
    total = preview.to_write
    start_writing(ws, preview, total, progress)
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    now = utcnow()
    source = f"import: {preview.source}"[:200]
    done = 0
    per_kpi: dict[int, list[Any]] = {}
    for item in preview.add:
        per_kpi.setdefault(item.kpi_id, [item.kpi_name, 0, 0])[1] += 1
    for item in preview.replace:
        per_kpi.setdefault(item.kpi_id, [item.kpi_name, 0, 0])[2] += 1
    keyed = and_(s.c.kpi_id == bp("b_kpi"), s.c.date == bp("b_date"))
    common = {"value": bp("b_value"), "source": source, "updated_at": now}
    with_note = update(s).where(keyed).values(**common, note=bp("b_note"), version=s.c.version + 1)
    keep_note = update(s).where(keyed).values(**common, version=s.c.version + 1)
    try:
        with ws.write(who=who) as session:
            conn = session.connection()
            for chunk in _chunks(preview.add):
                conn.execute(
                    insert(s),
                    [
                        new_row(
                            {
                                "kpi_id": r.kpi_id,
                                "date": r.day,
                                "value": r.value,
                                "note": r.note,
                                "source": source,
                            },
                            now,
                        )
                        for r in chunk
                    ],
                )
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            for chunk in _chunks(preview.replace):
                noted = [r for r in chunk if r.note]
                plain = [r for r in chunk if not r.note]
                for statement, group in ((with_note, noted), (keep_note, plain)):
                    if not group:
                        continue
                    params = [
                        {"b_kpi": r.kpi_id, "b_date": r.day, "b_value": r.value, "b_note": r.note}
                        for r in group
                    ]
                    result = conn.execute(statement, params)
                    if result.rowcount is not None and 0 <= result.rowcount < len(params):
                        raise UserError(
                            "Some snapshots to replace were deleted since the preview; "
                            "preview the import again."
                        )
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except sa_exc.IntegrityError as error:
        raise UserError(
            "The workspace changed since the preview (a snapshot was added or a KPI deleted); "
            "preview the import again. Nothing was imported."
        ) from error
    return Changes("kpi_snapshot", (), "import"), total


# export -----------------------------------------------------------------------------


def export_snapshots(
    *,
    ws: Workspace,
    out: Path | str,
    kpi_ids: Iterable[int] | None = None,
    overwrite: bool = True,
) -> Path:
    """Write snapshots as CSV or XLSX (by suffix): kpi, date, value, use_case, note.

    The file reads back with :func:`preview_import`; cells are formula-safe.
    """
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    k = Kpi.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    query = (
        select(k.c.name, s.c.date, s.c.value, u.c.title, s.c.note)
        .select_from(s.join(k, k.c.id == s.c.kpi_id).outerjoin(u, u.c.id == k.c.use_case_id))
        .order_by(k.c.name, k.c.id, s.c.date)
    )
    if kpi_ids is not None:
        ids = sorted({int(i) for i in kpi_ids})
        query = query.where(k.c.id.in_(ids))
    with ws.engine.connect() as conn:
        rows = [
            (name, day, value, title or "", note)
            for name, day, value, title, note in conn.execute(query)
        ]
    return write_rows(out, EXPORT_HEADER, rows, overwrite=overwrite)
