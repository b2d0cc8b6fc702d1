"""Calibration sessions: every interviewer scores a case's recorded sample answer and
then sees how far each of their ratings is from the reference ratings.

A *calibration case* is a case exercise with a sample answer and at least one reference
rating (the level the answer deserves on a dimension, with the reason). A practice
evaluation is an evaluation without a candidate, marked ``practice``: it is scored like
any other (:func:`.evaluations.set_rating`, :func:`.blind.submit_evaluation`) but never
counts in hiring figures. Its distances from the reference show once it is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from ...errors import ValidationError
from ...models import CaseExercise, ReferenceRating
from .. import records
from ..changes import Changes
from .evaluations import (
    EvaluationScore,
    evaluations,
    get_evaluation,
    start_evaluation,
)
from .library import ExerciseInfo, list_exercises, scorecard_info
from .scores import LEVELS

if TYPE_CHECKING:
    from ...store import Workspace


@dataclass(frozen=True)
class ReferenceInfo:
    dimension_key: str
    rating: int
    rationale: str


def reference_ratings(*, ws: Workspace, exercise_id: int) -> dict[str, ReferenceInfo]:
    """The reference ratings of a case, by dimension key."""
    t = ReferenceRating.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(select(t).where(t.c.exercise_id == exercise_id)).mappings().all()
    return {r["dimension_key"]: records.from_row(ReferenceInfo, r) for r in rows}


def calibration_cases(*, ws: Workspace) -> list[ExerciseInfo]:
    """The cases that can run a calibration session: a sample answer and references."""
    t = ReferenceRating.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        with_refs = set(session.scalars(select(t.c.exercise_id).distinct()))
    return [ex for ex in list_exercises(ws=ws) if ex.sample_answer.strip() and ex.id in with_refs]


def set_reference_rating(
    *,
    ws: Workspace,
    rating: int | None,
    exercise_id: int,
    dimension_key: str,
    rationale: str | None = None,
    who: str | None = None,
) -> Changes:
    """Set (``rating=None``: remove) the reference rating of one dimension of a case;
    ``rationale=None`` keeps the stored one."""
    if rating is not None and rating not in LEVELS:
        raise ValidationError(
            f"A reference rating is a level from 1 to 4, not {rating!r}.",
            [("rating", "out of range")],
        )
    t = ReferenceRating.__table__  # type: ignore[attr-defined]

    def label(row: CaseExercise) -> str:
        return f"Reference rating {dimension_key}: {row.title}"

    with records.editing(ws, CaseExercise, exercise_id, label, who=who) as (session, case):
        current = session.execute(
            select(ReferenceRating).where(
                t.c.exercise_id == exercise_id, t.c.dimension_key == dimension_key
            )
        ).scalar_one_or_none()
        if rating is None:
            if current is not None:
                session.delete(current)
        elif current is None:
            data = {"exercise_id": exercise_id, "dimension_key": dimension_key, "rating": rating}
            session.add(
                records.validate_create(ReferenceRating, data | {"rationale": rationale or ""})
            )
        else:
            current.rating = rating
            if rationale is not None:
                current.rationale = rationale.strip()
            records.touch(current)
        records.touch(case)
        session.flush()
    return Changes("reference_rating", (exercise_id,), "update")


def start_practice(
    *, ws: Workspace, exercise_id: int, interviewer: str, who: str | None = None
) -> tuple[int, Changes]:
    """A practice evaluation of the case's sample answer by ``interviewer``."""
    if not any(ex.id == exercise_id for ex in calibration_cases(ws=ws)):
        raise ValidationError(
            "This case has no sample answer with reference ratings yet; add them in the "
            "Case library first.",
            [("exercise_id", "not a calibration case")],
        )
    return start_evaluation(
        ws=ws, candidate_id=None, exercise_id=exercise_id, interviewer=interviewer, who=who
    )


@dataclass(frozen=True)
class Distance:
    key: str
    name: str
    rating: int | None
    reference: int | None
    rationale: str

    @property
    def distance(self) -> int | None:
        """Your rating minus the reference (positive: you rated higher)."""
        if self.rating is None or self.reference is None:
            return None
        return self.rating - self.reference


@dataclass(frozen=True)
class PracticeResult:
    evaluation: EvaluationScore
    distances: tuple[Distance, ...]

    @property
    def compared(self) -> list[Distance]:
        return [d for d in self.distances if d.distance is not None]

    @property
    def mean_absolute(self) -> float | None:
        found = [abs(d.distance) for d in self.compared if d.distance is not None]
        return sum(found) / len(found) if found else None

    @property
    def exact(self) -> int:
        return sum(1 for d in self.compared if d.distance == 0)

    def summary(self) -> str:
        """ "3 of 7 on the reference, mean distance 0.6 levels"."""
        mean = self.mean_absolute
        if mean is None:
            return "No dimension has a reference rating to compare with."
        return (
            f"{self.exact} of {len(self.compared)} on the reference level, mean distance "
            f"{mean:.1f} level{'s' if mean != 1 else ''}"
        )


def practice_result(*, ws: Workspace, evaluation_id: int) -> PracticeResult:
    """Per dimension of a practice evaluation: its rating, the reference and the distance."""
    ev = get_evaluation(ws=ws, evaluation_id=evaluation_id)
    refs = {} if ev.exercise_id is None else reference_ratings(ws=ws, exercise_id=ev.exercise_id)
    card = scorecard_info(ws=ws, scorecard_id=ev.scorecard_id)
    rows = []
    for dim in card.dimensions:
        given = ev.ratings.get(dim.id)
        ref = refs.get(dim.key)
        rows.append(
            Distance(
                key=dim.key,
                name=dim.name,
                rating=None if given is None else given.rating,
                reference=None if ref is None else ref.rating,
                rationale="" if ref is None else ref.rationale,
            )
        )
    return PracticeResult(ev, tuple(rows))


def practice_results(*, ws: Workspace, exercise_id: int) -> list[PracticeResult]:
    """The submitted practice evaluations of a case, closest to the reference first."""
    done = [
        practice_result(ws=ws, evaluation_id=ev.id)
        for ev in evaluations(ws=ws, practice=True, exercise_id=exercise_id)
        if ev.submitted
    ]
    return sorted(done, key=lambda r: (r.mean_absolute is None, r.mean_absolute or 0.0))
