"""KPI definitions and snapshots."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    enum_checks,
    enum_field,
    parent_ref,
    partial_model,
    person_field,
    use_case_ref,
)
from .enums import Frequency, KpiDirection
from .validators import validate_finite, validate_required, validate_stripped


class KpiBase(Schema):
    catalog_key: str = Field(default="", max_length=60)
    name: str = Field(max_length=200)
    description: str = ""
    unit: str = Field(default="", max_length=40)
    direction: KpiDirection = enum_field(KpiDirection.HIGHER_IS_BETTER)
    baseline: float | None = None
    target: float | None = None
    warning: float | None = None
    critical: float | None = None
    frequency: Frequency = enum_field(Frequency.WEEKLY)
    category: str = Field(default="", max_length=60)
    owner: str = person_field()
    data_source: str = Field(default="", max_length=300)
    use_case_id: int | None = use_case_ref()

    _name = validate_required("name", label="KPI name")
    _strip = validate_stripped("unit", "category", "owner", "data_source")

    @model_validator(mode="after")
    def _threshold_order(self) -> KpiBase:
        """Thresholds run from target towards critical, in the KPI's direction."""
        values = [v for v in (self.target, self.warning, self.critical) if v is not None]
        if len(values) >= 2:
            lower_better = self.direction == KpiDirection.LOWER_IS_BETTER
            ordered = sorted(values) if lower_better else sorted(values, reverse=True)
            if values != ordered:
                word = "rise" if lower_better else "fall"
                raise ValueError(f"target, warning and critical thresholds must {word} in order")
        return self


class KpiCreate(KpiBase): ...


KpiUpdate = partial_model(KpiBase)


class Kpi(KpiBase, TableMixin, table=True):
    __table_args__ = enum_checks("kpi", direction=KpiDirection, frequency=Frequency)


class KpiSnapshotBase(Schema):
    kpi_id: int = parent_ref("kpi")
    date: dt.date
    value: float
    note: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=200)

    _finite = validate_finite("value", message="a snapshot value must be a finite number")


class KpiSnapshotCreate(KpiSnapshotBase): ...


KpiSnapshotUpdate = partial_model(KpiSnapshotBase)


class KpiSnapshot(KpiSnapshotBase, TableMixin, table=True):
    __table_args__ = (UniqueConstraint("kpi_id", "date", name="uq_kpi_snapshot_kpi_date"),)
