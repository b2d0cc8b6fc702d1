"""Validators shared by forms, importers and the CLI live on the Base classes."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipm_desktop.models import (
    KpiCreate,
    RiskCreate,
    RiskUpdate,
    RoadmapItemCreate,
    UseCaseCreate,
    UseCaseUpdate,
    WorkspaceSettingsUpdate,
)


def test_update_classes_make_every_field_optional() -> None:
    assert UseCaseUpdate().model_dump(exclude_unset=True) == {}
    assert UseCaseUpdate(owner="Ana").model_dump(exclude_unset=True) == {"owner": "Ana"}


def test_update_classes_keep_field_rules() -> None:
    with pytest.raises(pydantic.ValidationError):
        RiskUpdate(likelihood=9)


@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=5))
def test_any_likelihood_and_impact_in_range_is_accepted(likelihood: int, impact: int) -> None:
    risk = RiskCreate(title="Prompt injection", likelihood=likelihood, impact=impact)
    assert (risk.likelihood, risk.impact) == (likelihood, impact)


@given(st.integers().filter(lambda v: v < 1 or v > 5))
def test_likelihood_out_of_range_is_rejected(value: int) -> None:
    with pytest.raises(pydantic.ValidationError):
        RiskCreate(title="Drift", likelihood=value)


def test_accepted_risk_needs_rationale_and_approver() -> None:
    with pytest.raises(pydantic.ValidationError, match="rationale and an approver"):
        RiskCreate(title="Latency", status="accepted")
    ok = RiskCreate(
        title="Latency", status="accepted", acceptance_rationale="Within SLA", approver="CTO"
    )
    assert ok.status == "accepted"


def test_kpi_thresholds_follow_direction() -> None:
    KpiCreate(
        name="Hallucination rate", direction="lower_is_better", target=2, warning=4, critical=6
    )
    with pytest.raises(pydantic.ValidationError, match="rise in order"):
        KpiCreate(
            name="Hallucination rate", direction="lower_is_better", target=6, warning=4, critical=2
        )
    KpiCreate(name="Adoption", direction="higher_is_better", target=40, warning=30, critical=20)
    with pytest.raises(pydantic.ValidationError, match="fall in order"):
        KpiCreate(name="Adoption", direction="higher_is_better", target=20, warning=30)


def test_roadmap_dates_are_ordered_and_milestones_are_one_day() -> None:
    day = dt.date(2026, 3, 2)
    with pytest.raises(pydantic.ValidationError, match="end date"):
        RoadmapItemCreate(title="Label data", start=day, end=day - dt.timedelta(days=1))
    with pytest.raises(pydantic.ValidationError, match="same day"):
        RoadmapItemCreate(title="Beta", kind="milestone", start=day, end=day + dt.timedelta(days=3))


def test_use_case_text_is_trimmed_and_title_required() -> None:
    assert UseCaseCreate(title="  Route tickets ").title == "Route tickets"
    with pytest.raises(pydantic.ValidationError, match="Title must not be empty"):
        UseCaseCreate(title="   ")


def test_risk_bands_must_cover_the_scale() -> None:
    with pytest.raises(pydantic.ValidationError, match="end at 25"):
        WorkspaceSettingsUpdate(risk_bands=[{"name": "low", "max": 10}])
    with pytest.raises(pydantic.ValidationError, match="increasing"):
        WorkspaceSettingsUpdate(risk_bands=[{"name": "a", "max": 10}, {"name": "b", "max": 5}])
