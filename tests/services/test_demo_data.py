"""The demo content as data files: every file loads and is used, and the links hold.

The builder itself is tested in ``test_demo.py``; these tests guard the data an editor
changes by hand under ``aipm_desktop/resources/demo/``: a typo in a key, a document file
nobody references, a signal text that no longer matches the scorecard (the builder would
drop it silently) or a placeholder that no longer renders.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from aipm_desktop.models import (
    CaseExercise,
    Criterion,
    DeliverableKind,
    Document,
    Kpi,
    KpiCatalogEntry,
    LaunchChecklistTemplate,
    Release,
    Risk,
    RoadmapDependency,
    RoadmapItem,
    ScorecardDimension,
    ScorecardSignal,
    UseCase,
    WorkspaceSettings,
)
from aipm_desktop.models.usecases import COST_FIELDS
from aipm_desktop.services import demo
from aipm_desktop.services.ai_act import OBLIGATIONS, QUESTIONS
from aipm_desktop.services.demo import content as demo_content
from aipm_desktop.services.demo.content import DemoContent, document_files, load_content
from aipm_desktop.services.demo.kpi_series import VENDOR_CHANGE_WEEK, WEEKS_OF_HISTORY
from aipm_desktop.services.reference import seed_all
from aipm_desktop.services.rendering import render_html
from aipm_desktop.store import Workspace, create_workspace

ANCHOR = dt.date(2025, 3, 3)  # a Monday


@pytest.fixture(scope="module")
def data() -> DemoContent:
    return load_content()


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    def populate(session: Session) -> None:
        model_id = seed_all(session)
        session.add(WorkspaceSettings(name="Demo", active_scoring_model_id=model_id))
        session.flush()
        demo.populate_demo(session, anchor=ANCHOR)

    workspace = create_workspace(tmp_path_factory.mktemp("demo") / "demo.aipm", populate=populate)
    yield workspace
    workspace.close()


def _shipped_demo_files() -> set[str]:
    root = files("aipm_desktop.resources").joinpath("demo")
    found = set()
    for entry in root.iterdir():
        if entry.is_dir():
            found |= {f"demo/{entry.name}/{sub.name}" for sub in entry.iterdir()}
        else:
            found.add(f"demo/{entry.name}")
    return found


def test_every_data_file_loads_and_is_read(
    data: DemoContent, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    original = demo_content.read_text

    def recording(relpath: str) -> str:
        read.append(relpath)
        return original(relpath)

    monkeypatch.setattr(demo_content, "read_text", recording)
    assert load_content() == data
    assert set(read) == _shipped_demo_files(), "a demo data file is missing or unused"


def test_every_document_file_is_referenced_once(data: DemoContent) -> None:
    referenced = [spec["file"] for spec in data.documents]
    assert sorted(referenced) == document_files()
    assert len(set(referenced)) == len(referenced)
    assert len({spec["kind"] for spec in data.documents}) == len(data.documents)


def test_the_benchmark_prd_template_is_the_prd_file() -> None:
    prd = demo.PRD_ANSWER_BOT
    assert prd.startswith("# AI PRD: Help-center answer bot\n")
    assert {"gate", "ga"} == {f for _, f, _, _ in string.Formatter().parse(prd) if f}


def test_counts_a_user_sees(data: DemoContent, ws: Workspace) -> None:
    expected = {
        UseCase: 12,
        Risk: 25,
        Document: 7,  # the six of documents.json and the SEV2's post-incident review
        Kpi: 10,
        RoadmapItem: 30,
        RoadmapDependency: 13,
        Release: 2,
    }
    assert len(data.use_cases) == expected[UseCase]
    assert len(data.risks) == expected[Risk]
    assert len(data.documents) == expected[Document] - 1
    assert len(data.kpis) == expected[Kpi]
    assert len(data.roadmap) == expected[RoadmapItem]
    assert len(data.dependencies) == expected[RoadmapDependency]
    assert len(data.releases) == expected[Release]
    with ws.session() as session:
        for model, count in expected.items():
            assert session.scalar(select(func.count()).select_from(model)) == count, model
    assert (len(data.experiments), len(data.incidents), len(data.cost_models)) == (4, 3, 3)
    assert (len(data.candidates), len(data.ai_act), len(data.change_log)) == (7, 4, 7)


def test_keys_are_unique(data: DemoContent) -> None:
    for name, keys in [
        ("use case key", [u["key"] for u in data.use_cases]),
        ("use case title", [u["title"] for u in data.use_cases]),
        ("risk title", [r["title"] for r in data.risks]),
        ("roadmap key", [r["key"] for r in data.roadmap]),
        ("KPI", [k["catalog_key"] for k in data.kpis]),
        ("candidate", [c["name"] for c in data.candidates]),
    ]:
        assert len(set(keys)) == len(keys), f"duplicate {name}"


def test_cross_references_resolve(data: DemoContent) -> None:
    use_cases = {u["key"] for u in data.use_cases}
    referenced = (
        [key for risk in data.risks for key in risk["use_cases"]]
        + [a["use_case"] for a in data.ai_act]
        + [d["use_case"] for d in data.documents]
        + [k["use_case"] for k in data.kpis if k["use_case"] is not None]
        + [r["use_case"] for r in data.roadmap if r["use_case"] is not None]
        + [r["use_case"] for r in data.releases]
        + [row["use_case"] for row in data.experiments + data.incidents + data.cost_models]
    )
    assert set(referenced) <= use_cases

    items = {r["key"]: r for r in data.roadmap}
    assert {key for pair in data.dependencies for key in pair} <= set(items)
    for release in data.releases:
        assert items[release["item"]]["kind"] == "release", release["name"]
        assert items[release["item"]]["use_case"] == release["use_case"], release["name"]
        assert len(release["stages"]) == 5, release["name"]  # the builder's stage states

    kinds = {d["kind"] for d in data.documents}
    assert set(data.check_evidence_documents.values()) <= kinds
    assert set(data.kpi_figures.values()) <= {k["catalog_key"] for k in data.kpis}
    assert demo.STALE_KPI_KEY in {k["catalog_key"] for k in data.kpis}
    for (key, week), _note in data.kpi_notes.items():
        assert key in {k["catalog_key"] for k in data.kpis}
        assert 0 <= week < WEEKS_OF_HISTORY
    assert ("hallucination_rate", VENDOR_CHANGE_WEEK) in data.kpi_notes

    risks = {r["title"] for r in data.risks}
    targets = {
        "use_case": use_cases,
        "risk": risks,
        "roadmap_item": set(items),
        "document": kinds,
        "launch_check": set(data.upcoming_checks),
    }
    for entry in data.change_log:
        assert entry["ref"] in targets[entry["entity"]], entry


def test_everyone_named_is_on_the_roster(data: DemoContent) -> None:
    people = set(data.company["people"])
    named = (
        [data.company["owner"]]
        + [u["owner"] for u in data.use_cases]
        + [r["owner"] for r in data.risks]
        + [a["owner"] for r in data.risks for a in r["actions"]]
        + [r["acceptance"]["approver"] for r in data.risks if r["acceptance"]]
        + [a["assessor"] for a in data.ai_act]
        + [o["owner"] for a in data.ai_act for o in a.get("obligations", {}).values()]
        + [d["approver"] for d in data.documents if d["approver"]]
        + [k["owner"] for k in data.kpis]
        + [r["owner"] for r in data.roadmap]
        + list(data.check_owners.values())
        + [i for c in data.candidates for i in c["interviewers"]]
        + [e["who"] for e in data.change_log]
    )
    assert set(named) <= people


def test_reference_data_names_exist_in_a_new_workspace(data: DemoContent, ws: Workspace) -> None:
    with ws.session() as session:
        settings = session.get(WorkspaceSettings, 1)
        assert settings is not None
        model_id = settings.active_scoring_model_id
        criteria = set(session.scalars(select(Criterion.key).where(Criterion.model_id == model_id)))
        exercises = set(session.scalars(select(CaseExercise.key)))
        dimensions = set(session.scalars(select(ScorecardDimension.key)))
        signals = set(session.scalars(select(ScorecardSignal.text)))
        template = session.execute(
            select(LaunchChecklistTemplate.function, LaunchChecklistTemplate.item)
        ).all()
        catalog = set(session.scalars(select(KpiCatalogEntry.key)))
        deliverables = set(session.scalars(select(DeliverableKind.key)))
    for use_case in data.use_cases:
        # ideas are scored on a few criteria only; a key outside the model would be dropped
        assert use_case["scores"] and set(use_case["scores"]) <= criteria, use_case["key"]
        assert set(use_case["costs"]) == set(COST_FIELDS), use_case["key"]
    for candidate in data.candidates:
        assert candidate["exercise"] in exercises
        assert len(candidate["interviewers"]) == len(candidate["evaluations"])
        for evaluation in candidate["evaluations"]:
            assert set(evaluation["ratings"]) == dimensions, candidate["name"]
            assert set(evaluation["signals"]) <= signals, candidate["name"]
    assert set(data.upcoming_checks) <= {item for _, item in template}
    assert set(data.check_owners) <= {function for function, _ in template}
    assert {k["catalog_key"] for k in data.kpis} <= catalog
    assert {d["kind"] for d in data.documents} <= deliverables
    questions = {q.key for q in QUESTIONS}
    for assessment in data.ai_act:
        assert set(assessment["answers"]) <= questions
        if "obligations" in assessment:
            assert list(assessment["obligations"]) == [a for a, _, _ in OBLIGATIONS]


def test_each_document_renders(data: DemoContent, ws: Workspace) -> None:
    with ws.session() as session:
        documents = {d.kind: d for d in session.scalars(select(Document))}
    assert set(documents) == {spec["kind"] for spec in data.documents} | {"post_incident_review"}
    for spec in data.documents:
        body = documents[spec["kind"]].body
        assert not re.search(r"\{[a-z_]+(:[^}]*)?\}", body), spec["file"]
        html = render_html(body)
        assert "<h1" in html and "<li>" in html, spec["file"]
        heading = body.splitlines()[0].removeprefix("# ").split(",")[0]
        assert heading in html, spec["file"]
    update = documents["stakeholder_update"].body
    assert f"{ANCHOR:%B %Y}" in update  # the month of the anchor, not of today
    assert "Tidewell" in documents["model_behavior_spec"].body


def test_document_dates_are_offsets_from_the_anchor(
    data: DemoContent, ws: Workspace, tmp_path: Path
) -> None:
    """The gate date in the PRD follows the anchor: the files hold no calendar dates."""
    later = ANCHOR + dt.timedelta(weeks=5)

    def populate(session: Session) -> None:
        model_id = seed_all(session)
        session.add(WorkspaceSettings(name="Demo", active_scoring_model_id=model_id))
        session.flush()
        demo.populate_demo(session, anchor=later)

    other = create_workspace(tmp_path / "later.aipm", populate=populate)
    query = select(Document.body).where(Document.kind == "ai_prd")
    try:
        with ws.session() as session, other.session() as later_session:
            now, moved = session.scalars(query).one(), later_session.scalars(query).one()
    finally:
        other.close()
    gate = dt.timedelta(days=data.document_dates["gate"])
    for anchor, body in ((ANCHOR, now), (later, moved)):
        day = anchor + gate
        assert f"Status | In review for the GA launch gate on {day.day} {day:%B %Y} |" in body
    assert now != moved
