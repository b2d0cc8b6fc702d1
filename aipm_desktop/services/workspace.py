"""Workspace-level services: new, open, info (counts), settings, recent changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import exc, func, inspect, select, table
from sqlmodel import Session, col

from ..locations import Location, as_location
from ..models import ChangeLog, WorkspaceSettings
from ..store import Workspace, create_workspace, head_revision, open_workspace
from . import dates, records
from .changes import Changes

#: What ``info`` counts (each kind is its table), with the labels a person reads.
COUNTED: dict[str, str] = {
    "use_case": "Use cases",
    "scoring_model": "Scoring models",
    "risk": "Risks",
    "document": "Documents",
    "kpi": "KPIs",
    "kpi_snapshot": "KPI snapshots",
    "roadmap_item": "Roadmap items",
    "release": "Releases",
    "experiment": "Experiments",
    "incident": "Incidents",
    "cost_model": "Cost models",
    "case_exercise": "Case exercises",
    "candidate": "Candidates",
    "evaluation": "Evaluations",
}


def new_workspace(
    path: Location | str,
    *,
    name: str | None = None,
    demo: bool = False,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> Workspace:
    """Create a workspace with the reference data (and the demo portfolio if asked).

    ``today`` dates the demo portfolio (relative to its week's Monday; default: the real
    date), so a test can build the demo and compute its expectations from one date.
    """
    path = as_location(path)
    title = (name or "").strip() or path.stem.replace("_", " ").replace("-", " ").title()

    def populate(session: Session) -> None:
        from .reference import seed_all  # reference data: only a new workspace needs it

        model_id = seed_all(session)
        settings = WorkspaceSettings.model_validate(
            {"name": title, "active_scoring_model_id": model_id}
        )
        session.add(settings)
        session.flush()
        if demo:
            from .demo import populate_demo, this_monday

            anchor = None if today is None else this_monday(today)
            populate_demo(session, anchor=anchor, progress=progress)

    return create_workspace(path, populate=populate, overwrite=overwrite)


def open_or_create_default(path: Path) -> Workspace:
    """The embedded default workspace: opened, or created on first run."""
    if path.exists():
        return open_workspace(path)
    return new_workspace(path, name="My AI portfolio")


def create_sample_workspace(path: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Worker function: build the demo workspace file at ``path`` and close it."""
    ws = new_workspace(path, demo=True, overwrite=True, progress=progress)
    ws.close()
    return path


def get_settings(*, ws: Workspace) -> WorkspaceSettings:
    with ws.session() as session:
        try:
            settings = session.get(WorkspaceSettings, 1)
        except exc.OperationalError:
            # An older file read without migrating (``aipm info`` on a 0003 file): read the
            # columns it has; the newer ones keep their defaults.
            session.rollback()
            return _settings_from_older_file(ws)
        if settings is None:  # a file whose settings row was lost: show a usable name
            return WorkspaceSettings(id=1, name=ws.path.stem)
        return settings


def _settings_from_older_file(ws: Workspace) -> WorkspaceSettings:
    table = WorkspaceSettings.__table__  # type: ignore[attr-defined]
    present = {c["name"] for c in inspect(ws.engine).get_columns(table.name)}
    columns = [c for c in table.columns if c.name in present]
    with ws.engine.connect() as conn:
        row = conn.execute(select(*columns).where(table.c.id == 1)).mappings().first()
    if row is None:
        return WorkspaceSettings(id=1, name=ws.path.stem)
    return WorkspaceSettings(**dict(row))


def update_settings(
    *, ws: Workspace, data: dict[str, Any], who: str | None = None
) -> tuple[WorkspaceSettings, Changes, dict[str, Any]]:
    obj, changes, old = records.update(ws=ws, model=WorkspaceSettings, id=1, data=data, who=who)
    return obj, changes, old


@dataclass
class WorkspaceInfo:
    path: str
    name: str
    client: str
    schema_version: str
    app_schema_version: str
    readonly: bool
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self)


def counts(*, ws: Workspace) -> dict[str, int]:
    with ws.session() as session:
        return {
            kind: int(session.execute(select(func.count()).select_from(table(kind))).scalar_one())
            for kind in COUNTED
        }


def info(*, ws: Workspace) -> WorkspaceInfo:
    settings = get_settings(ws=ws)
    return WorkspaceInfo(
        path=str(ws.path),
        name=settings.name,
        client=settings.client,
        schema_version=ws.revision,
        app_schema_version=head_revision(),
        readonly=ws.readonly,
        counts=counts(ws=ws),
    )


@dataclass
class ChangeEntry:
    at: str
    who: str
    entity: str
    entity_id: int
    action: str
    label: str


def change_entry(row: Any) -> ChangeEntry:
    """One change-log row (an ORM object or a Core row) as the change list shows it."""
    return ChangeEntry(
        at=dates.format_datetime(row.at),
        who=row.who,
        entity=row.entity,
        entity_id=row.entity_id,
        action=row.action,
        label=row.label,
    )


def recent_changes(*, ws: Workspace, limit: int = 20) -> list[ChangeEntry]:
    with ws.session() as session:
        rows = session.execute(
            select(ChangeLog).order_by(col(ChangeLog.id).desc()).limit(limit)
        ).scalars()
        return [change_entry(row) for row in rows]
