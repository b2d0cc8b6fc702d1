"""Roadmap lanes: the configured lane list, replacing it, renaming a lane (its items move
with it), and the item count per lane.
"""

from __future__ import annotations

from collections.abc import Sequence

import pydantic
from sqlalchemy import func, select, update

from ...errors import NotFoundError, UserError
from ...models import RoadmapItem, WorkspaceSettings, WorkspaceSettingsUpdate, utcnow
from ...models.roadmap import DEFAULT_LANES
from ...store import Workspace
from .. import records
from ..changes import Changes

_ITEM = RoadmapItem.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- lanes


def lanes(*, ws: Workspace) -> list[str]:
    """The workspace's lanes in order, then any lane an item uses that is not configured
    (so no item is ever hidden), alphabetically."""
    with ws.engine.connect() as conn:
        stored = conn.execute(
            select(WorkspaceSettings.__table__.c.roadmap_lanes).where(  # type: ignore[attr-defined]
                WorkspaceSettings.__table__.c.id == 1  # type: ignore[attr-defined]
            )
        ).scalar()
        used = [row[0] for row in conn.execute(select(_ITEM.c.lane).distinct())]
    configured = list(stored) if stored else list(DEFAULT_LANES)
    known = {name.casefold() for name in configured}
    extra = sorted({name for name in used if name and name.casefold() not in known})
    return configured + extra


def set_lanes(
    *, ws: Workspace, lanes: Sequence[str], who: str | None = None
) -> tuple[Changes, list[str]]:
    """Replace the lane list (order matters). Returns the changes and the OLD list (undo).

    Removing a lane that roadmap items still use is refused, naming how many items.
    """
    try:
        checked = WorkspaceSettingsUpdate.model_validate({"roadmap_lanes": list(lanes)})
    except pydantic.ValidationError as error:
        raise records.validation_error(error, "roadmap lanes") from error
    wanted: list[str] = list(checked.roadmap_lanes)  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        settings = session.get(WorkspaceSettings, 1)
        if settings is None:
            raise NotFoundError("This workspace has no settings row; it cannot store lanes.")
        old = list(settings.roadmap_lanes or DEFAULT_LANES)
        keep = {name.casefold() for name in wanted}
        removed = [name for name in old if name.casefold() not in keep]
        if removed:
            rows = session.execute(
                select(_ITEM.c.lane, func.count())
                .where(func.lower(_ITEM.c.lane).in_([n.lower() for n in removed]))
                .group_by(_ITEM.c.lane)
            ).all()
            if rows:
                parts = [
                    f"{lane!r} ({count} item{'s' if count != 1 else ''})" for lane, count in rows
                ]
                total = sum(count for _lane, count in rows)
                raise UserError(
                    f"Cannot remove the lane{'s' if len(rows) > 1 else ''} "
                    f"{', '.join(parts)}: {total} roadmap item{'s' if total != 1 else ''} "
                    "still use it. Move those items to another lane first."
                )
        if wanted != old:
            settings.roadmap_lanes = wanted
            records.touch(settings)
            session.flush()
    return Changes("settings", (1,), "update"), old


def rename_lane(
    *, ws: Workspace, old: str, new: str, who: str | None = None
) -> tuple[Changes, Changes]:
    """Rename the lane ``old`` to ``new`` in one transaction: the lane keeps its place in
    the configured list and every item in it (any case) moves to ``new``.

    Renaming onto another lane's name (configured or used by items) is refused; a
    change of case only is allowed. Undo is ``rename_lane(old=new, new=old)``. Returns
    the settings changes and the changes of the moved items.
    """
    source = str(old or "").strip()
    with ws.write(who=who) as session:
        conn = session.connection()
        settings = session.get(WorkspaceSettings, 1)
        if settings is None:
            raise NotFoundError("This workspace has no settings row; it cannot store lanes.")
        configured = list(settings.roadmap_lanes or DEFAULT_LANES)
        rows = conn.execute(select(_ITEM.c.id, _ITEM.c.title, _ITEM.c.lane)).all()
        used = {row.lane for row in rows if row.lane}
        known = {name.casefold(): name for name in [*configured, *sorted(used)]}
        if source.casefold() not in known:
            raise NotFoundError(f"There is no roadmap lane {source!r}.")
        try:
            checked = WorkspaceSettingsUpdate.model_validate({"roadmap_lanes": [new]})
        except pydantic.ValidationError as error:
            raise records.validation_error(error, "roadmap lane name") from error
        target: str = checked.roadmap_lanes[0]  # type: ignore[attr-defined]
        if target.casefold() != source.casefold() and target.casefold() in known:
            raise UserError(
                f"There is already a lane {known[target.casefold()]!r}; choose another name "
                f"for {source!r}."
            )
        wanted = [target if name.casefold() == source.casefold() else name for name in configured]
        moved = [row for row in rows if row.lane.casefold() == source.casefold()]
        moved = [row for row in moved if row.lane != target]
        now = utcnow()
        if wanted != configured:
            settings.roadmap_lanes = wanted
            records.touch(settings, now)
            session.flush()
        if moved:
            conn.execute(
                update(_ITEM)
                .where(_ITEM.c.id.in_([row.id for row in moved]))
                .values(lane=target, version=_ITEM.c.version + 1, updated_at=now)
            )
    return (
        Changes("settings", (1,), "update"),
        Changes("roadmap_item", tuple(row.id for row in moved), "update"),
    )


def lane_counts(*, ws: Workspace) -> dict[str, int]:
    """Roadmap items per lane (keys case-folded)."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(_ITEM.c.lane, func.count()).group_by(_ITEM.c.lane)).all()
    counts: dict[str, int] = {}
    for lane, count in rows:
        counts[str(lane).casefold()] = counts.get(str(lane).casefold(), 0) + int(count)
    return counts
