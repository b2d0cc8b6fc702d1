"""Exposure views of the register: the likelihood x impact heat map, the movements from
inherent to residual cells, and the residual exposure per use case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ...models import RiskUseCaseLink
from ...store import Workspace
from .register import ACTIVE_STATUSES, linked_titles_sql
from .scoring import (
    DEFAULT_METHOD,
    Band,
    bands,
    cell_sql,
    level_of,
    method_of,
    risk_score,
    risk_table,
    score_sql,
)

# --------------------------------------------------------------------------- heat map


@dataclass(frozen=True)
class HeatmapData:
    """Counts of risks per likelihood x impact cell.

    ``counts[likelihood - 1][impact - 1]``; ``ids[(likelihood, impact)]`` the risk ids in
    a cell (only non-empty cells); ``colors[(likelihood, impact)]`` every cell's band
    colour; ``scores`` every cell's score under the method.
    """

    counts: tuple[tuple[int, ...], ...]
    ids: dict[tuple[int, int], tuple[int, ...]]
    colors: dict[tuple[int, int], str]
    bands: tuple[Band, ...]
    residual: bool
    method: str = DEFAULT_METHOD
    scores: dict[tuple[int, int], int] | None = None
    use_case_id: int | None = None

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)


def _scope(stmt: Any, *, use_case_id: int | None, include_closed: bool) -> Any:
    t = risk_table()
    if not include_closed:
        stmt = stmt.where(t.c.status.in_(ACTIVE_STATUSES))
    if use_case_id is not None:
        linked, _ = linked_titles_sql()
        stmt = stmt.where(linked == use_case_id)  # an EXISTS over the links (no join)
    return stmt


def heatmap(
    *,
    ws: Workspace,
    residual: bool = False,
    use_case_id: int | None = None,
    include_closed: bool = False,
) -> HeatmapData:
    """The heat map of the live register (closed risks left out unless asked for)."""
    t = risk_table()
    band_list = bands(ws=ws)
    method = method_of(ws=ws)
    lik, imp = cell_sql(residual=residual)
    stmt = _scope(
        select(t.c.id, lik, imp).order_by(t.c.id),
        use_case_id=use_case_id,
        include_closed=include_closed,
    )
    cells: dict[tuple[int, int], list[int]] = {}
    with ws.engine.connect() as conn:
        for risk_id, cell_l, cell_i in conn.execute(stmt):
            cells.setdefault((int(cell_l), int(cell_i)), []).append(risk_id)
    counts = tuple(
        tuple(len(cells.get((row, col), ())) for col in range(1, 6)) for row in range(1, 6)
    )
    scores = {
        (row, col): risk_score(row, col, method) for row in range(1, 6) for col in range(1, 6)
    }
    return HeatmapData(
        counts=counts,
        ids={cell: tuple(ids) for cell, ids in cells.items()},
        colors={cell: level_of(score, band_list).color for cell, score in scores.items()},
        bands=tuple(band_list),
        residual=residual,
        method=method,
        scores=scores,
        use_case_id=use_case_id,
    )


@dataclass(frozen=True)
class Movement:
    """A risk's move on the heat map from its inherent cell to its residual cell
    (cells as (likelihood, impact))."""

    risk_id: int
    title: str
    inherent: tuple[int, int]
    residual: tuple[int, int]


def movements(
    *, ws: Workspace, use_case_id: int | None = None, include_closed: bool = False
) -> list[Movement]:
    """The risks with a residual assessment, from inherent to residual cell, by id."""
    t = risk_table()
    stmt = _scope(
        select(
            t.c.id,
            t.c.title,
            t.c.likelihood,
            t.c.impact,
            t.c.residual_likelihood,
            t.c.residual_impact,
        )
        .where(t.c.residual_likelihood.is_not(None), t.c.residual_impact.is_not(None))
        .order_by(t.c.id),
        use_case_id=use_case_id,
        include_closed=include_closed,
    )
    with ws.engine.connect() as conn:
        return [
            Movement(row[0], row[1], (row[2], row[3]), (row[4], row[5]))
            for row in conn.execute(stmt)
        ]


def residual_exposure_by_use_case(*, ws: Workspace) -> dict[int, float]:
    """Per use case with live risks: its highest residual score / 25 (0-1)."""
    t = risk_table()
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    residual = score_sql(*cell_sql(residual=True), method_of(ws=ws))
    stmt = (
        select(link.c.use_case_id, func.max(residual))
        .select_from(link.join(t, link.c.risk_id == t.c.id))
        .where(t.c.status.in_(ACTIVE_STATUSES))
        .group_by(link.c.use_case_id)
    )
    with ws.engine.connect() as conn:
        return {uc: int(score) / 25 for uc, score in conn.execute(stmt)}
