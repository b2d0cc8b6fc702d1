"""Scoring models: weighted 0-100 scores, ranking, score edits and ranking stability.

A scoring model is a list of criteria, each with a group (value, feasibility, risk), a
weight and a direction. A use case scores each criterion on a level from 1 to 5. The
level becomes a utility in ``[0, 1]``: ``(v - 1) / 4`` for a benefit criterion and
``(5 - v) / 4`` for a cost criterion (risk criteria count against), and the overall score
is ``100 * sum(w * u) / sum(w)``. A use case missing any score of the model is
*incomplete*: it has no score, is ranked apart (after the complete ones) and is never
treated as zero.

Ranking reads rows with SQLAlchemy Core (10,000 use cases x 8 criteria in well under
100 ms); :func:`stability` perturbs the weights many times with numpy and reports how
often each use case keeps its place.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, insert, literal, select

from ..errors import NotFoundError, UserError, ValidationError
from ..models import Criterion, Score, ScoringModel, UseCase, WorkspaceSettings, utcnow
from ..models.enums import Direction
from . import records
from .changes import Changes

if TYPE_CHECKING:
    from ..store import Workspace

LEVELS = (1, 2, 3, 4, 5)
STABILITY_METHODS = ("uniform", "dirichlet")
#: Rank positions counted per use case in :attr:`StabilityResult.rank_counts`.
MAX_RANK_POSITIONS = 100
_CHUNK = 100  # perturbation draws per numpy chunk (and per progress call)
_IN_LIMIT = 500  # longer id lists are filtered after the query, not in an IN (...)
_PACK_BITS = 3  # bits per criterion level (1-5) in a packed integer
_PACK_WIDTH = 20  # criteria per packed 64-bit integer
_TIE_DIGITS = 9  # scores equal to this many decimals are ties (ordered stably)


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

    def utility(self, value: int) -> float:
        """The level as a utility in [0, 1] (cost criteria are inverted)."""
        if self.direction == Direction.COST:
            return (5 - value) / 4
        return (value - 1) / 4


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
        )
        for r in rows
    ]


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


def _fetch_levels(
    ws: Workspace,
    criterion_ids: Sequence[int],
    wanted: set[int] | None,
    columns: Sequence[str],
) -> tuple[Any, list[tuple[Any, ...]], Any]:
    """``(use case ids, [(columns...)], levels)`` of every use case (or of ``wanted``).

    Ids are a numpy int64 array in id order and ``levels`` an ``(n, k)`` int8 array in
    ``criterion_ids`` order, 0 where a use case has no score. One Core query: the levels
    are packed 3 bits per criterion into integers summed per use case in SQL, so 10,000
    use cases x 8 criteria cost 10,000 rows, not 80,000.
    """
    import numpy as np

    u = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    ids = list(criterion_ids)
    groups = [ids[i : i + _PACK_WIDTH] for i in range(0, len(ids), _PACK_WIDTH)]
    by_id = wanted is not None and len(wanted) <= _IN_LIMIT
    codes = []
    if groups:
        # No WHERE on the criterion: SQLite would walk the criterion index and look every
        # score up; scores of other models' criteria just add 0.
        sums = [
            func.sum(
                s.c.value
                * case(
                    {cid: 1 << (_PACK_BITS * i) for i, cid in enumerate(group)},
                    value=s.c.criterion_id,
                    else_=0,
                )
            ).label(f"code{n}")
            for n, group in enumerate(groups)
        ]
        agg = select(s.c.use_case_id, *sums).group_by(s.c.use_case_id)
        if by_id:
            agg = agg.where(s.c.use_case_id.in_(sorted(wanted)))  # type: ignore[arg-type]
        packed = agg.subquery()
        codes = [packed.c[f"code{n}"] for n in range(len(groups))]
        source = u.outerjoin(packed, packed.c.use_case_id == u.c.id)
    else:
        source = u
    query = select(u.c.id, *(u.c[name] for name in columns), *codes).select_from(source)
    if by_id:
        query = query.where(u.c.id.in_(sorted(wanted)))  # type: ignore[arg-type]
    with ws.session() as session:
        rows = session.execute(query.order_by(u.c.id)).all()
    n_cols = len(columns)
    table = list(zip(*rows, strict=True)) if rows else [()] * (1 + n_cols + len(codes))
    uc_ids = np.fromiter(table[0], dtype=np.int64, count=len(rows))
    cols = list(zip(*table[1 : 1 + n_cols], strict=True)) if n_cols else [()] * len(rows)
    levels = np.zeros((len(rows), len(ids)), dtype=np.int8)
    for n, group in enumerate(groups):
        packed_codes = np.fromiter(
            (c or 0 for c in table[1 + n_cols + n]), dtype=np.int64, count=len(rows)
        )
        shifts = np.arange(len(group), dtype=np.int64) * _PACK_BITS
        start = n * _PACK_WIDTH
        levels[:, start : start + len(group)] = (packed_codes[:, None] >> shifts) & 7
    if wanted is not None and not by_id:
        keep = np.isin(uc_ids, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
        uc_ids, levels = uc_ids[keep], levels[keep]
        cols = [cols[i] for i in np.flatnonzero(keep).tolist()]
    return uc_ids, cols, levels


def scored_rows(
    ws: Workspace,
    criteria: Sequence[CriterionInfo],
    use_case_ids: Iterable[int] | None = None,
    columns: Sequence[str] = ("title", "status"),
) -> list[tuple[int, tuple[Any, ...], dict[int, int]]]:
    """``(use case id, (columns...), {criterion id -> level})`` for every use case."""
    wanted = None if use_case_ids is None else {int(i) for i in use_case_ids}
    crit_ids = [c.id for c in criteria]
    uc_ids, cols, levels = _fetch_levels(ws, crit_ids, wanted, columns)
    table = _Levels(crit_ids, levels, ())
    return [(uc, cols[i], table.values(i)) for i, uc in enumerate(uc_ids.tolist())]


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
    from .risks import residual_exposure_by_use_case

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
) -> list[RankedUseCase]:
    """Use cases ranked by a model (the active one by default).

    Complete use cases come first, by score descending with ties ordered by title
    (case-insensitive) and then id, ranked 1..n; incomplete ones follow, unranked and
    ordered by title. ``use_case_ids`` restricts the ranking to those use cases.

    With ``risk_from_register``, a use case linked to live risks in the risk register
    takes the level of the model's first risk criterion from its highest residual risk
    score (see :func:`exposure_level`) instead of its own score; others keep theirs.
    """
    criteria = model_criteria(ws=ws, model_id=model_id)
    feed = register_levels(ws=ws, criteria=criteria) if risk_from_register else (None, {})
    wanted = None if use_case_ids is None else {int(i) for i in use_case_ids}
    # Building tens of thousands of small dicts would trigger repeated full garbage
    # collections (half the run time); none of them form cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _rank(ws, criteria, wanted, feed)
    finally:
        if collecting:
            gc.enable()


def _rank(
    ws: Workspace,
    criteria: Sequence[CriterionInfo],
    wanted: set[int] | None,
    feed: tuple[int | None, dict[int, int]],
) -> list[RankedUseCase]:
    import numpy as np

    ids = [c.id for c in criteria]
    k = len(ids)
    uc_ids, cols, levels = _fetch_levels(ws, ids, wanted, ("title", "status"))
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
    rounded = np.array([-round(x, _TIE_DIGITS) for x in totals.tolist()], dtype=np.float64)
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
    fed_flags = is_fed.tolist()
    fed_one = (fed_id,) if fed_id is not None else ()
    # Rows skip the frozen dataclass __init__ (about a microsecond per field, 10,000 times):
    # the fields go straight into __dict__, with the shared levels for values/contributions.
    new = object.__new__
    ranked: list[RankedUseCase] = []
    append = ranked.append
    for position, (i, score) in enumerate(
        zip(done.tolist(), scores[done].tolist(), strict=True), start=1
    ):
        title, status = cols[i]
        item = new(RankedUseCase)
        item.__dict__.update(
            use_case_id=all_ids[i],
            title=title,
            status=status,
            score=score,
            rank=position,
            complete=True,
            missing=(),
            fed=fed_one if fed_flags[i] else (),
            _levels=table,
            _row=i,
        )
        append(item)
    for i, gaps in zip(rest.tolist(), missing, strict=True):
        title, status = cols[i]
        item = new(RankedUseCase)
        item.__dict__.update(
            use_case_id=all_ids[i],
            title=title,
            status=status,
            score=None,
            rank=None,
            complete=False,
            missing=gaps,
            fed=fed_one if fed_flags[i] else (),
            _levels=table,
            _row=i,
        )
        append(item)
    return ranked


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
) -> tuple[Changes, tuple[int | None, str]]:
    """Set (or with ``value=None`` remove) one score; returns the changes and the old
    ``(value, rationale)`` so an undo can put it back with another ``set_score``.

    ``rationale=None`` keeps the stored rationale.
    """
    if value is not None:
        value = _check_level(value)
    if rationale is not None and not isinstance(rationale, str):
        raise ValidationError("Invalid score: the rationale must be text.")
    with ws.write(who=who) as session:
        use_case = session.get(UseCase, use_case_id)
        if use_case is None:
            raise NotFoundError(f"No use case with id {use_case_id}; it may have been deleted.")
        crit = session.get(Criterion, criterion_id)
        if crit is None or session.get(ScoringModel, crit.model_id) is None:
            raise NotFoundError(f"No criterion with id {criterion_id} in any scoring model.")
        row = session.execute(
            select(Score).where(
                Score.use_case_id == use_case_id, Score.criterion_id == criterion_id
            )
        ).scalar_one_or_none()
        old: tuple[int | None, str] = (row.value, row.rationale) if row is not None else (None, "")
        session.info["label"] = f"{use_case.title} / {crit.name}"[:300]
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
            row.version += 1
            row.updated_at = utcnow()
        session.flush()
    return Changes("score", (use_case_id,), "update"), old


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
        criteria = session.execute(
            select(Criterion).where(Criterion.model_id == model_id).order_by(Criterion.position)
        ).scalars()
        pairs: list[tuple[int, Criterion]] = []
        for crit in criteria:
            new = Criterion(
                model_id=copy.id,
                key=crit.key,
                name=crit.name,
                group=crit.group,
                weight=crit.weight,
                direction=crit.direction,
                description=crit.description,
                levels=list(crit.levels),
                position=crit.position,
            )
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


# ranking stability --------------------------------------------------------------------


@dataclass(frozen=True)
class StabilityResult:
    """How a ranking holds up when the weights move.

    ``use_case_ids`` are the complete use cases in baseline order. ``rank_counts`` maps a
    use case to how many draws put it at rank 1, 2, ... up to
    ``min(len(use_case_ids), MAX_RANK_POSITIONS)`` (draws placing it lower are not in the
    list). ``p_top_n`` is the share of draws in which it ranks within the top ``top_n``;
    ``mean_rank``, ``best_rank`` and ``worst_rank`` summarise every draw.
    """

    draws: int
    top_n: int
    use_case_ids: tuple[int, ...]
    rank_counts: dict[int, list[int]]
    p_top_n: dict[int, float]
    baseline_rank: dict[int, int]
    method: str = "uniform"
    spread: float = 0.2
    seed: int = 1234
    mean_rank: dict[int, float] = field(default_factory=dict)
    best_rank: dict[int, int] = field(default_factory=dict)
    worst_rank: dict[int, int] = field(default_factory=dict)


def _dirichlet_concentration(weights: Any, spread: float) -> float:
    """The Dirichlet total concentration giving a mean coefficient of variation ~ spread.

    For component ``i`` with mean ``p_i``, ``CV_i^2 = (1 - p_i) / (p_i (a0 + 1))``.
    """
    import numpy as np

    p = np.asarray(weights, dtype=float)
    ratio = float(np.mean((1.0 - p) / p))
    return max(ratio / (spread * spread) - 1.0, 1e-3)


def stability(
    *,
    ws: Workspace,
    model_id: int | None = None,
    draws: int = 2000,
    spread: float = 0.2,
    method: str = "uniform",
    seed: int = 1234,
    top_n: int = 3,
    progress: Callable[[int, int], None] | None = None,
    risk_from_register: bool = False,
) -> StabilityResult:
    """Rank the complete use cases under ``draws`` random perturbations of the weights.

    ``uniform`` multiplies each weight by a factor from U(1 - spread, 1 + spread);
    ``dirichlet`` draws the weight shares from a Dirichlet centred on the model's shares
    with a coefficient of variation of about ``spread``. Ties within a draw keep the
    baseline order. The same seed gives the same result. ``progress(done, draws)`` is
    called after every chunk of draws. ``risk_from_register`` as in :func:`rank`.
    """
    import numpy as np

    if method not in STABILITY_METHODS:
        raise UserError(f"unknown perturbation method {method!r}; use uniform or dirichlet.")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1 or draws > 1_000_000:
        raise UserError("the number of draws must be a whole number from 1 to 1,000,000.")
    if not isinstance(top_n, int) or top_n < 1:
        raise UserError("top N must be a whole number of at least 1.")
    if not (math.isfinite(spread) and 0 <= spread < 1) or (method == "dirichlet" and spread <= 0):
        raise UserError("the spread must be a fraction from 0 to below 1 (e.g. 0.2 for ±20%).")
    criteria = model_criteria(ws=ws, model_id=model_id)
    ranked = [
        r
        for r in rank(ws=ws, model_id=model_id, risk_from_register=risk_from_register)
        if r.complete
    ]
    ids = tuple(r.use_case_id for r in ranked)
    n, k = len(ids), len(criteria)
    baseline = {r.use_case_id: int(r.rank) for r in ranked if r.rank is not None}
    options = {"method": method, "spread": spread, "seed": seed}
    if n == 0 or k == 0:
        if progress is not None:
            progress(draws, draws)
        return StabilityResult(draws, top_n, (), {}, {}, {}, **options)  # type: ignore[arg-type]

    utilities = np.empty((k, n), dtype=np.float64)
    for j, r in enumerate(ranked):
        for i, crit in enumerate(criteria):
            utilities[i, j] = crit.utility(r.values[crit.id])
    weights = np.array([c.weight for c in criteria], dtype=np.float64)
    weights /= weights.sum()
    rng = np.random.default_rng(seed)
    alpha = weights * _dirichlet_concentration(weights, spread) if method == "dirichlet" else None

    positions = min(n, MAX_RANK_POSITIONS)
    idx_bits = max(1, int(n - 1).bit_length())
    column = np.arange(n, dtype=np.int64)
    counts = np.zeros(n * positions, dtype=np.int64)
    in_top = np.zeros(n, dtype=np.int64)
    rank_sum = np.zeros(n, dtype=np.float64)
    best = np.full(n, n, dtype=np.int64)
    worst = np.zeros(n, dtype=np.int64)
    top = min(top_n, n)
    done = 0
    while done < draws:
        size = min(_CHUNK, draws - done)
        if alpha is not None:
            w = rng.dirichlet(alpha, size=size)
        else:
            w = weights * rng.uniform(1.0 - spread, 1.0 + spread, size=(size, k))
            w /= w.sum(axis=1, keepdims=True)
        scores = w @ utilities  # (size, n) in [0, 1]
        # Unique integer keys: the score (to 1e-9, so float noise makes ties) then the
        # baseline position, so an ordinary sort orders ties exactly as the baseline does.
        keys = np.rint((1.0 - scores) * 1e9).astype(np.int64) << idx_bits
        keys |= column
        order = np.argsort(keys, axis=1)  # (size, n): column at each rank position
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.broadcast_to(column, order.shape), axis=1)
        head = order[:, :positions]
        counts += np.bincount(
            (head * positions + np.arange(positions)).ravel(), minlength=n * positions
        )
        in_top += np.bincount(order[:, :top].ravel(), minlength=n)
        rank_sum += ranks.sum(axis=0)
        np.minimum(best, ranks.min(axis=0), out=best)
        np.maximum(worst, ranks.max(axis=0), out=worst)
        done += size
        if progress is not None:
            progress(done, draws)

    table = counts.reshape(n, positions)
    return StabilityResult(
        draws=draws,
        top_n=top_n,
        use_case_ids=ids,
        rank_counts={uc: table[j].tolist() for j, uc in enumerate(ids)},
        p_top_n={uc: float(in_top[j]) / draws for j, uc in enumerate(ids)},
        baseline_rank=baseline,
        mean_rank={uc: float(rank_sum[j]) / draws + 1.0 for j, uc in enumerate(ids)},
        best_rank={uc: int(best[j]) + 1 for j, uc in enumerate(ids)},
        worst_rank={uc: int(worst[j]) + 1 for j, uc in enumerate(ids)},
        **options,  # type: ignore[arg-type]
    )


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
