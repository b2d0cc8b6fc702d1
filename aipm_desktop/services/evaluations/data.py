"""Reading evaluations: suites, their metrics and runs, a run's report, and the failing
blocking metrics the Overview and the launch gate show.

Reports (:func:`run_report`) decode the run's results and compute every metric with
bootstrap intervals (seconds on 100,000 examples: call it off the UI thread, with
``progress``); :func:`failing_blocking` computes point values only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from ...errors import NotFoundError, UserError
from ...models import EvalMetric, EvalRun, EvalRunResults, EvalSuite, UseCase
from ...models.common import table_of
from .. import records
from ..records import AsDict, RefFinder, from_row

if TYPE_CHECKING:
    from ...store import Workspace
    from .metrics import RunReport
    from .spec import MetricSpec, Progress

_S = table_of(EvalSuite)
_M = table_of(EvalMetric)
_RUN = table_of(EvalRun)
_RES = table_of(EvalRunResults)
_UC = table_of(UseCase)

find_suite = RefFinder(_S, "name", "eval suite", list_names=True)
"""The id of the suite ``ref`` names (an id or a name, any case)."""


@dataclass(frozen=True)
class SuiteInfo(AsDict):
    """A suite as lists show it."""

    id: int
    name: str
    use_case_id: int | None
    use_case: str
    owner: str
    slices: str
    classes: str
    positive_label: str
    metrics: int
    runs: int
    latest_run: str
    latest_date: dt.date | None


@dataclass(frozen=True)
class RunInfo(AsDict):
    """A run of a suite (newest last in :func:`runs`)."""

    id: int
    suite_id: int
    name: str
    run_date: dt.date | None
    environment: str
    notes: str
    source_file: str
    source_sha256: str
    source_rows: int
    imported_at: dt.datetime | None
    kpi_snapshot_id: int | None


def suites(*, ws: Workspace, use_case_id: int | None = None) -> list[SuiteInfo]:
    """Every suite (of one use case), by name, with counts and its latest run."""
    metric_count = (
        select(func.count()).where(_M.c.suite_id == _S.c.id).correlate(_S).scalar_subquery()
    )
    run_count = (
        select(func.count()).where(_RUN.c.suite_id == _S.c.id).correlate(_S).scalar_subquery()
    )
    query = (
        select(
            _S,
            func.coalesce(_UC.c.title, "").label("use_case"),
            metric_count.label("metric_count"),
            run_count.label("run_count"),
        )
        .select_from(_S.outerjoin(_UC, _UC.c.id == _S.c.use_case_id))
        .order_by(func.lower(_S.c.name), _S.c.id)
    )
    if use_case_id is not None:
        query = query.where(_S.c.use_case_id == use_case_id)
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
        latest = {r.suite_id: r for r in _latest_runs(conn)}
    out = []
    for row in rows:
        last = latest.get(row.id)
        out.append(
            from_row(
                SuiteInfo,
                row,
                metrics=int(row.metric_count),
                runs=int(row.run_count),
                latest_run=last.name if last else "",
                latest_date=last.run_date if last else None,
            )
        )
    return out


def _run_order() -> tuple:
    return (func.coalesce(_RUN.c.run_date, dt.date.min), _RUN.c.id)


def _latest_runs(conn: object, suite_ids: Sequence[int] | None = None) -> list:
    """The latest run of each suite (by run date, then import order)."""
    ranked = select(
        _RUN.c.id,
        _RUN.c.suite_id,
        _RUN.c.name,
        _RUN.c.run_date,
        _RUN.c.metric_values,
        func.row_number()
        .over(partition_by=_RUN.c.suite_id, order_by=[o.desc() for o in _run_order()])
        .label("rank"),
    )
    if suite_ids is not None:
        ranked = ranked.where(_RUN.c.suite_id.in_(list(suite_ids)))
    sub = ranked.subquery()
    return list(conn.execute(select(sub).where(sub.c.rank == 1)))  # type: ignore[attr-defined]


def suite_row(*, ws: Workspace, suite_id: int) -> EvalSuite:
    """The suite as an ORM object (for a form)."""
    return records.get(ws=ws, model=EvalSuite, id=suite_id)


def metric_specs(*, ws: Workspace, suite_id: int) -> list[MetricSpec]:
    """The suite's metrics in order, as reports compute them."""
    with ws.engine.connect() as conn:
        return specs_on(conn, suite_id)


def specs_on(conn: Any, suite_id: int) -> list[MetricSpec]:
    """:func:`metric_specs` on an open connection (inside a write)."""
    from .spec import MetricSpec

    positive = conn.execute(select(_S.c.positive_label).where(_S.c.id == suite_id)).scalar()
    if positive is None:
        raise NotFoundError(f"No eval suite with id {suite_id}.")
    rows = conn.execute(
        select(_M).where(_M.c.suite_id == suite_id).order_by(_M.c.position, _M.c.id)
    ).all()
    return [from_row(MetricSpec, r, positive_label=positive) for r in rows]


def refresh_values(conn: Any, suite_id: int) -> None:
    """Recompute the stored point values of every run of the suite (inside the write that
    changed its metrics, so undo puts the old ones back)."""
    from .imports import results_on
    from .metrics import point_values

    specs = specs_on(conn, suite_id)
    for run_id in conn.execute(select(_RUN.c.id).where(_RUN.c.suite_id == suite_id)).scalars():
        values = json.dumps(point_values(specs, results_on(conn, run_id)))
        conn.execute(update(_RUN).where(_RUN.c.id == run_id).values(metric_values=values))


def runs(*, ws: Workspace, suite_id: int) -> list[RunInfo]:
    """The suite's runs, oldest first (by run date, then import order)."""
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(_RUN).where(_RUN.c.suite_id == suite_id).order_by(*_run_order())
        ).all()
    return [from_row(RunInfo, r) for r in rows]


def find_run(*, ws: Workspace, suite_id: int, ref: str | int | None) -> RunInfo:
    """The run ``ref`` names in the suite (its version or id; None: the latest)."""
    found = runs(ws=ws, suite_id=suite_id)
    if not found:
        raise UserError("This suite has no runs yet: import results first.")
    if ref is None or str(ref).strip() == "":
        return found[-1]
    text = str(ref).strip()
    for run in found:
        if run.name == text:
            return run
    for run in found:
        if run.name.casefold() == text.casefold() or (text.isdigit() and run.id == int(text)):
            return run
    names = ", ".join(repr(r.name) for r in found[-5:])
    raise UserError(f"No run {text!r} in this suite; its runs: {names}.")


def run_report(
    *,
    ws: Workspace,
    run_id: int,
    resamples: int | None = None,
    seed: int | None = None,
    slices: bool = True,
    progress: Progress | None = None,
) -> RunReport:
    """Every metric of the run's suite on the run, with 95 % bootstrap intervals."""
    from . import stats
    from .imports import load_results
    from .metrics import RunReport, run_metrics

    with ws.engine.connect() as conn:
        run = conn.execute(
            select(_RUN.c.id, _RUN.c.name, _RUN.c.suite_id, _S.c.name.label("suite"))
            .select_from(_RUN.join(_S, _S.c.id == _RUN.c.suite_id))
            .where(_RUN.c.id == run_id)
        ).first()
    if run is None:
        raise NotFoundError(f"No eval run with id {run_id}.")
    specs = metric_specs(ws=ws, suite_id=run.suite_id)
    data = load_results(ws=ws, run_id=run_id)
    resamples = stats.DEFAULT_RESAMPLES if resamples is None else resamples
    seed = stats.DEFAULT_SEED if seed is None else seed
    results = run_metrics(
        specs, data, resamples=resamples, seed=seed, slices=slices, progress=progress
    )
    return RunReport(run.suite_id, run.suite, run.id, run.name, len(data), resamples, seed, results)


@dataclass(frozen=True)
class FailingMetric(AsDict):
    """A blocking metric the latest run of its suite misses."""

    suite_id: int
    suite: str
    use_case_id: int | None
    use_case: str
    run_id: int
    run: str
    metric_id: int
    metric: str
    kind: str
    value: float | None
    threshold: float | None
    direction: str
    note: str

    def text(self) -> str:
        """``Accuracy 0.812 < 0.85 (Ticket triage, run v2.3)``."""
        if self.value is None:
            shown = f"{self.metric}: no value ({self.note})"
        else:
            sign = ">" if self.direction == "lower_is_better" else "<"
            shown = f"{self.metric} {self.value:.3g} {sign} {self.threshold:g}"
        return f"{shown} ({self.suite}, run {self.run})"


def failing_blocking(
    *, ws: Workspace, use_case_id: int | None = None, suite_ids: Sequence[int] | None = None
) -> list[FailingMetric]:
    """The blocking metrics (with a threshold) the latest run of each suite misses, for
    the Overview (every suite) or a use case's launch gate. Point values only (no
    bootstrap); a suite without runs has nothing failing here (see :mod:`.gate`)."""
    query = select(
        _S.c.id, _S.c.name, _S.c.use_case_id, func.coalesce(_UC.c.title, "")
    ).select_from(_S.outerjoin(_UC, _UC.c.id == _S.c.use_case_id))
    if use_case_id is not None:
        query = query.where(_S.c.use_case_id == use_case_id)
    if suite_ids is not None:
        query = query.where(_S.c.id.in_(list(suite_ids)))
    with ws.engine.connect() as conn:
        chosen = {r[0]: r for r in conn.execute(query)}
        if not chosen:
            return []
        blocking = conn.execute(
            select(_M.c.suite_id)
            .where(_M.c.suite_id.in_(list(chosen)), _M.c.blocking.is_(True))
            .where(_M.c.threshold.is_not(None))
            .distinct()
        ).scalars()
        wanted = sorted(set(blocking))
        latest = _latest_runs(conn, wanted) if wanted else []
    out: list[FailingMetric] = []
    for run in sorted(latest, key=lambda r: chosen[r.suite_id][1].casefold()):
        out.extend(_failing_of_run(ws, tuple(chosen[run.suite_id]), run))
    return out


def _failing_of_run(
    ws: Workspace, suite: tuple[int, str, int | None, str], run: Any
) -> list[FailingMetric]:
    """The blocking metrics the run misses, from its stored point values (computed again,
    with the statistics, only for a metric the run has no stored value of)."""
    specs = [
        s for s in metric_specs(ws=ws, suite_id=suite[0]) if s.blocking and s.threshold is not None
    ]
    stored = _stored(run.metric_values)
    if any(str(s.id) not in stored for s in specs):
        from .imports import load_results
        from .metrics import point_values

        stored = point_values(specs, load_results(ws=ws, run_id=run.id))
    out = []
    for spec in specs:
        value, note = stored[str(spec.id)]
        if spec.meets(value) is not False and value is not None:
            continue
        where = (*suite, int(run.id), str(run.name))
        what = (spec.id, spec.name, spec.kind, value, spec.threshold, spec.direction)
        out.append(FailingMetric(*where, *what, str(note or "")))
    return out


def _stored(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class TrendPoint(AsDict):
    """A metric's value on one run, with its interval."""

    run_id: int
    run: str
    run_date: dt.date | None
    value: float | None
    low: float | None
    high: float | None
    passed: bool | None


@dataclass(frozen=True)
class Trend:
    """A metric across a suite's runs, oldest first (the trend chart's data)."""

    suite: str
    spec: MetricSpec
    points: tuple[TrendPoint, ...]


def find_metric(*, ws: Workspace, suite_id: int, ref: str | int | None) -> MetricSpec:
    """The suite's metric ``ref`` names (its name, any case, or id; None: the first)."""
    specs = metric_specs(ws=ws, suite_id=suite_id)
    if not specs:
        raise UserError("This suite has no metrics yet: add one first.")
    if ref is None or str(ref).strip() == "":
        return specs[0]
    text = str(ref).strip()
    for spec in specs:
        if spec.name.casefold() == text.casefold() or (text.isdigit() and spec.id == int(text)):
            return spec
    for spec in specs:  # a kind names its first metric of that kind
        if spec.kind == text.lower():
            return spec
    names = ", ".join(repr(s.name) for s in specs)
    raise UserError(f"No metric {text!r} in this suite; its metrics: {names}.")


def trend(*, ws: Workspace, suite_id: int, metric_id: int, **options: Any) -> Trend:
    """The metric on every run of the suite (overall, with 95 % intervals); ``options``:
    ``resamples`` (default 1,000) and ``progress(done, total)``."""
    from .imports import load_results
    from .metrics import metric_report

    spec = next((s for s in metric_specs(ws=ws, suite_id=suite_id) if s.id == metric_id), None)
    if spec is None:
        raise NotFoundError(f"No metric {metric_id} in eval suite {suite_id}.")
    found = runs(ws=ws, suite_id=suite_id)
    points = []
    for done, run in enumerate(found, start=1):
        data = load_results(ws=ws, run_id=run.id)
        result = metric_report(spec, data, resamples=options.get("resamples", 1_000), slices=False)
        points.append(
            TrendPoint(
                run.id, run.name, run.run_date, result.value, result.low, result.high, result.passed
            )
        )
        if options.get("progress"):
            options["progress"](done, len(found))
    return Trend(suite_row(ws=ws, suite_id=suite_id).name, spec, tuple(points))
