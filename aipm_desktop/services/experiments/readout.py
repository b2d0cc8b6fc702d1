"""An experiment's readout: its stored daily aggregates summed per arm, every metric's
treatments compared with the control, the sample-ratio check, the guardrails judged, the
peeking answer for a running experiment, and the plan -- one :class:`Readout` the command
line, the GUI and the reports print. The statistics are :mod:`.stats` (methods and
sources in its docstring); this module only gathers their inputs and outputs.

What is compared, and how:

- every metric (the primary one, then each guardrail) for every treatment against the
  control (the variant at the lowest position); the p-values of a metric's treatments
  are one family, adjusted with the experiment's correction (Holm by default);
- CUPED is applied to a metric whose every stored row of both arms carries the
  pre-period sums; its variance reduction is reported;
- the sample-ratio check uses the units of the primary metric (the units exposed; if
  it has no results, the first metric that has) against the variants' weights;
- a guardrail with a margin is judged ok / breach / inconclusive by its interval;
- a running or analysing experiment whose design names a peeking method gets "can we
  stop now?" for each treatment on the primary metric, at the plan's size (for
  O'Brien-Fleming the earlier looks are the weekly reviews held since the first result
  day, the last :data:`MAX_EARLIER_LOOKS` of them);
- every arm's summed inputs (units, conversions or sums, planned share) are part of the
  readout, so anyone can recompute it.

:func:`cumulative` gives the same comparison day by day (cumulative sums up to each day)
and each arm's daily value, for the chart.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select

from ...errors import UserError
from ...models.experiments import RESULT_SUMS
from .. import records
from .data import _R, ExperimentDetail, MetricInfo, detail_from_connection

if TYPE_CHECKING:
    from ...store import Workspace
    from .design import Plan
    from .stats import ArmTotals, Comparison, GuardrailResult, SrmResult, StopDecision

_COVARIATE = ("pre_total", "pre_total_sq", "cross_total")
#: Earlier looks an O'Brien-Fleming answer takes into account (the most recent ones).
MAX_EARLIER_LOOKS = 4


@dataclass(frozen=True)
class ArmInput(records.AsDict):
    """One arm's summed aggregates for one metric, as the comparison used them, and its
    planned share of the units (its weight over the weights' sum)."""

    name: str
    variant_id: int
    planned_share: float
    days: int
    units: int
    conversions: float | None
    total: float | None
    total_sq: float | None
    pre_total: float | None
    pre_total_sq: float | None
    cross_total: float | None


@dataclass(frozen=True)
class TreatmentReadout:
    """One treatment against the control on one metric: the comparison (None when it
    could not be made: ``problem`` says why), the guardrail judgement (guardrails with a
    margin) and the peeking answer (primary metric of a running experiment)."""

    treatment: str
    comparison: Comparison | None = None
    guardrail: GuardrailResult | None = None
    stop: StopDecision | None = None
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "treatment": self.treatment,
            "comparison": plain(self.comparison),
            "guardrail": plain(self.guardrail),
            "stop": plain(self.stop),
            "problem": self.problem,
        }


@dataclass(frozen=True)
class MetricReadout:
    metric: MetricInfo
    arms: tuple[ArmInput, ...]
    treatments: tuple[TreatmentReadout, ...]
    cuped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.metric.as_dict(),
            "cuped": self.cuped,
            "arms": [a.as_dict() for a in self.arms],
            "treatments": [t.as_dict() for t in self.treatments],
        }


@dataclass(frozen=True)
class Readout:
    """Everything a careful analyst reads off an experiment (see the module docstring).
    ``srm`` is None without units in at least two arms; ``plan`` None without the planning
    inputs (``plan_problem`` says what is missing or wrong); ``notes`` list what was
    left out and why."""

    experiment_id: int
    title: str
    status: str
    alpha: float
    correction: str
    peeking: str
    control: str
    first_day: dt.date | None
    last_day: dt.date | None
    days: int
    srm_metric: str
    srm: SrmResult | None
    metrics: tuple[MetricReadout, ...]
    plan: Plan | None
    plan_problem: str
    results_file: str
    results_sha256: str
    notes: tuple[str, ...] = ()

    @property
    def srm_detected(self) -> bool:
        return self.srm is not None and self.srm.mismatch

    @property
    def primary(self) -> MetricReadout | None:
        found = [m for m in self.metrics if m.metric.role == "primary"]
        return found[0] if found else None

    @property
    def guardrails(self) -> tuple[MetricReadout, ...]:
        return tuple(m for m in self.metrics if m.metric.role == "guardrail")

    def headline(self) -> list[str]:
        """The readout in a few sentences: the SRM warning first when there is one, the
        primary metric's verdicts, then the guardrails' judgements."""
        lines: list[str] = []
        if self.srm_detected and self.srm is not None:
            lines.append("NOT TRUSTWORTHY: " + self.srm.message)
        if not self.days:
            lines.append("No results imported yet.")
        for metric in self.metrics:
            for t in metric.treatments:
                if metric.metric.role == "primary" and t.comparison is not None:
                    lines.append(t.comparison.verdict)
                elif t.guardrail is not None:
                    lines.append(f"Guardrail {metric.metric.name}: {t.guardrail.message}")
                if t.stop is not None:
                    lines.append(t.stop.reason)
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "experiment_id": self.experiment_id,
            "title": self.title,
            "status": self.status,
            "alpha": self.alpha,
            "correction": self.correction,
            "peeking": self.peeking,
            "control": self.control,
            "first_day": records.jsonable(self.first_day),
            "last_day": records.jsonable(self.last_day),
            "days": self.days,
            "results_file": self.results_file,
            "results_sha256": self.results_sha256,
            "srm_metric": self.srm_metric,
            "srm": plain(self.srm),
            "srm_detected": self.srm_detected,
            "metrics": [m.as_dict() for m in self.metrics],
            "plan": plain(self.plan),
            "plan_problem": self.plan_problem,
            "headline": self.headline(),
            "notes": list(self.notes),
        }


def plain(value: Any) -> Any:
    """A result dataclass of the statistics as JSON-ready values (tuples as lists,
    infinities as None)."""
    import dataclasses

    if value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return records.jsonable(value)


# -- gathering the inputs ----------------------------------------------------------------------


def _arm_sums(conn: Any, experiment_id: int) -> dict[tuple[str, int], dict[str, Any]]:
    """(metric, variant id) -> the summed aggregates, with the days and whether every row
    had each sum (a sum some rows lack is left out: None)."""
    columns = [func.sum(_R.c[name]).label(name) for name in RESULT_SUMS]
    counts = [func.count(_R.c[name]).label(f"n_{name}") for name in RESULT_SUMS]
    query = (
        select(
            _R.c.metric,
            _R.c.variant_id,
            func.count().label("rows"),
            func.count(func.distinct(_R.c.day)).label("days"),
            func.sum(_R.c.units).label("units"),
            *columns,
            *counts,
        )
        .where(_R.c.experiment_id == experiment_id)
        .group_by(_R.c.metric, _R.c.variant_id)
    )
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for row in conn.execute(query).mappings():
        values: dict[str, Any] = {"days": int(row["days"]), "units": int(row["units"] or 0)}
        for name in RESULT_SUMS:
            complete = row[f"n_{name}"] == row["rows"]
            values[name] = float(row[name]) if complete and row[name] is not None else None
        found[(str(row["metric"]), int(row["variant_id"]))] = values
    return found


def _arm_input(info: ExperimentDetail, variant_index: int, sums: dict[str, Any] | None) -> ArmInput:
    v = info.variants[variant_index]
    sums = sums or {"days": 0, "units": 0}
    return ArmInput(
        name=v.name,
        variant_id=v.id,
        planned_share=v.share,
        days=int(sums.get("days", 0)),
        units=int(sums.get("units", 0)),
        **{name: sums.get(name) for name in RESULT_SUMS},
    )


def arm_totals(arm: ArmInput, kind: str) -> ArmTotals:
    """The statistics' :class:`~.stats.ArmTotals` of an arm's inputs for a metric kind
    (covariate sums only when all three are there)."""
    from .stats import ArmTotals

    covariate = all(getattr(arm, n) is not None for n in _COVARIATE)
    conversions = None
    if kind == "proportion" and arm.conversions is not None:
        conversions = round(arm.conversions)
    return ArmTotals(
        arm.name,
        arm.units,
        conversions,
        total=arm.total if kind == "mean" else None,
        total_sq=arm.total_sq if kind == "mean" else None,
        pre_total=arm.pre_total if covariate else None,
        pre_total_sq=arm.pre_total_sq if covariate else None,
        cross_total=arm.cross_total if covariate else None,
    )


def plan_of(info: ExperimentDetail) -> tuple[Plan | None, str]:
    """The plan the experiment's stored inputs give (sample size per arm, duration), or
    None and what is missing or wrong."""
    from ...errors import ValidationError
    from .design import plan_mean, plan_proportion

    missing = [
        label
        for label, value in (
            ("a baseline", info.baseline),
            ("a minimum detectable effect", info.mde),
        )
        if value is None
    ]
    if info.primary_kind == "mean" and info.sd is None:
        missing.append("a standard deviation")
    if len(info.variants) < 2:
        missing.append("a control and a treatment")
    if missing:
        return None, f"No plan yet: it needs {', '.join(missing)}."
    assert info.baseline is not None and info.mde is not None
    control = info.variants[0]
    ratios = {round(t.weight / control.weight, 9) for t in info.treatments}
    common: dict[str, Any] = {
        "mde": info.mde,
        "relative": info.mde_relative,
        "alpha": info.alpha,
        "power": info.power,
        "ratio": ratios.pop() if len(ratios) == 1 else info.treatments[0].weight / control.weight,
        "treatments": len(info.treatments),
        "correction": info.correction,
        "daily": info.daily_units,
    }
    try:
        if info.primary_kind == "mean":
            assert info.sd is not None
            return plan_mean(mean=info.baseline, sd=info.sd, **common), ""
        return plan_proportion(baseline=info.baseline, **common), ""
    except ValidationError as error:
        return None, f"No plan: {error}"


# -- the readout -------------------------------------------------------------------------------


def readout_of(*, ws: Workspace, experiment_id: int) -> Readout:
    """The readout of one experiment from its stored results (see the module docstring)."""
    with ws.engine.connect() as conn:
        info = detail_from_connection(conn, experiment_id)
        sums = _arm_sums(conn, experiment_id)
        looks_rows = _looks_rows(conn, info) if _peeks(info) else []
        days = conn.execute(
            select(func.count(func.distinct(_R.c.day))).where(_R.c.experiment_id == experiment_id)
        ).scalar_one()
    return build_readout(info, sums, looks_rows, int(days))


def _peeks(info: ExperimentDetail) -> bool:
    return info.status in ("running", "analysing") and info.peeking != "none"


def _looks_rows(conn: Any, info: ExperimentDetail) -> list[tuple[dt.date, int, int]]:
    """(day, variant id, units) of the primary metric, for the earlier looks."""
    query = select(_R.c.day, _R.c.variant_id, _R.c.units).where(
        _R.c.experiment_id == info.id, _R.c.metric == info.primary_metric
    )
    return [(r.day, int(r.variant_id), int(r.units)) for r in conn.execute(query)]


def build_readout(
    info: ExperimentDetail,
    sums: dict[tuple[str, int], dict[str, Any]],
    looks_rows: Sequence[tuple[dt.date, int, int]] = (),
    days: int = 0,
) -> Readout:
    """The readout from an experiment's detail, its summed aggregates and its number of
    days with results (no database)."""
    from ...errors import ValidationError
    from .stats import adjust_comparisons, guardrail_check, srm_check

    notes: list[str] = []
    known = {m.name for m in info.metrics}
    stray = sorted({metric for metric, _ in sums} - known)
    if stray:
        notes.append(
            f"Results for metric(s) the experiment no longer defines were left out: "
            f"{', '.join(stray)}."
        )
    plan, plan_problem = plan_of(info)
    metrics: list[MetricReadout] = []
    for metric in info.metrics:
        arms = tuple(
            _arm_input(info, i, sums.get((metric.name, v.id))) for i, v in enumerate(info.variants)
        )
        treatments, cuped = _compare_metric(info, metric, arms)
        family = [t.comparison for t in treatments if t.comparison is not None]
        adjusted = iter(adjust_comparisons(family, info.correction))
        judged = []
        for t in treatments:
            comparison = next(adjusted) if t.comparison is not None else None
            guardrail, problem = None, t.problem
            if comparison is not None and metric.role == "guardrail" and metric.margin is not None:
                try:
                    guardrail = guardrail_check(
                        comparison,
                        margin=metric.margin,
                        higher_is_better=metric.higher_is_better,
                        relative=metric.relative,
                    )
                except ValidationError as error:
                    problem = str(error)
            judged.append(TreatmentReadout(t.treatment, comparison, guardrail, problem=problem))
        if metric.role == "primary" and _peeks(info) and plan is not None:
            judged = _with_stops(info, metric, arms, judged, plan, looks_rows)
        metrics.append(MetricReadout(metric, arms, tuple(judged), cuped))
    srm_metric, srm = "", None
    for done in metrics:
        units = [a.units for a in done.arms]
        if sum(u > 0 for u in units) >= 2:
            srm_metric = done.metric.name
            try:
                srm = srm_check(units, [a.planned_share for a in done.arms])
            except ValidationError as error:
                notes.append(f"No sample-ratio check: {error}")
            break
    return records.from_row(
        Readout,
        info,
        experiment_id=info.id,
        control=info.variants[0].name if info.variants else "",
        days=days,
        srm_metric=srm_metric,
        srm=srm,
        metrics=tuple(metrics),
        plan=plan,
        plan_problem=plan_problem,
        notes=tuple(notes),
    )


def _compare_metric(
    info: ExperimentDetail, metric: MetricInfo, arms: Sequence[ArmInput]
) -> tuple[list[TreatmentReadout], bool]:
    """Each treatment against the control on one metric (unadjusted), and whether CUPED
    was applied."""
    from ...errors import ValidationError
    from .stats import compare

    found: list[TreatmentReadout] = []
    cuped = False
    if not arms:
        return found, cuped
    control = arms[0]
    for arm in arms[1:]:
        missing = [a.name for a in (control, arm) if a.units == 0]
        if missing:
            found.append(
                TreatmentReadout(arm.name, problem=f"No results for {', '.join(missing)}.")
            )
            continue
        try:
            c, t = arm_totals(control, metric.kind), arm_totals(arm, metric.kind)
            use_cuped = all(getattr(a, n) is not None for a in (control, arm) for n in _COVARIATE)
            comparison = compare(
                c, t, metric=metric.kind, alpha=info.alpha, cuped=use_cuped, label=metric.name
            )
        except ValidationError as error:
            found.append(TreatmentReadout(arm.name, problem=str(error)))
            continue
        cuped = cuped or comparison.cuped_variance_reduction is not None
        found.append(TreatmentReadout(arm.name, comparison))
    return found, cuped


def _with_stops(
    info: ExperimentDetail,
    metric: MetricInfo,
    arms: Sequence[ArmInput],
    treatments: list[TreatmentReadout],
    plan: Plan,
    looks_rows: Sequence[tuple[dt.date, int, int]],
) -> list[TreatmentReadout]:
    """The peeking answer for each treatment of the primary metric."""
    import dataclasses

    from ...errors import ValidationError
    from .stats import can_stop

    control = arms[0]
    planned = plan.n_control + plan.n_treatment
    out = []
    for arm, t in zip(arms[1:], treatments, strict=True):
        if t.comparison is None:
            out.append(t)
            continue
        try:
            stop = can_stop(
                arm_totals(control, metric.kind),
                arm_totals(arm, metric.kind),
                metric=metric.kind,
                method=info.peeking,
                planned_units=planned,
                alpha=plan.alpha_per_test,
                looks=_earlier_looks(looks_rows, control, arm, planned),
            )
        except ValidationError as error:
            out.append(dataclasses.replace(t, problem=f"Cannot tell whether to stop: {error}"))
            continue
        out.append(dataclasses.replace(t, stop=stop))
    return out


def _earlier_looks(
    rows: Sequence[tuple[dt.date, int, int]], control: ArmInput, arm: ArmInput, planned: int
) -> list[float]:
    """The information fractions of the weekly reviews before now (the last
    :data:`MAX_EARLIER_LOOKS`): the units of the two arms up to each 7th day since the
    first result day, over the planned units."""
    wanted = {control.variant_id, arm.variant_id}
    daily: dict[dt.date, int] = {}
    for day, variant_id, units in rows:
        if variant_id in wanted:
            daily[day] = daily.get(day, 0) + units
    if not daily:
        return []
    first = min(daily)
    now = (control.units + arm.units) / planned
    looks: list[float] = []
    running = 0
    for day in sorted(daily):
        running += daily[day]
        if (day - first).days % 7 == 6:
            fraction = running / planned
            if 0 < fraction < now and fraction < 1 and (not looks or fraction > looks[-1]):
                looks.append(fraction)
    return looks[-MAX_EARLIER_LOOKS:]


def kpi_value_of(result: Readout, treatment: str | None = None) -> float | None:
    """The figure a decision records as its KPI snapshot: the primary metric's relative
    lift of ``treatment`` (default: the treatment with the smallest adjusted p-value), in
    percent (13.1 for +13.1 %); None when there is none."""
    primary = result.primary
    if primary is None:
        return None
    found = [t.comparison for t in primary.treatments if t.comparison is not None]
    if treatment is not None:
        found = [c for c in found if c.treatment.casefold() == treatment.casefold()]
        if not found:
            raise UserError(f"No readout of treatment {treatment!r} on the primary metric.")
    if not found:
        return None
    best = min(found, key=lambda c: c.p_adjusted)
    return None if best.rel_lift is None else round(best.rel_lift * 100, 4)


# -- day by day, for the chart -----------------------------------------------------------------


@dataclass(frozen=True)
class LiftSeries:
    """One treatment's cumulative lift over the control, day by day: relative (a share)
    when the control's value is not 0 on every day, else absolute."""

    treatment: str
    days: tuple[dt.date, ...]
    lift: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    relative: bool


@dataclass(frozen=True)
class ArmSeries:
    """One arm's daily value of the metric (the day's rate or mean) and daily units."""

    name: str
    days: tuple[dt.date, ...]
    values: tuple[float, ...]
    units: tuple[int, ...]


@dataclass(frozen=True)
class CumulativeReadout:
    title: str
    metric: MetricInfo
    alpha: float
    lifts: tuple[LiftSeries, ...]
    arms: tuple[ArmSeries, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def cumulative(
    *, ws: Workspace, experiment_id: int, metric: str | None = None
) -> CumulativeReadout:
    """Day by day for one metric (default the primary): each treatment's lift over the
    control on the results up to that day, with its (1 - alpha) interval (not corrected
    for looking every day), and each arm's daily value."""
    from ...errors import ValidationError
    from .stats import compare

    with ws.engine.connect() as conn:
        info = detail_from_connection(conn, experiment_id)
        chosen = _chosen_metric(info, metric)
        rows = conn.execute(
            select(_R.c.day, _R.c.variant_id, _R.c.units, *(_R.c[n] for n in RESULT_SUMS))
            .where(_R.c.experiment_id == experiment_id, _R.c.metric == chosen.name)
            .order_by(_R.c.day)
        ).all()
    days = sorted({r.day for r in rows})
    position = {d: i for i, d in enumerate(days)}
    variants = [v.id for v in info.variants]
    table = np.zeros((len(variants), len(days), 1 + len(RESULT_SUMS)))
    present = np.zeros((len(variants), len(days), len(RESULT_SUMS)), dtype=bool)
    for r in rows:
        if r.variant_id not in variants:
            continue
        v, d = variants.index(r.variant_id), position[r.day]
        table[v, d, 0] = r.units
        for k, name in enumerate(RESULT_SUMS):
            value = getattr(r, name)
            if value is not None:
                table[v, d, 1 + k] = value
                present[v, d, k] = True
    running = np.cumsum(table, axis=1)
    complete = np.logical_and.accumulate(present | (table[..., :1] == 0), axis=1)
    arms_series = []
    value_index = 1 if chosen.kind == "proportion" else 2  # conversions / total
    for v, variant in enumerate(info.variants):
        units = table[v, :, 0]
        values = np.divide(
            table[v, :, value_index], units, out=np.full(len(days), np.nan), where=units > 0
        )
        arms_series.append(
            ArmSeries(
                variant.name,
                tuple(days),
                tuple(float(x) for x in values),
                tuple(int(u) for u in units),
            )
        )
    lifts = []
    notes: list[str] = []
    for t in range(1, len(variants)):
        got: list[tuple[dt.date, float, float, float, bool]] = []
        for d, day in enumerate(days):
            arms = [_running_arm(info, v, running[v, d], complete[v, d]) for v in (0, t)]
            if arms[0].units == 0 or arms[1].units == 0:
                continue
            try:
                c = compare(
                    arm_totals(arms[0], chosen.kind),
                    arm_totals(arms[1], chosen.kind),
                    metric=chosen.kind,
                    alpha=info.alpha,
                    label=chosen.name,
                )
            except ValidationError:
                continue
            if c.rel_lift is not None and c.rel_ci is not None:
                got.append((day, c.rel_lift, c.rel_ci[0], c.rel_ci[1], True))
            else:
                got.append((day, c.abs_lift, c.abs_ci[0], c.abs_ci[1], False))
        relative = all(g[4] for g in got)
        if not relative:
            got = []
            notes.append(f"{info.variants[t].name}: the control's value is 0 on some day.")
        lifts.append(
            LiftSeries(
                info.variants[t].name,
                tuple(g[0] for g in got),
                tuple(g[1] for g in got),
                tuple(g[2] for g in got),
                tuple(g[3] for g in got),
                relative,
            )
        )
    return CumulativeReadout(
        info.title, chosen, info.alpha, tuple(lifts), tuple(arms_series), tuple(notes)
    )


def _chosen_metric(info: ExperimentDetail, name: str | None) -> MetricInfo:
    if not info.metrics:
        raise UserError(f"Experiment {info.title!r} has no metrics yet.")
    if name is None:
        return info.metrics[0]
    for metric in info.metrics:
        if metric.name.casefold() == name.strip().casefold():
            return metric
    names = ", ".join(repr(m.name) for m in info.metrics)
    raise UserError(f"Experiment {info.title!r} has no metric {name!r}; its metrics: {names}.")


def _running_arm(
    info: ExperimentDetail, index: int, sums: np.ndarray, complete: np.ndarray
) -> ArmInput:
    values = {
        name: float(sums[1 + k]) if complete[k] else None for k, name in enumerate(RESULT_SUMS)
    }
    v = info.variants[index]
    return ArmInput(v.name, v.id, v.share, 0, int(sums[0]), **values)
