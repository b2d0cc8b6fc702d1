"""Migration 0008 (experiments): a 0007 file's experiments keep their data (concluded
reads as decided, the decision text as the rationale, the guardrail text as guardrail
rows); the downgrade gives the 0007 rows back; a 0007 JSON dump imports the same way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import text

from aipm_desktop.services import experiments, transfer
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

STAMP = "'2025-01-01 00:00:00'"
LONG = "x" * 230
#: Experiments as schema 0007 stored them.
OLD_EXPERIMENTS = [
    (1, "Draft placement: inline versus side panel", "Inline raises acceptance.", 7,
     "Draft acceptance rate", "Unedited-send rate; CSAT;\nhandle time", "A/B 50/50",
     "2026-05-04", "2026-05-28", "concluded", "+13% relative",
     "Ship inline placement in Reply drafts 2.0"),
    (2, "Citations in answer bot replies", "", None, "CSAT", "", "", "2026-11-16", None,
     "running", "", ""),
    (3, "Auto-apply triage", "", 7, "Time to first response", f"Misroute rate; {LONG}", "",
     None, None, "abandoned", "", ""),
]  # fmt: skip
_COLUMNS = ("id", "title", "hypothesis", "uc", "metric", "guardrails", "design", "start", "end",
            "status", "result", "decision")  # fmt: skip


def _make_0007_workspace(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0007")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name,"
                " client, owner_name, risk_method, risk_bands, roadmap_lanes) VALUES (1,"
                f" {STAMP}, {STAMP}, 1, 'Legacy', '', '', 'multiply',"
                ' \'[{"name": "low", "max": 25, "color": "#4caf50"}]\', \'["Data"]\')'
            )
        )
        conn.execute(
            text(
                "INSERT INTO use_case (id, created_at, updated_at, version, title, problem,"
                " target_users, value_hypothesis, metric_name, metric_unit, status, owner,"
                " area, tags, data_sources, data_availability, latency_requirement,"
                " safety_constraints, human_in_loop, decision, decision_rationale) VALUES"
                f" (7, {STAMP}, {STAMP}, 1, 'Agent reply drafts', '', '', '', '', '',"
                " 'launched', '', '', '', '', '', '', '', '', 'undecided', '')"
            )
        )
        for row in OLD_EXPERIMENTS:
            conn.execute(
                text(
                    "INSERT INTO experiment (id, created_at, updated_at, version, title,"
                    ' hypothesis, use_case_id, primary_metric, guardrails, design, start, "end",'
                    f" status, result, decision) VALUES (:id, {STAMP}, {STAMP}, 2, :title,"
                    " :hypothesis, :uc, :metric, :guardrails, :design, :start, :end, :status,"
                    " :result, :decision)"
                ),
                dict(zip(_COLUMNS, row, strict=True)),
            )
    engine.dispose()


#: The experiment columns of schema 0007.
OLD_COLUMNS = (
    "SELECT id, title, hypothesis, use_case_id, primary_metric, guardrails, design,"
    ' start, "end", status, result, decision FROM experiment ORDER BY id'
)


def test_0008_is_known_and_follows_0007() -> None:
    revisions = known_revisions()
    assert revisions.index("0008") == revisions.index("0007") + 1


def test_0007_experiments_keep_their_data(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_0007_workspace(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == "0007" and ws.revision == head_revision()
        placement = experiments.detail(ws=ws, experiment_id=1)
        assert (placement.title, placement.status, placement.use_case_id) == (
            "Draft placement: inline versus side panel",
            "decided",
            7,
        )
        assert placement.decision is None
        assert placement.rationale == "Ship inline placement in Reply drafts 2.0"
        assert (placement.start, placement.planned_end) == (
            dt.date(2026, 5, 4),
            dt.date(2026, 5, 28),
        )
        assert (placement.primary_metric, placement.primary_kind) == (
            "Draft acceptance rate",
            "proportion",
        )
        assert [g.name for g in placement.guardrails] == [
            "Unedited-send rate",
            "CSAT",
            "handle time",
        ]
        assert all(g.margin is None for g in placement.guardrails)
        assert (placement.design, placement.result, placement.version) == (
            "A/B 50/50",
            "+13% relative",
            2,
        )
        assert placement.variants == ()
        citations = experiments.detail(ws=ws, experiment_id=2)
        assert (citations.status, citations.guardrails, citations.planned_end) == (
            "running",
            (),
            None,
        )
        triage = experiments.detail(ws=ws, experiment_id=3)
        assert triage.status == "abandoned"
        assert [g.name for g in triage.guardrails] == ["Misroute rate", LONG[:200]]
        assert triage.design.endswith(f"Misroute rate; {LONG}")  # the cut name is kept whole
        with ws.engine.connect() as conn:
            created = conn.execute(text("SELECT created_at FROM experiment WHERE id = 1")).scalar()
        assert str(created).startswith("2025-01-01 00:00:00")
        # the new fields take edits, and the experiment can be decided
        experiments.add_variant(ws=ws, experiment_id=2, name="Control")
        experiments.add_variant(ws=ws, experiment_id=2, name="Citations")
        experiments.update_experiment(ws=ws, experiment_id=2, data={"primary_kind": "mean"})
        experiments.record_decision(ws=ws, experiment_id=2, decision="stop", rationale="No lift")
        assert experiments.detail(ws=ws, experiment_id=2).decision == "stop"
    finally:
        ws.close()


def test_downgrade_gives_the_0007_rows_back(tmp_path: Path, read_rows, downgrade) -> None:
    path = tmp_path / "legacy.aipm"
    _make_0007_workspace(path)
    before = read_rows(path, OLD_COLUMNS)
    ws = open_workspace(path)  # upgraded to the head
    try:
        experiments.add_guardrail(ws=ws, experiment_id=2, data={"name": "Latency", "kind": "mean"})
        experiments.add_variant(ws=ws, experiment_id=2, name="A")
        experiments.add_variant(ws=ws, experiment_id=2, name="B")
        experiments.set_status(ws=ws, experiment_id=2, status="analysing")
    finally:
        ws.close()
    tables = downgrade(path, "0007")
    after = read_rows(path, OLD_COLUMNS)
    # Unchanged rows come back as they were (the long guardrail name as cut); the edited
    # one keeps its edits in the old fields (analysing reads as running).
    expected = [list(r) for r in before]
    expected[2][5] = f"Misroute rate; {LONG[:200]}"
    expected[2][6] = f"Guardrails (as written before): Misroute rate; {LONG}"
    expected[0][5] = "Unedited-send rate; CSAT; handle time"
    expected[1][5] = "Latency"
    assert [list(r) for r in after] == expected
    assert not {"experiment_variant", "experiment_guardrail", "experiment_result"} & tables
    # and up again: the same experiments
    ws = open_workspace(path)
    try:
        assert [s.title for s in experiments.summaries(ws=ws)][:1] == [
            "Citations in answer bot replies"
        ]
        assert experiments.detail(ws=ws, experiment_id=1).status == "decided"
    finally:
        ws.close()


def test_downgrade_writes_the_decision_into_the_old_text(ws, read_rows, downgrade) -> None:
    experiment_id, _ = experiments.create_experiment(
        ws=ws, data={"title": "Tone A/B", "primary_metric": "CSAT", "status": "running"}
    )
    experiments.record_decision(ws=ws, experiment_id=experiment_id, decision="ship", rationale="Up")
    path = ws.path
    ws.close()
    downgrade(path, "0007")
    row = read_rows(path, OLD_COLUMNS)[0]
    assert (row[9], row[11]) == ("concluded", "Ship: Up")


def test_a_0007_dump_imports_with_converted_experiments(ws, tmp_path: Path) -> None:
    dump = tmp_path / "dump.json"
    transfer.export_json(ws=ws, out=dump)
    doc = json.loads(dump.read_text(encoding="utf-8"))
    doc["schema_version"] = "0007"
    for table in ("experiment_variant", "experiment_guardrail", "experiment_result"):
        doc["tables"].pop(table)
    doc["tables"]["experiment"] = [
        {
            "id": 5,
            "created_at": "2025-01-01T00:00:00",
            "updated_at": "2025-01-01T00:00:00",
            "version": 1,
            "title": "Old test",
            "hypothesis": "",
            "use_case_id": None,
            "primary_metric": "Acceptance",
            "guardrails": "CSAT; Latency",
            "design": "",
            "start": "2026-05-04",
            "end": "2026-05-31",
            "status": "concluded",
            "result": "",
            "decision": "Ship it",
        }
    ]
    dump.write_text(json.dumps(doc), encoding="utf-8")
    restored = transfer.import_json(source=dump, dest=tmp_path / "restored.aipm")
    try:
        info = experiments.detail(ws=restored, experiment_id=5)
        assert (info.status, info.rationale, info.planned_end) == (
            "decided",
            "Ship it",
            dt.date(2026, 5, 31),
        )
        assert [g.name for g in info.guardrails] == ["CSAT", "Latency"]
        experiments.update_experiment(ws=restored, experiment_id=5, data={"owner": "Dana"})
        assert experiments.detail(ws=restored, experiment_id=5).owner == "Dana"
    finally:
        restored.close()
