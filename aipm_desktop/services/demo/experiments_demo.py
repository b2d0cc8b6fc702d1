"""The sample workspace's experiments: their design (variants, guardrails, planning
inputs, links), decisions, and the daily results of the two that have them.

A mixin of the demo builder (through :class:`~.operations_demo.OperationsDemo`); it uses
the builder's ``add`` / ``add_many`` / ``day`` / ``moment`` and its remembered ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlmodel import Session, SQLModel

from ...models import (
    Experiment,
    ExperimentGuardrail,
    ExperimentResult,
    ExperimentVariant,
    Kpi,
    RoadmapItem,
)
from ...models.common import table_of

if TYPE_CHECKING:
    from .content import DemoContent

_DESIGN = (
    "owner",
    "status",
    "randomisation_unit",
    "eligibility",
    "primary_metric",
    "primary_kind",
    "primary_higher_is_better",
    "peeking",
    "baseline",
    "sd",
    "mde",
    "mde_relative",
    "alpha",
    "power",
    "correction",
    "daily_units",
    "design",
    "result",
    "decision",
    "rationale",
    "decided_by",
)


class ExperimentsDemo:
    """Adds the experiments (mixed into the demo builder, which provides these)."""

    session: Session
    content: DemoContent
    use_cases: dict[str, int]
    items: dict[str, RoadmapItem]
    day: Callable[[int], dt.date]
    moment: Callable[..., dt.datetime]
    add: Callable[[type[SQLModel], dict[str, Any]], Any]
    add_many: Callable[[type[SQLModel], Sequence[dict[str, Any]]], list[Any]]

    def add_experiments(self) -> None:
        """The four experiments; the decided placement test and the running citations
        test carry daily results (``experiment_results.csv``), so their readouts and
        charts show something to read."""
        from ..experiments.imports import AGGREGATE_COLUMNS

        kpis = {k.name: k.id for k in self.session.execute(select(Kpi)).scalars()}
        starts: dict[str, dt.date] = {}
        variants: dict[tuple[str, str], int] = {}
        for spec in self.content.experiments:
            start = self.day(7 * spec["start"])
            decided = spec["decided_days"]
            row = {name: spec[name] for name in _DESIGN}
            row.update(
                title=spec["title"],
                hypothesis=spec["hypothesis"],
                use_case_id=self.use_cases[spec["use_case"]],
                start=start,
                planned_end=self.day(7 * spec["end"] - 1),
                kpi_id=kpis[spec["kpi"]] if spec["kpi"] else None,
                roadmap_item_id=self.items[spec["roadmap"]].id if spec["roadmap"] else None,
                decided_at=None if decided is None else self.moment(decided, 15),
            )
            experiment = self.add(Experiment, row)
            self.session.flush()
            starts[spec["title"]] = start
            rows = [
                {
                    "experiment_id": experiment.id,
                    "name": name,
                    "weight": weight,
                    "description": description,
                    "position": position,
                }
                for position, (name, weight, description) in enumerate(spec["variants"])
            ]
            for variant in self.add_many(ExperimentVariant, rows):
                variants[(spec["title"], variant.name)] = variant.id
            self.add_many(
                ExperimentGuardrail,
                [
                    {**guardrail, "experiment_id": experiment.id, "position": position}
                    for position, guardrail in enumerate(spec["guardrails"])
                ],
            )
        ids = {title: self._experiment_id(title) for title in starts}
        results = []
        for r in self.content.experiment_results:
            title = r["experiment"]
            values = {
                "experiment_id": ids[title],
                "variant_id": variants[(title, r["variant"])],
                "metric": r["metric"],
                "day": starts[title] + dt.timedelta(days=int(r["day"])),
                "units": int(r["units"]),
            }
            for column, name in AGGREGATE_COLUMNS.items():
                if name != "units":
                    values[name] = float(r[column]) if r[column] else None
            results.append(values)
        if results:
            self.session.execute(insert(table_of(ExperimentResult)), results)

    def _experiment_id(self, title: str) -> int:
        table = table_of(Experiment)
        return int(
            self.session.execute(select(table.c.id).where(table.c.title == title)).scalar_one()
        )
