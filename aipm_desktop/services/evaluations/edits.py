"""Writing evaluations: suites with their metrics, runs, and a run's KPI snapshot (each
write one undoable operation; importing results is in :mod:`.imports`).

A metric can be given as text, ``KIND[:COLUMN][:THRESHOLD][:blocking][:lower|higher]``
(``accuracy:0.85:blocking``, ``pass_rate:hallucinated:0.05:blocking:lower``): the kind
first, then in any order the column (pass rate, mean score), a threshold, ``blocking``,
and a direction (default: lower is better for ECE, latency and cost, else higher).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ...errors import UserError, ValidationError
from ...models import EvalMetric, EvalRun, EvalSuite, Kpi, KpiSnapshot
from ...models.common import table_of
from ...models.enums import KpiDirection
from ...models.evaluations import LOWER_IS_BETTER_KINDS, EvalMetricKind
from .. import records
from ..changes import Changes
from .data import refresh_values

if TYPE_CHECKING:
    from ...store import Workspace

_M = table_of(EvalMetric)
_SNAP = table_of(KpiSnapshot)

_KIND_NAMES = {
    EvalMetricKind.ACCURACY: "Accuracy",
    EvalMetricKind.PRECISION: "Precision",
    EvalMetricKind.RECALL: "Recall",
    EvalMetricKind.F1: "F1",
    EvalMetricKind.MACRO_PRECISION: "Macro precision",
    EvalMetricKind.MACRO_RECALL: "Macro recall",
    EvalMetricKind.MACRO_F1: "Macro F1",
    EvalMetricKind.ECE: "Calibration error (ECE)",
    EvalMetricKind.PASS_RATE: "Rate",
    EvalMetricKind.MEAN_SCORE: "Mean",
    EvalMetricKind.LATENCY_P50: "Latency p50",
    EvalMetricKind.LATENCY_P95: "Latency p95",
    EvalMetricKind.COST_PER_ITEM: "Cost per item",
}


def kind_label(kind: str, column: str = "") -> str:
    """A metric's default name: ``Accuracy``, ``Hallucinated rate``, ``Mean judge``."""
    name = _KIND_NAMES[EvalMetricKind(kind)]
    if column:
        word = column.replace("_", " ")
        return f"{word.capitalize()} rate" if kind == EvalMetricKind.PASS_RATE else f"{name} {word}"
    return name


def parse_metric(text: str) -> dict[str, Any]:
    """A metric from ``KIND[:COLUMN][:THRESHOLD][:blocking][:lower|higher]`` (see the
    module docstring) as the fields of an :class:`EvalMetric`."""
    parts = [p.strip() for p in str(text).split(":")]
    kind = records.choice_of(
        EvalMetricKind, parts[0], what="metric kind", field="kind", problem="unknown kind"
    )
    values: dict[str, Any] = {"kind": kind.value}
    for part in parts[1:]:
        word = part.lower()
        if not word:
            continue
        if word == "blocking":
            values["blocking"] = True
        elif word in ("lower", "higher"):
            values["direction"] = f"{word}_is_better"
        else:
            try:
                values["threshold"] = float(part)
            except ValueError:
                if "column" in values:
                    raise ValidationError(
                        f"Invalid metric {text!r}: two columns ({values['column']!r} and "
                        f"{part!r}); give KIND[:COLUMN][:THRESHOLD][:blocking].",
                        [("metric", "two columns")],
                    ) from None
                values["column"] = part
    return values


def metric_row(suite_id: int, spec: Mapping[str, Any] | str, position: int) -> EvalMetric:
    """A validated metric row of the suite from a mapping of fields or a metric text
    (:func:`parse_metric`); the name and direction default from the kind."""
    values = parse_metric(spec) if isinstance(spec, str) else dict(spec)
    kind = str(values.get("kind", EvalMetricKind.ACCURACY.value))
    values.setdefault(
        "direction",
        (
            KpiDirection.LOWER_IS_BETTER
            if kind in {k.value for k in LOWER_IS_BETTER_KINDS}
            else KpiDirection.HIGHER_IS_BETTER
        ).value,
    )
    if not values.get("name"):
        values["name"] = (
            kind_label(kind, str(values.get("column") or ""))
            if kind in {k.value for k in EvalMetricKind}
            else kind
        )
    values.update(suite_id=suite_id, position=position)
    return records.validate_create(EvalMetric, values)


def _check_metric_names(metrics: Sequence[EvalMetric]) -> None:
    seen: set[str] = set()
    for metric in metrics:
        key = metric.name.casefold()
        if key in seen:
            raise ValidationError(
                f"Invalid eval suite: two metrics are called {metric.name!r}; names must differ.",
                [("metrics", "duplicate name")],
            )
        seen.add(key)


def create_suite(
    *,
    ws: Workspace,
    data: Mapping[str, Any],
    metrics: Sequence[Mapping[str, Any] | str] = (),
    who: str | None = None,
) -> tuple[int, Changes]:
    """Add a suite with its metrics (mappings of :class:`EvalMetric` fields or metric
    texts, see :func:`parse_metric`), one operation."""
    suite = records.validate_create(EvalSuite, data)
    checked = [metric_row(0, m, i) for i, m in enumerate(metrics)]
    _check_metric_names(checked)
    with ws.write(label=f"Add eval suite {suite.name}", who=who) as session:
        new_id, changes = records.add_row(session, suite)
        session.add_all([metric_row(new_id, m, i) for i, m in enumerate(metrics)])
        session.flush()
    return new_id, changes


def update_suite(*, ws: Workspace, suite_id: int, data: Mapping[str, Any], **kw: Any) -> Changes:
    """Change a suite's fields (one operation; ``expected_version``, ``who`` as
    :func:`~..records.update` takes them). A new positive label recomputes the runs'
    stored metric values in the same operation."""
    with ws.write(who=kw.get("who")) as session:
        changes = records.update(ws=ws, model=EvalSuite, id=suite_id, data=data, **kw)[1]
        if "positive_label" in data:
            refresh_values(session.connection(), suite_id)
    return changes


def delete_suite(*, ws: Workspace, suite_id: int, who: str | None = None) -> Changes:
    """Delete a suite with its metrics, runs and results (one operation, undoable)."""
    return records.delete(ws=ws, model=EvalSuite, id=suite_id, who=who)


def add_metric(
    *, ws: Workspace, suite_id: int, data: Mapping[str, Any] | str, who: str | None = None
) -> tuple[int, Changes]:
    """Add a metric at the end of the suite's list."""
    with ws.write(who=who) as session:
        suite = records.existing(session, EvalSuite, suite_id, what="eval suite")
        conn = session.connection()
        last = conn.execute(
            select(func.coalesce(func.max(_M.c.position), -1)).where(_M.c.suite_id == suite_id)
        ).scalar_one()
        metric = metric_row(suite_id, data, int(last) + 1)
        names = conn.execute(select(_M.c.name).where(_M.c.suite_id == suite_id)).scalars()
        if metric.name.casefold() in {n.casefold() for n in names}:
            raise ValidationError(
                f"Invalid metric: {suite.name!r} already has a metric {metric.name!r}.",
                [("name", "duplicate name")],
            )
        session.info["label"] = f"Add metric {metric.name} to eval suite {suite.name}"
        added = records.add_row(session, metric)
        refresh_values(conn, suite_id)
        return added


def update_metric(*, ws: Workspace, metric_id: int, data: Mapping[str, Any], **kw: Any) -> Changes:
    """Change a metric's fields (kind, column, direction, threshold, blocking, slice); the
    runs' stored values follow in the same operation."""
    if "suite_id" in data:
        raise ValidationError("Invalid metric: it stays in its suite.", [("suite_id", "")])
    with ws.write(who=kw.get("who")) as session:
        metric, changes, _old = records.update(
            ws=ws, model=EvalMetric, id=metric_id, data=data, **kw
        )
        refresh_values(session.connection(), metric.suite_id)
    return changes


def delete_metric(*, ws: Workspace, metric_id: int, who: str | None = None) -> Changes:
    return records.delete(ws=ws, model=EvalMetric, id=metric_id, who=who)


#: Run fields a user edits (the source fields are the import's).
RUN_FIELDS = frozenset({"name", "run_date", "environment", "notes"})


def update_run(*, ws: Workspace, run_id: int, data: Mapping[str, Any], **kw: Any) -> Changes:
    """Change a run's version name, date, environment or notes."""
    other = sorted(set(data) - RUN_FIELDS)
    if other:
        verb = "is" if len(other) == 1 else "are"
        message = f"Invalid eval run: {', '.join(other)} {verb} set by the results import."
        raise ValidationError(message, [(n, "") for n in other])
    return records.update(ws=ws, model=EvalRun, id=run_id, data=data, **kw)[1]


def delete_run(*, ws: Workspace, run_id: int, who: str | None = None) -> Changes:
    """Delete a run and its results (one operation, undoable)."""
    return records.delete(ws=ws, model=EvalRun, id=run_id, who=who)


def record_kpi_snapshot(
    *, ws: Workspace, run_id: int, metric_id: int, kpi_id: int, scale: float = 1.0, **kw: Any
) -> tuple[int, Changes]:
    """Record the metric's value on the run as a snapshot of the KPI on the run's date
    (times ``scale``: 100 for a KPI kept in %), so offline and online quality sit on one
    chart; the run keeps a link to it. A snapshot of that KPI on that date is updated."""
    from .data import metric_specs
    from .imports import load_results
    from .metrics import metric_report

    with ws.session() as session:
        run = records.existing(session, EvalRun, run_id, what="eval run")
        kpi = records.existing(session, Kpi, kpi_id, what="KPI")
        suite_id, run_name, day = run.suite_id, run.name, run.run_date or dt.date.today()
        kpi_name = kpi.name
    spec = next((s for s in metric_specs(ws=ws, suite_id=suite_id) if s.id == metric_id), None)
    if spec is None:
        raise UserError(f"Metric {metric_id} is not a metric of this run's suite.")
    value = metric_report(spec, load_results(ws=ws, run_id=run_id), resamples=0).value
    if value is None:
        raise UserError(f"{spec.name} has no value on run {run_name}; nothing recorded.")
    note = f"{spec.name} of eval run {run_name}"[:500]
    label = f"Record {kpi_name} from eval run {run_name}"
    with ws.write(label=label[:300], who=kw.get("who")) as session:
        existing_id = session.execute(
            select(_SNAP.c.id).where(_SNAP.c.kpi_id == kpi_id, _SNAP.c.date == day)
        ).scalar()
        snapshot = None if existing_id is None else session.get(KpiSnapshot, existing_id)
        if snapshot is None:
            snapshot = records.validate_create(
                KpiSnapshot,
                {
                    "kpi_id": kpi_id,
                    "date": day,
                    "value": value * scale,
                    "note": note,
                    "source": "evaluation",
                },
            )
            session.add(snapshot)
        else:
            snapshot.value, snapshot.note, snapshot.source = value * scale, note, "evaluation"
            records.touch(snapshot)
        session.flush()
        run_row = records.existing(session, EvalRun, run_id, what="eval run")
        if run_row.kpi_snapshot_id != snapshot.id:
            run_row.kpi_snapshot_id = snapshot.id
            records.touch(run_row)
        session.flush()
        snapshot_id = int(snapshot.id)  # type: ignore[arg-type]
    return snapshot_id, Changes("kpi_snapshot", (snapshot_id,), "create")
