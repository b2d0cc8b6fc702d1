"""Interview case kit: scorecards, weighted scores, candidate summaries and comparison.

Scoring rules (one place for the GUI, the CLI, the chart and the feedback report):

* Dimension weights are normalised to 100 % within a scorecard, whatever they add up to.
* An evaluation's weighted score is ``sum(weight% x rating)`` on the 1-4 scale. People
  read it as :func:`score_text` writes it, "2.05 on the 1-4 scale (closest level: 2 Below
  bar)": on the scale, with the level it is closest to, never as a percentage (2.05 / 4
  reads as 51 %, and the old 1 -> 0 % mapping said 35 %). An evaluation missing a rating
  for any dimension of its scorecard is *incomplete*: it has no score (never a zero) and
  says what is missing.
* Per candidate and dimension: the mean of every given rating (an incomplete evaluation
  contributes the ratings it has), the spread (max - min) and a disagreement flag when
  ratings differ by :data:`DISAGREEMENT_LEVELS` or more. The overall score is the mean of
  the complete evaluations' weighted scores.
* A ticked red-flag signal is listed with who ticked it, whatever the score.

Writes go through :mod:`.records` or one ``ws.write()`` operation, and return
:class:`Changes`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import RowMapping, delete, select

from ..errors import NotFoundError, UserError, ValidationError
from ..models import (
    Candidate,
    CaseExercise,
    Evaluation,
    Rating,
    Scorecard,
    ScorecardDimension,
    ScorecardSignal,
    utcnow,
)
from ..models.enums import Recommendation, SignalKind
from . import records
from .changes import Changes

if TYPE_CHECKING:
    from ..store import Workspace

LEVELS = (1, 2, 3, 4)
DISAGREEMENT_LEVELS = 2
DEFAULT_SCORECARD_KEY = "ai_pm_default"

RECOMMENDATION_LABELS: dict[str, str] = {
    Recommendation.STRONG_NO: "Strong no",
    Recommendation.NO: "No",
    Recommendation.LEAN_NO: "Lean no",
    Recommendation.LEAN_YES: "Lean yes",
    Recommendation.YES: "Yes",
    Recommendation.STRONG_YES: "Strong yes",
}

SIGNAL_LABELS: dict[str, str] = {
    SignalKind.STRONG: "Strong signal",
    SignalKind.WEAK: "Weak signal",
    SignalKind.RED_FLAG: "Red flag",
}


# --------------------------------------------------------------------------- maths


def normalised_weights(weights: Mapping[Any, float]) -> dict[Any, float]:
    """Weights scaled to fractions summing to 1 (an all-zero input stays zero)."""
    total = sum(max(float(w), 0.0) for w in weights.values())
    if total <= 0:
        return {k: 0.0 for k in weights}
    return {k: max(float(w), 0.0) / total for k, w in weights.items()}


def weighted_score(ratings: Mapping[Any, int | None], weights: Mapping[Any, float]) -> float | None:
    """Weighted mean rating (1-4) over the dimensions of ``weights``; None when any is missing."""
    if not weights:
        return None
    shares = normalised_weights(weights)
    total = 0.0
    for key, share in shares.items():
        rating = ratings.get(key)
        if rating is None:
            return None
        total += share * rating
    return total


def score_percent(score: float | None) -> float | None:
    """A 1-4 score as 0-100 % (1 -> 0, 4 -> 100). Not for display: people read a percent
    next to a score out of 4 as score / 4; show :func:`score_text` instead."""
    if score is None:
        return None
    return (score - LEVELS[0]) / (LEVELS[-1] - LEVELS[0]) * 100.0


#: The rating scale as people read it: "1-4" with an en dash.
SCALE = f"{LEVELS[0]}\u2013{LEVELS[-1]}"


def nearest_level(score: float) -> int:
    """The level a weighted score is closest to (halves round up: 2.5 -> 3)."""
    return min(LEVELS[-1], max(LEVELS[0], int(score + 0.5)))


def score_text(
    score: float | None,
    labels: Mapping[int, str] | None = None,
    *,
    short: bool = False,
    empty: str = "not scored yet",
) -> str:
    """A weighted score as people should read it: on the 1-4 scale, with the level it is
    closest to. ``"2.05 on the 1-4 scale (closest level: 2 Below bar)"``; ``short`` (for a
    column headed "Weighted score (1-4)"): ``"2.05 · 2 Below bar"``; ``empty`` for None."""
    if score is None:
        return empty
    level = nearest_level(score)
    name = (labels or {}).get(level, "")
    closest = f"{level} {name}".strip()
    if short:
        return f"{score:.2f} \u00b7 {closest}"
    return f"{score:.2f} on the {SCALE} scale (closest level: {closest})"


def recommendation_label(value: str | None) -> str:
    if not value:
        return "No recommendation"
    return RECOMMENDATION_LABELS.get(value, str(value).replace("_", " ").capitalize())


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


@dataclass(frozen=True)
class SignalInfo:
    id: int
    kind: str
    text: str
    position: int


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
                )
                for d in own
            ),
            signals=tuple(
                SignalInfo(id=s["id"], kind=str(s["kind"]), text=s["text"], position=s["position"])
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
    )


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class CandidateInfo:
    id: int
    name: str
    role_level: str
    interview_date: dt.date | None
    interviewers: str


def list_candidates(*, ws: Workspace) -> list[CandidateInfo]:
    """Every candidate, most recent interview first."""
    t = Candidate.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(select(t).order_by(t.c.name, t.c.id)).mappings().all()
    infos = [_candidate(r) for r in rows]
    infos.sort(key=lambda c: c.interview_date or dt.date.min, reverse=True)
    return infos


def _candidate(row: RowMapping) -> CandidateInfo:
    return CandidateInfo(
        id=row["id"],
        name=row["name"],
        role_level=row["role_level"] or "",
        interview_date=row["interview_date"],
        interviewers=row["interviewers"] or "",
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


@dataclass(frozen=True)
class RatingInfo:
    dimension_id: int
    rating: int
    evidence: str


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

    @property
    def complete(self) -> bool:
        return not self.missing

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
    )


def evaluations(
    *, ws: Workspace, candidate_ids: Sequence[int] | None = None
) -> list[EvaluationScore]:
    """Scored evaluations (of ``candidate_ids``, default all), by candidate, case, interviewer."""
    et = Evaluation.__table__  # type: ignore[attr-defined]
    rt = Rating.__table__  # type: ignore[attr-defined]
    xt = CaseExercise.__table__  # type: ignore[attr-defined]
    query = select(et, xt.c.title.label("exercise_title")).select_from(
        et.outerjoin(xt, xt.c.id == et.c.exercise_id)
    )
    if candidate_ids is not None:
        query = query.where(et.c.candidate_id.in_(list(candidate_ids)))
    with ws.session() as session:
        rows = session.execute(query.order_by(et.c.candidate_id, et.c.id)).mappings().all()
        ids = [r["id"] for r in rows]
        ratings: dict[int, dict[int, RatingInfo]] = {i: {} for i in ids}
        if ids:
            for r in session.execute(
                select(rt.c.evaluation_id, rt.c.dimension_id, rt.c.rating, rt.c.evidence).where(
                    rt.c.evaluation_id.in_(ids)
                )
            ):
                ratings[r.evaluation_id][r.dimension_id] = RatingInfo(
                    r.dimension_id, r.rating, r.evidence or ""
                )
    cards = _scorecards(ws=ws, ids=[r["scorecard_id"] for r in rows])
    return [
        _score(r, cards[r["scorecard_id"]], ratings[r["id"]], r["exercise_title"] or "No case")
        for r in rows
    ]


def get_evaluation(*, ws: Workspace, evaluation_id: int) -> EvaluationScore:
    et = Evaluation.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        candidate_id = session.scalar(select(et.c.candidate_id).where(et.c.id == evaluation_id))
    if candidate_id is None:
        raise NotFoundError(f"No evaluation with id {evaluation_id}; it may have been deleted.")
    for ev in evaluations(ws=ws, candidate_ids=[candidate_id]):
        if ev.id == evaluation_id:
            return ev
    raise NotFoundError(f"No evaluation with id {evaluation_id}.")  # pragma: no cover


def find_evaluation(
    *, ws: Workspace, candidate_id: int, exercise_id: int | None, interviewer: str
) -> int | None:
    """The evaluation of this candidate, case and interviewer (case-insensitive), if any."""
    et = Evaluation.__table__  # type: ignore[attr-defined]
    query = select(et.c.id, et.c.interviewer).where(et.c.candidate_id == candidate_id)
    query = query.where(
        et.c.exercise_id.is_(None) if exercise_id is None else et.c.exercise_id == exercise_id
    )
    wanted = interviewer.strip().casefold()
    with ws.session() as session:
        for row in session.execute(query):
            if row.interviewer.strip().casefold() == wanted:
                return row.id
    return None


def evaluation_to_open(
    *, ws: Workspace, candidate_id: int, interviewer: str | None = None
) -> EvaluationScore | None:
    """The evaluation interview mode opens on for a candidate: ``interviewer``'s latest
    evaluation of them, else the latest anyone started; None when they have none."""
    evs = evaluations(ws=ws, candidate_ids=[candidate_id])
    wanted = (interviewer or "").strip().casefold()
    mine = [e for e in evs if wanted and e.interviewer.strip().casefold() == wanted]
    pool = mine or evs
    return max(pool, key=lambda e: e.id) if pool else None


def start_evaluation(
    *,
    ws: Workspace,
    candidate_id: int,
    exercise_id: int | None,
    interviewer: str,
    scorecard_id: int | None = None,
    who: str | None = None,
) -> tuple[int, Changes]:
    """A new, empty evaluation (default scorecard); refused when one exists already."""
    interviewer = (interviewer or "").strip()
    if not interviewer:
        raise ValidationError("Interviewer must not be empty.", [("interviewer", "required")])
    existing = find_evaluation(
        ws=ws, candidate_id=candidate_id, exercise_id=exercise_id, interviewer=interviewer
    )
    if existing is not None:
        raise ValidationError(
            f"{interviewer} already has an evaluation of this candidate on this case.",
            [("interviewer", "duplicate")],
        )
    card_id = default_scorecard_id(ws=ws) if scorecard_id is None else scorecard_id
    obj, changes = records.create(
        ws=ws,
        model=Evaluation,
        data={
            "candidate_id": candidate_id,
            "exercise_id": exercise_id,
            "scorecard_id": card_id,
            "interviewer": interviewer,
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
        ev = session.get(Evaluation, evaluation_id)
        if ev is None:
            raise NotFoundError(f"No evaluation with id {evaluation_id}; it may have been deleted.")
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
            current.version += 1
            current.updated_at = utcnow()
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


# --------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class InterviewerRating:
    interviewer: str
    exercise_title: str
    rating: int
    evidence: str


@dataclass
class DimensionSummary:
    key: str
    name: str
    weight_pct: float
    ratings: list[InterviewerRating] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        if not self.ratings:
            return None
        return sum(r.rating for r in self.ratings) / len(self.ratings)

    @property
    def spread(self) -> int | None:
        if not self.ratings:
            return None
        values = [r.rating for r in self.ratings]
        return max(values) - min(values)

    @property
    def disagreement(self) -> bool:
        spread = self.spread
        return spread is not None and spread >= DISAGREEMENT_LEVELS


@dataclass(frozen=True)
class RedFlag:
    text: str
    interviewer: str
    exercise_title: str


@dataclass
class CandidateSummary:
    candidate: CandidateInfo
    evaluations: list[EvaluationScore]
    dimensions: list[DimensionSummary]

    @property
    def id(self) -> int:
        return self.candidate.id

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def complete_evaluations(self) -> list[EvaluationScore]:
        return [e for e in self.evaluations if e.complete]

    @property
    def incomplete_evaluations(self) -> list[EvaluationScore]:
        return [e for e in self.evaluations if not e.complete]

    @property
    def score(self) -> float | None:
        scores = [e.score for e in self.complete_evaluations if e.score is not None]
        return sum(scores) / len(scores) if scores else None

    @property
    def percent(self) -> float | None:
        """See :func:`score_percent` (not for display)."""
        return score_percent(self.score)

    def score_text(self, *, short: bool = False, empty: str = "not scored yet") -> str:
        """The overall weighted score on the 1-4 scale with its closest level."""
        labels = next((e.level_labels for e in self.complete_evaluations), {})
        return score_text(self.score, labels, short=short, empty=empty)

    @property
    def red_flags(self) -> list[RedFlag]:
        return [
            RedFlag(s.text, e.interviewer, e.exercise_title)
            for e in self.evaluations
            for s in e.red_flags
        ]

    @property
    def disagreements(self) -> list[DimensionSummary]:
        return [d for d in self.dimensions if d.disagreement]

    def dimension(self, key: str) -> DimensionSummary | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def signals(self, kind: str) -> list[tuple[SignalInfo, str]]:
        """Ticked signals of ``kind`` with who ticked them."""
        return [(s, e.interviewer) for e in self.evaluations for s in e.signals if s.kind == kind]


def candidate_summaries(
    *, ws: Workspace, candidate_ids: Sequence[int] | None = None
) -> list[CandidateSummary]:
    """Per candidate (most recent interview first): evaluations, dimensions, flags."""
    candidates = list_candidates(ws=ws)
    if candidate_ids is not None:
        wanted = set(candidate_ids)
        candidates = [c for c in candidates if c.id in wanted]
    evs = evaluations(ws=ws, candidate_ids=[c.id for c in candidates])
    cards = _scorecards(ws=ws, ids={e.scorecard_id for e in evs})
    result: list[CandidateSummary] = []
    for cand in candidates:
        own = [e for e in evs if e.candidate_id == cand.id]
        dims: dict[str, DimensionSummary] = {}
        order: dict[str, tuple[int, int]] = {}
        for ev in own:
            card = cards[ev.scorecard_id]
            for d in card.dimensions:
                if d.key not in dims:
                    dims[d.key] = DimensionSummary(d.key, d.name, d.weight_pct)
                    order[d.key] = (d.position, d.id)
                r = ev.ratings.get(d.id)
                if r is not None:
                    dims[d.key].ratings.append(
                        InterviewerRating(ev.interviewer, ev.exercise_title, r.rating, r.evidence)
                    )
        ordered = sorted(dims.values(), key=lambda s: order[s.key])
        result.append(CandidateSummary(cand, own, ordered))
    return result


def candidate_summary(*, ws: Workspace, candidate_id: int) -> CandidateSummary:
    found = candidate_summaries(ws=ws, candidate_ids=[candidate_id])
    if not found:
        raise NotFoundError(f"No candidate with id {candidate_id}; it may have been deleted.")
    return found[0]


@dataclass
class Comparison:
    """Candidates side by side: the dimensions (key, name, weight %) and each summary."""

    dimensions: list[tuple[str, str, float]]
    candidates: list[CandidateSummary]


def comparison(*, ws: Workspace, candidate_ids: Sequence[int] | None = None) -> Comparison:
    """Candidates x dimensions (the default scorecard's order, then any others)."""
    summaries = candidate_summaries(ws=ws, candidate_ids=candidate_ids)
    dims: list[tuple[str, str, float]] = []
    seen: set[str] = set()
    try:
        default = scorecard_info(ws=ws)
        for d in default.dimensions:
            if any(s.dimension(d.key) for s in summaries):
                dims.append((d.key, d.name, d.weight_pct))
                seen.add(d.key)
    except UserError:
        pass
    for s in summaries:
        for dim in s.dimensions:
            if dim.key not in seen:
                dims.append((dim.key, dim.name, dim.weight_pct))
                seen.add(dim.key)
    return Comparison(dims, summaries)


def summary_dict(summary: CandidateSummary) -> dict[str, Any]:
    """A candidate summary as plain JSON-able data (for ``--json``)."""
    return {
        "id": summary.id,
        "name": summary.name,
        "role_level": summary.candidate.role_level,
        "interview_date": (
            summary.candidate.interview_date.isoformat()
            if summary.candidate.interview_date
            else None
        ),
        "weighted_score": None if summary.score is None else round(summary.score, 2),
        "scale": [LEVELS[0], LEVELS[-1]],
        "closest_level": None if summary.score is None else nearest_level(summary.score),
        "score_text": summary.score_text(empty=""),
        "dimensions": [
            {
                "key": d.key,
                "name": d.name,
                "weight_pct": round(d.weight_pct, 1),
                "mean": None if d.mean is None else round(d.mean, 2),
                "spread": d.spread,
                "disagreement": d.disagreement,
            }
            for d in summary.dimensions
        ],
        "red_flags": [
            {"text": f.text, "interviewer": f.interviewer, "exercise": f.exercise_title}
            for f in summary.red_flags
        ],
        "evaluations": [
            {
                "id": e.id,
                "interviewer": e.interviewer,
                "exercise": e.exercise_title,
                "complete": e.complete,
                "missing": list(e.missing),
                "weighted_score": None if e.score is None else round(e.score, 2),
                "recommendation": e.recommendation,
            }
            for e in summary.evaluations
        ],
    }
