"""Lossless JSON dump and restore: round trip, and every way a dump is refused."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlmodel import SQLModel

from aipm_desktop import __version__, models
from aipm_desktop.errors import UserError, ValidationError, WorkspaceError
from aipm_desktop.models import (
    Candidate,
    ChangeLog,
    CommunicationTemplate,
    CostModel,
    Criterion,
    Document,
    DocumentRevision,
    Evaluation,
    Experiment,
    ExperimentGuardrail,
    ExperimentResult,
    ExperimentVariant,
    FeedbackImport,
    FeedbackItem,
    Incident,
    IncidentAction,
    IncidentKpiLink,
    IncidentRiskLink,
    IncidentTimelineEntry,
    IncidentUseCaseLink,
    Kpi,
    KpiCatalogEntry,
    KpiSnapshot,
    LaunchCheck,
    MitigationAction,
    Rating,
    ReferenceRating,
    Release,
    Risk,
    RiskUseCaseLink,
    RoadmapDependency,
    RoadmapItem,
    RollbackCriterion,
    RolloutStage,
    Runbook,
    RunbookContact,
    SavedReport,
    Score,
    Scorecard,
    ScorecardDimension,
    ScorecardSignal,
    UseCase,
)
from aipm_desktop.services import records, transfer
from aipm_desktop.services.workspace import get_settings, new_workspace
from aipm_desktop.store import Workspace, head_revision
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends


def _first_id(ws, model) -> int:
    with ws.session() as session:
        return session.execute(select(model.id).order_by(model.id)).scalars().first()


def _populate_everything(ws) -> None:
    """Rows in every table, with dates, floats, booleans, JSON and non-ASCII text."""

    def add(model, **data: Any) -> int:
        obj, _changes = records.create(ws=ws, model=model, data=data)
        return obj.id

    uc = add(
        UseCase,
        title="Résumé de tickets — ticket summaries",
        problem="Agents lose 6 minutes per handover.\nSecond line: 「要約」",
        status="launched",
        metric_name="Handover time",
        metric_baseline=6.0,
        metric_target=2.5,
        metric_unit="min",
        metric_date=dt.date(2027, 3, 31),
        decision="build",
        cost_build_oneoff=120000.0,
        cost_build_yearly=0.1,
    )
    uc2 = add(UseCase, title="Invoice triage")
    from aipm_desktop.services import ai_act

    ai_act.save_assessment(ws=ws, use_case_id=uc, answers={"employment": True}, assessor="Dana")
    criterion = _first_id(ws, Criterion)
    add(Score, use_case_id=uc, criterion_id=criterion, value=4, rationale="Strong pull")
    risk = add(
        Risk,
        title="Hallucinated facts in summaries",
        likelihood=4,
        impact=5,
        residual_likelihood=2,
        residual_impact=3,
        status="accepted",
        acceptance_rationale="Human review before sending",
        approver="Dana",
        acceptance_expiry=dt.date(2027, 1, 1),
        next_review=dt.date(2026, 12, 15),
    )
    action = add(
        MitigationAction, risk_id=risk, action="Groundedness eval", due_date=dt.date(2026, 12, 1)
    )
    doc = add(
        Document, kind="ai_prd", title="Summaries PRD", body="# PRD\n\n* item", use_case_id=uc
    )
    kpi = add(
        Kpi,
        name="Handover time",
        unit="min",
        direction="lower_is_better",
        target=2.5,
        warning=4.0,
        critical=6.0,
        use_case_id=uc,
    )
    add(KpiSnapshot, kpi_id=kpi, date=dt.date(2026, 11, 2), value=5.75, note="week 1")
    add(KpiSnapshot, kpi_id=kpi, date=dt.date(2026, 11, 9), value=1e-7)
    item1 = add(
        RoadmapItem,
        title="Eval harness",
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 12, 15),
        progress=40,
        use_case_id=uc,
    )
    item2 = add(
        RoadmapItem,
        title="Beta launch",
        kind="milestone",
        start=dt.date(2027, 1, 10),
        end=dt.date(2027, 1, 10),
    )
    release = add(Release, name="Summaries beta", target_date=dt.date(2027, 1, 10), use_case_id=uc)
    add(RolloutStage, release_id=release, name="Internal", audience_pct=2.5, status="active")
    check = add(
        LaunchCheck,
        release_id=release,
        function="Legal",
        item="DPA signed",
        blocking=False,
        evidence_document_id=doc,
        signed_off_on=dt.date(2026, 12, 20),
    )
    experiment = add(
        Experiment,
        title="Summary length A/B",
        start=dt.date(2027, 1, 10),
        use_case_id=uc2,
        primary_metric="Handover rate",
        baseline=0.3,
        mde=0.1,
        mde_relative=True,
        kpi_id=kpi,
        roadmap_item_id=item1,
    )
    arm = add(ExperimentVariant, experiment_id=experiment, name="Short", weight=1.0)
    add(ExperimentGuardrail, experiment_id=experiment, name="CSAT", kind="mean", margin=0.1)
    add(
        ExperimentResult,
        experiment_id=experiment,
        variant_id=arm,
        metric="Handover rate",
        day=dt.date(2027, 1, 10),
        units=120,
        conversions=31.0,
    )
    from aipm_desktop.services import evaluations

    suite, _ = evaluations.create_suite(
        ws=ws, data={"name": "Résumé set", "use_case_id": uc}, metrics=["accuracy:0.9:blocking"]
    )
    results = ws.path.parent / "eval_results.csv"
    results.write_text("id,expected,predicted\nÄ-1,yes,yes\nÖ-2,no,yes\n", encoding="utf-8")
    evaluations.import_results(ws=ws, suite_id=suite, path=results, name="v1 — März")
    incident = add(
        Incident,
        title="Wrong customer name",
        detected_at=dt.datetime(2026, 10, 3, 8, tzinfo=dt.UTC),
        rolled_back=True,
        release_id=release,
        review_document_id=doc,
    )
    add(
        IncidentTimelineEntry,
        incident_id=incident,
        at=dt.datetime(2026, 10, 3, 8, 5, tzinfo=dt.UTC),
        what="Acknowledged",
    )
    add(
        IncidentAction,
        incident_id=incident,
        kind="hotfix",
        at=dt.datetime(2026, 10, 3, 9, tzinfo=dt.UTC),
        who="Kofi",
    )
    runbook = add(Runbook, title="Summaries runbook", use_case_id=uc, safe_mode="Links only")
    add(RunbookContact, runbook_id=runbook, role="On-call", name="Kofi", reach="#inc")
    add(RollbackCriterion, runbook_id=runbook, kpi_id=kpi, op=">", threshold=6, consecutive=2)
    add(CommunicationTemplate, runbook_id=runbook, channel="internal", body="{title} at {started}")
    add(CostModel, name="Summaries", requests_per_month=40000, success_rate=0.93)
    batch = add(FeedbackImport, file_name="tickets.csv", sha256="ab" * 32, row_count=1, added=1)
    add(
        FeedbackItem,
        text="Résumé skipped the deadline 「締切」",
        date=dt.date(2026, 10, 4),
        source="Zendesk",
        customer="Kunde GmbH",
        triage_class="model",
        cluster="missed commitments",
        use_case_id=uc,
        risk_id=risk,
        incident_id=incident,
        roadmap_item_id=item1,
        triaged_at=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC),
        triaged_by="Lena",
        import_id=batch,
    )
    candidate = add(Candidate, name="Alex Moreau", interview_date=dt.date(2026, 12, 3))
    card = _first_id(ws, Scorecard)
    with ws.session() as session:
        exercise = session.execute(text("SELECT min(id) FROM case_exercise")).scalar()
        signal = session.execute(select(func.min(ScorecardSignal.id))).scalar()
        dimension = session.execute(select(func.min(ScorecardDimension.id))).scalar()
    evaluation = add(
        Evaluation,
        candidate_id=candidate,
        exercise_id=exercise,
        scorecard_id=card,
        interviewer="Sam",
        recommendation="lean_yes",
        signal_ids=[signal],
    )
    add(Rating, evaluation_id=evaluation, dimension_id=dimension, rating=3, evidence="Clear KPIs")
    add(ReferenceRating, exercise_id=exercise, dimension_key="product_sense", rating=3)
    add(SavedReport, name="Monatsbericht", kind="readout", options={"sections": ["kpis"]})
    with ws.write() as session:
        session.execute(insert(RiskUseCaseLink.__table__), [{"risk_id": risk, "use_case_id": uc}])
        session.execute(
            insert(IncidentUseCaseLink.__table__), [{"incident_id": incident, "use_case_id": uc}]
        )
        session.execute(
            insert(IncidentKpiLink.__table__), [{"incident_id": incident, "kpi_id": kpi}]
        )
        session.execute(
            insert(IncidentRiskLink.__table__), [{"incident_id": incident, "risk_id": risk}]
        )
        session.execute(
            insert(DocumentRevision.__table__),
            [{"document_id": doc, "title": "Summaries PRD", "body": "v1", "note": "first"}],
        )
        session.execute(
            insert(RoadmapDependency.__table__),
            [{"predecessor_id": item1, "successor_id": item2}],
        )
    _add_controls(ws, uc, {"risks": [risk], "mitigations": [action], "launch_checks": [check]})


def _add_controls(ws, uc: int, links: dict[str, list[int]]) -> None:
    """A role, a status with its links, and a file as evidence (the blob in the dump)."""
    from aipm_desktop.services import controls as ctl

    art12 = ctl.find_control(ws=ws, ref="eu_ai_act:Art. 12")
    ctl.set_role(ws=ws, use_case_id=uc, role="provider")
    ctl.set_status(ws=ws, control_id=art12, use_case_id=uc, values={"status": "verified"},
                   links=links)  # fmt: skip
    evidence = Path(ws.path).with_name("logging — design.md")
    evidence.write_bytes("Événements journalisés\n".encode() + bytes(range(256)))
    ctl.add_file(ws=ws, path=evidence, about=ctl.About(use_case_id=uc, control_ids=(art12,)))


@pytest.fixture(scope="module")
def rich_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dump of a workspace with rows in every table (built once per module)."""
    folder = tmp_path_factory.mktemp("rich")
    ws = new_workspace(folder / "rich.aipm", name="Rich — Kunde GmbH")
    try:
        _populate_everything(ws)
        return transfer.export_json(ws=ws, out=folder / "rich.json")
    finally:
        ws.close()


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refusal(tmp_path: Path, doc: Any) -> ValidationError:
    """Import ``doc``; it must be refused without leaving any file behind."""
    source = _write(tmp_path / "dump.json", doc)
    dest = tmp_path / "restored.aipm"
    with pytest.raises(ValidationError) as info:
        transfer.import_json(source=source, dest=dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.json"]
    return info.value


# --------------------------------------------------------------------------- round trip


def test_dump_covers_every_table(rich_dump: Path) -> None:
    doc = _load(rich_dump)
    assert doc["format"] == "aipm-workspace"
    assert doc["format_version"] == 1
    assert doc["schema_version"] == head_revision()
    assert doc["app_version"] == __version__
    models.load_all()
    expected = {t.name for t in SQLModel.metadata.sorted_tables} - {"operation", "operation_row"}
    assert set(doc["tables"]) == expected
    assert "alembic_version" not in doc["tables"]
    assert "operation" not in doc["tables"]  # the undo history stays with its file
    empty = [name for name, rows in doc["tables"].items() if not rows]
    assert empty == []
    for rows in doc["tables"].values():
        if "id" in rows[0]:
            ids = [r["id"] for r in rows]
            assert ids == sorted(ids)


def test_dump_values_are_json_native(rich_dump: Path) -> None:
    tables = _load(rich_dump)["tables"]
    uc = tables["use_case"][0]
    assert uc["title"] == "Résumé de tickets — ticket summaries"
    assert uc["metric_date"] == "2027-03-31"
    assert uc["cost_build_yearly"] == 0.1
    assert uc["metric_target"] == 2.5
    assert dt.datetime.fromisoformat(uc["created_at"]).utcoffset() == dt.timedelta(0)
    assert tables["launch_check"][0]["blocking"] is False
    assert tables["incident"][0]["rolled_back"] is True
    assert isinstance(tables["workspace_settings"][0]["risk_bands"], list)
    assert isinstance(tables["criterion"][0]["levels"], list)
    assert tables["kpi_snapshot"][1]["value"] == 1e-7
    assert "「要約」" in rich_dump.read_text(encoding="utf-8")  # ensure_ascii=False


def test_export_import_export_is_identical(rich_dump: Path, tmp_path: Path) -> None:
    ws = transfer.import_json(source=rich_dump, dest=tmp_path / "copy.aipm")
    try:
        again = transfer.export_json(ws=ws, out=tmp_path / "again.json")
        assert get_settings(ws=ws).name == "Rich — Kunde GmbH"
    finally:
        ws.close()
    assert again.read_bytes() == rich_dump.read_bytes()


def test_import_keeps_ids_and_replaces_reference_data(rich_dump: Path, tmp_path: Path) -> None:
    doc = _load(rich_dump)
    kept = doc["tables"]["kpi_catalog"][3]
    doc["tables"]["kpi_catalog"] = [kept]
    ws = transfer.import_json(source=_write(tmp_path / "one.json", doc), dest=tmp_path / "w.aipm")
    try:
        with ws.session() as session:
            catalog = session.execute(select(KpiCatalogEntry)).scalars().all()
            labels = session.execute(select(ChangeLog.label)).scalars().all()
        assert [(c.id, c.key) for c in catalog] == [(kept["id"], kept["key"])]
        assert "Invoice triage" in labels
    finally:
        ws.close()


def test_demo_workspace_round_trips(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    try:
        first = transfer.export_json(ws=ws, out=tmp_path / "demo.json")
    finally:
        ws.close()
    assert len(_load(first)["tables"]["use_case"]) >= 10
    restored = transfer.import_json(source=first, dest=tmp_path / "restored.aipm")
    try:
        second = transfer.export_json(ws=restored, out=tmp_path / "again.json")
    finally:
        restored.close()
    assert second.read_bytes() == first.read_bytes()


# --------------------------------------------------------------------------- export_json


def test_export_to_missing_folder_names_it(ws, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "dump.json"
    with pytest.raises(UserError, match="nowhere"):
        transfer.export_json(ws=ws, out=target)
    assert not target.parent.exists()


def test_export_to_a_folder_is_refused(ws, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(UserError, match="folder"):
        transfer.export_json(ws=ws, out=tmp_path / "out")


def test_export_to_unwritable_folder_names_it(ws, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "dump.json"
    target.write_text("old", encoding="utf-8")
    real_open = Path.open

    def refuse_temp_files(self: Path, *args: Any, **kwargs: Any):
        if self.parent == folder and self.name.endswith(".tmp"):
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse_temp_files)
    with pytest.raises(UserError, match=r"the folder .*locked is not writable"):
        transfer.export_json(ws=ws, out=target)
    assert target.read_text(encoding="utf-8") == "old"


def test_export_failing_midway_keeps_old_file(ws, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "dump.json"
    target.write_text("old", encoding="utf-8")

    def disk_full(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    from aipm_desktop.services import outputs

    monkeypatch.setattr(outputs.os, "replace", disk_full)
    with pytest.raises(UserError, match="No space left on device"):
        transfer.export_json(ws=ws, out=target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_replaces_existing_file_without_leftovers(ws, tmp_path: Path) -> None:
    target = tmp_path / "dump.json"
    target.write_text("previous content", encoding="utf-8")
    transfer.export_json(ws=ws, out=target)
    assert _load(target)["tables"]["workspace_settings"][0]["name"] == "Test workspace"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


# --------------------------------------------------------------------------- refusals


def test_invalid_json_reports_line_and_column(tmp_path: Path) -> None:
    source = tmp_path / "dump.json"
    source.write_text('{\n  "format": "aipm-workspace",\n  "tables": {,}\n}', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"not valid JSON: .*line 3, column 14"):
        transfer.import_json(source=source, dest=tmp_path / "x.aipm")
    assert not (tmp_path / "x.aipm").exists()


def test_binary_file_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "dump.json"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ValidationError, match="not a JSON dump"):
        transfer.import_json(source=source, dest=tmp_path / "x.aipm")


def test_missing_source_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="No such file"):
        transfer.import_json(source=tmp_path / "absent.json", dest=tmp_path / "x.aipm")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "not an AIPM workspace dump"),
        (lambda d: d.update(format_version=2), "newer version"),
        (lambda d: d.update(format_version="1"), "format_version"),
        (lambda d: d.update(schema_version="9999"), r"newer version .*schema 9999"),
        (lambda d: d.pop("tables"), "tables"),
    ],
)
def test_header_problems(rich_dump: Path, tmp_path: Path, change, message) -> None:
    doc = _load(rich_dump)
    change(doc)
    error = _refusal(tmp_path, doc)
    assert error.message.startswith("dump.json")
    assert re.search(message, error.message)


def test_top_level_not_an_object(tmp_path: Path) -> None:
    error = _refusal(tmp_path, [1, 2, 3])
    assert "not an AIPM workspace dump" in error.message


def _use_case(doc: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return doc["tables"]["use_case"][index]


@pytest.mark.parametrize(
    ("table", "change", "expected"),
    [
        ("use_case", lambda r: r.update(title="  "), "field title: Title must not be empty"),
        ("use_case", lambda r: r.update(status="shipped"), "field status: Input should be"),
        (
            "use_case",
            lambda r: r.update(metric_name="", metric_target=None),
            "launched use case needs an outcome",
        ),
        (
            "use_case",
            lambda r: r.update(metric_date="31/03/2027"),
            "field metric_date: expected a date",
        ),
        (
            "use_case",
            lambda r: r.update(created_at="yesterday"),
            "field created_at: expected an ISO",
        ),
        ("use_case", lambda r: r.update(version="1"), "field version: expected a whole number"),
        ("use_case", lambda r: r.update(version=2**70), "field version: the number"),
        ("use_case", lambda r: r.update(version="x" * 500), "got 'xxxxxxxx"),
        ("kpi_snapshot", lambda r: r.update(value=10**400), "field value: the number"),
        ("use_case", lambda r: r.update(cost_build_oneoff="lots"), "expected a number"),
        ("use_case", lambda r: r.update(cost_build_oneoff=-1.0), "field cost_build_oneoff"),
        ("use_case", lambda r: r.update(title=None), "field title: a value is required"),
        ("use_case", lambda r: r.update(title=7), "field title: expected text"),
        ("use_case", lambda r: r.update(colour="red"), "field colour: unknown field"),
        ("use_case", lambda r: r.pop("owner"), "field owner: missing"),
        ("launch_check", lambda r: r.update(blocking="yes"), "expected true or false"),
        ("score", lambda r: r.update(value=9), "field value: Input should be less than"),
        ("risk", lambda r: r.update(likelihood=0), "field likelihood"),
        ("risk", lambda r: r.update(approver=""), "accepted risk needs a rationale"),
        ("kpi_catalog", lambda r: r.update(frequency="yearly"), "field frequency"),
        ("scorecard_signal", lambda r: r.update(kind="maybe"), "field kind"),
        ("mitigation_action", lambda r: r.update(risk_id=999), "refers to risk 999"),
        ("workspace_settings", lambda r: r.update(active_scoring_model_id=77), "scoring_model 77"),
    ],
)
def test_record_problems_name_table_record_and_field(
    rich_dump: Path, tmp_path: Path, table: str, change, expected: str
) -> None:
    doc = _load(rich_dump)
    row = doc["tables"][table][0]
    change(row)
    error = _refusal(tmp_path, doc)
    record = row.get("id")
    assert f"table {table}, record {record}" in error.message
    assert expected in error.message
    assert "(1 problem)" in error.message
    assert len(error.errors) == 1
    assert len(error.message) < 400  # long values are shortened in messages


def test_duplicate_primary_key(rich_dump: Path, tmp_path: Path) -> None:
    doc = _load(rich_dump)
    rows = doc["tables"]["use_case"]
    twin = copy.deepcopy(rows[1])
    twin["title"] = "Another title"
    rows.append(twin)
    error = _refusal(tmp_path, doc)
    assert f"table use_case, record {twin['id']}: the same key appears more than once" in str(error)


def test_duplicate_unique_value(rich_dump: Path, tmp_path: Path) -> None:
    doc = _load(rich_dump)
    rows = doc["tables"]["kpi_catalog"]
    rows[1]["key"] = rows[0]["key"]
    error = _refusal(tmp_path, doc)
    assert f"table kpi_catalog, record {rows[1]['id']}: field key" in error.message
    assert f"already used by record {rows[0]['id']}" in error.message


def test_unknown_and_missing_tables(rich_dump: Path, tmp_path: Path) -> None:
    doc = _load(rich_dump)
    doc["tables"]["spreadsheets"] = []
    del doc["tables"]["incident"]
    error = _refusal(tmp_path, doc)
    assert "table spreadsheets: unknown table" in error.message
    assert "table incident: missing from the dump" in error.message


def test_rows_of_wrong_shape(rich_dump: Path, tmp_path: Path) -> None:
    doc = _load(rich_dump)
    doc["tables"]["risk"] = {"id": 1}
    doc["tables"]["document"].append("not a record")
    error = _refusal(tmp_path, doc)
    assert "table risk: expected a list of records" in error.message
    position = len(doc["tables"]["document"])
    assert f"table document, record at position {position}: expected an object" in error.message


def test_many_problems_are_counted_and_the_first_listed(rich_dump: Path, tmp_path: Path) -> None:
    doc = _load(rich_dump)
    rows = doc["tables"]["kpi_catalog"]
    assert len(rows) > 20
    for row in rows:
        row["direction"] = "sideways"
    error = _refusal(tmp_path, doc)
    # One summary: the first 20 of a kind, then how many more (issue 12); all kept.
    assert f"({len(rows)} problems)" in error.message
    assert f"… and {len(rows) - 20} more row" in error.message
    assert error.message.endswith("with the same problem")
    assert len(error.errors) == len(rows)
    assert error.errors[0][0] == f"table kpi_catalog, record {rows[0]['id']}: field direction"


def test_refused_import_leaves_existing_destination_untouched(
    rich_dump: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "existing.aipm"
    ws = new_workspace(dest, name="Keep me")
    ws.close()
    before = _sha(dest)
    with pytest.raises(WorkspaceError, match="already exists"):
        transfer.import_json(source=rich_dump, dest=dest)
    doc = _load(rich_dump)
    _use_case(doc)["status"] = "shipped"
    bad = _write(tmp_path / "bad.json", doc)
    with pytest.raises(ValidationError):
        transfer.import_json(source=bad, dest=dest, overwrite=True)
    assert _sha(dest) == before
    assert not [p for p in tmp_path.iterdir() if ".creating" in p.name]


def test_overwrite_replaces_destination(rich_dump: Path, tmp_path: Path) -> None:
    dest = tmp_path / "existing.aipm"
    new_workspace(dest, name="Old").close()
    ws = transfer.import_json(source=rich_dump, dest=dest, overwrite=True)
    try:
        assert get_settings(ws=ws).name == "Rich — Kunde GmbH"
    finally:
        ws.close()


def test_destination_folder_must_exist(rich_dump: Path, tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        transfer.import_json(source=rich_dump, dest=tmp_path / "missing" / "w.aipm")


def test_constraint_only_the_database_knows_is_refused_cleanly(
    rich_dump: Path, tmp_path: Path
) -> None:
    doc = _load(rich_dump)
    dep = doc["tables"]["roadmap_dependency"][0]
    dep["successor_id"] = dep["predecessor_id"]  # a CHECK constraint, no pydantic class
    error = _refusal(tmp_path, doc)
    assert "refused a record" in error.message


# --------------------------------------------------------------------------- older schemas


def _older_dump(doc: dict[str, Any]) -> dict[str, Any]:
    doc["schema_version"] = "0001"
    for row in doc["tables"]["change_log"]:
        del row["label"]
    return doc


def test_older_dump_without_label_gets_the_default(rich_dump: Path, tmp_path: Path) -> None:
    source = _write(tmp_path / "old.json", _older_dump(_load(rich_dump)))
    ws = transfer.import_json(source=source, dest=tmp_path / "w.aipm")
    try:
        with ws.session() as session:
            labels = set(session.execute(select(ChangeLog.label)).scalars())
        assert labels == {""}
        assert ws.revision == head_revision()
        redone = transfer.export_data(ws=ws)
    finally:
        ws.close()
    original = _load(rich_dump)["tables"]
    assert len(redone["tables"]["change_log"]) == len(original["change_log"])
    assert redone["tables"]["use_case"] == original["use_case"]


def test_older_dump_with_unknown_column_is_refused(rich_dump: Path, tmp_path: Path) -> None:
    doc = _older_dump(_load(rich_dump))
    doc["tables"]["use_case"][0]["colour"] = "red"
    error = _refusal(tmp_path, doc)
    assert "field colour: unknown field" in error.message


def test_current_dump_without_label_is_refused(rich_dump: Path, tmp_path: Path) -> None:
    doc = _older_dump(_load(rich_dump))
    doc["schema_version"] = head_revision()
    error = _refusal(tmp_path, doc)
    assert "table change_log, record 1: field label: missing" in error.message


def _make_0001_workspace(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0001")
    bands = json.dumps([{"name": "all", "max": 25, "color": "#888888"}])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name,"
                " client, owner_name, risk_method, risk_bands) VALUES (1, '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00', 1, 'Legacy', 'Contoso', '', 'multiply', :bands)"
            ),
            {"bands": bands},
        )
        conn.execute(
            text(
                "INSERT INTO change_log (at, who, entity, entity_id, action, changes)"
                " VALUES ('2025-01-01 09:30:00', 'dana', 'workspace_settings', 1, 'create', '{}')"
            )
        )
    engine.dispose()


def test_older_file_exports_as_its_schema_and_imports(tmp_path: Path) -> None:
    old = tmp_path / "legacy.aipm"
    _make_0001_workspace(old)
    before = _sha(old)
    ws = Workspace(path=old, engine=make_engine(old, readonly=True), readonly=True)
    try:
        dumped = transfer.export_json(ws=ws, out=tmp_path / "legacy.json")
    finally:
        ws.close()
    assert _sha(old) == before
    doc = _load(dumped)
    assert doc["schema_version"] == "0001"
    assert doc["tables"]["change_log"] == [
        {
            "action": "create",
            "at": "2025-01-01T09:30:00+00:00",
            "changes": {},
            "entity": "workspace_settings",
            "entity_id": 1,
            "id": 1,
            "who": "dana",
        }
    ]
    restored = transfer.import_json(source=dumped, dest=tmp_path / "new.aipm")
    try:
        assert get_settings(ws=restored).client == "Contoso"
        assert transfer.export_data(ws=restored)["tables"]["change_log"][0]["label"] == ""
    finally:
        restored.close()


def test_lone_surrogate_is_refused_naming_table_record_and_field(
    rich_dump: Path, tmp_path: Path
) -> None:
    doc = _load(rich_dump)
    row = doc["tables"]["use_case"][0]
    row["title"] = "broken \ud800 text"  # json.dumps writes it as the escape "\ud800"
    error = _refusal(tmp_path, doc)
    assert f"table use_case, record {row['id']}: field title: contains a lone surrogate" in (
        error.message
    )
    assert "'\\ud800'" in error.message
    error.message.encode("utf-8")  # the message itself prints anywhere
