"""Migration 0006 (unit economics): a 0005 file's cost models keep their values and their
cost per request, the price table is seeded, and a 0005 JSON dump imports the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from aipm_desktop.services import costs, transfer
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

STAMP = "'2025-01-01 00:00:00'"


def _make_0005_workspace(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0005")
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
                " target_users, value_hypothesis, metric_name, metric_unit, status, owner, area,"
                " tags, data_sources, data_availability, latency_requirement, safety_constraints,"
                f" human_in_loop, decision, decision_rationale) VALUES (7, {STAMP}, {STAMP}, 1,"
                " 'Answer bot', '', '', '', '', '', 'idea', '', '', '', '', '', '', '', '',"
                " 'undecided', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO cost_model (id, created_at, updated_at, version, name, use_case_id,"
                " requests_per_month, tokens_per_request, cost_per_1k_tokens,"
                " other_cost_per_request, fixed_monthly_cost, success_rate,"
                f" target_cost_per_task, notes) VALUES (3, {STAMP}, {STAMP}, 4,"
                " 'Bot: cost per resolved conversation', 7, 900000, 3200, 0.003, 0.001, 2000,"
                " 0.41, 0.06, 'Bot turns at GA volume')"
            )
        )
    engine.dispose()


def test_0006_is_known_and_follows_0005() -> None:
    revisions = known_revisions()
    assert revisions.index("0006") == revisions.index("0005") + 1


def test_0005_cost_models_keep_their_values_and_cost(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_0005_workspace(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == "0005" and ws.revision == head_revision()
        inputs = costs.load_inputs(ws=ws, model_id=3)
        assert (inputs.name, inputs.use_case_id, inputs.notes) == (
            "Bot: cost per resolved conversation",
            7,
            "Bot turns at GA volume",
        )
        assert inputs.requests_per_month == 900_000
        assert inputs.input_tokens_per_request == 3_200
        assert inputs.output_tokens_per_request == 0
        assert inputs.price_input_per_m == pytest.approx(3.0)  # 0.003 per 1k x 1,000
        assert inputs.retrieval_cost_per_request == 0.001
        assert (inputs.fixed_monthly_cost, inputs.success_rate) == (2_000, 0.41)
        assert inputs.target_cost_per_task == 0.06
        assert (inputs.role, inputs.currency, inputs.price) == ("none", "USD", None)
        assert "per 1,000 tokens" in inputs.sources["price_input_per_m"]
        assert inputs.sensitivity_ranges == {}  # no tornado ranges of the user's yet
        # before: 3,200 tokens x 0.003 / 1,000 + 0.001 = 0.0106 per request, as now
        out = costs.compute(inputs)
        assert out.cost_per_request == pytest.approx(0.0106)
        # (900,000 x 0.0106 + 2,000) / (900,000 x 0.41) = 11,540 / 369,000
        assert out.cost_per_successful_task == pytest.approx(11_540 / 369_000)
        with ws.engine.connect() as conn:
            row = conn.execute(
                text("SELECT version, created_at FROM cost_model WHERE id = 3")
            ).one()
        assert row.version == 4 and str(row.created_at).startswith("2025-01-01 00:00:00")
        # the price table came with the upgrade, and the new columns take edits
        assert len(costs.price_rows(ws=ws)) >= 10
        costs.update_model(ws=ws, model_id=3, data={"success_rate": 0, "role": "partner"})
        costs.update_model(
            ws=ws, model_id=3, data={"sensitivity_ranges": {"success_rate": [0.3, 0.6]}}
        )
        assert costs.load_inputs(ws=ws, model_id=3).sensitivity_ranges == {
            "success_rate": (0.3, 0.6)
        }
        assert costs.compute(costs.load_inputs(ws=ws, model_id=3)).cost_per_successful_task is None
    finally:
        ws.close()


def test_a_0005_dump_imports_with_converted_cost_models(ws, tmp_path: Path) -> None:
    dump = tmp_path / "dump.json"
    transfer.export_json(ws=ws, out=dump)
    doc = json.loads(dump.read_text(encoding="utf-8"))
    doc["schema_version"] = "0005"
    doc["tables"].pop("model_price")
    doc["tables"]["cost_model"] = [
        {
            "id": 1,
            "created_at": "2025-01-01T00:00:00",
            "updated_at": "2025-01-01T00:00:00",
            "version": 1,
            "name": "Summaries",
            "use_case_id": None,
            "requests_per_month": 600000,
            "tokens_per_request": 2600,
            "cost_per_1k_tokens": 0.0006,
            "other_cost_per_request": 0.0,
            "fixed_monthly_cost": 800,
            "success_rate": 0.93,
            "target_cost_per_task": 0.004,
            "notes": "",
        }
    ]
    dump.write_text(json.dumps(doc), encoding="utf-8")
    restored = transfer.import_json(source=dump, dest=tmp_path / "restored.aipm")
    try:
        inputs = costs.load_inputs(ws=restored, model_id=1)
        assert inputs.input_tokens_per_request == 2_600
        assert inputs.price_input_per_m == pytest.approx(0.6)
        # 2,600 x 0.6 / 1e6 = 0.00156 per request, as 2,600 x 0.0006 / 1,000 was
        assert costs.compute(inputs).cost_per_request == pytest.approx(0.00156)
    finally:
        restored.close()
