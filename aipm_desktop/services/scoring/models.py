"""Scoring models and their criteria: listing, the active model, copying and deleting a
model, and the criteria with their weights (:class:`CriterionInfo`).

A scoring model is a list of criteria, each with a group (value, feasibility, risk), a
weight and a direction. A use case scores each criterion on a level from 1 to 5
(:data:`LEVELS`); :meth:`CriterionInfo.utility` turns a level into a utility in
``[0, 1]``: ``(v - 1) / 4`` for a benefit criterion and ``(5 - v) / 4`` for a cost
criterion (risk criteria count against).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, literal, select
from sqlmodel import col

from ...errors import NotFoundError, UserError, ValidationError
from ...models import (
    Criterion,
    CriterionCreate,
    Score,
    ScoringModel,
    WorkspaceSettings,
    utcnow,
)
from ...models.enums import Direction
from .. import records
from ..changes import Changes

if TYPE_CHECKING:
    from ...store import Workspace


LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class CriterionInfo:
    """One criterion of a model, with its weight as a share of the model's total (%)."""

    id: int
    key: str
    name: str
    group: str
    weight: float
    weight_pct: float
    direction: str
    description: str
    levels: tuple[str, ...]
    position: int
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0

    def utility(self, value: int) -> float:
        """The level as a utility in [0, 1] (cost criteria are inverted)."""
        if self.direction == Direction.COST:
            return (5 - value) / 4
        return (value - 1) / 4


# models -----------------------------------------------------------------------------


def list_models(*, ws: Workspace) -> list[tuple[int, str, bool]]:
    """Every scoring model as ``(id, name, is_preset)``, oldest first."""
    t = ScoringModel.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(select(t.c.id, t.c.name, t.c.is_preset).order_by(t.c.id)).all()
    return [(int(r[0]), str(r[1]), bool(r[2])) for r in rows]


def active_model_id(*, ws: Workspace) -> int:
    """The model the workspace settings name as active, or else the first model."""
    models = list_models(ws=ws)
    if not models:
        raise UserError("This workspace has no scoring model; create one first.")
    with ws.session() as session:
        settings = session.get(WorkspaceSettings, 1)
        chosen = settings.active_scoring_model_id if settings is not None else None
    ids = {m[0] for m in models}
    return chosen if chosen in ids else models[0][0]


def model_name(*, ws: Workspace, model_id: int) -> str:
    for mid, name, _preset in list_models(ws=ws):
        if mid == model_id:
            return name
    raise NotFoundError(f"No scoring model with id {model_id}.")


def model_by_name(*, ws: Workspace, name: str) -> int:
    """The id of the model called ``name`` (case-insensitive); a clear error otherwise."""
    models = list_models(ws=ws)
    wanted = name.strip().casefold()
    for mid, model, _preset in models:
        if model.casefold() == wanted:
            return mid
    known = ", ".join(repr(m[1]) for m in models) or "none"
    raise UserError(f"unknown scoring model {name!r}; available: {known}.")


def _resolve_model(ws: Workspace, model_id: int | None) -> int:
    if model_id is None:
        return active_model_id(ws=ws)
    if model_id not in {m[0] for m in list_models(ws=ws)}:
        raise NotFoundError(f"No scoring model with id {model_id}.")
    return model_id


def model_criteria(*, ws: Workspace, model_id: int | None = None) -> list[CriterionInfo]:
    """The criteria of a model (the active one by default) in display order."""
    model_id = _resolve_model(ws, model_id)
    t = Criterion.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(
            select(
                t.c.id,
                t.c.key,
                t.c.name,
                t.c.group,
                t.c.weight,
                t.c.direction,
                t.c.description,
                t.c.levels,
                t.c.position,
                t.c.version,
            )
            .where(t.c.model_id == model_id)
            .order_by(t.c.position, t.c.id)
        ).all()
    total = sum(float(r.weight) for r in rows) or 1.0
    return [
        CriterionInfo(
            id=int(r.id),
            key=str(r.key),
            name=str(r.name),
            group=str(r.group),
            weight=float(r.weight),
            weight_pct=100.0 * float(r.weight) / total,
            direction=str(r.direction),
            description=str(r.description or ""),
            levels=tuple(str(level) for level in (r.levels or ())),
            position=int(r.position),
            version=int(r.version),
        )
        for r in rows
    ]


def set_active_model(
    *, ws: Workspace, model_id: int, who: str | None = None
) -> tuple[Changes, int | None]:
    """Make ``model_id`` the active model; returns the changes and the old id (for undo)."""
    _resolve_model(ws, model_id)
    with ws.session() as session:
        settings = session.get(WorkspaceSettings, 1)
        previous = settings.active_scoring_model_id if settings is not None else None
    _obj, changes, _old = records.update(
        ws=ws,
        model=WorkspaceSettings,
        id=1,
        data={"active_scoring_model_id": model_id},
        who=who,
    )
    return changes, previous


def copy_model(
    *, ws: Workspace, model_id: int, name: str, who: str | None = None
) -> tuple[int, Changes]:
    """Copy a model, its criteria and every score on them under a new, unique name."""
    clean = (name or "").strip()
    if not clean:
        raise ValidationError("Invalid scoring model: Model name must not be empty.")
    models = list_models(ws=ws)
    if any(m[1].casefold() == clean.casefold() for m in models):
        raise ValidationError(
            f"Invalid scoring model: a model called {clean!r} already exists; pick another name."
        )
    if model_id not in {m[0] for m in models}:
        raise NotFoundError(f"No scoring model with id {model_id}.")
    s = Score.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        source = session.get(ScoringModel, model_id)
        assert source is not None
        copy = records.validate_create(
            ScoringModel,
            {
                "key": "",
                "name": clean,
                "description": source.description,
                "is_preset": False,
            },
        )
        session.add(copy)
        session.flush()
        assert copy.id is not None  # assigned by the flush
        criteria = session.execute(
            select(Criterion)
            .where(col(Criterion.model_id) == model_id)
            .order_by(col(Criterion.position))
        ).scalars()
        pairs: list[tuple[int, Criterion]] = []
        for crit in criteria:
            values = records.field_values(crit, CriterionCreate)
            new = Criterion(**{**values, "model_id": copy.id, "levels": list(crit.levels)})
            session.add(new)
            pairs.append((crit.id, new))
        session.flush()
        now = utcnow()
        for old_id, new in pairs:
            session.execute(
                insert(s).from_select(
                    [
                        "use_case_id",
                        "criterion_id",
                        "value",
                        "rationale",
                        "created_at",
                        "updated_at",
                        "version",
                    ],
                    select(
                        s.c.use_case_id,
                        literal(new.id),
                        s.c.value,
                        s.c.rationale,
                        literal(now),
                        literal(now),
                        literal(1),
                    ).where(s.c.criterion_id == old_id),
                )
            )
        new_id = int(copy.id)
    return new_id, Changes("scoring_model", (new_id,), "create")


def check_model_deletable(*, ws: Workspace, model_id: int) -> None:
    """Refuse deleting the active model or the only one (a UserError says why)."""
    models = list_models(ws=ws)
    names = {m[0]: m[1] for m in models}
    if model_id not in names:
        raise NotFoundError(f"No scoring model with id {model_id}.")
    if len(models) == 1:
        raise UserError(
            f"Cannot delete {names[model_id]!r}: it is the only scoring model. "
            "Create or copy another model first."
        )
    if active_model_id(ws=ws) == model_id:
        raise UserError(
            f"Cannot delete {names[model_id]!r}: it is the active scoring model. "
            "Make another model active first."
        )


def delete_model(*, ws: Workspace, model_id: int, who: str | None = None) -> Changes:
    """Delete a model with its criteria and scores (the workspace's undo brings them back)."""
    check_model_deletable(ws=ws, model_id=model_id)
    return records.delete(ws=ws, model=ScoringModel, id=model_id, who=who)


def score_count(*, ws: Workspace, model_id: int | None = None) -> int:
    """How many scores a model holds."""
    ids = [c.id for c in model_criteria(ws=ws, model_id=model_id)]
    if not ids:
        return 0
    s = Score.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        return int(
            session.execute(
                select(func.count()).select_from(s).where(s.c.criterion_id.in_(ids))
            ).scalar_one()
        )
