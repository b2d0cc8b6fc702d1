"""Candidates and their evaluations: start one, rate, tick signals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import RowMapping, delete, select

from ...errors import NotFoundError, UserError, ValidationError
from ...models import (
    Candidate,
    CaseExercise,
    Evaluation,
    Rating,
    ScorecardDimension,
    utcnow,
)
from ...models.enums import SignalKind
from .. import records
from ..changes import Changes
from .library import ScorecardInfo, SignalInfo, _scorecards, default_scorecard_id, scorecard_info
from .scores import LEVELS, score_percent, score_text, weighted_score

if TYPE_CHECKING:
    from ...store import Workspace


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class CandidateInfo:
    id: int
    name: str
    role_level: str
    interview_date: dt.date | None
    interviewers: str
    #: "Compare now": when a lead showed the panel's ratings early, who and why.
    revealed_at: dt.datetime | None = None
    revealed_by: str = ""
    reveal_reason: str = ""
    #: The panel's decision (hire / no_hire / hold), its rationale, who and when.
    decision: str | None = None
    decision_rationale: str = ""
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


def list_candidates(*, ws: Workspace) -> list[CandidateInfo]:
    """Every candidate, most recent interview first."""
    t = Candidate.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(select(t).order_by(t.c.name, t.c.id)).mappings().all()
    infos = [_candidate(r) for r in rows]
    infos.sort(key=lambda c: c.interview_date or dt.date.min, reverse=True)
    return infos


def _candidate(row: RowMapping) -> CandidateInfo:
    return records.from_row(
        CandidateInfo,
        row,
        decision=str(row["decision"]) if row["decision"] else None,
    )


def interviewer_names(text: str) -> list[str]:
    """The names of a candidate's comma- or semicolon-separated interviewer list."""
    return [name.strip() for name in re.split(r"[,;]", text or "") if name.strip()]


def resolve_candidate(*, ws: Workspace, ref: str) -> int:
    """A candidate by id or by (case-insensitive, unambiguous) name or name part."""
    ref = str(ref).strip()
    candidates = list_candidates(ws=ws)
    if ref.isdigit():
        for c in candidates:
            if c.id == int(ref):
                return c.id
    exact = [c for c in candidates if c.name.casefold() == ref.casefold()]
    if len(exact) == 1:
        return exact[0].id
    matches = exact or [c for c in candidates if ref.casefold() in c.name.casefold()]
    if len(matches) == 1:
        return matches[0].id
    if not matches:
        known = ", ".join(f"{c.name} (id {c.id})" for c in candidates) or "none"
        raise NotFoundError(f"No candidate matches {ref!r}; candidates: {known}.")
    listed = ", ".join(f"{c.name} (id {c.id})" for c in matches)
    raise UserError(f"{ref!r} matches several candidates: {listed}; give the id.")


# --------------------------------------------------------------------------- evaluations


def refuse_if_submitted(ev: Evaluation) -> None:
    """A plain error when ``ev`` is submitted: its ratings are locked until reopened."""
    if ev.submitted_at is not None:
        raise UserError(
            f"{ev.interviewer}'s evaluation is submitted, so its ratings are locked; "
            "reopen it to change them."
        )


@dataclass(frozen=True)
class RatingInfo:
    dimension_id: int
    rating: int
    evidence: str
    #: The rating row and its version as read (an edit of it expects them).
    id: int = 0
    version: int = 0


@dataclass
class EvaluationScore:
    """One interviewer's evaluation of a candidate on one case, scored."""

    id: int
    candidate_id: int
    exercise_id: int | None
    exercise_title: str
    scorecard_id: int
    interviewer: str
    recommendation: str | None
    notes: str
    signal_ids: tuple[int, ...]
    ratings: dict[int, RatingInfo]
    missing: tuple[str, ...]
    score: float | None
    signals: list[SignalInfo] = field(default_factory=list)
    #: The level names of its scorecard (1 -> "Well below bar" ...).
    level_labels: dict[int, str] = field(default_factory=dict)
    #: When the interviewer submitted it (None: still being scored, hidden from others).
    submitted_at: dt.datetime | None = None
    #: A calibration exercise on a case's sample answer (no candidate).
    practice: bool = False
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def percent(self) -> float | None:
        """See :func:`score_percent` (not for display)."""
        return score_percent(self.score)

    def score_text(self, *, short: bool = False, empty: str = "not scored yet") -> str:
        """The weighted score on the 1-4 scale with its closest level (:func:`score_text`)."""
        return score_text(self.score, self.level_labels, short=short, empty=empty)

    @property
    def red_flags(self) -> list[SignalInfo]:
        return [s for s in self.signals if s.kind == SignalKind.RED_FLAG]


def _score(
    ev: RowMapping, card: ScorecardInfo, ratings: dict[int, RatingInfo], exercise_title: str
) -> EvaluationScore:
    weights = {d.id: d.weight for d in card.dimensions}
    given = {dim_id: r.rating for dim_id, r in ratings.items()}
    missing = tuple(d.name for d in card.dimensions if d.id not in ratings)
    by_id = {s.id: s for s in card.signals}
    signal_ids = tuple(int(i) for i in (ev["signal_ids"] or ()))
    return EvaluationScore(
        id=ev["id"],
        candidate_id=ev["candidate_id"],
        exercise_id=ev["exercise_id"],
        exercise_title=exercise_title,
        scorecard_id=ev["scorecard_id"],
        interviewer=ev["interviewer"],
        recommendation=str(ev["recommendation"]) if ev["recommendation"] else None,
        notes=ev["notes"] or "",
        signal_ids=signal_ids,
        ratings=ratings,
        missing=missing,
        score=None if missing else weighted_score(given, weights),
        signals=[by_id[i] for i in signal_ids if i in by_id],
        level_labels=card.level_labels,
        submitted_at=ev["submitted_at"],
        practice=bool(ev["practice"]),
        version=ev["version"],
    )


def evaluations(
    *,
    ws: Workspace,
    candidate_ids: Sequence[int] | None = None,
    practice: bool = False,
    exercise_id: int | None = None,
) -> list[EvaluationScore]:
    """Scored evaluations (of ``candidate_ids``, default all), by candidate, case, interviewer.

    Hiring evaluations by default; with ``practice`` the calibration ones instead (of
    the case ``exercise_id`` when given)."""
    et = Evaluation.__table__  # type: ignore[attr-defined]
    rt = Rating.__table__  # type: ignore[attr-defined]
    xt = CaseExercise.__table__  # type: ignore[attr-defined]
    query = select(et, xt.c.title.label("exercise_title")).select_from(
        et.outerjoin(xt, xt.c.id == et.c.exercise_id)
    )
    query = query.where(et.c.practice == practice)
    if candidate_ids is not None:
        query = query.where(et.c.candidate_id.in_(list(candidate_ids)))
    if exercise_id is not None:
        query = query.where(et.c.exercise_id == exercise_id)
    with ws.session() as session:
        rows = session.execute(query.order_by(et.c.candidate_id, et.c.id)).mappings().all()
        ids = [r["id"] for r in rows]
        ratings: dict[int, dict[int, RatingInfo]] = {i: {} for i in ids}
        if ids:
            for r in session.execute(
                select(
                    rt.c.evaluation_id,
                    rt.c.dimension_id,
                    rt.c.rating,
                    rt.c.evidence,
                    rt.c.id,
                    rt.c.version,
                ).where(rt.c.evaluation_id.in_(ids))
            ):
                ratings[r.evaluation_id][r.dimension_id] = RatingInfo(
                    r.dimension_id, r.rating, r.evidence or "", r.id, r.version
                )
    cards = _scorecards(ws=ws, ids=[r["scorecard_id"] for r in rows])
    return [
        _score(r, cards[r["scorecard_id"]], ratings[r["id"]], r["exercise_title"] or "No case")
        for r in rows
    ]


def get_evaluation(*, ws: Workspace, evaluation_id: int) -> EvaluationScore:
    et = Evaluation.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        row = session.execute(
            select(et.c.candidate_id, et.c.exercise_id, et.c.practice).where(
                et.c.id == evaluation_id
            )
        ).first()
    if row is None:
        raise NotFoundError(f"No evaluation with id {evaluation_id}; it may have been deleted.")
    if row.practice:
        found = evaluations(ws=ws, practice=True, exercise_id=row.exercise_id)
    else:
        found = evaluations(ws=ws, candidate_ids=[row.candidate_id])
    for ev in found:
        if ev.id == evaluation_id:
            return ev
    raise NotFoundError(f"No evaluation with id {evaluation_id}.")  # pragma: no cover


def same_person(a: str | None, b: str | None) -> bool:
    """True when two interviewer names are the same person (case and spaces aside)."""
    return (
        bool(a and b) and " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()
    )


def find_evaluation(
    *, ws: Workspace, candidate_id: int | None, exercise_id: int | None, interviewer: str
) -> int | None:
    """The evaluation of this candidate, case and interviewer (case-insensitive), if any;
    with no candidate, the interviewer's practice evaluation of the case."""
    et = Evaluation.__table__  # type: ignore[attr-defined]
    query = select(et.c.id, et.c.interviewer).where(
        et.c.candidate_id.is_(None) if candidate_id is None else et.c.candidate_id == candidate_id
    )
    query = query.where(
        et.c.exercise_id.is_(None) if exercise_id is None else et.c.exercise_id == exercise_id
    )
    with ws.session() as session:
        for row in session.execute(query):
            if same_person(row.interviewer, interviewer):
                return row.id
    return None


def evaluation_to_open(
    *, ws: Workspace, candidate_id: int, interviewer: str | None = None
) -> EvaluationScore | None:
    """The evaluation interview mode opens on for a candidate: ``interviewer``'s latest
    evaluation of them, else the latest anyone started; None when they have none."""
    evs = evaluations(ws=ws, candidate_ids=[candidate_id])
    mine = [e for e in evs if same_person(e.interviewer, interviewer)]
    pool = mine or evs
    return max(pool, key=lambda e: e.id) if pool else None


def case_scorecard_id(*, ws: Workspace, exercise_id: int | None) -> int:
    """The scorecard a case is scored on: its own, else the workspace's default."""
    if exercise_id is not None:
        t = CaseExercise.__table__  # type: ignore[attr-defined]
        with ws.session() as session:
            own = session.scalar(select(t.c.scorecard_id).where(t.c.id == exercise_id))
        if own is not None:
            return int(own)
    return default_scorecard_id(ws=ws)


def start_evaluation(
    *,
    ws: Workspace,
    candidate_id: int | None,
    exercise_id: int | None,
    interviewer: str,
    scorecard_id: int | None = None,
    who: str | None = None,
) -> tuple[int, Changes]:
    """A new, empty evaluation (the case's scorecard, else the default); refused when one
    exists already. Without a candidate it is a practice evaluation of the case's sample
    answer (see :mod:`.practice`)."""
    interviewer = (interviewer or "").strip()
    if not interviewer:
        raise ValidationError("Interviewer must not be empty.", [("interviewer", "required")])
    existing = find_evaluation(
        ws=ws, candidate_id=candidate_id, exercise_id=exercise_id, interviewer=interviewer
    )
    if existing is not None:
        what = "this candidate" if candidate_id is not None else "the sample answer"
        raise ValidationError(
            f"{interviewer} already has an evaluation of {what} on this case.",
            [("interviewer", "duplicate")],
        )
    if scorecard_id is None:
        scorecard_id = case_scorecard_id(ws=ws, exercise_id=exercise_id)
    obj, changes = records.create(
        ws=ws,
        model=Evaluation,
        data={
            "candidate_id": candidate_id,
            "exercise_id": exercise_id,
            "scorecard_id": scorecard_id,
            "interviewer": interviewer,
            "practice": candidate_id is None,
        },
        who=who,
    )
    assert obj.id is not None
    return obj.id, changes


def set_rating(
    *,
    ws: Workspace,
    evaluation_id: int,
    dimension_id: int,
    rating: int | None,
    evidence: str | None = None,
    who: str | None = None,
) -> tuple[Changes, tuple[int, str] | None]:
    """Rate one dimension of an evaluation (``rating=None`` removes the rating).

    ``evidence=None`` keeps the stored evidence. Returns the changes and the old
    ``(rating, evidence)`` (None when the dimension was not rated), for undo.
    """
    if rating is not None and rating not in LEVELS:
        raise ValidationError(
            f"A rating is a level from 1 to 4, not {rating!r}.", [("rating", "out of range")]
        )
    rt = Rating.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        ev = records.existing(session, Evaluation, evaluation_id)
        refuse_if_submitted(ev)
        dim = session.get(ScorecardDimension, dimension_id)
        if dim is None or dim.scorecard_id != ev.scorecard_id:
            raise NotFoundError("That dimension is not on this evaluation's scorecard.")
        current = session.execute(
            select(Rating).where(
                rt.c.evaluation_id == evaluation_id, rt.c.dimension_id == dimension_id
            )
        ).scalar_one_or_none()
        old = None if current is None else (current.rating, current.evidence or "")
        session.info["label"] = f"{ev.interviewer}: {dim.name}"
        if rating is None:
            if current is None:
                return Changes("rating", (), "update"), old
            rating_id = current.id
            session.execute(delete(rt).where(rt.c.id == rating_id))
            action = "delete"
        elif current is None:
            new = Rating(
                evaluation_id=evaluation_id,
                dimension_id=dimension_id,
                rating=rating,
                evidence=(evidence or "").strip(),
            )
            session.add(new)
            session.flush()
            rating_id = new.id
            action = "create"
        else:
            rating_id = current.id
            diff: dict[str, Any] = {}
            if current.rating != rating:
                diff["rating"] = [current.rating, rating]
                current.rating = rating
            if evidence is not None and (current.evidence or "") != evidence.strip():
                diff["evidence"] = [current.evidence, evidence.strip()]
                current.evidence = evidence.strip()
            if not diff:
                return Changes("rating", (rating_id,), "update"), old
            records.touch(current)
            session.flush()
            action = "update"
        ev.updated_at = utcnow()
    return Changes("rating", (rating_id,), action), old


def set_signals(
    *, ws: Workspace, evaluation_id: int, signal_ids: Iterable[int], who: str | None = None
) -> tuple[Changes, list[int]]:
    """Set the ticked signals of an evaluation; returns the changes and the old ids."""
    ids = sorted({int(i) for i in signal_ids})
    ev = records.get(ws=ws, model=Evaluation, id=evaluation_id)
    refuse_if_submitted(ev)
    known = {s.id for s in scorecard_info(ws=ws, scorecard_id=ev.scorecard_id).signals}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationError(
            f"Signal {unknown[0]} is not on this evaluation's scorecard.",
            [("signal_ids", "unknown")],
        )
    _obj, changes, old = records.update(
        ws=ws, model=Evaluation, id=evaluation_id, data={"signal_ids": ids}, who=who
    )
    previous = old.get("signal_ids", ids)
    return changes, list(previous or [])
