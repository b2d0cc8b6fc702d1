"""The helpers the entity classes share (``models.common``, ``models.validators``) build
exactly the schema the migrations create, and the rules they stand for hold."""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import pkgutil
import re

import pydantic
import pytest
from sqlalchemy import CheckConstraint, inspect
from sqlmodel import SQLModel

import aipm_desktop.models as models_package
from aipm_desktop.models.common import enum_check, enum_checks
from aipm_desktop.models.compliance import AiActAssessment
from aipm_desktop.models.incidents import IncidentKpiLink, IncidentTimelineEntry
from aipm_desktop.models.kpis import KpiSnapshotCreate
from aipm_desktop.models.risks import RiskUseCaseLink
from aipm_desktop.models.runbooks import RollbackCriterionCreate
from aipm_desktop.models.workspace import WorkspaceSettings
from aipm_desktop.services.records import input_model


def _all_tables() -> list:
    """Every table of the models (each module imported: no reliance on the package's
    ``__init__`` importing them)."""
    for module in pkgutil.iter_modules(models_package.__path__):
        importlib.import_module(f"{models_package.__name__}.{module.name}")
    return list(SQLModel.metadata.sorted_tables)


def _normalised(sql: object) -> str:
    return re.sub(r"\s+", " ", str(sql)).strip()


def test_check_constraints_match_the_migrated_schema(ws) -> None:
    """Names and expressions of every CHECK constraint: the models' and the migrations'."""
    with ws.engine.connect() as conn:
        inspector = inspect(conn)
        for table in _all_tables():
            in_models = {
                (c.name, _normalised(c.sqltext))
                for c in table.constraints
                if isinstance(c, CheckConstraint)
            }
            in_file = {
                (c["name"], _normalised(c["sqltext"]))
                for c in inspector.get_check_constraints(table.name)
            }
            assert in_models == in_file, table.name


class _Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


def test_enum_checks_are_named_after_table_and_column() -> None:
    checks = enum_checks("palette", status=_Colour, group=_Colour)
    assert [c.name for c in checks] == ["ck_palette_status", "ck_palette_group"]
    assert str(checks[0].sqltext) == "status IN ('red', 'blue')"
    # a reserved word is quoted, so the expression is portable SQL
    assert str(checks[1].sqltext) == "\"group\" IN ('red', 'blue')"
    nullable = enum_check("group", _Colour, "ck_x", nullable=True)
    assert str(nullable.sqltext) == "\"group\" IS NULL OR \"group\" IN ('red', 'blue')"


def test_entity_tables_are_named_after_their_class() -> None:
    assert AiActAssessment.__tablename__ == "ai_act_assessment"
    assert WorkspaceSettings.__table__.name == "workspace_settings"  # type: ignore[attr-defined]


def test_link_tables() -> None:
    table = IncidentKpiLink.__table__  # type: ignore[attr-defined]
    assert IncidentKpiLink.__name__ == "IncidentKpiLink"
    assert IncidentKpiLink.__module__ == "aipm_desktop.models.incidents"
    assert IncidentKpiLink.__doc__ == "Many-to-many: the KPIs an incident moved."
    assert table.name == "incident_kpi"
    assert [c.name for c in table.primary_key.columns] == ["incident_id", "kpi_id"]
    targets = {fk.parent.name: (fk.target_fullname, fk.ondelete) for fk in table.foreign_keys}
    assert targets == {
        "incident_id": ("incident.id", "CASCADE"),
        "kpi_id": ("kpi.id", "CASCADE"),
    }
    assert [[c.name for c in ix.columns] for ix in table.indexes] == [["kpi_id"]]
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    assert (link.name, list(link.c.keys())) == ("risk_use_case", ["risk_id", "use_case_id"])


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_numbers_must_be_finite(value: float) -> None:
    with pytest.raises(pydantic.ValidationError, match="a snapshot value must be a finite"):
        KpiSnapshotCreate(kpi_id=1, date=dt.date(2025, 1, 1), value=value)
    with pytest.raises(pydantic.ValidationError, match="must be a finite number"):
        RollbackCriterionCreate(runbook_id=1, threshold=value)
    assert RollbackCriterionCreate(runbook_id=1, threshold=2.5).threshold == 2.5


def test_timestamps_are_kept_in_utc_to_the_second() -> None:
    entry = input_model(IncidentTimelineEntry)  # what a new timeline entry is checked with
    naive = entry(incident_id=1, at=dt.datetime(2025, 3, 1, 9, 30, 15, 999), what="Paged")
    assert naive.at == dt.datetime(2025, 3, 1, 9, 30, 15, tzinfo=dt.UTC)
    cet = dt.timezone(dt.timedelta(hours=1))
    aware = entry(incident_id=1, at=dt.datetime(2025, 3, 1, 10, 30, tzinfo=cet), what="Paged")
    assert aware.at == dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert aware.at.tzinfo is dt.UTC
