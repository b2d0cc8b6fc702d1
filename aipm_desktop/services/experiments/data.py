"""Experiments in the workspace, read back: the list (:func:`summaries`,
:func:`experiment_list_spec`), one experiment with its variants and guardrails
(:func:`detail`), finding one by id or title, and the status moves and labels the writes
(:mod:`.edits`) follow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ...models import (
    Experiment,
    ExperimentDecision,
    ExperimentGuardrail,
    ExperimentResult,
    ExperimentStatus,
    ExperimentVariant,
    Kpi,
    RoadmapItem,
    UseCase,
)
from ...models.common import table_of
from .. import records
from ..listing import ListColumn, ListSpec, enum_column

if TYPE_CHECKING:
    from ...store import Workspace

_E, _V, _G, _R = map(
    table_of, (Experiment, ExperimentVariant, ExperimentGuardrail, ExperimentResult)
)
_UC, _KPI, _ITEM = map(table_of, (UseCase, Kpi, RoadmapItem))
#: The records an experiment refers to, by the field its detail shows their name in:
#: (name column, join condition).
_REFERRED = {
    "use_case": (_UC.c.title, _UC.c.id == _E.c.use_case_id),
    "kpi": (_KPI.c.name, _KPI.c.id == _E.c.kpi_id),
    "roadmap_item": (_ITEM.c.title, _ITEM.c.id == _E.c.roadmap_item_id),
}
#: Experiments with their use case (the lists show its title).
_WITH_USE_CASE = _E.outerjoin(_UC, _REFERRED["use_case"][1])

#: The order an experiment moves through (abandoned ends it without a decision).
STATUS_ORDER = (
    ExperimentStatus.DRAFT,
    ExperimentStatus.RUNNING,
    ExperimentStatus.ANALYSING,
    ExperimentStatus.DECIDED,
)
#: The moves :func:`set_status` makes (decided is reached by :func:`record_decision`).
MOVES: dict[ExperimentStatus, tuple[ExperimentStatus, ...]] = {
    ExperimentStatus.DRAFT: (ExperimentStatus.RUNNING, ExperimentStatus.ABANDONED),
    ExperimentStatus.RUNNING: (
        ExperimentStatus.ANALYSING,
        ExperimentStatus.DRAFT,
        ExperimentStatus.ABANDONED,
    ),
    ExperimentStatus.ANALYSING: (ExperimentStatus.RUNNING, ExperimentStatus.ABANDONED),
    ExperimentStatus.DECIDED: (ExperimentStatus.ANALYSING,),
    ExperimentStatus.ABANDONED: (ExperimentStatus.DRAFT,),
}
DECISION_LABELS = {
    ExperimentDecision.SHIP: "Ship",
    ExperimentDecision.ITERATE: "Iterate",
    ExperimentDecision.STOP: "Stop",
}


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentSummary(records.AsDict):
    """One experiment in a list."""

    id: int
    title: str
    status: str
    use_case: str
    owner: str
    primary_metric: str
    start: dt.date | None
    planned_end: dt.date | None
    variants: int
    decision: str | None
    result_rows: int


@dataclass(frozen=True)
class VariantInfo(records.AsDict):
    """An arm: ``share`` is its planned allocation (its weight over the weights' sum)."""

    id: int
    name: str
    weight: float
    share: float
    position: int
    description: str
    is_control: bool
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


@dataclass(frozen=True)
class GuardrailInfo(records.AsDict):
    id: int
    name: str
    kind: str
    margin: float | None
    relative: bool
    higher_is_better: bool
    position: int
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


@dataclass(frozen=True)
class MetricInfo(records.AsDict):
    """A metric a readout reports: the primary metric or a guardrail (``margin`` set only
    for a guardrail that has one)."""

    name: str
    kind: str
    higher_is_better: bool
    role: str  # "primary" or "guardrail"
    margin: float | None = None
    relative: bool = False


@dataclass(frozen=True)
class ExperimentDetail:
    """Everything about one experiment but its results (see :mod:`.readout`)."""

    id: int
    version: int
    title: str
    hypothesis: str
    use_case_id: int | None
    use_case: str
    owner: str
    status: str
    randomisation_unit: str
    eligibility: str
    start: dt.date | None
    planned_end: dt.date | None
    primary_metric: str
    primary_kind: str
    primary_higher_is_better: bool
    peeking: str
    baseline: float | None
    sd: float | None
    mde: float | None
    mde_relative: bool
    alpha: float
    power: float
    correction: str
    daily_units: float | None
    kpi_id: int | None
    kpi: str
    roadmap_item_id: int | None
    roadmap_item: str
    design: str
    result: str
    decision: str | None
    rationale: str
    decided_by: str
    decided_at: dt.datetime | None
    results_file: str
    results_sha256: str
    results_rows: int
    results_imported_at: dt.datetime | None
    variants: tuple[VariantInfo, ...] = ()
    guardrails: tuple[GuardrailInfo, ...] = ()
    result_count: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def control(self) -> VariantInfo | None:
        return self.variants[0] if self.variants else None

    @property
    def treatments(self) -> tuple[VariantInfo, ...]:
        return self.variants[1:]

    @property
    def metrics(self) -> tuple[MetricInfo, ...]:
        """The primary metric (when named), then the guardrails in their order."""
        found: list[MetricInfo] = []
        if self.primary_metric:
            found.append(
                MetricInfo(
                    self.primary_metric, self.primary_kind, self.primary_higher_is_better, "primary"
                )
            )
        found += [
            MetricInfo(g.name, g.kind, g.higher_is_better, "guardrail", g.margin, g.relative)
            for g in self.guardrails
        ]
        return tuple(found)

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(
            self,
            variants=[v.as_dict() for v in self.variants],
            guardrails=[g.as_dict() for g in self.guardrails],
        )


#: ``find_experiment(*, ws, ref)``: the id of the experiment ``ref`` names, an id or a
#: title (any case).
find_experiment = records.RefFinder(
    _E, "title", "experiment", id_hint="its id (aipm experiments list)", list_names=True
)


def summaries(*, ws: Workspace) -> list[ExperimentSummary]:
    """Every experiment: running and analysing first, then drafts, then the rest; newest
    start first within each."""
    variants = (
        select(_V.c.experiment_id, func.count().label("n")).group_by(_V.c.experiment_id).subquery()
    )
    results = (
        select(_R.c.experiment_id, func.count().label("n")).group_by(_R.c.experiment_id).subquery()
    )
    query = select(
        _E.c.id,
        _E.c.title,
        _E.c.status,
        _UC.c.title.label("use_case"),
        _E.c.owner,
        _E.c.primary_metric,
        _E.c.start,
        _E.c.planned_end,
        func.coalesce(variants.c.n, 0).label("variants"),
        _E.c.decision,
        func.coalesce(results.c.n, 0).label("result_rows"),
    ).select_from(
        _WITH_USE_CASE.outerjoin(variants, variants.c.experiment_id == _E.c.id).outerjoin(
            results, results.c.experiment_id == _E.c.id
        )
    )
    rank = {
        ExperimentStatus.RUNNING: 0,
        ExperimentStatus.ANALYSING: 0,
        ExperimentStatus.DRAFT: 1,
        ExperimentStatus.DECIDED: 2,
        ExperimentStatus.ABANDONED: 3,
    }
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    found = [
        records.from_row(
            ExperimentSummary,
            r,
            use_case=r.use_case or "",
            variants=int(r.variants),
            result_rows=int(r.result_rows),
        )
        for r in rows
    ]
    found.sort(key=lambda s: (-(s.start or dt.date.min).toordinal(), s.id))
    found.sort(key=lambda s: rank.get(ExperimentStatus(s.status), 9))
    return found


def detail(*, ws: Workspace, experiment_id: int) -> ExperimentDetail:
    """One experiment with its variants (control first), guardrails and result span."""
    with ws.engine.connect() as conn:
        return detail_from_connection(conn, experiment_id)


def detail_from_connection(conn: Any, experiment_id: int) -> ExperimentDetail:
    """:func:`detail` on an open connection (a write's, the demo builder's)."""
    row = records.named_row(conn, _E, experiment_id, "experiment", **_REFERRED)
    variant_rows = conn.execute(
        select(_V.c.id, _V.c.name, _V.c.weight, _V.c.position, _V.c.description, _V.c.version)
        .where(_V.c.experiment_id == experiment_id)
        .order_by(_V.c.position, _V.c.id)
    ).all()
    weights = sum(float(v.weight) for v in variant_rows) or 1.0
    guardrail_rows = conn.execute(
        select(_G).where(_G.c.experiment_id == experiment_id).order_by(_G.c.position, _G.c.id)
    ).all()
    count, first_day, last_day = conn.execute(
        select(func.count(), func.min(_R.c.day), func.max(_R.c.day)).where(
            _R.c.experiment_id == experiment_id
        )
    ).one()
    return records.from_row(
        ExperimentDetail,
        row,
        variants=tuple(
            records.from_row(VariantInfo, v, share=float(v.weight) / weights, is_control=i == 0)
            for i, v in enumerate(variant_rows)
        ),
        guardrails=tuple(records.from_row(GuardrailInfo, g) for g in guardrail_rows),
        result_count=int(count),
        first_day=first_day,
        last_day=last_day,
    )


# -- list spec ---------------------------------------------------------------------------------


def _date_column(key: str, label: str, column: Any) -> ListColumn:
    """A column of dates: sortable, not filterable."""
    return ListColumn(key, label, column, width=11, formatter="date", filterable=False)


def experiment_list_spec() -> ListSpec:
    """The experiments list: title, status, use case, primary metric, owner, start,
    planned end, decision."""
    from ...models import ExperimentDecision

    return ListSpec(
        kind="experiment",
        source=_WITH_USE_CASE,
        id_column=_E.c.id,
        noun=("experiment", "experiments"),
        empty_text="No experiments yet. Add one to plan an A/B test and read its results.",
        columns=(
            ListColumn("title", "Title", _E.c.title, width=40),
            enum_column("status", "Status", _E.c.status, ExperimentStatus, width=10),
            ListColumn("use_case", "Use case", _UC.c.title, width=24),
            ListColumn("metric", "Primary metric", _E.c.primary_metric, width=24),
            ListColumn("owner", "Owner", _E.c.owner, width=16),
            _date_column("start", "Start", _E.c.start),
            _date_column("planned_end", "Planned end", _E.c.planned_end),
            enum_column("decision", "Decision", _E.c.decision, ExperimentDecision, width=9),
        ),
        default_sort="start",
        default_descending=True,
    )
