"""Per-candidate summaries, the side-by-side comparison and their JSON form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import NotFoundError, UserError
from .blind import can_see, panel_open, waiting_for
from .evaluations import CandidateInfo, EvaluationScore, evaluations, list_candidates
from .library import SignalInfo, _scorecards, scorecard_info
from .scores import DISAGREEMENT_LEVELS, LEVELS, nearest_level, score_percent, score_text

if TYPE_CHECKING:
    from ...store import Workspace


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
    """A candidate with the evaluations the viewer may see (``evaluations``; blind
    scoring, see :mod:`.blind`) and those hidden from them (``hidden``)."""

    candidate: CandidateInfo
    evaluations: list[EvaluationScore]
    dimensions: list[DimensionSummary]
    hidden: list[EvaluationScore] = field(default_factory=list)
    #: Every evaluation of the candidate submitted, or revealed by a lead.
    open: bool = True

    @property
    def id(self) -> int:
        return self.candidate.id

    @property
    def panel(self) -> list[EvaluationScore]:
        """Every evaluation of the candidate, shown or hidden."""
        return sorted([*self.evaluations, *self.hidden], key=lambda e: e.id)

    @property
    def waiting_for(self) -> list[str]:
        """Interviewers who have not submitted their evaluation yet."""
        return waiting_for(self.panel)

    def blind_text(self) -> str:
        """Why ratings are hidden, or that a lead revealed them; empty when neither."""
        cand = self.candidate
        if cand.revealed:
            who = f" by {cand.revealed_by}" if cand.revealed_by else ""
            return f"Compared before every evaluation was submitted{who}: {cand.reveal_reason}"
        if self.hidden:
            names = ", ".join(self.waiting_for)
            waiting = f"waiting for {names}" if names else "waiting for your own submission"
            count = len(self.hidden)
            return (
                f"{count} evaluation{'s' if count != 1 else ''} hidden until submitted ({waiting})"
            )
        return ""

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
    *,
    ws: Workspace,
    candidate_ids: Sequence[int] | None = None,
    viewer: str | None = None,
    blind: bool = True,
) -> list[CandidateSummary]:
    """Per candidate (most recent interview first): evaluations, dimensions, flags.

    With ``blind`` (the default), only the evaluations ``viewer`` may see count (None: a
    view of the whole panel, which waits for every submission; see :mod:`.blind`)."""
    candidates = list_candidates(ws=ws)
    if candidate_ids is not None:
        wanted = set(candidate_ids)
        candidates = [c for c in candidates if c.id in wanted]
    evs = evaluations(ws=ws, candidate_ids=[c.id for c in candidates])
    cards = _scorecards(ws=ws, ids={e.scorecard_id for e in evs})
    result: list[CandidateSummary] = []
    for cand in candidates:
        panel = [e for e in evs if e.candidate_id == cand.id]
        own, hidden = panel, []
        if blind:
            seen = {
                e.id
                for e in panel
                if can_see(e, viewer=viewer, panel=panel, revealed=cand.revealed)
            }
            own = [e for e in panel if e.id in seen]
            hidden = [e for e in panel if e.id not in seen]
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
        is_open = panel_open(panel, revealed=cand.revealed) or not blind
        result.append(CandidateSummary(cand, own, ordered, hidden, is_open))
    return result


def candidate_summary(
    *, ws: Workspace, candidate_id: int, viewer: str | None = None, blind: bool = True
) -> CandidateSummary:
    found = candidate_summaries(ws=ws, candidate_ids=[candidate_id], viewer=viewer, blind=blind)
    if not found:
        raise NotFoundError(f"No candidate with id {candidate_id}; it may have been deleted.")
    return found[0]


@dataclass
class Comparison:
    """Candidates side by side: the dimensions (key, name, weight %) and each summary."""

    dimensions: list[tuple[str, str, float]]
    candidates: list[CandidateSummary]


def comparison(*, ws: Workspace, candidate_ids: Sequence[int] | None = None) -> Comparison:
    """Candidates x dimensions (the default scorecard's order, then any others); a
    candidate's ratings show once every evaluation of theirs is submitted, or a lead
    compared early (:mod:`.blind`)."""
    summaries = candidate_summaries(ws=ws, candidate_ids=candidate_ids)
    dims: list[tuple[str, str, float]] = []
    seen: set[str] = set()
    try:
        default = scorecard_info(ws=ws)
        for d in default.dimensions:
            if any(s.dimension(d.key) or s.hidden for s in summaries):
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


def withheld(summaries: Sequence[CandidateSummary]) -> list[tuple[str, list[str]]]:
    """(name, who it waits for) of the candidates whose ratings the panel view hides."""
    return [(s.name, s.waiting_for) for s in summaries if not s.open and s.hidden]


@dataclass(frozen=True)
class SubmittedRating:
    candidate: str
    interviewer: str
    case: str
    dimension: str  # the dimension's key
    dimension_name: str
    level: int
    evidence: str


def submitted_ratings(
    *, ws: Workspace
) -> tuple[list[SubmittedRating], list[tuple[str, list[str]]]]:
    """Every submitted rating of a hiring evaluation the whole panel may see (blind
    rules), by candidate, interviewer and scorecard order; and the candidates withheld."""
    data = comparison(ws=ws)
    evs = [e for s in data.candidates for e in s.evaluations if e.submitted]
    cards = _scorecards(ws=ws, ids={e.scorecard_id for e in evs})
    names = {s.id: s.name for s in data.candidates}
    rows = [
        SubmittedRating(
            names[ev.candidate_id or 0],
            ev.interviewer,
            ev.exercise_title,
            dim.key,
            dim.name,
            ev.ratings[dim.id].rating,
            ev.ratings[dim.id].evidence,
        )
        for ev in evs
        for dim in cards[ev.scorecard_id].dimensions
        if dim.id in ev.ratings
    ]
    return rows, withheld(data.candidates)


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
        "blind": {
            "open": summary.open,
            "hidden_evaluations": len(summary.hidden),
            "waiting_for": summary.waiting_for,
            "revealed_by": summary.candidate.revealed_by if summary.candidate.revealed else None,
            "reveal_reason": summary.candidate.reveal_reason or None,
        },
        "evaluations": [
            {
                "id": e.id,
                "interviewer": e.interviewer,
                "exercise": e.exercise_title,
                "complete": e.complete,
                "missing": list(e.missing),
                "weighted_score": None if e.score is None else round(e.score, 2),
                "recommendation": e.recommendation,
                "submitted": e.submitted,
            }
            for e in summary.evaluations
        ],
    }
