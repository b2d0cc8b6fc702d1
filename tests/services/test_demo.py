"""The demo workspace: deterministic, complete in every area, and believable."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from aipm_desktop.models import (
    Candidate,
    Criterion,
    DeliverableKind,
    Document,
    DocumentRevision,
    Evaluation,
    Incident,
    Kpi,
    KpiCreate,
    KpiSnapshot,
    LaunchCheck,
    LaunchChecklistTemplate,
    MitigationAction,
    Rating,
    Release,
    Risk,
    RiskCreate,
    RiskTaxonomyItem,
    RiskUseCaseLink,
    RoadmapDependency,
    RoadmapItem,
    RoadmapItemCreate,
    RolloutStage,
    Runbook,
    Score,
    ScorecardDimension,
    ScorecardSignal,
    UseCase,
    UseCaseCreate,
    WorkspaceSettings,
)
from aipm_desktop.services.demo import STALE_WEEKS, populate_demo
from aipm_desktop.services.reference import seed_all
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import Workspace, check_workspace, create_workspace

ANCHOR = dt.date(2025, 3, 3)  # a Monday
DEMO_KINDS = (
    "ai_prd",
    "evaluation_plan",
    "model_behavior_spec",
    "launch_checklist",
    "incident_runbook",
    "stakeholder_update",
)


def _demo(path: Path, anchor: dt.date = ANCHOR, progress: Any = None) -> Workspace:
    """A demo workspace built exactly as ``new_workspace(demo=True)`` does, at ``anchor``."""

    def populate(session: Session) -> None:
        model_id = seed_all(session)
        session.add(WorkspaceSettings(name="Demo", active_scoring_model_id=model_id))
        session.flush()
        populate_demo(session, anchor=anchor, progress=progress)

    return create_workspace(path, populate=populate)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = _demo(tmp_path_factory.mktemp("demo") / "demo.aipm")
    yield ws
    ws.close()


def _rows(ws: Workspace, model: type, order: Any) -> list[dict[str, Any]]:
    table = model.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        rows = conn.execute(select(table).order_by(order)).mappings().all()
    return [{k: v for k, v in row.items() if k not in ("created_at", "updated_at")} for row in rows]


def _all(ws: Workspace, model: type) -> list[Any]:
    with ws.session() as session:
        return list(session.execute(select(model)).scalars())


def test_same_anchor_gives_identical_content(demo: Workspace, tmp_path: Path) -> None:
    other = _demo(tmp_path / "again.aipm")
    try:
        for model, order in [
            (UseCase, UseCase.id),
            (Score, Score.id),
            (Risk, Risk.id),
            (RiskUseCaseLink, RiskUseCaseLink.risk_id),
            (Kpi, Kpi.id),
            (KpiSnapshot, KpiSnapshot.id),
            (Document, Document.id),
            (RoadmapItem, RoadmapItem.id),
            (LaunchCheck, LaunchCheck.id),
        ]:
            assert _rows(demo, model, order) == _rows(other, model, order), model.__name__
    finally:
        other.close()


def test_a_later_anchor_moves_every_date_with_it(demo: Workspace, tmp_path: Path) -> None:
    later = _demo(tmp_path / "later.aipm", anchor=ANCHOR + dt.timedelta(weeks=1))
    try:
        week = dt.timedelta(weeks=1)
        before, after = _rows(demo, RoadmapItem, RoadmapItem.id), _rows(later, RoadmapItem, "id")
        assert [r["start"] + week for r in before] == [r["start"] for r in after]
        assert [r["status"] for r in before] == [r["status"] for r in after]
        last = {k.name: max(s.date for s in _all(later, KpiSnapshot) if s.kpi_id == k.id)
                for k in _all(later, Kpi)}  # fmt: skip
        assert ANCHOR + week in last.values()
    finally:
        later.close()


def test_counts_match_the_spec(demo: Workspace) -> None:
    with demo.session() as session:

        def count(model: type) -> int:
            return session.execute(select(func.count()).select_from(model)).scalar_one()

        assert count(UseCase) == 12
        assert count(Risk) == 25
        assert count(Document) == 7  # the six deliverables and the SEV2's review
        assert count(Kpi) == 10
        assert count(KpiSnapshot) == 10 * 104
        assert count(RoadmapItem) == 30
        assert count(Release) == 2
        assert count(Candidate) == 7
        assert count(Evaluation) == 6 * 3 + 2 + 2  # six panels of three, one of two, practice
        assert count(Incident) == 3
        assert count(Runbook) == 2
    assert check_workspace(demo.path) == []


def test_new_workspace_demo_names_the_company_and_reports_progress(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    ws = new_workspace(
        tmp_path / "sample.aipm", demo=True, progress=lambda d, t: calls.append((d, t))
    )
    try:
        with ws.session() as session:
            settings = session.get(WorkspaceSettings, 1)
            assert settings is not None
            assert settings.name == "Tidewell AI portfolio"
            assert settings.client and settings.owner_name
    finally:
        ws.close()
    assert 3 <= len(calls) <= 20
    assert calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_use_cases_cover_every_stage_and_are_valid(demo: Workspace) -> None:
    use_cases = _all(demo, UseCase)
    statuses = Counter(uc.status for uc in use_cases)
    assert set(statuses) == {
        "idea", "discovery", "validated", "pilot", "launched", "parked", "retired",
    }  # fmt: skip
    assert statuses["parked"] == 1 and statuses["retired"] == 1
    for uc in use_cases:
        UseCaseCreate.model_validate(uc.model_dump(warnings=False))  # the same rules as the form
        assert uc.problem and uc.target_users and uc.value_hypothesis and uc.safety_constraints
        assert uc.decision_rationale and uc.cost_build_oneoff is not None
        if uc.status == "launched":
            assert uc.metric_name and uc.metric_target is not None and uc.metric_unit
    assert len({uc.title for uc in use_cases}) == len(use_cases)


def test_exactly_one_use_case_is_incompletely_scored(demo: Workspace) -> None:
    with demo.session() as session:
        model_id = session.get(WorkspaceSettings, 1).active_scoring_model_id  # type: ignore[union-attr]
        criteria = {
            c.id
            for c in session.execute(
                select(Criterion).where(Criterion.model_id == model_id)
            ).scalars()
        }
        scored: dict[int, set[int]] = defaultdict(set)
        for score in session.execute(select(Score)).scalars():
            assert 1 <= score.value <= 5 and score.rationale
            scored[score.use_case_id].add(score.criterion_id)
        use_cases = list(session.execute(select(UseCase)).scalars())
    incomplete = [uc for uc in use_cases if scored[uc.id] != criteria]
    assert len(incomplete) == 1
    assert incomplete[0].status == "idea"
    assert 0 < len(scored[incomplete[0].id]) < len(criteria)


def test_risk_register_is_realistic(demo: Workspace) -> None:
    risks = _all(demo, Risk)
    categories = {item.name for item in _all(demo, RiskTaxonomyItem)}
    linked = {link.risk_id for link in _all(demo, RiskUseCaseLink)}
    actions = Counter(a.risk_id for a in _all(demo, MitigationAction))
    for risk in risks:
        RiskCreate.model_validate(risk.model_dump(warnings=False))
        assert risk.category in categories
        assert risk.id in linked
        assert 1 <= actions[risk.id] <= 3
        assert risk.framework_refs.startswith("NIST")
        assert risk.owner and risk.next_review is not None
        if risk.status in ("mitigating", "closed"):
            assert risk.residual_likelihood is not None
            assert risk.residual_likelihood * risk.residual_impact <= risk.likelihood * risk.impact
    accepted = [r for r in risks if r.status == "accepted"]
    assert len(accepted) >= 2
    assert all(r.acceptance_rationale and r.approver and r.acceptance_expiry for r in accepted)
    assert any(r.next_review < ANCHOR for r in risks if r.status != "closed")  # overdue review
    assert len({r.category for r in risks}) >= 12


def test_documents_are_real_markdown_with_revisions(demo: Workspace) -> None:
    kinds = {k.key for k in _all(demo, DeliverableKind)}
    revisions = Counter(r.document_id for r in _all(demo, DocumentRevision))
    docs = _all(demo, Document)
    assert {d.status for d in docs} == {"draft", "in_review", "approved"}
    assert {d.kind for d in docs} == {*DEMO_KINDS, "post_incident_review"}
    for doc in docs:
        assert doc.kind in kinds
        assert 60 <= len(doc.body.splitlines()) <= 200, doc.title
        assert doc.body.startswith("# ") and "{" not in doc.body
        assert doc.use_case_id is not None
        assert 1 <= revisions[doc.id] <= 3
        if doc.status == "approved":
            assert doc.approver and doc.approved_on
    prd = next(d for d in docs if d.kind == "ai_prd").body.lower()
    for section in ("intended use", "data sources", "evaluation plan", "safety",
                    "monitoring and retraining"):  # fmt: skip
        assert f"## {section}" in prd


def test_kpis_tell_their_stories(demo: Workspace) -> None:
    kpis = {k.id: k for k in _all(demo, Kpi)}
    series: dict[str, list[KpiSnapshot]] = defaultdict(list)
    for snap in sorted(_all(demo, KpiSnapshot), key=lambda s: s.date):
        series[kpis[snap.kpi_id].catalog_key].append(snap)
    for kpi in kpis.values():
        KpiCreate.model_validate(
            kpi.model_dump(warnings=False)
        )  # thresholds ordered for the direction
        snaps = series[kpi.catalog_key]
        assert len(snaps) == 104
        assert all((b.date - a.date).days == 7 for a, b in itertools.pairwise(snaps))
    last = {key: snaps[-1] for key, snaps in series.items()}
    stale = [key for key, snap in last.items() if snap.date <= ANCHOR - dt.timedelta(weeks=6)]
    assert len(stale) == 1 and last[stale[0]].date == ANCHOR - dt.timedelta(weeks=STALE_WEEKS)
    assert sum(snap.date == ANCHOR for snap in last.values()) == 9

    adoption = [s.value for s in series["ai_feature_adoption_rate"]]
    assert adoption[-1] > adoption[0] + 40
    hallucination = [s.value for s in series["hallucination_rate"]]
    assert hallucination[-1] < hallucination[0] / 2
    spike = max(range(60, 104), key=lambda t: hallucination[t])
    assert hallucination[spike] > 2 * hallucination[spike - 2]  # the vendor change
    assert series["hallucination_rate"][spike].note
    latency = [s.value for s in series["latency_p95"]]
    assert sum(latency[-8:]) / 8 > sum(latency[:8]) / 8 + 2

    def off_track(kpi: Kpi, value: float) -> bool:
        if kpi.direction == "lower_is_better":
            return value > kpi.warning  # type: ignore[operator]
        return value < kpi.warning  # type: ignore[operator]

    by_key = {k.catalog_key: k for k in kpis.values()}
    assert sum(off_track(by_key[key], snap.value) for key, snap in last.items()) >= 2


def test_roadmap_is_consistent(demo: Workspace) -> None:
    items = {i.id: i for i in _all(demo, RoadmapItem)}
    lanes = Counter(i.lane for i in items.values())
    assert len(lanes) == 5 and min(lanes.values()) >= 4
    assert {i.kind for i in items.values()} == {"work", "milestone", "release"}
    assert min(i.start for i in items.values()) <= ANCHOR - dt.timedelta(weeks=24)
    assert max(i.end for i in items.values()) >= ANCHOR + dt.timedelta(weeks=36)
    assert any(i.planned_end and i.planned_end < i.end for i in items.values())  # slipped
    for item in items.values():
        RoadmapItemCreate.model_validate(item.model_dump(warnings=False))
        if item.status == "done":
            assert item.end < ANCHOR and item.progress == 100
        if item.status == "planned":
            assert item.start > ANCHOR and item.progress == 0
        if item.status == "in_progress":
            assert item.start <= ANCHOR <= item.end and 0 < item.progress < 100

    deps = _all(demo, RoadmapDependency)
    assert len(deps) >= 10
    successors: dict[int, list[int]] = defaultdict(list)
    for dep in deps:
        assert items[dep.predecessor_id].end <= items[dep.successor_id].start
        successors[dep.predecessor_id].append(dep.successor_id)
    # acyclic: a topological sort consumes every item
    indegree = Counter(dep.successor_id for dep in deps)
    ready = [i for i in items if indegree[i] == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for nxt in successors[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    assert seen == len(items)


def test_releases_have_stages_and_launch_checks(demo: Workspace) -> None:
    template = _all(demo, LaunchChecklistTemplate)
    stages: dict[int, list[RolloutStage]] = defaultdict(list)
    for stage in sorted(_all(demo, RolloutStage), key=lambda s: s.position):
        stages[stage.release_id].append(stage)
    checks: dict[int, list[LaunchCheck]] = defaultdict(list)
    for check in _all(demo, LaunchCheck):
        checks[check.release_id].append(check)
    releases = {r.name: r for r in _all(demo, Release)}
    shipped, upcoming = releases["Reply drafts 2.0"], releases["Answer bot GA"]
    assert shipped.target_date < ANCHOR < upcoming.target_date  # type: ignore[operator]
    for release in (shipped, upcoming):
        assert release.feature_flag and release.roadmap_item_id
        assert 4 <= len(stages[release.id]) <= 5
        assert stages[release.id][-1].audience_pct == 100
        assert all("%" in s.exit_criteria or ">=" in s.exit_criteria for s in stages[release.id])
        assert all(s.rollback_criteria for s in stages[release.id])
        assert len(checks[release.id]) == len(template)
        assert all(c.owner for c in checks[release.id])
    assert all(s.status == "complete" for s in stages[shipped.id])
    assert all(c.status == "done" and c.signed_off_by for c in checks[shipped.id])
    up = checks[upcoming.id]
    assert any(c.status == "done" for c in up)
    assert any(c.blocking and c.status in ("open", "blocked") for c in up)
    assert any(c.evidence_document_id for c in up) and any(c.evidence_url for c in up)


def test_candidates_are_fully_rated_and_one_has_a_red_flag(demo: Workspace) -> None:
    dims = {d.id for d in _all(demo, ScorecardDimension)}
    red_flags = {s.id for s in _all(demo, ScorecardSignal) if s.kind == "red_flag"}
    ratings: dict[int, set[int]] = defaultdict(set)
    for rating in _all(demo, Rating):
        assert 1 <= rating.rating <= 4 and rating.evidence
        ratings[rating.evaluation_id].add(rating.dimension_id)
    flagged = set()
    everything = _all(demo, Evaluation)
    evaluations = [ev for ev in everything if not ev.practice]
    for ev in everything:
        assert ratings[ev.id] == dims
    for ev in evaluations:
        assert ev.recommendation and ev.exercise_id and ev.signal_ids
        if red_flags & set(ev.signal_ids):
            flagged.add(ev.candidate_id)
    assert len(flagged) == 1
    per_candidate = Counter(ev.candidate_id for ev in evaluations)
    assert sorted(per_candidate.values()) == [2, 3, 3, 3, 3, 3, 3]
    assert all(len({e.interviewer for e in evaluations if e.candidate_id == c}) == n
               for c, n in per_candidate.items())  # fmt: skip
    # One evaluation is still being scored (blind); every other one is submitted.
    assert [ev.interviewer for ev in evaluations if ev.submitted_at is None] == ["Jonas Berg"]


def test_the_panel_has_a_lenient_rater_and_a_calibration_case(demo: Workspace) -> None:
    from aipm_desktop.services import interviews as iv
    from aipm_desktop.services.interviews import agreement

    figures = agreement.agreement(ws=demo, resamples=200)
    assert len(figures.units) == 6 and len(figures.interviewers) == 3
    tendencies = {o.interviewer: o.tendency for o in figures.offsets}
    assert tendencies["Daniel Reyes"] == "rates high"
    assert [t for name, t in tendencies.items() if name != "Daniel Reyes"] == [
        "in line with the panel"
    ] * 2
    assert figures.poor and len(figures.poor) < len(figures.dimensions)
    (case,) = iv.calibration_cases(ws=demo)
    assert case.sample_answer and len(iv.reference_ratings(ws=demo, exercise_id=case.id)) == 7
    results = iv.practice_results(ws=demo, exercise_id=case.id)
    assert [r.evaluation.interviewer for r in results] == ["Maya Okafor", "Daniel Reyes"]


def test_one_severe_incident_was_rolled_back(demo: Workspace) -> None:
    incidents = _all(demo, Incident)
    sev2 = [i for i in incidents if i.severity == "sev2"]
    assert len(sev2) == 1 and sev2[0].rolled_back and sev2[0].resolved_at
    assert all(i.detected_at.date() <= ANCHOR for i in incidents)
