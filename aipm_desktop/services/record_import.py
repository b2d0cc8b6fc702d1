"""The shared shape of imports that match spreadsheet rows to stored records.

Use case and risk imports (and every later importer of records) work in two steps, like
the KPI import: a *preview* reads and checks every row and classifies it as **add** (a
new record), **update** (a stored record whose values the file changes), **unchanged**
(a stored record the file repeats as it is) or **rejected** (with the reason); then an
*apply* writes the adds and updates in one workspace operation (one undo step), or
nothing at all when any row is rejected.

Matching a row to a stored record:

- a row with an ``id`` updates the record with that id; an id that no record has is
  rejected, or added as a new record (with a new id) when ``on_unknown_id="add"``;
- a row without an id is added, or, with ``match="title"``, updates the one record with
  that title (case-insensitive; several records with the title reject the row);
- two rows naming the same record reject the later one.

An update writes only the columns present in the file. A blank cell clears an optional
field (text, number, date) and leaves a field that always has a value (status,
likelihood...) as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import bindparam, insert, select, update

from ..errors import ReadOnlyError, UserError
from .changes import Changes
from .problems import ImportRefused, RejectedRows, from_pairs
from .records import new_row
from .tabular import clean_text

MATCH_CHOICES = ("id", "title")
UNKNOWN_ID_CHOICES = ("reject", "add")


@dataclass(frozen=True)
class PlannedRow:
    """What the import does with one valid row.

    ``record_id`` is None for an add. ``values``: for an add, every field of the new
    record; for an update, only the fields that change. ``changed`` names what changes
    (fields, and e.g. ``score:<key>`` or ``use_cases``); ``version`` is the stored
    record's version at preview time (an update writes only if it is still current).
    ``extra`` holds what the importer writes beside the record (scores, links).
    """

    number: int
    record_id: int | None
    label: str
    values: dict[str, Any]
    changed: tuple[str, ...] = ()
    version: int | None = None
    extra: Any = None


@dataclass(frozen=True)
class ImportPreview(RejectedRows):
    """What an import would do, before anything is written.

    ``rejected``: ``(row number, message)`` per rejected row; ``errors``: the same
    problems as ``(where, message)`` pairs for a :class:`~aipm_desktop.errors.ValidationError`.
    """

    source: str
    what: str
    add: tuple[PlannedRow, ...]
    update: tuple[PlannedRow, ...]
    unchanged: tuple[PlannedRow, ...]
    rejected: tuple[tuple[int, str], ...]
    errors: tuple[tuple[str, str], ...] = ()
    row_count: int = 0
    match: str = "id"
    on_unknown_id: str = "reject"

    @property
    def to_write(self) -> int:
        return len(self.add) + len(self.update)

    def summary(self) -> str:
        """``2 to add, 1 to update, 12 unchanged, 0 rejected``."""
        return (
            f"{len(self.add):,} to add, {len(self.update):,} to update, "
            f"{len(self.unchanged):,} unchanged, {len(self.rejected):,} rejected"
        )

    def undo_label(self) -> str:
        """How the import is called in Edit ▸ Undo and in the workspace history."""
        return (
            f"import {self.what}s from {self.source}: {len(self.add):,} added, "
            f"{len(self.update):,} updated"
        )


@dataclass
class PreviewBuilder:
    """Collects an import's rows as they are checked, then makes the :class:`ImportPreview`."""

    add: list[PlannedRow] = field(default_factory=list)
    update: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def reject(self, number: int, problems: Iterable[tuple[str, str]]) -> None:
        """Reject row ``number`` for ``(field, message)`` problems (field ``""`` or
        ``record``: the whole row)."""
        found = list(problems)
        for where, message in found:
            self.errors.append((f"row {number}: {where}" if where else f"row {number}", message))
        self.rejected.append(
            (number, "; ".join(m if w in ("", "record") else f"{w}: {m}" for w, m in found))
        )

    def keep(self, planned: PlannedRow) -> None:
        """A valid row: an add (no record id), an update (something changes) or unchanged."""
        if planned.record_id is None:
            self.add.append(planned)
        else:
            (self.update if planned.changed else self.unchanged).append(planned)

    def finish(self, *, source: str, row_count: int, matcher: Matcher) -> ImportPreview:
        """The preview of ``row_count`` rows read from ``source``, matched by ``matcher``."""
        return ImportPreview(
            source=source,
            what=matcher.what,
            add=tuple(self.add),
            update=tuple(self.update),
            unchanged=tuple(self.unchanged),
            rejected=tuple(self.rejected),
            errors=tuple(self.errors),
            row_count=row_count,
            match=matcher.match,
            on_unknown_id=matcher.on_unknown_id,
        )


def refuse_rejected(preview: ImportPreview) -> None:
    """Raise :class:`ImportRefused` when the preview rejected any row (nothing is written)."""
    if not preview.rejected:
        return
    found = from_pairs(preview.errors)
    raise ImportRefused(
        f"{preview.source}: nothing imported, {len(preview.rejected):,} of "
        f"{preview.row_count:,} rows cannot be imported ({len(found):,} problem(s))",
        found,
    )


class Refusable(Protocol):
    """An import preview that says which rows it rejected and why nothing is written."""

    @property
    def rejected(self) -> Sequence[Any]: ...

    def refusal(self) -> ImportRefused: ...


def ready_to_write(ws: Any, preview: ImportPreview) -> bool:
    """The checks before an apply writes ``preview``: refuses rejected rows
    (:func:`refuse_rejected`) and a read-only workspace; False when nothing is to write."""
    refuse_rejected(preview)
    return start_writing(ws, None, preview.to_write)


def start_writing(
    ws: Any,
    preview: Refusable | None,
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """What every import's apply does before it writes ``total`` records: raise the
    ``preview``'s refusal when it rejected rows (nothing is written), refuse a read-only
    workspace, then ``progress(0, total)``. False when there is nothing to write."""
    if preview is not None and preview.rejected:
        raise preview.refusal()
    if ws.readonly:
        raise ReadOnlyError(f"{ws.path.name} is open read-only; edits are disabled.")
    if progress is not None:
        progress(0, total)
    return total > 0


def import_changes(
    kind: str, preview: ImportPreview, new_ids: Iterable[int]
) -> tuple[Changes, int]:
    """What an apply returns: the changes (the added ``new_ids``, then the updated
    records) and how many records it added or updated."""
    ids = (*new_ids, *(item.record_id for item in preview.update if item.record_id is not None))
    return Changes(kind, tuple(ids), "import"), preview.to_write


def check_choices(match: str, on_unknown_id: str) -> None:
    if match not in MATCH_CHOICES:
        raise UserError(f"match must be one of {', '.join(MATCH_CHOICES)}, not {match!r}.")
    if on_unknown_id not in UNKNOWN_ID_CHOICES:
        raise UserError(
            f"on unknown id must be one of {', '.join(UNKNOWN_ID_CHOICES)}, not {on_unknown_id!r}."
        )


def header_of(rows: Iterable[Any]) -> list[str]:
    """Every column named in the rows (a short row lacks its trailing cells), in order."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row.cells:
            seen.setdefault(key, None)
    return list(seen)


def parse_id(text: str) -> int:
    """A record id cell (``12``; a spreadsheet may give ``12.0``)."""
    cleaned = text.strip()
    try:
        number = float(cleaned)
    except ValueError:
        number = float("nan")
    if number != number or not number.is_integer() or number < 1:
        raise ValueError(f"{cleaned!r} is not a record id (a whole number)")
    return int(number)


@dataclass
class Matcher:
    """Finds the stored record a row means (see the module docstring)."""

    what: str
    ids: set[int]
    titles: Mapping[int, str]
    match: str = "id"
    on_unknown_id: str = "reject"
    by_title: dict[str, list[int]] = field(default_factory=dict)
    claimed: dict[int, int] = field(default_factory=dict)
    new_titles: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        what: str,
        stored: Mapping[int, Mapping[str, Any]],
        *,
        match: str = "id",
        on_unknown_id: str = "reject",
    ) -> Matcher:
        """A matcher over ``stored`` records (by id, each with its ``title``)."""
        titles = {i: str(r["title"]) for i, r in stored.items()}
        return cls(what, set(stored), titles, match=match, on_unknown_id=on_unknown_id)

    def __post_init__(self) -> None:
        if self.match == "title":
            for record_id, title in self.titles.items():
                self.by_title.setdefault(title.strip().casefold(), []).append(record_id)

    def find(
        self, number: int, id_text: str, title: str
    ) -> tuple[int | None, tuple[str, str] | None]:
        """The stored record a row updates (None: add it), or the ``(column, problem)``."""
        record_id: int | None = None
        if id_text.strip():
            try:
                wanted = parse_id(id_text)
            except ValueError as exc:
                return None, ("id", str(exc))
            if wanted in self.ids:
                record_id = wanted
            elif self.on_unknown_id != "add":
                return None, (
                    "id",
                    f"no {self.what} has id {wanted} in this workspace (leave the id empty "
                    "to add it as new, or import with on unknown id: add)",
                )
        elif self.match == "title" and title.strip():
            found = self.by_title.get(title.strip().casefold(), [])
            if len(found) > 1:
                return None, (
                    "title",
                    f"{len(found)} {self.what}s are titled {title.strip()!r}; give the id",
                )
            if found:
                record_id = found[0]
            else:
                key = title.strip().casefold()
                earlier = self.new_titles.get(key)
                if earlier is not None:
                    return None, ("title", f"{title.strip()!r} is already in row {earlier}")
                self.new_titles[key] = number
        if record_id is not None:
            earlier = self.claimed.get(record_id)
            if earlier is not None:
                return None, ("id", f"{self.what} {record_id} is already in row {earlier}")
            self.claimed[record_id] = number
        return record_id, None


def stored_records(conn: Any, table: Any, fields: Iterable[str]) -> dict[int, dict[str, Any]]:
    """Every record of ``table`` by id, with its ``version`` and ``fields``: what an import
    compares its rows with."""
    query = select(table.c.id, table.c.version, *(table.c[n] for n in fields))
    return {int(r["id"]): dict(r) for r in conn.execute(query).mappings().all()}


def field_default(model: Any, name: str) -> Any:
    """The default of ``model``'s field ``name`` (``...`` when it has none)."""
    info = model.model_fields[name]
    return info.default


def merged_values(
    model: Any,
    stored: Mapping[str, Any],
    cells: Mapping[str, str],
    columns: Iterable[str],
    convert: Any = None,
) -> dict[str, Any]:
    """The stored values with the file's ``columns`` laid over them.

    A blank cell clears a field whose default is empty (``""`` or None) and keeps a field
    that always has a value. ``convert(name, text)`` may normalise a cell (enum labels).
    """
    merged = dict(stored)
    for name in columns:
        text = cells.get(name, "")
        if text == "":
            default = field_default(model, name)
            if default is None or default == "":
                merged[name] = default
            continue
        merged[name] = convert(name, text) if convert is not None else text
    return merged


def row_values(
    model: Any,
    fields: Iterable[str],
    stored: Mapping[str, Any] | None,
    cells: Mapping[str, str],
    columns: Iterable[str],
    convert: Any,
) -> dict[str, Any]:
    """What a row gives ``model`` to validate: for a new record its non-blank cells among
    ``fields``; for a stored one every field, with the file's ``columns`` laid over it
    (:func:`merged_values`). ``convert(name, text)`` normalises a cell."""
    if stored is None:
        return {n: convert(n, cells[n]) for n in fields if cells.get(n, "") != ""}
    merged = merged_values(model, stored, cells, columns, convert)
    return {n: merged[n] for n in fields}


def same_value(new: Any, old: Any) -> bool:
    """True when a file's value equals the stored one as an import reads it back (text
    compares as :func:`~.tabular.clean_text` leaves it, without surrounding white space)."""
    if isinstance(new, str) and isinstance(old, str):
        return clean_text(new).strip() == clean_text(old).strip()
    if (
        isinstance(old, dt.datetime)
        and isinstance(new, dt.date)
        and not isinstance(new, dt.datetime)
    ):
        return old.date() == new
    if isinstance(new, float | int) and isinstance(old, float | int):
        return float(new) == float(old)
    return bool(new == old)


def changed_fields(
    new: Mapping[str, Any], stored: Mapping[str, Any], columns: Iterable[str]
) -> dict[str, Any]:
    """The fields among ``columns`` whose new value differs from the stored one."""
    return {name: new[name] for name in columns if not same_value(new[name], stored.get(name))}


def check_versions(session: Any, table: Any, preview: ImportPreview) -> None:
    """Refuse (nothing written) when a record to update changed since the preview."""
    wanted = {item.record_id: item.version for item in preview.update}
    ids = list(wanted)
    current: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        query = select(table.c.id, table.c.version).where(table.c.id.in_(ids[i : i + 500]))
        current.update((int(a), int(b)) for a, b in session.execute(query))
    if any(current.get(i) != v for i, v in wanted.items()):  # type: ignore[arg-type]
        raise UserError(
            f"{preview.source}: some {preview.what}s were changed or deleted since the "
            "preview; preview the import again. Nothing was imported."
        )


def write_records(session: Any, table: Any, preview: ImportPreview, now: dt.datetime) -> list[int]:
    """Insert the preview's adds and apply its updates to ``table`` (after
    :func:`check_versions`); returns the new records' ids in the order of ``preview.add``.

    Updates are grouped by the fields they set, one executemany per group.
    """
    new_ids: list[int] = []
    if preview.add:
        result = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [new_row(item.values, now) for item in preview.add],
        )
        new_ids = [int(r[0]) for r in result]
    check_versions(session, table, preview)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for item in preview.update:
        if item.values:
            params = {f"b_{k}": v for k, v in item.values.items()}
            params["b_id"] = item.record_id
            groups.setdefault(tuple(sorted(item.values)), []).append(params)
    for key, group in groups.items():
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                **{k: bindparam(f"b_{k}") for k in key},
                updated_at=now,
                version=table.c.version + 1,
            ),
            group,
        )
    return new_ids
