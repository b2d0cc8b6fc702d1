"""The EU AI Act tier check: questionnaire outcomes, stored assessments and obligations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from aipm_desktop.errors import NotFoundError, ValidationError
from aipm_desktop.models import AiActAssessment, ChangeLog, ComplianceObligation, UseCase
from aipm_desktop.services import ai_act, records, transfer
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import Workspace

ARTICLES = ["Art. 9", "Art. 10", "Art. 11", "Art. 12", "Art. 13", "Art. 14", "Art. 15",
            "Art. 17", "Art. 26", "Art. 27", "Art. 72", "Art. 73"]  # fmt: skip

CV_SCREENING = {"employment": True, "gpai_model": True}
SUPPORT_CHATBOT = {"interacts_with_people": True, "synthetic_content": True, "gpai_model": True}
SPAM_FILTER: dict[str, bool] = {}
SOCIAL_SCORING = {"social_scoring": True, "essential_services": True}


def _use_case(ws: Workspace, title: str) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return obj.id


def test_questionnaire_covers_the_act() -> None:
    sections = Counter(q.section for q in ai_act.QUESTIONS)
    assert sections["prohibited"] == 8
    annex_iii = [q for q in ai_act.QUESTIONS if q.article.startswith("Annex III")]
    assert len(annex_iii) == 8
    assert sections["transparency"] == 5 and sections["gpai"] >= 1
    assert list(ai_act.SECTIONS) == ["prohibited", "high_risk", "transparency", "gpai"]
    assert len({q.key for q in ai_act.QUESTIONS}) == len(ai_act.QUESTIONS)
    assert all(q.text.endswith("?") and q.help and q.article for q in ai_act.QUESTIONS)
    assert [article for article, _title, _desc in ai_act.OBLIGATIONS] == ARTICLES
    assert "not legal advice" in ai_act.DISCLAIMER


def test_cv_screening_is_high_risk_under_employment() -> None:
    result = ai_act.evaluate(CV_SCREENING)
    assert result.tier == "high" and result.label == "High-risk"
    assert any("Annex III point 4" in r and "employment" in r for r in result.reasons)
    assert any("general-purpose AI" in r and "tier is unchanged" in r for r in result.reasons)
    assert [article for article, _ in result.obligations] == ARTICLES


def test_customer_support_chatbot_is_limited() -> None:
    result = ai_act.evaluate(SUPPORT_CHATBOT)
    assert result.tier == "limited" and result.obligations == ()
    assert any(r.startswith("Art. 50(1)") for r in result.reasons)
    assert any(r.startswith("Art. 50(2)") for r in result.reasons)


def test_spam_filter_is_minimal() -> None:
    result = ai_act.evaluate(SPAM_FILTER)
    assert result.tier == "minimal"
    assert "Art. 95" in result.reasons[0]


def test_social_scoring_is_prohibited_even_with_a_high_risk_area() -> None:
    result = ai_act.evaluate(SOCIAL_SCORING)
    assert result.tier == "prohibited" and result.obligations == ()
    assert result.reasons == ("Art. 5(1)(c): social scoring - a prohibited practice.",)


def test_art_6_3_exception_applies_to_annex_iii_only() -> None:
    claimed = ai_act.evaluate({"employment": True, "art_6_3_derogation": True})
    assert claimed.tier == "minimal"
    assert any("Art. 6(4)" in r for r in claimed.reasons)
    with_chatbot = ai_act.evaluate(
        {"employment": True, "art_6_3_derogation": True, "interacts_with_people": True}
    )
    assert with_chatbot.tier == "limited"
    product = ai_act.evaluate({"annex_i_safety_component": True, "art_6_3_derogation": True})
    assert product.tier == "high"
    both = ai_act.evaluate({"annex_i_safety_component": True, "education": True,
                            "art_6_3_derogation": True})  # fmt: skip
    assert both.tier == "high"


def test_high_risk_keeps_transparency_reasons() -> None:
    result = ai_act.evaluate({"education": True, "interacts_with_people": True})
    assert result.tier == "high"
    assert any(r.startswith("Art. 50(1)") for r in result.reasons)


def test_bad_answers_are_refused() -> None:
    with pytest.raises(ValidationError, match="Unknown AI Act question"):
        ai_act.evaluate({"is_cool": True})
    with pytest.raises(ValidationError, match="yes or no"):
        ai_act.evaluate({"employment": "yes"})  # type: ignore[dict-item]


def _obligations(ws: Workspace, use_case_id: int) -> dict[str, str]:
    return {o.article: o.status for o in ai_act.obligations(ws=ws, use_case_id=use_case_id)}


def test_save_assessment_creates_obligations_and_keeps_statuses(ws: Workspace) -> None:
    uc = _use_case(ws, "CV screening assistant")
    changes, snapshot = ai_act.save_assessment(
        ws=ws, use_case_id=uc, answers=CV_SCREENING, assessor=" Carmen "
    )
    assert snapshot is None and changes.kind == "ai_act_assessment" and changes.action == "create"
    stored = ai_act.get_assessment(ws=ws, use_case_id=uc)
    assert stored is not None and stored.tier == "high" and stored.assessor == "Carmen"
    assert stored.answers["employment"] is True and stored.answers["social_scoring"] is False
    assert stored.reasons == list(ai_act.evaluate(CV_SCREENING).reasons)
    items = ai_act.obligations(ws=ws, use_case_id=uc)
    assert [o.article for o in items] == ARTICLES
    assert all(o.status == "open" and o.description for o in items)

    oversight = next(o for o in items if o.article == "Art. 14")
    records.update(ws=ws, model=ComplianceObligation, id=oversight.id,
                   data={"status": "done", "evidence": "Override button"})  # fmt: skip
    changes, snapshot = ai_act.save_assessment(
        ws=ws, use_case_id=uc, answers={**CV_SCREENING, "interacts_with_people": True}
    )
    assert changes.action == "update" and snapshot is not None
    assert snapshot["assessment"]["tier"] == "high"
    statuses = _obligations(ws, uc)
    assert len(statuses) == 12 and statuses["Art. 14"] == "done"
    with ws.session() as session:
        logged = session.execute(select(ChangeLog).where(ChangeLog.entity == "ai_act_assessment"))
        entries = [(e.action, e.changes) for e in logged.scalars()]
    # Created with its tier; the re-assessment changed the answers, not the tier.
    assert entries[0][0] == "create" and entries[0][1]["tier"] == [None, "high"]
    assert [a for a, _c in entries] == ["create", "update"] and "tier" not in entries[1][1]


def test_lower_tier_drops_untouched_obligations_and_undo_restores(ws: Workspace) -> None:
    uc = _use_case(ws, "QA scoring")
    ai_act.save_assessment(ws=ws, use_case_id=uc, answers=CV_SCREENING)
    items = {o.article: o for o in ai_act.obligations(ws=ws, use_case_id=uc)}
    records.update(ws=ws, model=ComplianceObligation, id=items["Art. 10"].id,
                   data={"owner": "Daniel"})  # fmt: skip
    _changes, snapshot = ai_act.save_assessment(ws=ws, use_case_id=uc, answers=SUPPORT_CHATBOT)
    assert ai_act.get_assessment(ws=ws, use_case_id=uc).tier == "limited"  # type: ignore[union-attr]
    assert list(_obligations(ws, uc)) == ["Art. 10"]
    ai_act.restore_assessment(ws=ws, use_case_id=uc, snapshot=snapshot)  # undo
    restored = ai_act.get_assessment(ws=ws, use_case_id=uc)
    assert restored is not None and restored.tier == "high"
    assert list(_obligations(ws, uc)) == ARTICLES
    owners = {o.article: o.owner for o in ai_act.obligations(ws=ws, use_case_id=uc)}
    assert owners["Art. 10"] == "Daniel"
    ai_act.restore_assessment(ws=ws, use_case_id=uc, snapshot=None)  # undo of the first save
    assert ai_act.get_assessment(ws=ws, use_case_id=uc) is None
    assert _obligations(ws, uc) == {}


def test_save_assessment_checks_its_input(ws: Workspace) -> None:
    uc = _use_case(ws, "Bot")
    with pytest.raises(NotFoundError):
        ai_act.save_assessment(ws=ws, use_case_id=999, answers={})
    with pytest.raises(ValidationError):
        ai_act.save_assessment(ws=ws, use_case_id=uc, answers={"nope": True})
    assert ai_act.get_assessment(ws=ws, use_case_id=uc) is None


def test_assessment_goes_with_its_use_case(ws: Workspace) -> None:
    uc = _use_case(ws, "Bot")
    ai_act.save_assessment(ws=ws, use_case_id=uc, answers=CV_SCREENING)
    records.delete(ws=ws, model=UseCase, id=uc)
    assert ai_act.get_assessment(ws=ws, use_case_id=uc) is None
    ws.undo()
    assert ai_act.get_assessment(ws=ws, use_case_id=uc).tier == "high"  # type: ignore[union-attr]
    assert len(_obligations(ws, uc)) == 12


def test_resolve_use_case_by_id_or_title(ws: Workspace) -> None:
    uc = _use_case(ws, "Answer Bot")
    assert ai_act.resolve_use_case(ws=ws, ref=str(uc)) == uc
    assert ai_act.resolve_use_case(ws=ws, ref="answer bot") == uc
    _use_case(ws, "answer bot")
    with pytest.raises(ValidationError, match="give the id"):
        ai_act.resolve_use_case(ws=ws, ref="Answer bot")
    with pytest.raises(NotFoundError):
        ai_act.resolve_use_case(ws=ws, ref="Nothing")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = new_workspace(tmp_path_factory.mktemp("demo") / "demo.aipm", demo=True)
    yield ws
    ws.close()


def test_demo_has_assessments_in_every_lower_tier_and_a_tracked_high_risk(
    demo: Workspace,
) -> None:
    with demo.session() as session:
        titles = dict(session.execute(select(UseCase.id, UseCase.title)).all())
        stored = list(session.execute(select(AiActAssessment)).scalars())
    tiers = {titles[a.use_case_id]: a.tier for a in stored}
    assert tiers == {
        "Help-center answer bot": "limited",
        "Agent reply drafts": "limited",
        "Ticket auto-triage": "minimal",
        "Automated QA scoring of conversations": "high",
    }
    for assessment in stored:
        assert assessment.reasons == list(ai_act.evaluate(assessment.answers).reasons)
    qa = next(a.use_case_id for a in stored if a.tier == "high")
    statuses = _obligations(demo, qa)
    assert list(statuses) == ARTICLES
    assert set(statuses.values()) >= {"open", "in_progress", "done", "blocked", "not_applicable"}


def test_demo_with_assessments_round_trips_through_json(demo: Workspace, tmp_path: Path) -> None:
    first = transfer.export_json(ws=demo, out=tmp_path / "demo.json")
    restored = transfer.import_json(source=first, dest=tmp_path / "restored.aipm")
    try:
        second = transfer.export_json(ws=restored, out=tmp_path / "again.json")
        assert ai_act.assessments(ws=restored) == ai_act.assessments(ws=demo)
    finally:
        restored.close()
    assert second.read_bytes() == first.read_bytes()
