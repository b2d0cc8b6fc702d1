"""The use cases' scores and ranks under the active scoring model, in SQL: what the
use-case list shows and sorts by (:func:`.listing.use_case_list_spec`).

The same numbers as :func:`aipm_desktop.services.scoring.rank` computes in Python (that
one also feeds the risk register); portable SQL, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Numeric, and_, case, cast, func, literal, select, true

from ..models import Criterion, Score, ScoringModel, UseCase, WorkspaceSettings
from ..models.enums import Direction


def _active_model_sql() -> tuple[ColumnElement[int], Any]:
    """The active scoring model's id (the one the workspace settings name, else the first
    model) and a one-row subquery of its criteria count ``n`` and weight ``total``."""
    c = Criterion.__table__  # type: ignore[attr-defined]
    m = ScoringModel.__table__  # type: ignore[attr-defined]
    st = WorkspaceSettings.__table__  # type: ignore[attr-defined]
    chosen = (
        select(st.c.active_scoring_model_id)
        .where(st.c.active_scoring_model_id.in_(select(m.c.id)))
        .order_by(st.c.id)
        .limit(1)
        .scalar_subquery()
    )
    active = func.coalesce(chosen, select(func.min(m.c.id)).scalar_subquery())
    model = (
        select(func.count().label("n"), func.sum(c.c.weight).label("total"))
        .where(c.c.model_id == active)
        .subquery("active_model")
    )
    return active, model


def _points_sql(active: ColumnElement[int]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Per score row (joined to its criterion): ``weight * 4 * utility`` when the
    criterion belongs to the active model (else NULL), and 1 / 0 for "counts"."""
    s = Score.__table__  # type: ignore[attr-defined]
    c = Criterion.__table__  # type: ignore[attr-defined]
    utility = case((c.c.direction == Direction.COST.value, 5 - s.c.value), else_=s.c.value - 1)
    in_model = c.c.model_id == active
    return case((in_model, c.c.weight * utility)), case((in_model, 1), else_=0)


def use_case_ranking_sql(*, every: bool = False) -> Any:
    """Every *complete* use case's 0-100 score and rank under the active scoring model,
    as a subquery with the columns ``use_case_id``, ``score`` and ``rank``; ``every``:
    a row for every use case, NULL score and rank for the incomplete ones.

    The same numbers as :func:`aipm_desktop.services.scoring.rank` (without the risk
    register feed): a use case missing a score of the model has no score and is ranked
    apart; ranks run 1..n by score descending (equal to 9 decimals is a tie), then title
    (case-insensitive), then id. One pass over the scores (by use case, no criterion
    filter: the criterion index would make SQLite look every score up). The two shapes
    read the same numbers for their best plans: ``every`` to be joined to the use cases
    (SQLite indexes it then; it would scan the other once per use case), the other to be
    read whole (the fewer rows, the sooner).
    """
    uc = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    c = Criterion.__table__  # type: ignore[attr-defined]
    active, model = _active_model_sql()
    points, counts = _points_sql(active)
    scored = (
        select(
            s.c.use_case_id,
            func.sum(points).label("points"),
            func.sum(counts).label("scored"),
        )
        .select_from(s.join(c, c.c.id == s.c.criterion_id))
        .group_by(s.c.use_case_id)
        .subquery("scored")
    )
    score = literal(25.0) * scored.c.points / model.c.total
    complete = and_(scored.c.scored == model.c.n, model.c.total > 0)
    order = [func.round(cast(score, Numeric), 9).desc(), func.lower(uc.c.title), uc.c.id]
    if not every:
        rank = func.row_number().over(order_by=order)
        return (
            select(scored.c.use_case_id, score.label("score"), rank.label("rank"))
            .select_from(scored.join(model, complete).join(uc, uc.c.id == scored.c.use_case_id))
            .subquery("ranking")
        )
    # The complete ones first: their row numbers are their ranks.
    rank = func.row_number().over(order_by=[case((complete, 0), else_=1), *order])
    return (
        select(
            uc.c.id.label("use_case_id"),
            case((complete, score)).label("score"),
            case((complete, rank)).label("rank"),
        )
        .select_from(uc.outerjoin(scored, scored.c.use_case_id == uc.c.id).join(model, true()))
        .subquery("ranking")
    )
