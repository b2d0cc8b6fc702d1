"""``aipm experiments``: list experiments, plan one (sample size and duration, no file
needed), import its results, and read it out (every figure, the sample-ratio check
included; exit code 3 when the arms' split is off)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UserError
from . import common
from .common import JsonFlag, WorkspaceFile, command, new_app
from .import_errors import DryRunFlag, ErrorsOption, dry_run_ends

if TYPE_CHECKING:
    from ..services.experiments import ArmInput, MetricReadout, Plan, Readout

app = new_app(
    "Experiments: plan an A/B test (sample size, duration, detectable effect), import its "
    "results and read them out (lifts with intervals, corrected p-values, sample-ratio "
    "check, guardrails, whether a running test may stop)."
)

#: Exit code of a readout whose arms' split shows a sample ratio mismatch.
EXIT_SRM = 3

_Experiment = Annotated[str, typer.Argument(help="The experiment: its id or title.")]


@command(app, "list")
def list_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """List the experiments: running and analysing first, then drafts, then the rest."""
    from ..services import experiments
    from ..services.dates import format_date

    items = common.listed(file, experiments.summaries, as_json=as_json, empty="No experiments yet.")
    rows = [
        [
            str(i.id),
            i.status,
            common.clip(i.title, 44),
            common.clip(i.use_case or "-", 24),
            common.clip(i.primary_metric or "-", 28),
            str(i.variants),
            format_date(i.start, "-"),
            format_date(i.planned_end, "-"),
            i.decision or "-",
            f"{i.result_rows:,}",
        ]
        for i in items
    ]
    header = ["ID", "Status", "Title", "Use case", "Primary metric", "Arms", "Start",
              "Planned end", "Decision", "Results"]  # fmt: skip
    typer.echo(common.table(header, rows, right={0, 5, 9}))
    typer.echo("")
    typer.echo(common.plural(len(items), "experiment"))


# -- plan -----------------------------------------------------------------------------------------


@command(app, "plan")
def plan_command(
    baseline: Annotated[
        float | None,
        typer.Option("--baseline", help="Proportion metric: the control's rate, 0-1 (0.12)."),
    ] = None,
    mean: Annotated[
        float | None, typer.Option("--mean", help="Mean metric: the control's mean per unit.")
    ] = None,
    sd: Annotated[
        float | None, typer.Option("--sd", help="Mean metric: the standard deviation per unit.")
    ] = None,
    mde: Annotated[
        float | None,
        typer.Option(
            "--mde",
            help="The minimum detectable effect: rate points as a share (0.01 = 1 point), "
            "the mean's units, or with --relative a share of the baseline (0.05 = 5 %).",
        ),
    ] = None,
    relative: Annotated[
        bool, typer.Option("--relative", help="The MDE is relative to the baseline.")
    ] = False,
    alpha: Annotated[float, typer.Option("--alpha", help="Two-sided significance level.")] = 0.05,
    power: Annotated[float, typer.Option("--power", help="Power, 0-1.")] = 0.8,
    ratio: Annotated[
        float, typer.Option("--ratio", help="Units in each treatment per control unit.")
    ] = 1.0,
    treatments: Annotated[
        int, typer.Option("--treatments", help="Treatment arms beside the control (1-4).")
    ] = 1,
    correction: Annotated[
        str,
        typer.Option("--correction", help="Multiple comparisons: holm, bonferroni or none."),
    ] = "holm",
    daily: Annotated[
        float | None,
        typer.Option("--daily", help="Eligible units a day (all arms): gives the duration."),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            help="With --daily and without --mde: the effect this many days can detect.",
        ),
    ] = None,
    exact_days: Annotated[
        bool,
        typer.Option("--exact-days", help="Do not round the duration up to whole weeks."),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Plan an experiment: sample size per arm and in total, and with --daily the days it
    runs (rounded up to whole weeks). Give --baseline for a rate or --mean and --sd for a
    continuous metric. With --daily and --days instead of --mde: the detectable effect."""
    from ..services.experiments import (
        TestSettings,
        detectable_effect,
        plain,
        plan_mean,
        plan_proportion,
    )

    if (baseline is None) == (mean is None):
        raise UserError("give either --baseline (a rate) or --mean with --sd (a mean metric).")
    if mean is not None and sd is None:
        raise UserError("a mean metric needs its standard deviation: --sd.")
    if baseline is not None and sd is not None:
        raise UserError("--sd goes with --mean, not with --baseline.")
    test = TestSettings(
        alpha=alpha, power=power, ratio=ratio, treatments=treatments, correction=correction
    )
    if mde is None:
        if days is None or daily is None:
            raise UserError(
                "give --mde (the effect to detect), or --daily and --days for the effect "
                "that traffic can detect."
            )
        metric = "proportion" if baseline is not None else "mean"
        base = baseline if baseline is not None else mean
        assert base is not None
        effect = detectable_effect(
            metric=metric, baseline=base, sd=sd, daily=daily, days=days, **test
        )
        _print_effect(metric, base, effect, daily, days, as_json=as_json)
        return
    if days is not None:
        raise UserError("--days gives the detectable effect: leave out --mde to use it.")
    shared: dict[str, Any] = {"mde": mde, "relative": relative, "daily": daily}
    shared["round_to_weeks"] = not exact_days
    if baseline is not None:
        plan = plan_proportion(baseline=baseline, **shared, **test)
    else:
        assert mean is not None and sd is not None
        plan = plan_mean(mean=mean, sd=sd, **shared, **test)
    if as_json:
        common.echo_json(plain(plan))
        return
    typer.echo(_plan_text(plan))


def _plan_text(plan: Plan) -> str:
    lines = [
        f"Per arm:  {plan.n_control:,} in the control, {plan.n_treatment:,} in each treatment"
        if plan.ratio != 1
        else f"Per arm:  {plan.n_control:,}",
        f"Total:    {plan.n_total:,} units ({plan.treatments + 1} arms)",
    ]
    if plan.days is not None:
        run = f"{plan.run_days:,} days" if plan.run_days is not None else "-"
        lines.append(f"Duration: {plan.days:,} days of traffic; run {run}")
    lines += ["", plan.message]
    return "\n".join(lines)


def _print_effect(
    metric: str, base: float, effect: float, daily: float, days: int, *, as_json: bool
) -> None:
    import math

    finite = math.isfinite(effect)
    relative = effect / abs(base) if base and finite else None
    if as_json:
        common.echo_json(
            {
                "metric": metric,
                "baseline": base,
                "daily": daily,
                "days": days,
                "detectable_effect": effect if finite else None,
                "detectable_effect_relative": relative,
            }
        )
        return
    if not finite:
        typer.echo(
            f"{days:,} days at {daily:,g} units a day cannot detect any rise from this baseline."
        )
        return
    shown = f"{effect * 100:.3g} points" if metric == "proportion" else f"{effect:.3g}"
    rel = f" ({relative:.1%} of the baseline)" if relative is not None else ""
    typer.echo(f"{days:,} days at {daily:,g} units a day detect an effect of {shown}{rel}.")


# -- import ---------------------------------------------------------------------------------------


@command(app, "import")
def import_command(
    file: WorkspaceFile,
    experiment: _Experiment,
    source: Path = typer.Argument(
        ...,
        help="CSV or XLSX: daily aggregates (date, variant, metric, units, conversions or "
        "sum and sum_sq, optional pre_sum, pre_sum_sq, cross_sum), or with --per-unit one "
        "row per unit (unit_id, variant, date, a column per metric, optional covariate).",
    ),
    per_unit: Annotated[
        bool, typer.Option("--per-unit", help="The file holds one row per unit.")
    ] = False,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge", help="Keep stored days the file does not hold (default: replace all)."
        ),
    ] = False,
    dry_run: DryRunFlag = False,
    errors: ErrorsOption = None,
) -> None:
    """Import an experiment's results: every row is checked first; any problem means
    nothing is written."""
    from ..services import experiments

    with common.reading(file) if dry_run else common.writing(file) as ws:
        experiment_id = experiments.find_experiment(ws=ws, ref=experiment)
        preview = experiments.preview_results(
            ws=ws, experiment_id=experiment_id, path=source, per_unit=per_unit, merge=merge
        )
        typer.echo(f"{preview.source}: {preview.summary()}")
        for note in preview.notes:
            typer.echo(f"  {note}")
        if dry_run_ends(preview, dry_run, errors):
            return
        experiments.apply_results(ws=ws, preview=preview)
    typer.echo(
        f"Imported {len(preview.rows):,} daily aggregates into {preview.experiment!r} "
        f"({file.name}); SHA-256 of {preview.source}: {preview.sha256}."
    )


# -- readout --------------------------------------------------------------------------------------


@command(app, "readout")
def readout_command(
    file: WorkspaceFile, experiment: _Experiment, as_json: JsonFlag = False
) -> None:
    """Read an experiment out: per metric and treatment the control and treatment values,
    absolute and relative lift with intervals, p-values (raw and corrected), verdicts,
    guardrails, the sample-ratio check, whether a running test may stop, and the plan.
    Exit code 3 when the sample-ratio check fails (the readout is not trustworthy)."""
    from ..services import experiments

    with common.reading(file) as ws:
        result = experiments.readout_of(
            ws=ws, experiment_id=experiments.find_experiment(ws=ws, ref=experiment)
        )
    if as_json:
        common.echo_json(result.as_dict())
    else:
        typer.echo(_readout_text(result))
    if result.srm_detected:
        raise typer.Exit(EXIT_SRM)


def _pct(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def _readout_text(result: Readout) -> str:
    from ..services.dates import format_date

    lines = [f"{result.title}  [#{result.experiment_id}]  {result.status}"]
    if result.days:
        span = f"{format_date(result.first_day)} to {format_date(result.last_day)}"
        source = f", from {result.results_file}" if result.results_file else ""
        lines.append(f"Results: {result.days} days, {span}{source}")
        if result.results_sha256:
            lines.append(f"  SHA-256 {result.results_sha256}")
    else:
        lines.append("Results: none imported yet")
    correction = {"holm": "Holm", "bonferroni": "Bonferroni"}.get(result.correction, "none")
    lines.append(
        f"Significance: {result.alpha:g} two-sided; correction over treatments: {correction}; "
        f"peeking: {result.peeking}"
    )
    if result.srm is not None:
        flag = "WARNING, NOT TRUSTWORTHY: " if result.srm.mismatch else ""
        lines.append(
            f"Sample ratio ({result.srm_metric}): {flag}{result.srm.message} "
            f"Chi-square {result.srm.chi2:.3f} with {result.srm.dof} df."
        )
    lines.append(f"Plan: {result.plan.message}" if result.plan is not None else result.plan_problem)
    for metric in result.metrics:
        lines += ["", *_metric_lines(metric)]
    lines += ["", "Summary:"] + [f"  {line}" for line in result.headline()]
    lines += [f"Note: {note}" for note in result.notes]
    return "\n".join(lines)


def _metric_lines(metric: MetricReadout) -> list[str]:
    info = metric.metric
    better = "higher is better" if info.higher_is_better else "lower is better"
    head = f"{'Primary metric' if info.role == 'primary' else 'Guardrail'}: {info.name}"
    extra = ""
    if info.role == "guardrail":
        if info.margin is None:
            extra = ", no margin set (not judged)"
        elif info.relative:
            extra = f", margin {info.margin:.3g} of the control"
        else:
            scale = 100 if info.kind == "proportion" else 1
            unit = " points" if info.kind == "proportion" else ""
            extra = f", margin {info.margin * scale:.3g}{unit}"
    lines = [f"{head} ({info.kind}, {better}{extra})"]
    lines += [f"  {line}" for line in common.table(*_arm_table(metric.arms, info.kind)).split("\n")]
    for t in metric.treatments:
        c = t.comparison
        if c is None:
            lines.append(f"  {t.treatment}: {t.problem}")
            continue
        scale, unit = (100, " pts") if info.kind == "proportion" else (1, "")
        stat = f"z = {c.statistic:.3f}" if c.df is None else f"t = {c.statistic:.3f}, df {c.df:.1f}"
        rel = (
            f"; relative {_pct(c.rel_lift)} (CI {_pct(c.rel_ci[0])} to {_pct(c.rel_ci[1])})"
            if c.rel_lift is not None and c.rel_ci is not None
            else ""
        )
        lines.append(
            f"  {c.treatment} vs {c.control}: {c.abs_lift * scale:+.4g}{unit} "
            f"(CI {c.abs_ci[0] * scale:.4g} to {c.abs_ci[1] * scale:.4g}){rel}"
        )
        adjusted = (
            f", adjusted ({c.correction}) {c.p_adjusted:.4g}" if c.correction != "none" else ""
        )
        lines.append(f"    {c.method}: {stat}, p = {c.p_value:.4g}{adjusted}")
        if c.cuped_variance_reduction is not None:
            reduced = _pct(c.cuped_variance_reduction, 1)
            lines.append(f"    CUPED: variance of the difference reduced by {reduced}")
        lines.append(f"    {c.verdict}")
        if t.guardrail is not None:
            lines.append(f"    {t.guardrail.message}")
        if t.stop is not None:
            lines.append(f"    {t.stop.reason}")
        if t.problem:
            lines.append(f"    {t.problem}")
    return lines


def _arm_table(
    arms: tuple[ArmInput, ...], kind: str
) -> tuple[list[str], list[list[str]], set[int]]:
    if kind == "proportion":
        header = ["Arm", "Planned", "Units", "Conversions", "Rate"]
        rows = [
            [
                a.name,
                _pct(a.planned_share, 1),
                f"{a.units:,}",
                _num(a.conversions),
                _pct(a.conversions / a.units if a.units and a.conversions is not None else None),
            ]
            for a in arms
        ]
        return header, rows, {1, 2, 3, 4}
    header = ["Arm", "Planned", "Units", "Sum", "Sum of squares", "Mean", "Pre-period sum"]
    rows = [
        [
            a.name,
            _pct(a.planned_share, 1),
            f"{a.units:,}",
            _num(a.total),
            _num(a.total_sq),
            _num(a.total / a.units if a.units and a.total is not None else None),
            _num(a.pre_total),
        ]
        for a in arms
    ]
    return header, rows, {1, 2, 3, 4, 5, 6}
