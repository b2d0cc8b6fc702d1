"""The overview dashboard's cost section: envelope breaches of tracked KPIs."""

from __future__ import annotations

import datetime as dt

from aipm_desktop.services import costs, kpis
from aipm_desktop.services.dashboard import dashboard
from aipm_desktop.services.workspace import new_workspace


def test_demo_has_one_envelope_breach(tmp_path) -> None:
    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    try:
        board = dashboard(ws=ws, sections={"costs"})
        assert board.kpi_alerts is None  # not asked for
        assert board.counts["envelope_breaches"] == 1
        [item] = board.envelope_breaches or []
        assert (
            item.kind == "cost_model" and item.title == "Reply drafts: large model + prompt cache"
        )
        assert item.entity_id == costs.find_model(ws=ws, ref=item.title)
        assert "Cost per accepted draft 0.0334 USD" in item.detail
        assert item.detail.endswith("above the envelope of 0.03 USD (11% over)")
        assert item.severity == "warning"

        breach = costs.envelope_breaches(ws=ws)[0]
        kpis.set_snapshot(
            ws=ws, kpi_id=breach.kpi_id, day=breach.latest_date + dt.timedelta(days=1), value=0.05
        )
        [item] = dashboard(ws=ws, sections={"costs"}).envelope_breaches or []
        assert item.severity == "critical" and "(67% over)" in item.detail
    finally:
        ws.close()


def test_no_cost_models_no_breaches(ws) -> None:
    board = dashboard(ws=ws)
    assert board.envelope_breaches == [] and board.counts["envelope_breaches"] == 0
