"""The EU AI Act tier check per use case: questionnaire, suggested tier, obligations.

The questions (Article 5 prohibited practices, the Annex I/III high-risk areas, the
Article 50 transparency cases and general-purpose AI) and the high-risk obligations
(Articles 9-15, 17, 26, 27, 72, 73) are reference data in
``resources/data/ai_act.json``. :func:`evaluate` turns yes/no answers into a suggested
tier with the reasons that led to it; :func:`save_assessment` stores answers, tier and
reasons on the use case and, for a high-risk tier, creates the obligations as trackable
items (edited like any record, kind ``"compliance_obligation"``). The result is guidance,
not legal advice (:data:`DISCLAIMER`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlmodel import col

from .. import resources
from ..errors import NotFoundError, ValidationError
from ..models import AiActAssessment, AiActTier, ComplianceObligation, UseCase
from ..models.enums import CheckStatus
from ..store import Workspace
from . import clock, conflicts, records
from .changes import Changes

_DATA = resources.load_json("ai_act")

#: Shown with every result: the tier check is guidance, not legal advice.
DISCLAIMER: str = _DATA["disclaimer"]
REGULATION: str = _DATA["regulation"]
#: Section key -> heading, in questionnaire order.
SECTIONS: dict[str, str] = dict(_DATA["sections"])
#: Tier key -> (label, one-line summary), most severe first.
TIERS: dict[str, tuple[str, str]] = {
    key: (value["label"], value["summary"]) for key, value in _DATA["tiers"].items()
}


@dataclass(frozen=True)
class Question:
    """One yes/no question of the tier check."""

    key: str
    section: str
    text: str
    help: str
    article: str
    label: str = ""


QUESTIONS: tuple[Question, ...] = tuple(records.from_row(Question, q) for q in _DATA["questions"])
_BY_KEY = {q.key: q for q in QUESTIONS}
#: The answer claiming the Art. 6(3) exception for an Annex III area.
DEROGATION_KEY = "art_6_3_derogation"
#: Annex I (product safety law) is not open to the Art. 6(3) exception.
ANNEX_I_KEY = "annex_i_safety_component"

#: The high-risk obligations: (article, title, description), in article order.
OBLIGATIONS: tuple[tuple[str, str, str], ...] = tuple(
    (o["article"], o["title"], o["description"]) for o in _DATA["obligations"]
)


@dataclass(frozen=True)
class TierResult:
    """A suggested tier, the reasons for it, and (high-risk) the obligations to track."""

    tier: str
    reasons: tuple[str, ...]
    obligations: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return TIERS[self.tier][0]

    @property
    def summary(self) -> str:
        return TIERS[self.tier][1]


_GPAI_VERDICTS = {
    "gpai_model": "informational: the model's provider carries the obligations of "
    "Art. 53-55; the tier is unchanged",
    "gpai_provider": "informational: you carry the provider obligations of Art. 53 (and "
    "Art. 55 for a model with systemic risk); the tier is unchanged",
}


def _reason(question: Question, verdict: str) -> str:
    return f"{question.article}: {question.label} - {verdict}."


def check_answers(answers: Mapping[str, Any]) -> dict[str, bool]:
    """Answers as ``{key: bool}`` for every question (missing ones are no)."""
    unknown = sorted(set(answers) - set(_BY_KEY))
    if unknown:
        raise ValidationError(
            f"Unknown AI Act question(s): {', '.join(unknown)}.",
            [("answers", f"unknown question {key}") for key in unknown],
        )
    wrong = sorted(k for k, v in answers.items() if not isinstance(v, bool))
    if wrong:
        raise ValidationError(
            f"AI Act answers must be yes or no: {', '.join(wrong)}.",
            [("answers", f"{key}: not yes or no") for key in wrong],
        )
    return {q.key: bool(answers.get(q.key, False)) for q in QUESTIONS}


def evaluate(answers: Mapping[str, bool]) -> TierResult:
    """The tier the answers suggest, with the reasons that led to it.

    Most severe first: any prohibited practice makes it prohibited; else an Annex I
    product or an Annex III area makes it high-risk (unless the Art. 6(3) exception is
    claimed for Annex III areas only); else an Article 50 case makes it limited; else
    minimal. Transparency duties and general-purpose AI notes are added as reasons
    whatever the tier.
    """
    given = check_answers(answers)
    yes = [q for q in QUESTIONS if given[q.key]]
    by_section: dict[str, list[Question]] = {}
    for question in yes:
        by_section.setdefault(question.section, []).append(question)
    prohibited = by_section.get("prohibited", [])
    high = [q for q in by_section.get("high_risk", []) if q.key != DEROGATION_KEY]
    transparency = by_section.get("transparency", [])
    gpai = by_section.get("gpai", [])
    derogation = given[DEROGATION_KEY]

    reasons: list[str] = []
    obligations: tuple[tuple[str, str], ...] = ()
    if prohibited:
        tier = AiActTier.PROHIBITED
        reasons += [_reason(q, "a prohibited practice") for q in prohibited]
    else:
        annex_i = [q for q in high if q.key == ANNEX_I_KEY]
        annex_iii = [q for q in high if q.key != ANNEX_I_KEY]
        if annex_i or (annex_iii and not derogation):
            tier = AiActTier.HIGH
            reasons += [_reason(q, "a high-risk use") for q in annex_i]
            if derogation and annex_iii:
                reasons += [
                    _reason(
                        q,
                        "listed as high-risk; the Art. 6(3) exception does not apply "
                        "to Annex I products",
                    )
                    for q in annex_iii
                ]
            else:
                reasons += [_reason(q, "a high-risk area") for q in annex_iii]
            obligations = tuple((article, title) for article, title, _ in OBLIGATIONS)
        else:
            if annex_iii:
                reasons += [
                    _reason(q, "listed as high-risk, but the Art. 6(3) exception is claimed")
                    for q in annex_iii
                ]
                reasons.append(
                    "Art. 6(4): document why the system is not high-risk before it is placed "
                    "on the market, and register it in the EU database (Art. 49(2))."
                )
            elif derogation:
                reasons.append(
                    "Art. 6(3): the exception only matters for an Annex III area; none was "
                    "selected."
                )
            tier = AiActTier.LIMITED if transparency else AiActTier.MINIMAL
    if transparency:
        verdict = "a transparency duty"
        reasons += [_reason(q, verdict) for q in transparency]
    if tier == AiActTier.MINIMAL:
        reasons.append(
            "No prohibited practice, high-risk area or transparency case was selected: no "
            "specific obligations apply; voluntary codes of conduct (Art. 95) are "
            "recommended."
        )
    for question in gpai:
        reasons.append(_reason(question, _GPAI_VERDICTS.get(question.key, "informational")))
    return TierResult(tier=tier.value, reasons=tuple(reasons), obligations=obligations)


# --------------------------------------------------------------------------- storage


def article_order(article: str) -> tuple[int, str]:
    match = re.search(r"\d+", article)
    return (int(match.group()) if match else 10_000, article)


def resolve_use_case(*, ws: Workspace, ref: str | int) -> int:
    """The id of the use case ``ref`` names: an id, or a title (case-insensitive)."""
    table = UseCase.__table__  # type: ignore[attr-defined]
    text = str(ref).strip()
    with ws.engine.connect() as conn:
        if text.isdigit():
            found = conn.execute(select(table.c.id).where(table.c.id == int(text))).scalar()
            if found is not None:
                return int(found)
        matches = [
            row[0]
            for row in conn.execute(
                select(table.c.id).where(func.lower(table.c.title) == text.lower())
            )
        ]
    if len(matches) == 1:
        return int(matches[0])
    if matches:
        raise ValidationError(
            f"{len(matches)} use cases are titled {text!r}; give the id instead "
            f"({', '.join(map(str, matches))})."
        )
    raise NotFoundError(f"No use case with id or title {text!r}.")


def get_assessment(*, ws: Workspace, use_case_id: int) -> AiActAssessment | None:
    """The stored tier check of a use case, or None when it has none yet."""
    with ws.session() as session:
        return session.execute(
            select(AiActAssessment).where(col(AiActAssessment.use_case_id) == use_case_id)
        ).scalar_one_or_none()


def obligations(*, ws: Workspace, use_case_id: int) -> list[ComplianceObligation]:
    """A use case's obligation items, in article order."""
    with ws.session() as session:
        rows = list(
            session.execute(
                select(ComplianceObligation).where(
                    col(ComplianceObligation.use_case_id) == use_case_id
                )
            ).scalars()
        )
    return sorted(rows, key=lambda o: article_order(o.article))


def assessments(*, ws: Workspace) -> dict[int, str]:
    """Use case id -> stored tier, for every assessed use case."""
    table = AiActAssessment.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        return dict(conn.execute(select(table.c.use_case_id, table.c.tier)).all())


def _row(obj: Any) -> dict[str, Any]:
    table = type(obj).__table__
    return {column.name: getattr(obj, column.name) for column in table.columns}


def _untouched(obligation: ComplianceObligation) -> bool:
    return (
        obligation.status == CheckStatus.OPEN
        and not obligation.owner
        and obligation.due_date is None
        and not (obligation.evidence or "").strip()
    )


def _check_read(current: AiActAssessment | None, expected: int, title: str) -> None:
    """Refuse when the stored assessment (``current``) is not the one read at version
    ``expected`` (0: none was stored)."""
    version = 0 if current is None else current.version
    if version == expected:
        return
    record_id = 0 if current is None or current.id is None else current.id
    found = conflicts.RecordConflict(
        "ai_act_assessment", record_id, expected, None if current is None else version
    )
    raise conflicts.conflict_error(found, title)


def save_assessment(
    *,
    ws: Workspace,
    use_case_id: int,
    answers: Mapping[str, bool],
    assessor: str = "",
    who: str | None = None,
    today: dt.date | None = None,
    expected_version: int | None = None,
) -> tuple[Changes, dict[str, Any] | None]:
    """Evaluate ``answers`` and store them, the tier and the reasons on the use case.

    With ``expected_version`` (the version of the assessment the user read, 0: there was
    none) nothing is written when the stored assessment is another one (changed, created
    or removed elsewhere since): a :class:`~aipm_desktop.errors.ConflictError`.

    A high-risk tier creates the obligation items that are missing (existing ones keep
    their status, owner and evidence). A lower tier removes obligation items nobody has
    worked on yet and keeps the others. Returns the changes (kind
    ``"ai_act_assessment"``; obligation lists should refresh on it too) and a snapshot of
    what was there before for :func:`restore_assessment` (None: nothing was).
    """
    given = check_answers(answers)
    result = evaluate(given)
    table = ComplianceObligation.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        use_case = records.existing(session, UseCase, use_case_id)
        current = session.execute(
            select(AiActAssessment)
            .where(col(AiActAssessment.use_case_id) == use_case_id)
            .with_for_update()  # on a server, nobody changes it between check and write
        ).scalar_one_or_none()
        if expected_version is not None:
            _check_read(current, expected_version, use_case.title)
        existing = list(
            session.execute(
                select(ComplianceObligation).where(
                    col(ComplianceObligation.use_case_id) == use_case_id
                )
            ).scalars()
        )
        snapshot = None
        if current is not None or existing:
            snapshot = {
                "assessment": None if current is None else _row(current),
                "obligations": [_row(o) for o in existing],
            }
        old_tier = None if current is None else current.tier
        values = {
            "answers": given,
            "tier": result.tier,
            "reasons": list(result.reasons),
            "assessor": (assessor or "").strip()[:200],
            "assessed_on": today or clock.today(),
        }
        if current is None:
            current = records.validate_create(
                AiActAssessment, {"use_case_id": use_case_id, **values}
            )
            session.add(current)
            action = "create"
        else:
            for key, value in values.items():
                setattr(current, key, value)
            records.touch(current)
            action = "update"
        session.flush()
        added: list[str] = []
        removed: list[str] = []
        if result.tier == AiActTier.HIGH:
            have = {o.article for o in existing}
            rows = []
            for article, title, description in OBLIGATIONS:
                if article in have:
                    continue
                obj = records.validate_create(
                    ComplianceObligation,
                    {
                        "use_case_id": use_case_id,
                        "article": article,
                        "title": title,
                        "description": description,
                    },
                )
                row = obj.model_dump()
                row.pop("id", None)
                rows.append(row)
                added.append(article)
            if rows:
                session.execute(insert(table), rows)
        else:
            stale = [o for o in existing if _untouched(o)]
            if stale:
                session.execute(delete(table).where(table.c.id.in_([o.id for o in stale])))
                removed = [o.article for o in stale]
        changes: dict[str, Any] = {"tier": [old_tier, result.tier]}
        if added:
            changes["obligations_added"] = added
        if removed:
            changes["obligations_removed"] = removed
        assessment_id = int(current.id or 0)
    return Changes("ai_act_assessment", (assessment_id,), action), snapshot


def restore_assessment(
    *,
    ws: Workspace,
    use_case_id: int,
    snapshot: dict[str, Any] | None,
    who: str | None = None,
) -> Changes:
    """Put a use case's tier check and obligations back as ``snapshot`` had them (undo).

    ``snapshot`` is what :func:`save_assessment` returned; None removes the assessment
    and the obligation items.
    """
    assessments_t = AiActAssessment.__table__  # type: ignore[attr-defined]
    obligations_t = ComplianceObligation.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        records.existing(session, UseCase, use_case_id)
        old_id = session.execute(
            select(assessments_t.c.id).where(assessments_t.c.use_case_id == use_case_id)
        ).scalar_one_or_none()
        session.execute(delete(obligations_t).where(obligations_t.c.use_case_id == use_case_id))
        session.execute(delete(assessments_t).where(assessments_t.c.use_case_id == use_case_id))
        assessment = (snapshot or {}).get("assessment")
        rows = (snapshot or {}).get("obligations") or []
        if assessment:
            session.execute(insert(assessments_t), [assessment])
        if rows:
            session.execute(insert(obligations_t), rows)
        entity_id = assessment["id"] if assessment else old_id
    return Changes(
        "ai_act_assessment",
        (entity_id,) if entity_id else (),
        "restore" if assessment else "delete",
    )
