"""Blind scoring: who may see which ratings, submitting, "compare now" and the decision.

The rules (one place for the GUI, the CLI, the debrief and the agreement figures):

* An interviewer always sees their own evaluation.
* Another interviewer's ratings are hidden until that evaluation is submitted *and* the
  viewer has submitted their own evaluation of the candidate. A viewer who is not on the
  candidate's panel (the hiring manager, the comparison, the debrief, the exports) sees
  the ratings once every evaluation of the candidate is submitted.
* "Compare now": a lead may show every rating of a candidate before that, with a reason;
  when, who and why are kept on the candidate (and the operation is in the history).
* Only submitted evaluations count in the figures (agreement, ratings listing); practice
  evaluations never do.

Writes: :func:`submit_evaluation` (every dimension rated; the ratings lock),
:func:`reopen_evaluation`, :func:`reveal_ratings` and :func:`record_decision`, each one
operation returning :class:`Changes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...errors import ValidationError
from ...models import Candidate, Evaluation, utcnow
from ...models.enums import HiringDecision
from .. import records
from ..changes import Changes
from .evaluations import EvaluationScore, get_evaluation, same_person

if TYPE_CHECKING:
    from ...store import Workspace

DECISION_LABELS: dict[str, str] = {
    HiringDecision.HIRE: "Hire",
    HiringDecision.NO_HIRE: "No hire",
    HiringDecision.HOLD: "Hold",
}


def decision_label(value: str | None) -> str:
    return DECISION_LABELS.get(value or "", "No decision yet")


# --------------------------------------------------------------------------- rules


def panel_open(panel: Sequence[EvaluationScore], *, revealed: bool) -> bool:
    """True when a candidate's ratings may be compared: every evaluation submitted (and
    there is one), or a lead pressed "compare now"."""
    return revealed or (bool(panel) and all(e.submitted for e in panel))


def can_see(
    ev: EvaluationScore,
    *,
    viewer: str | None,
    panel: Sequence[EvaluationScore],
    revealed: bool,
) -> bool:
    """May ``viewer`` (None: a view of the whole panel) see the ratings of ``ev``, one of
    the evaluations ``panel`` of its candidate? See the module docstring."""
    if revealed or same_person(ev.interviewer, viewer):
        return True
    if not ev.submitted:
        return False
    own = [e for e in panel if same_person(e.interviewer, viewer)]
    if own:
        return all(e.submitted for e in own)
    return panel_open(panel, revealed=False)


def waiting_for(panel: Sequence[EvaluationScore]) -> list[str]:
    """The interviewers whose evaluation is not submitted yet, in order, once each."""
    names: list[str] = []
    for ev in panel:
        if not ev.submitted and not any(same_person(ev.interviewer, n) for n in names):
            names.append(ev.interviewer)
    return names


# --------------------------------------------------------------------------- writes


def submit_evaluation(*, ws: Workspace, evaluation_id: int, who: str | None = None) -> Changes:
    """Submit an evaluation: every dimension must be rated; its ratings lock (reopen to
    change them) and count for the panel from now on."""
    ev = get_evaluation(ws=ws, evaluation_id=evaluation_id)
    if ev.missing:
        raise ValidationError(
            f"Rate every dimension before submitting; not rated yet: {', '.join(ev.missing)}.",
            [("ratings", "missing")],
        )
    if ev.submitted:
        return Changes("evaluation", (evaluation_id,), "update")

    def label(row: Evaluation) -> str:
        return f"Submit evaluation by {row.interviewer}"

    with records.editing(ws, Evaluation, evaluation_id, label, who=who) as (_session, row):
        row.submitted_at = utcnow()
        records.touch(row)
    return Changes("evaluation", (evaluation_id,), "update")


def reopen_evaluation(*, ws: Workspace, evaluation_id: int, who: str | None = None) -> Changes:
    """Take a submitted evaluation back to scoring (its ratings hidden again)."""

    def label(row: Evaluation) -> str:
        return f"Reopen evaluation by {row.interviewer}"

    with records.editing(ws, Evaluation, evaluation_id, label, who=who) as (_session, row):
        if row.submitted_at is not None:
            row.submitted_at = None
            records.touch(row)
    return Changes("evaluation", (evaluation_id,), "update")


def _required(text: str | None, field: str, message: str) -> str:
    value = (text or "").strip()
    if not value:
        raise ValidationError(message, [(field, "required")])
    return value


def reveal_ratings(
    *, ws: Workspace, candidate_id: int, reason: str, who: str | None = None
) -> Changes:
    """ "Compare now": show every rating of the candidate before all are submitted. The
    reason is required; who and when are kept with it."""
    reason = _required(
        reason, "reason", "Say why the ratings are compared before everyone submitted."
    )
    actor = (who or records.default_author() or "").strip()[:200]

    def label(row: Candidate) -> str:
        return f"Compare now: {row.name}"

    with records.editing(ws, Candidate, candidate_id, label, who=who) as (_session, row):
        row.revealed_at = utcnow()
        row.revealed_by = actor
        row.reveal_reason = reason
        records.touch(row)
    return Changes("candidate", (candidate_id,), "update")


def record_decision(
    *,
    ws: Workspace,
    candidate_id: int,
    decision: str | None,
    rationale: str = "",
    who: str | None = None,
) -> Changes:
    """The panel's decision on a candidate (None clears it) with its rationale; who made
    it and when are kept with it. A decision needs a rationale."""
    if decision is not None:
        try:
            decision = HiringDecision(decision).value
        except ValueError as error:
            known = ", ".join(d.value for d in HiringDecision)
            raise ValidationError(
                f"{decision!r} is not a decision; use one of {known}.", [("decision", "unknown")]
            ) from error
        rationale = _required(rationale, "rationale", "Give the rationale for the decision.")
    actor = (who or records.default_author() or "").strip()[:200]

    def label(row: Candidate) -> str:
        return f"Decide {decision_label(decision).lower()}: {row.name}"

    with records.editing(ws, Candidate, candidate_id, label, who=who) as (_session, row):
        row.decision = decision  # type: ignore[assignment]
        row.decision_rationale = (rationale or "").strip() if decision else ""
        row.decided_by = actor if decision else ""
        row.decided_at = utcnow() if decision else None
        records.touch(row)
    return Changes("candidate", (candidate_id,), "update")
