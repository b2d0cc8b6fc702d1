"""Releases and their rollout stages: the release list with readiness, finding a release,
the stages in order and reordering them, evidence document choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from ...errors import ValidationError
from ...models import Document, LaunchCheck, Release, RolloutStage, UseCase, utcnow
from ...store import Workspace
from .. import records
from ..changes import Changes
from .gate import readiness

_RELEASE = Release.__table__  # type: ignore[attr-defined]
_STAGE = RolloutStage.__table__  # type: ignore[attr-defined]
_DOC = Document.__table__  # type: ignore[attr-defined]
_UC = UseCase.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- stages


def stages(*, ws: Workspace, release_id: int) -> list[RolloutStage]:
    """The release's rollout stages in order."""
    with ws.session() as session:
        return list(
            session.execute(
                select(RolloutStage)
                .where(_STAGE.c.release_id == release_id)
                .order_by(_STAGE.c.position, _STAGE.c.id)
            ).scalars()
        )


def next_stage_position(*, ws: Workspace, release_id: int) -> int:
    with ws.engine.connect() as conn:
        value = conn.execute(
            select(func.coalesce(func.max(_STAGE.c.position), -1)).where(
                _STAGE.c.release_id == release_id
            )
        ).scalar_one()
    return int(value) + 1


def reorder_stages(
    *, ws: Workspace, release_id: int, order: Sequence[int], who: str | None = None
) -> tuple[Changes, list[int]]:
    """Put the release's stages in ``order`` (every stage id once). Returns the changes and
    the OLD order (undo)."""
    wanted = [int(i) for i in order]
    with ws.write(who=who) as session:
        conn = session.connection()
        rows = conn.execute(
            select(_STAGE.c.id, _STAGE.c.name, _STAGE.c.position)
            .where(_STAGE.c.release_id == release_id)
            .order_by(_STAGE.c.position, _STAGE.c.id)
        ).all()
        old = [r.id for r in rows]
        if sorted(old) != sorted(wanted) or len(set(wanted)) != len(wanted):
            raise ValidationError(
                "The new stage order must list every stage of the release exactly once.",
                [("order", "stage ids do not match")],
            )
        positions = {r.id: r.position for r in rows}
        now = utcnow()
        for position, stage_id in enumerate(wanted):
            if positions[stage_id] != position:
                conn.execute(
                    update(_STAGE)
                    .where(_STAGE.c.id == stage_id)
                    .values(position=position, version=_STAGE.c.version + 1, updated_at=now)
                )
    return Changes("rollout_stage", tuple(wanted), "update"), old


# --------------------------------------------------------------------------- releases


@dataclass(frozen=True)
class ReleaseInfo:
    id: int
    name: str
    target_date: dt.date | None
    feature_flag: str
    use_case_id: int | None
    use_case: str
    percent: float
    go: bool
    #: "launched", "go" or "no-go" (:attr:`.gate.Readiness.state`).
    state: str = ""
    launched_on: dt.date | None = None

    @property
    def state_text(self) -> str:
        """``"Launched"``, ``"GO"`` or ``"NO-GO"``: short, for a list column."""
        if self.state == "launched":
            return "Launched"
        return "GO" if self.go else "NO-GO"

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self, percent=round(self.percent, 1))


def release_list(*, ws: Workspace) -> list[ReleaseInfo]:
    """Every release with its readiness, by target date (undated last), then name."""
    query = (
        select(
            _RELEASE.c.id,
            _RELEASE.c.name,
            _RELEASE.c.target_date,
            _RELEASE.c.feature_flag,
            _RELEASE.c.use_case_id,
            _UC.c.title,
        )
        .select_from(_RELEASE.outerjoin(_UC, _UC.c.id == _RELEASE.c.use_case_id))
        .order_by(_RELEASE.c.target_date.is_(None), _RELEASE.c.target_date, _RELEASE.c.name)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    result = []
    for row in rows:
        ready = readiness(ws=ws, release_id=row.id)
        result.append(
            records.from_row(
                ReleaseInfo,
                row,
                feature_flag=row.feature_flag or "",
                use_case=row.title or "",
                percent=ready.percent,
                go=ready.go,
                state=ready.state,
                launched_on=ready.launch.launched_on,
            )
        )
    return result


#: The id of the release ``ref`` names: an id, or a name (any case).
resolve_release = records.RefFinder(
    _RELEASE, "name", "release", id_hint="the release id", cutoff=0.4, list_names=True
)


def document_choices(*, ws: Workspace) -> list[tuple[int, str]]:
    """(id, "Title (status)") of every document, for evidence pickers."""
    query = select(_DOC.c.id, _DOC.c.title, _DOC.c.status).order_by(_DOC.c.title, _DOC.c.id)
    with ws.engine.connect() as conn:
        return [(r.id, f"{r.title} ({r.status.replace('_', ' ')})") for r in conn.execute(query)]


def release_of(*, ws: Workspace, kind: str, entity_id: int) -> int | None:
    """The release a record belongs to: ``kind`` "release" (itself), "launch_check" or
    "rollout_stage"; None when there is no such record."""
    owner = {"launch_check": LaunchCheck, "rollout_stage": RolloutStage}.get(kind)
    if owner is None:
        return entity_id
    t = owner.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        found = conn.execute(select(t.c.release_id).where(t.c.id == entity_id)).scalar()
    return None if found is None else int(found)
