"""The overview's words and colours: actionable use cases only, plain risk wording, dots in
the risk level and status family colours, and empty lists that say why they are empty."""

from __future__ import annotations

import datetime as dt

from aipm_desktop.models import Risk, UseCase
from aipm_desktop.models.workspace import DEFAULT_RISK_BANDS
from aipm_desktop.services import records, scoring
from aipm_desktop.services.dashboard import (
    SETTLED_USE_CASES,
    USE_CASE_FAMILIES,
    dashboard,
    empty_texts,
)

TODAY = dt.date(2026, 6, 30)
BAND_COLORS = {band["name"]: band["color"] for band in DEFAULT_RISK_BANDS}


def _scored_use_case(ws, title: str, status: str, level: int) -> int:
    data = {"title": title, "status": status}
    if status == "launched":  # a launched use case needs an outcome metric
        data.update(metric_name="Deflection", metric_target=20.0, metric_unit="%")
    uc, _ = records.create(ws=ws, model=UseCase, data=data)
    model_id = scoring.active_model_id(ws=ws)
    for criterion in scoring.model_criteria(ws=ws, model_id=model_id):
        scoring.set_score(ws=ws, use_case_id=uc.id, criterion_id=criterion.id, value=level)
    return int(uc.id)


def test_top_use_cases_leave_out_launched_parked_and_retired(ws) -> None:
    shipped = _scored_use_case(ws, "Shipped", "launched", 5)
    parked = _scored_use_case(ws, "Parked", "parked", 5)
    retired = _scored_use_case(ws, "Retired", "retired", 4)
    pilot = _scored_use_case(ws, "Pilot", "pilot", 3)
    idea = _scored_use_case(ws, "Idea", "idea", 2)
    board = dashboard(ws=ws, today=TODAY, sections={"usecases"})
    items = board.top_use_cases
    assert [i.entity_id for i in items] == [pilot, idea]
    assert not {shipped, parked, retired} & {i.entity_id for i in items}
    assert board.counts["top_use_cases"] == 2  # the "N of M" counts the actionable ones
    # the rank stays the portfolio's: the pilot is 4th of all ranked use cases
    assert items[0].detail.startswith("#4 overall · score ")
    # dots by status family, with the family in words
    assert items[0].color == USE_CASE_FAMILIES["pilot"][1] and items[0].marker == "pilot (in pilot)"
    assert items[1].color == USE_CASE_FAMILIES["idea"][1] and "exploring" in items[1].marker
    assert items[0].color != items[1].color
    legend = dict(board.legends["top_use_cases"])
    assert set(legend) == {"exploring", "validated", "in pilot"}
    assert not SETTLED_USE_CASES & set(legend)


def test_every_ranked_use_case_settled_says_so(ws) -> None:
    _scored_use_case(ws, "Shipped", "launched", 5)
    board = dashboard(ws=ws, today=TODAY, sections={"usecases"})
    assert board.top_use_cases == []
    assert "launched, parked or retired" in board.empty["top_use_cases"]


def test_risk_wording_is_plain_and_dots_use_the_level_colours(ws) -> None:
    records.create(
        ws=ws,
        model=Risk,
        data={"title": "Unassessed", "category": "Privacy", "likelihood": 3, "impact": 4},
    )
    records.create(
        ws=ws,
        model=Risk,
        data={
            "title": "Mitigated",
            "category": "Safety",
            "likelihood": 4,
            "impact": 4,
            "residual_likelihood": 2,
            "residual_impact": 3,
        },
    )
    board = dashboard(ws=ws, today=TODAY, sections={"risks"})
    by_title = {item.title: item for item in board.top_risks}
    unassessed = by_title["Unassessed"]
    assert unassessed.detail.startswith("12 (high), inherent: no residual assessment yet · open")
    assert "no residual set" not in unassessed.detail
    assert unassessed.color == BAND_COLORS["high"] and unassessed.marker == "high risk"
    mitigated = by_title["Mitigated"]
    assert mitigated.detail.startswith("residual 6 (medium) · open")
    assert mitigated.color == BAND_COLORS["medium"]  # amber, not the info blue
    assert mitigated.color.lower() != "#3b7ddd"
    assert board.legends["top_risks"] == [(b["name"], b["color"]) for b in DEFAULT_RISK_BANDS]


def test_a_new_workspace_says_nothing_is_tracked_yet(ws) -> None:
    board = dashboard(ws=ws, today=TODAY)
    texts = board.empty
    assert "No KPIs tracked yet" in texts["kpi_alerts"] and "on target" not in texts["kpi_alerts"]
    assert "No KPIs tracked yet" in texts["stale_kpis"]
    assert texts["top_use_cases"].startswith("No use cases yet")
    assert texts["top_risks"].startswith("No risks recorded yet")
    assert texts["overdue_reviews"].startswith("No risks recorded yet")
    assert texts["upcoming"].startswith("Nothing planned yet")


def test_empty_texts_once_records_exist() -> None:
    counts = {"kpi": 3, "kpi_snapshot": 0, "use_case": 2, "risk": 4, "roadmap_item": 1}
    texts = empty_texts(counts)
    assert texts["kpi_alerts"].startswith("No KPI has a snapshot yet")
    assert "scored on every criterion" in texts["top_use_cases"]
    assert texts["top_risks"] == "No open risks."
    assert texts["upcoming"].startswith("Nothing due in the next")
    counts["kpi_snapshot"] = 30
    assert empty_texts(counts)["kpi_alerts"] == "No KPI is in warning or critical."
