"""Weighted 0-100 scores and the ranking of use cases by a model.

The overall score is ``100 * sum(w * u) / sum(w)`` over the criteria's utilities. A use
case missing any score of the model is *incomplete*: it has no score, is ranked apart
(after the complete ones) and is never treated as zero. With ``risk_from_register`` the
model's first risk criterion takes its level from the risk register.

Ranking reads rows with SQLAlchemy Core (10,000 use cases x 8 criteria in well under
100 ms).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select

from ...models import Score, UseCase
from ...models.enums import Direction
from .models import LEVELS, CriterionInfo, model_criteria

if TYPE_CHECKING:
    from ...store import Workspace


_IN_LIMIT = 500  # longer id lists are filtered after the query, not in an IN (...)
PACK_BITS = 3  # bits per criterion level (1-5) in a packed integer
PACK_WIDTH = 20  # criteria per packed 64-bit integer
_TIE_DIGITS = 9  # scores equal to this many decimals are ties (ordered stably)


def pack_groups(criterion_ids: Sequence[int]) -> list[list[int]]:
    """``criterion_ids`` in runs of ``PACK_WIDTH``: one packed integer per run."""
    ids = list(criterion_ids)
    return [ids[i : i + PACK_WIDTH] for i in range(0, len(ids), PACK_WIDTH)]


def scores_mark_column(scores: Any) -> Any:
    """The SQL aggregate (labelled ``mark``) of a use case's scores mark: the sum of its
    score rows' versions; group the select by ``use_case_id``. An edit of a score moves
    it on (a version only grows, undo and redo included), and so do adding a score and
    deleting one alone; a grid filled with the marks (one int per use case, read with
    the levels) knows at an edit whether the use case's scores are still those it shows
    (:func:`~aipm_desktop.services.scoring.score_slot`, which also checks the cell's
    content: a score deleted and another added at the same version leave the mark)."""
    return func.sum(scores.c.version).label("mark")


def packed_sums(scores: Any, groups: Sequence[Sequence[int]]) -> list[Any]:
    """Per group, the SQL sum (labelled ``code<n>``) packing a use case's levels into one
    integer, ``PACK_BITS`` per criterion in group order; group the select by
    ``use_case_id``. Scores of criteria outside the group add 0."""
    s = scores
    return [
        func.sum(
            s.c.value
            * case(
                {cid: 1 << (PACK_BITS * i) for i, cid in enumerate(group)},
                value=s.c.criterion_id,
                else_=0,
            )
        ).label(f"code{n}")
        for n, group in enumerate(groups)
    ]


@dataclass(frozen=True)
class RankedUseCase:
    """A use case's place in a model's ranking.

    ``score`` is None and ``rank`` is None for an incomplete use case; ``missing`` lists the
    criterion ids it has no score for. ``contributions`` gives each scored criterion's share
    of the 0-100 score (they add up to ``score`` when complete).
    """

    use_case_id: int
    title: str
    status: str
    score: float | None
    rank: int | None
    complete: bool
    missing: tuple[int, ...]
    values: dict[int, int] = field(default_factory=dict)
    contributions: dict[int, float] = field(default_factory=dict)
    #: Criterion ids whose level came from the risk register (``risk_from_register``).
    fed: tuple[int, ...] = ()
    #: The use case's scores mark read with the levels (``rank(marks=True)``; see
    #: :func:`scores_mark_column`), 0 without scores or when not read.
    scores_mark: int = 0

    def __getattr__(self, name: str) -> Any:
        # Rows made by rank() hold their levels in a table shared by the whole ranking
        # and build ``values`` and ``contributions`` the first time either is read.
        # (Reading from two threads at once at worst builds them twice.)
        state = self.__dict__
        if name in ("values", "contributions") and "_levels" in state:
            values, contributions = state["_levels"].row(state["_row"])
            state["values"] = values
            state["contributions"] = contributions
            return state[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# the maths ------------------------------------------------------------------------


def score_value(
    values: Mapping[int, int], criteria: Sequence[CriterionInfo]
) -> tuple[float | None, dict[int, float]]:
    """The 0-100 score of ``values`` (criterion id -> level) and each criterion's points.

    The score is None when a criterion has no value (or the model has no criteria); the
    contributions of the criteria that do have one are returned either way.
    """
    total = sum(c.weight for c in criteria)
    contributions: dict[int, float] = {}
    if total <= 0:
        return None, contributions
    complete = True
    for crit in criteria:
        value = values.get(crit.id)
        if value is None:
            complete = False
            continue
        contributions[crit.id] = 100.0 * crit.weight * crit.utility(int(value)) / total
    if not complete:
        return None, contributions
    return sum(contributions.values()), contributions


def _points_table(criteria: Sequence[CriterionInfo]) -> dict[int, tuple[float, ...]]:
    """criterion id -> points for level 1..5 (index 0 unused)."""
    total = sum(c.weight for c in criteria) or 1.0
    return {
        c.id: (0.0, *(100.0 * c.weight * c.utility(v) / total for v in LEVELS)) for c in criteria
    }


class _Levels:
    """Every fetched use case's level per criterion, shared by the rows of one ranking.

    ``levels`` is an ``(n, k)`` numpy array in criterion order with 0 for "no score";
    :class:`RankedUseCase` rows built by :func:`rank` decode their ``values`` and
    ``contributions`` dicts from it on first use, so ranking 10,000 use cases does not
    build 20,000 dicts nobody looks at.
    """

    __slots__ = ("criterion_ids", "levels", "points")

    def __init__(self, criterion_ids: Sequence[int], levels: Any, points: Sequence[Any]) -> None:
        self.criterion_ids = tuple(criterion_ids)
        self.levels = levels
        self.points = tuple(points)  # per criterion: points for level 0..5

    def values(self, row: int) -> dict[int, int]:
        return {
            cid: v
            for cid, v in zip(self.criterion_ids, self.levels[row].tolist(), strict=True)
            if v
        }

    def row(self, row: int) -> tuple[dict[int, int], dict[int, float]]:
        levels = self.levels[row].tolist()
        values: dict[int, int] = {}
        contributions: dict[int, float] = {}
        for cid, v, pts in zip(self.criterion_ids, levels, self.points, strict=True):
            if v:
                values[cid] = v
                contributions[cid] = pts[v]
        return values, contributions


def level_matrix(rows: Sequence[RankedUseCase], criterion_ids: Sequence[int]) -> Any:
    """The ``(len(rows), len(criterion_ids))`` int8 array of ``rows``' levels, 0 for "no
    score". Rows from one :func:`rank` call are read from the table they share (no dict
    per row); others from their ``values``."""
    import numpy as np

    ids = tuple(criterion_ids)
    tables = {id(r.__dict__.get("_levels")) for r in rows}
    table = rows[0].__dict__.get("_levels") if len(tables) == 1 and rows else None
    if isinstance(table, _Levels) and table.criterion_ids == ids:
        at = np.fromiter((r.__dict__["_row"] for r in rows), dtype=np.int64, count=len(rows))
        return table.levels[at]
    levels = np.zeros((len(rows), len(ids)), dtype=np.int8)
    for i, r in enumerate(rows):
        levels[i] = [r.values.get(cid, 0) for cid in ids]
    return levels


def _fetch_levels(
    ws: Workspace,
    criterion_ids: Sequence[int],
    wanted: set[int] | None,
    columns: Sequence[str],
    marks: bool = False,
) -> tuple[Any, list[tuple[Any, ...]], Any, Any]:
    """``(use case ids, [(columns...)], levels, marks)`` of every use case (or of
    ``wanted``); ``marks`` is a numpy int64 array of their scores marks when asked for
    (zeros when not).

    Ids are a numpy int64 array in id order and ``levels`` an ``(n, k)`` int8 array in
    ``criterion_ids`` order, 0 where a use case has no score. One Core query: the levels
    are packed 3 bits per criterion into integers summed per use case in SQL, so 10,000
    use cases x 8 criteria cost 10,000 rows, not 80,000.
    """
    import numpy as np

    u = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    groups = pack_groups(criterion_ids)
    by_id = wanted is not None and len(wanted) <= _IN_LIMIT
    codes: list[Any] = []
    if groups:
        # No WHERE on the criterion: SQLite would walk the criterion index and look every
        # score up; scores of other models' criteria just add 0.
        sums = packed_sums(s, groups)
        agg = select(s.c.use_case_id, *sums, *([scores_mark_column(s)] if marks else []))
        agg = agg.group_by(s.c.use_case_id)
        if by_id:
            agg = agg.where(s.c.use_case_id.in_(sorted(wanted)))  # type: ignore[arg-type]
        packed = agg.subquery()
        codes = [packed.c[f"code{n}"] for n in range(len(groups))]
        source = u.outerjoin(packed, packed.c.use_case_id == u.c.id)
    else:
        source = u
        marks = False
    if marks:
        codes.append(func.coalesce(packed.c.mark, 0))
    query = select(u.c.id, *(u.c[name] for name in columns), *codes).select_from(source)
    if by_id:
        query = query.where(u.c.id.in_(sorted(wanted)))  # type: ignore[arg-type]
    with ws.session() as session:
        rows = session.execute(query.order_by(u.c.id)).all()
    n_cols = len(columns)
    table = list(zip(*rows, strict=True)) if rows else [()] * (1 + n_cols + len(codes))
    uc_ids = np.fromiter(table[0], dtype=np.int64, count=len(rows))
    cols = list(zip(*table[1 : 1 + n_cols], strict=True)) if n_cols else [()] * len(rows)
    levels = np.zeros((len(rows), len(criterion_ids)), dtype=np.int8)
    for n, group in enumerate(groups):
        packed_codes = np.fromiter(
            (c or 0 for c in table[1 + n_cols + n]), dtype=np.int64, count=len(rows)
        )
        shifts = np.arange(len(group), dtype=np.int64) * PACK_BITS
        start = n * PACK_WIDTH
        levels[:, start : start + len(group)] = (packed_codes[:, None] >> shifts) & 7
    if marks:
        mark_of = np.fromiter(table[-1], dtype=np.int64, count=len(rows))
    else:
        mark_of = np.zeros(len(rows), dtype=np.int64)
    if wanted is not None and not by_id:
        keep = np.isin(uc_ids, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
        uc_ids, levels, mark_of = uc_ids[keep], levels[keep], mark_of[keep]
        cols = [cols[i] for i in np.flatnonzero(keep).tolist()]
    return uc_ids, cols, levels, mark_of


def scored_rows(
    ws: Workspace,
    criteria: Sequence[CriterionInfo],
    use_case_ids: Iterable[int] | None = None,
    columns: Sequence[str] = ("title", "status"),
) -> list[tuple[int, tuple[Any, ...], dict[int, int]]]:
    """``(use case id, (columns...), {criterion id -> level})`` for every use case."""
    wanted = None if use_case_ids is None else {int(i) for i in use_case_ids}
    crit_ids = [c.id for c in criteria]
    uc_ids, cols, levels, _marks = _fetch_levels(ws, crit_ids, wanted, columns)
    table = _Levels(crit_ids, levels, ())
    return [(uc, cols[i], table.values(i)) for i, uc in enumerate(uc_ids.tolist())]


def round_places(values: Any, digits: int) -> list[float]:
    """``[round(x, digits) for x in values]`` (an array of finite floats), the same
    floats without a ``round`` call each: ``m / 10**digits``, ``m`` the whole number
    nearest ``x * 10**digits``, is the double nearest the decimal ``round`` picks,
    unless ``x * 10**digits`` is within a float step of a half: those go through
    ``round``."""
    import numpy as np

    scaled = values * 10.0**digits
    out = (np.rint(scaled) / 10.0**digits).tolist()
    near = np.abs(scaled - np.floor(scaled) - 0.5) <= 2 * np.spacing(np.abs(scaled)) + 1e-12
    for i in np.flatnonzero(near).tolist():
        out[i] = round(float(values[i]), digits)
    return out


def rank_key(score: float, title: str, use_case_id: int) -> tuple[float, str, int]:
    """The sort key of a complete use case: score descending, then title, then id."""
    return (-round(score, _TIE_DIGITS), title.casefold(), use_case_id)


def risk_feed_criterion(criteria: Sequence[CriterionInfo]) -> CriterionInfo | None:
    """The criterion the risk register feeds: the model's first "risk" criterion."""
    return next((c for c in criteria if c.group == "risk"), None)


def exposure_level(exposure: float, direction: str = "cost") -> int:
    """A residual exposure (0-1, highest open residual score / 25) as a level 1-5.

    Scores 1-5 are level 1, 6-10 level 2, ... 21-25 level 5; a benefit criterion
    (higher = safer) gets the mirrored level.
    """
    level = min(5, max(1, math.ceil(round(exposure * 5, 9))))
    return 6 - level if direction == Direction.BENEFIT else level


def register_levels(
    *, ws: Workspace, criteria: Sequence[CriterionInfo]
) -> tuple[int | None, dict[int, int]]:
    """``(criterion id, {use case id -> level})`` fed by the open residual risks."""
    from ..risks import residual_exposure_by_use_case

    crit = risk_feed_criterion(criteria)
    if crit is None:
        return None, {}
    exposures = residual_exposure_by_use_case(ws=ws)
    return crit.id, {uc: exposure_level(e, crit.direction) for uc, e in exposures.items()}


def rank(
    *,
    ws: Workspace,
    model_id: int | None = None,
    use_case_ids: Iterable[int] | None = None,
    risk_from_register: bool = False,
    marks: bool = False,
) -> list[RankedUseCase]:
    """Use cases ranked by a model (the active one by default).

    Complete use cases come first, by score descending with ties ordered by title
    (case-insensitive) and then id, ranked 1..n; incomplete ones follow, unranked and
    ordered by title. ``use_case_ids`` restricts the ranking to those use cases.

    With ``risk_from_register``, a use case linked to live risks in the risk register
    takes the level of the model's first risk criterion from its highest residual risk
    score (see :func:`exposure_level`) instead of its own score; others keep theirs.

    With ``marks``, each row carries its use case's ``scores_mark``, read in the same
    query as the levels (an edit grid guards its cells with it).
    """
    criteria = model_criteria(ws=ws, model_id=model_id)
    feed = register_levels(ws=ws, criteria=criteria) if risk_from_register else (None, {})
    wanted = None if use_case_ids is None else {int(i) for i in use_case_ids}
    # Building tens of thousands of small dicts would trigger repeated full garbage
    # collections (half the run time); none of them form cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _rank(ws, criteria, wanted, feed, marks)
    finally:
        if collecting:
            gc.enable()


def _rank(
    ws: Workspace,
    criteria: Sequence[CriterionInfo],
    wanted: set[int] | None,
    feed: tuple[int | None, dict[int, int]],
    marks: bool = False,
) -> list[RankedUseCase]:
    import numpy as np

    ids = [c.id for c in criteria]
    k = len(ids)
    uc_ids, cols, levels, marks_read = _fetch_levels(ws, ids, wanted, ("title", "status"), marks)
    n = len(cols)
    fed_id, fed_levels = feed
    is_fed = np.zeros(n, dtype=bool)
    if fed_id is not None and fed_levels and n:
        # The register's level replaces (or stands in for) the fed criterion's score.
        fed_uc = np.fromiter(fed_levels.keys(), dtype=np.int64, count=len(fed_levels))
        fed_lv = np.fromiter(fed_levels.values(), dtype=np.int8, count=len(fed_levels))
        at = np.minimum(np.searchsorted(uc_ids, fed_uc), n - 1)  # uc_ids are in id order
        hit = uc_ids[at] == fed_uc
        levels[at[hit], ids.index(fed_id)] = fed_lv[hit]
        is_fed[at[hit]] = True
    points = _points_table(criteria)
    table = _Levels(ids, levels, [points[cid] for cid in ids])
    complete = np.count_nonzero(levels, axis=1) == k if k else np.zeros(n, dtype=bool)
    done = np.flatnonzero(complete)
    # Each criterion's points, added in criterion order as score_value() does.
    pts = np.array(table.points, dtype=np.float64).reshape(k, 6)
    totals = np.zeros(len(done), dtype=np.float64)
    for j in range(k):
        totals += pts[j][levels[done, j]]
    titles = [c[0] for c in cols]
    folded = [t.casefold() for t in titles]
    order_of = {t: i for i, t in enumerate(sorted(set(folded)))}
    title_order = np.fromiter(map(order_of.__getitem__, folded), dtype=np.int64, count=n)
    # Score descending (equal to _TIE_DIGITS decimals is a tie), then title, then id.
    rounded = -np.array(round_places(totals, _TIE_DIGITS), dtype=np.float64)
    done = done[np.lexsort((uc_ids[done], title_order[done], rounded))]
    rest = np.flatnonzero(~complete)
    rest = rest[np.lexsort((uc_ids[rest], title_order[rest]))]

    scores = np.zeros(n, dtype=np.float64)
    scores[np.flatnonzero(complete)] = totals
    missing: list[tuple[int, ...]] = []
    if len(rest) and k:
        patterns, which = np.unique(levels[rest] == 0, axis=0, return_inverse=True)
        options = [
            tuple(c for c, gap in zip(ids, p, strict=True) if gap) for p in patterns.tolist()
        ]
        missing = [options[i] for i in which.reshape(-1).tolist()]
    elif len(rest):
        missing = [()] * len(rest)
    all_ids = uc_ids.tolist()
    mark_of = marks_read.tolist()
    fed_flags = is_fed.tolist()
    fed_one = (fed_id,) if fed_id is not None else ()
    # Rows skip the frozen dataclass __init__ (about a microsecond per field, 10,000 times):
    # the fields go straight into __dict__, with the shared levels for values/contributions.
    new = object.__new__

    def row(i: int, score: float | None, rank: int | None, gaps: tuple[int, ...]) -> RankedUseCase:
        title, status = cols[i]
        item = new(RankedUseCase)
        item.__dict__.update(
            use_case_id=all_ids[i],
            title=title,
            status=status,
            score=score,
            rank=rank,
            complete=rank is not None,
            missing=gaps,
            fed=fed_one if fed_flags[i] else (),
            scores_mark=mark_of[i],
            _levels=table,
            _row=i,
        )
        return item

    done_rows = enumerate(zip(done.tolist(), scores[done].tolist(), strict=True), start=1)
    ranked = [row(i, score, position, ()) for position, (i, score) in done_rows]
    ranked += [row(i, None, None, gaps) for i, gaps in zip(rest.tolist(), missing, strict=True)]
    return ranked
