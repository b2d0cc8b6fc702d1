"""Score edits and reads: one use case's scores, setting or removing a score, rationales
and the stored levels of a criterion.

A score is a slot (one row per use case and criterion at most): an edit of a grid cell
carries the :class:`~aipm_desktop.services.conflicts.Slot` it read (:func:`score_slot`)
and :func:`set_score` writes only while the slot still holds that row at that version.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select
from sqlmodel import col

from ...errors import NotFoundError, ValidationError
from ...models import Criterion, Score, ScoringModel, UseCase
from .. import records
from ..changes import Changes
from ..conflicts import STALE, Slot, check_slot
from .models import LEVELS, model_criteria
from .ranking import scores_mark_column

if TYPE_CHECKING:
    from ...store import Workspace


# edits ------------------------------------------------------------------------------


def use_case_scores(
    *, ws: Workspace, use_case_id: int, model_id: int | None = None
) -> dict[int, tuple[int, str]]:
    """criterion id -> (level, rationale) of one use case on a model's criteria."""
    ids = [c.id for c in model_criteria(ws=ws, model_id=model_id)]
    if not ids:
        return {}
    s = Score.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(
            select(s.c.criterion_id, s.c.value, s.c.rationale).where(
                s.c.use_case_id == use_case_id, s.c.criterion_id.in_(ids)
            )
        ).all()
    return {int(r[0]): (int(r[1]), str(r[2] or "")) for r in rows}


def _check_level(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise ValidationError(
            f"Invalid score: {value!r} is not a level; use a whole number from 1 to 5.",
            [("value", "must be a whole number from 1 to 5")],
        )
    return value


def set_score(
    *,
    ws: Workspace,
    use_case_id: int,
    criterion_id: int,
    value: int | None,
    rationale: str | None = None,
    who: str | None = None,
    expect: Slot | None = None,
) -> tuple[Changes, tuple[int | None, str]]:
    """Set (or with ``value=None`` remove) one score; returns the changes and the old
    ``(value, rationale)`` so an undo can put it back with another ``set_score``.

    ``rationale=None`` keeps the stored rationale. With ``expect`` (what the editor read:
    :func:`score_slot`) nothing is written, and a
    :class:`~aipm_desktop.errors.ConflictError` says so, unless the score is still that
    row at that version (or still missing).
    """
    if value is not None:
        value = _check_level(value)
    if rationale is not None and not isinstance(rationale, str):
        raise ValidationError("Invalid score: the rationale must be text.")
    with ws.write(who=who) as session:
        use_case = records.existing(session, UseCase, use_case_id)
        crit = session.get(Criterion, criterion_id)
        if crit is None or session.get(ScoringModel, crit.model_id) is None:
            raise NotFoundError(f"No criterion with id {criterion_id} in any scoring model.")
        find = select(Score).where(
            col(Score.use_case_id) == use_case_id, col(Score.criterion_id) == criterion_id
        )
        if expect is not None:
            find = find.with_for_update()  # on a server, held until the edit commits
        row = session.execute(find).scalar_one_or_none()
        old: tuple[int | None, str] = (row.value, row.rationale) if row is not None else (None, "")
        session.info["label"] = f"{use_case.title} / {crit.name}"[:300]
        if expect is not None:
            found = (int(row.id), row.version) if row is not None and row.id else None
            check_slot(Score, expect, found, f"{use_case.title} / {crit.name}")
        if value is None:
            if row is None:
                return Changes("score", (use_case_id,), "update"), old
            session.delete(row)
        elif row is None:
            row = Score(
                use_case_id=use_case_id,
                criterion_id=criterion_id,
                value=value,
                rationale=rationale or "",
            )
            session.add(row)
            session.flush()
        else:
            new_rationale = row.rationale if rationale is None else rationale
            if row.value == value and row.rationale == new_rationale:
                return Changes("score", (use_case_id,), "update"), old
            row.value = value
            row.rationale = new_rationale
            records.touch(row)
        session.flush()
    return Changes("score", (use_case_id,), "update"), old


def score_slot(
    *,
    ws: Workspace,
    use_case_id: int,
    criterion_id: int,
    mark: int,
    shown: int | None,
    shown_rationale: str | None = None,
) -> Slot:
    """What an edit of one score cell read, for :func:`set_score`'s ``expect``: the cell
    of a grid filled with the use case's scores ``mark`` (``RankedUseCase.scores_mark``)
    showing level ``shown`` (None: empty) and, for a rationale edit, ``shown_rationale``.

    While the mark is the stored one and the cell's row still holds what the cell shows,
    the row stored now is the row shown, at the version shown (the content check covers
    what leaves the mark as it was: a score deleted and one added at the same version, on
    SQLite maybe with the id of the one deleted). Once the mark moved on, the version the
    cell showed is not known: the slot is :data:`~aipm_desktop.services.conflicts.STALE`
    and the edit is refused, to be merged. A cell showing nothing expects an empty slot
    (a row added meanwhile refuses the edit); nothing stored where nothing was shown is
    no conflict."""
    s = Score.__table__  # type: ignore[attr-defined]
    here = s.c.criterion_id == criterion_id
    query = select(
        scores_mark_column(s),
        func.max(case((here, s.c.id))),
        func.max(case((here, s.c.version))),
        func.max(case((here, s.c.value))),
        func.max(case((here, s.c.rationale))),
    ).where(s.c.use_case_id == use_case_id)
    with ws.engine.connect() as conn:
        mark_now, row_id, version, value, rationale = tuple(conn.execute(query).one())
    if row_id is None:
        return Slot() if shown is None else Slot(0, STALE)  # 0: the row shown is gone
    if shown is None:
        return Slot()
    fresh = int(mark_now) == mark
    as_shown = value == shown and shown_rationale in (None, str(rationale or ""))
    return Slot(int(row_id), int(version) if fresh and as_shown else STALE)


def rationales(
    *, ws: Workspace, use_case_ids: Iterable[int], criterion_ids: Iterable[int]
) -> dict[tuple[int, int], str]:
    """(use case id, criterion id) -> rationale, for the scores among these that have one."""
    ids = list(criterion_ids)
    use_cases = list(use_case_ids)
    if not ids or not use_cases:
        return {}
    s = Score.__table__  # type: ignore[attr-defined]
    query = select(s.c.use_case_id, s.c.criterion_id, s.c.rationale).where(
        s.c.use_case_id.in_(use_cases), s.c.criterion_id.in_(ids), s.c.rationale != ""
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    return {(int(uc), int(crit)): str(text) for uc, crit, text in rows if text}


def stored_levels(
    *, ws: Workspace, criterion_id: int, use_case_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Use case id -> the level stored for ``criterion_id`` (all use cases when None)."""
    s = Score.__table__  # type: ignore[attr-defined]
    query = select(s.c.use_case_id, s.c.value).where(s.c.criterion_id == criterion_id)
    wanted = None if use_case_ids is None else set(use_case_ids)
    if wanted is not None and len(wanted) <= 500:
        query = query.where(s.c.use_case_id.in_(sorted(wanted)))
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    return {int(uc): int(v) for uc, v in rows if wanted is None or uc in wanted}
