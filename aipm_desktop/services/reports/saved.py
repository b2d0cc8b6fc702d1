"""Saved reports: named choices of kind, sections, use cases and options in the
workspace. Saving, renaming and deleting are operations (undoable, in the change log).
A saved report is checked when saved (the kind and every section known, each use case
found), so running it later fails only when the workspace changed since (a use case
deleted), with a message naming what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ...errors import NotFoundError, UserError
from ...models import SavedReport
from .. import records
from ..changes import Changes
from .build import section_keys
from .profile import ReportOptions

if TYPE_CHECKING:
    from ...store import Workspace


@dataclass(frozen=True)
class SavedInfo:
    id: int
    name: str
    kind: str
    options: ReportOptions


def _table() -> Any:
    return SavedReport.__table__  # type: ignore[attr-defined]


def saved_reports(*, ws: Workspace) -> list[SavedInfo]:
    """Every saved report, by name."""
    t = _table()
    with ws.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.name, t.c.kind, t.c.options).order_by(t.c.name))
        return [
            SavedInfo(r.id, r.name, r.kind, ReportOptions.from_dict(dict(r.options or {})))
            for r in rows
        ]


def find_saved(*, ws: Workspace, name: str) -> SavedInfo:
    """The saved report called ``name`` (any case), or a clear error listing the others."""
    found = saved_reports(ws=ws)
    for info in found:
        if info.name.casefold() == name.strip().casefold():
            return info
    names = ", ".join(repr(i.name) for i in found) or "none saved yet"
    raise NotFoundError(f"no saved report {name!r}; saved reports: {names}.")


def _checked(ws: Workspace, options: ReportOptions) -> None:
    from .build import _use_cases

    section_keys(options)  # unknown kind or section: a UserError
    _use_cases(ws, options.use_cases)


def save_report(
    *, ws: Workspace, name: str, options: ReportOptions, who: str | None = None
) -> tuple[int, Changes]:
    """Save ``options`` as the report ``name``; a report of that name is replaced (one
    operation either way, so undo gives the earlier one back)."""
    _checked(ws, options)
    data = {"name": name.strip(), "kind": options.kind, "options": options.to_dict()}
    existing = next(
        (i for i in saved_reports(ws=ws) if i.name.casefold() == name.strip().casefold()), None
    )
    if existing is None:
        row = records.validate_create(SavedReport, data)
        with ws.write(label=f"Save report {row.name}", who=who) as session:
            return records.add_row(session, row)
    with records.editing(
        ws, SavedReport, existing.id, lambda r: f"Update saved report {r.name}", who=who
    ) as (_session, row):
        row.kind = options.kind
        row.options = options.to_dict()
        records.touch(row)
    return existing.id, Changes("saved_report", (existing.id,), "update")


def delete_saved(*, ws: Workspace, name: str, who: str | None = None) -> Changes:
    info = find_saved(ws=ws, name=name)
    with records.editing(
        ws, SavedReport, info.id, lambda r: f"Delete saved report {r.name}", who=who
    ) as (session, row):
        session.delete(row)
    return Changes("saved_report", (info.id,), "delete")


def options_of(*, ws: Workspace, name: str, **overrides: Any) -> ReportOptions:
    """The options of the saved report ``name``, with ``overrides`` (e.g. ``as_of``)."""
    info = find_saved(ws=ws, name=name)
    data = info.options.to_dict()
    data.update({k: v for k, v in overrides.items() if v is not None})
    if not isinstance(data.get("as_of"), str) and data.get("as_of") is not None:
        data["as_of"] = data["as_of"].isoformat()
    try:
        return ReportOptions.from_dict(data)
    except TypeError as error:  # pragma: no cover - a hand-edited file
        raise UserError(f"the saved report {name!r} cannot be read: {error}") from error
