"""Scorecards (dimensions, weights, levels, signals) and case exercises."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import RowMapping, select

from ...errors import NotFoundError, UserError
from ...models import (
    CaseExercise,
    Scorecard,
    ScorecardDimension,
    ScorecardSignal,
)
from .scores import DEFAULT_SCORECARD_KEY, LEVELS, normalised_weights

if TYPE_CHECKING:
    from ...store import Workspace


# --------------------------------------------------------------------------- scorecards


@dataclass(frozen=True)
class DimensionInfo:
    id: int
    key: str
    name: str
    weight: float
    weight_pct: float
    meets_bar: str
    levels: tuple[str, ...]
    position: int
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


@dataclass(frozen=True)
class SignalInfo:
    id: int
    kind: str
    text: str
    position: int
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


@dataclass(frozen=True)
class ScorecardInfo:
    id: int
    key: str
    name: str
    rating_scale: tuple[dict[str, Any], ...]
    dimensions: tuple[DimensionInfo, ...]
    signals: tuple[SignalInfo, ...]

    def level_label(self, level: int) -> str:
        for item in self.rating_scale:
            if item.get("level") == level:
                return str(item.get("label", level))
        return str(level)

    @property
    def level_labels(self) -> dict[int, str]:
        """Level -> its name on this scorecard ("Meets bar")."""
        return {level: self.level_label(level) for level in LEVELS}

    def signals_of(self, kind: str) -> list[SignalInfo]:
        return [s for s in self.signals if s.kind == kind]


def list_scorecards(*, ws: Workspace) -> list[tuple[int, str]]:
    """(id, name) of every scorecard, the default first."""
    t = Scorecard.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = list(session.execute(select(t.c.id, t.c.name, t.c.key).order_by(t.c.id)))
    rows.sort(key=lambda r: (r.key != DEFAULT_SCORECARD_KEY, r.id))
    return [(r.id, r.name) for r in rows]


def default_scorecard_id(*, ws: Workspace) -> int:
    """The built-in scorecard, else the oldest one; a plain error when there is none."""
    cards = list_scorecards(ws=ws)
    if not cards:
        raise UserError("This workspace has no scorecard. Add one in the Case library.")
    return cards[0][0]


def scorecard_info(*, ws: Workspace, scorecard_id: int | None = None) -> ScorecardInfo:
    """A scorecard with its dimensions (weights as %) and signals, in order."""
    card_id = default_scorecard_id(ws=ws) if scorecard_id is None else scorecard_id
    return _scorecards(ws=ws, ids=[card_id])[card_id]


def _scorecards(*, ws: Workspace, ids: Iterable[int]) -> dict[int, ScorecardInfo]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    ct = Scorecard.__table__  # type: ignore[attr-defined]
    dt_ = ScorecardDimension.__table__  # type: ignore[attr-defined]
    st = ScorecardSignal.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        cards = session.execute(select(ct).where(ct.c.id.in_(ids))).mappings().all()
        dims = (
            session.execute(
                select(dt_).where(dt_.c.scorecard_id.in_(ids)).order_by(dt_.c.position, dt_.c.id)
            )
            .mappings()
            .all()
        )
        signals = (
            session.execute(
                select(st).where(st.c.scorecard_id.in_(ids)).order_by(st.c.position, st.c.id)
            )
            .mappings()
            .all()
        )
    found = {c["id"] for c in cards}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFoundError(f"No scorecard with id {missing[0]}.")
    result: dict[int, ScorecardInfo] = {}
    for card in cards:
        own = [d for d in dims if d["scorecard_id"] == card["id"]]
        shares = normalised_weights({d["id"]: d["weight"] for d in own})
        result[card["id"]] = ScorecardInfo(
            id=card["id"],
            key=card["key"] or "",
            name=card["name"],
            rating_scale=tuple(card["rating_scale"] or ()),
            dimensions=tuple(
                DimensionInfo(
                    id=d["id"],
                    key=d["key"],
                    name=d["name"],
                    weight=float(d["weight"]),
                    weight_pct=shares[d["id"]] * 100.0,
                    meets_bar=d["meets_bar"] or "",
                    levels=tuple(d["levels"] or ()),
                    position=d["position"],
                    version=d["version"],
                )
                for d in own
            ),
            signals=tuple(
                SignalInfo(
                    id=s["id"],
                    kind=str(s["kind"]),
                    text=s["text"],
                    position=s["position"],
                    version=s["version"],
                )
                for s in signals
                if s["scorecard_id"] == card["id"]
            ),
        )
    return result


def new_dimension_key(*, ws: Workspace, scorecard_id: int, name: str) -> str:
    """A key for a new dimension of ``scorecard_id``, made from its name and unique there."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:50] or "dimension"
    t = ScorecardDimension.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        taken = set(session.scalars(select(t.c.key).where(t.c.scorecard_id == scorecard_id)))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


# --------------------------------------------------------------------------- exercises


@dataclass(frozen=True)
class ExerciseInfo:
    id: int
    key: str
    title: str
    prompt: str
    materials: str
    expected_outputs: str
    time_box_minutes: int
    dimension_keys: tuple[str, ...]
    built_in: bool
    #: The recorded answer scored in calibration sessions (markdown; may be empty).
    sample_answer: str = ""
    #: The scorecard it is scored on; None: the workspace's default.
    scorecard_id: int | None = None
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


def list_exercises(*, ws: Workspace) -> list[ExerciseInfo]:
    """Every case exercise: built-in ones first, then by title."""
    t = CaseExercise.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(select(t).order_by(t.c.built_in.desc(), t.c.title, t.c.id))
        return [_exercise(r) for r in rows.mappings()]


def get_exercise(*, ws: Workspace, exercise_id: int) -> ExerciseInfo:
    t = CaseExercise.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        row = session.execute(select(t).where(t.c.id == exercise_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"No case exercise with id {exercise_id}.")
    return _exercise(row)


def _exercise(row: RowMapping) -> ExerciseInfo:
    return ExerciseInfo(
        id=row["id"],
        key=row["key"] or "",
        title=row["title"],
        prompt=row["prompt"] or "",
        materials=row["materials"] or "",
        expected_outputs=row["expected_outputs"] or "",
        time_box_minutes=int(row["time_box_minutes"]),
        dimension_keys=tuple(row["dimension_keys"] or ()),
        built_in=bool(row["built_in"]),
        sample_answer=row["sample_answer"] or "",
        scorecard_id=row["scorecard_id"],
        version=row["version"],
    )
