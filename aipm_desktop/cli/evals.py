"""``aipm evals``: evaluation suites, runs and their results: list them, import a run's
per-example results, report a run (every metric with its 95 % interval, per slice, pass
or fail), compare two runs (exit code 1 on a regression, so a release script can gate on
it), export a run's results, and create a suite for scripting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UserError
from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app
from .import_errors import DryRunFlag, ErrorsOption, dry_run_ends

if TYPE_CHECKING:
    from ..services.evaluations import Comparison, RunReport, SuiteInfo

app = new_app(
    "Evaluations: suites of test examples per use case, runs of a model/prompt version "
    "scored on them, reports with confidence intervals, comparisons that find regressions."
)

#: Exit code of ``compare`` when B regresses against A.
EXIT_REGRESSION = 1

_Suite = Annotated[str, typer.Argument(help="The eval suite: its id or name.")]
_Results = Annotated[
    Path,
    typer.Argument(
        help="CSV, XLSX or JSONL: one row per example with an id, and any of the expected "
        "label, the prediction, a probability, flags, scores, latency, cost, slices."
    ),
]
_Run = Annotated[str | None, typer.Option("--run", help="The run's version (default: latest).")]
_Flips = Annotated[
    Path | None,
    typer.Option("--flips", help="Write every flipped example to this CSV or XLSX file."),
]
_Resamples = Annotated[
    int, typer.Option("--resamples", help="Bootstrap resamples for the intervals.", min=0)
]
_Seed = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap (same seed, same CIs).")]


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def _ci(low: float | None, high: float | None) -> str:
    return "-" if low is None or high is None else f"[{low:.4g}, {high:.4g}]"


def _verdict(passed: bool | None) -> str:
    return {True: "pass", False: "FAIL", None: "-"}[passed]


def _suite_run(ws: Any, suite: str, run: str | None) -> tuple[int, Any]:
    """The suite ``suite`` names and its run ``run`` (None: the latest)."""
    from ..services import evaluations as ev

    suite_id = ev.find_suite(ws=ws, ref=suite)
    return suite_id, ev.find_run(ws=ws, suite_id=suite_id, ref=run)


@command(app, "list")
def list_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """List the eval suites with their use case, metrics, runs and latest run."""
    from ..services import evaluations as ev
    from ..services.dates import format_date

    items = common.listed(file, ev.suites, as_json=as_json, empty="No eval suites yet.")
    rows = [_suite_cells(s, format_date(s.latest_date, "-")) for s in items]
    header = ["ID", "Suite", "Use case", "Metrics", "Runs", "Latest run", "Run date"]
    typer.echo(common.table(header, rows, right={0, 3, 4}))
    typer.echo("")
    typer.echo(common.plural(len(items), "eval suite"))


def _suite_cells(s: SuiteInfo, date: str) -> list[str]:
    name, use_case = common.clip(s.name, 36), common.clip(s.use_case or "-", 28)
    latest = common.clip(s.latest_run or "-", 20)
    return [str(s.id), name, use_case, str(s.metrics), str(s.runs), latest, date]


@command(app, "new-suite")
def new_suite_command(
    file: WorkspaceFile,
    name: Annotated[str, typer.Option("--name", help="The suite's name.")],
    use_case: Annotated[
        str | None, typer.Option("--use-case", help="The use case it evaluates: id or title.")
    ] = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            help="KIND[:COLUMN][:THRESHOLD][:blocking][:lower|higher], repeatable, e.g. "
            "accuracy:0.85:blocking or pass_rate:hallucinated:0.05:blocking:lower. Kinds: "
            "accuracy, precision, recall, f1, macro_precision, macro_recall, macro_f1, ece, "
            "pass_rate, mean_score, latency_p50, latency_p95, cost_per_item.",
        ),
    ] = None,
    slices: Annotated[
        str, typer.Option("--slices", help="Slice columns, comma separated (language, tier).")
    ] = "",
    classes: Annotated[
        str, typer.Option("--classes", help="The labels examples may carry, comma separated.")
    ] = "",
    positive: Annotated[
        str, typer.Option("--positive", help="The positive label (binary precision/recall/F1).")
    ] = "",
    owner: Annotated[str, typer.Option("--owner", help="Who owns the suite.")] = "",
    purpose: Annotated[str, typer.Option("--purpose", help="What the suite checks.")] = "",
) -> None:
    """Create an eval suite with its metrics (for scripts)."""
    from ..services import evaluations as ev
    from ..services.ai_act import resolve_use_case

    with common.writing(file) as ws:
        use_case_id = None if use_case is None else resolve_use_case(ws=ws, ref=use_case)
        data = {
            "name": name,
            "use_case_id": use_case_id,
            "slices": slices,
            "classes": classes,
            "positive_label": positive,
            "owner": owner,
            "purpose": purpose,
        }
        suite_id, _ = ev.create_suite(ws=ws, data=data, metrics=list(metric or []))
    typer.echo(
        f"Added eval suite {suite_id} {name!r} with {common.plural(len(metric or []), 'metric')}."
    )


@command(app, "import")
def import_command(
    file: WorkspaceFile,
    suite: _Suite,
    source: _Results,
    version: Annotated[
        str, typer.Option("--version", help="The model/prompt/system version the run scored.")
    ] = "",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="COLUMN=FIELD, repeatable: which file column is which field (id, expected, "
            "predicted, probability, latency, cost, slice[:name], flag[:name], score[:name], "
            "ignore). Unmapped columns: the suite's remembered mapping, else a guess.",
        ),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="Run date, YYYY-MM-DD.")] = None,
    environment: Annotated[
        str, typer.Option("--environment", help="Where it ran (staging, offline ...).")
    ] = "",
    notes: Annotated[str, typer.Option("--notes", help="Notes on the run.")] = "",
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the suite's run of that version.")
    ] = False,
    dry_run: DryRunFlag = False,
    errors: ErrorsOption = None,
) -> None:
    """Import a run's per-example results: every row is checked first; any problem means
    nothing is written (the problems name row and column)."""
    from ..services import evaluations as ev

    if not version.strip() and not dry_run:
        raise UserError("give the version the run scored with --version V.")
    run_date = common.parse_date(date, "--date takes a date as YYYY-MM-DD, not {value!r}.")
    given = ev.parse_mapping(mapping or [])
    with common.reading(file) if dry_run else common.writing(file) as ws:
        suite_id = ev.find_suite(ws=ws, ref=suite)
        preview = ev.preview_import(ws=ws, suite_id=suite_id, path=source, mapping=given)
        typer.echo(f"{preview.source}: {preview.summary()}")
        shown = ", ".join(f"{k}={v}" for k, v in preview.mapping.items())
        typer.echo(f"  mapping: {shown}")
        if dry_run_ends(preview, dry_run, errors):
            return
        details: dict[str, Any] = {"run_date": run_date, "environment": environment, "notes": notes}
        ev.apply_import(ws=ws, preview=preview, name=version, replace=replace, **details)
    typer.echo(
        f"Imported {preview.row_count:,} results as run {version!r} of {preview.suite!r} "
        f"(SHA-256 {preview.sha256[:12]}…)."
    )


@command(app, "report")
def report_command(
    file: WorkspaceFile,
    suite: _Suite,
    run: _Run = None,
    resamples: _Resamples = 1000,
    seed: _Seed = 2024,
    as_json: JsonFlag = False,
) -> None:
    """Report a run: every metric with its 95 % bootstrap interval, per slice, pass or
    fail against its threshold, and the worst slice."""
    from ..services import evaluations as ev

    with common.reading(file) as ws:
        _, chosen = _suite_run(ws, suite, run)
        report = ev.run_report(ws=ws, run_id=chosen.id, resamples=resamples, seed=seed)
    if as_json:
        common.echo_json(report.as_dict())
    else:
        _print_report(report)


def _print_report(report: RunReport) -> None:
    typer.echo(
        f"{report.suite}, run {report.run}: {report.examples:,} examples; 95 % intervals from "
        f"{report.resamples:,} bootstrap resamples (seed {report.seed})"
    )
    typer.echo("")
    rows = []
    for m in report.metrics:
        spec = m.spec
        rows.append(
            [
                common.clip(spec.name, 30),
                spec.kind,
                _number(m.value),
                _ci(m.low, m.high),
                "-"
                if spec.threshold is None
                else f"{'<=' if spec.lower_is_better else '>='} {spec.threshold:g}",
                ("blocking " if spec.blocking else "") + _verdict(m.passed),
                m.worst_slice or "-",
                f"{m.n:,}",
            ]
        )
    header = ["Metric", "Kind", "Value", "95% CI", "Threshold", "Result", "Worst slice", "N"]
    typer.echo(common.table(header, rows, right={2, 7}))
    for m in report.metrics:
        if m.note:
            typer.echo(f"  {m.spec.name}: {m.note}")
        if not m.slices:
            continue
        typer.echo("")
        typer.echo(f"{m.spec.name} by slice:")
        slice_rows = [
            [
                f"{s.column}={s.label}",
                _number(s.value),
                _ci(s.low, s.high),
                _verdict(s.passed),
                f"{s.n:,}",
            ]
            for s in m.slices
        ]
        typer.echo(
            common.table(["Slice", "Value", "95% CI", "Result", "N"], slice_rows, right={1, 4})
        )
    typer.echo("")
    failing = report.failing
    if failing:
        typer.echo(
            "FAIL: blocking metric(s) below threshold: " + ", ".join(m.spec.name for m in failing)
        )
    else:
        typer.echo("Every blocking metric meets its threshold.")


@command(app, "compare")
def compare_command(
    file: WorkspaceFile,
    suite: _Suite,
    a: Annotated[str, typer.Argument(help="The baseline run (its version).")],
    b: Annotated[str, typer.Argument(help="The candidate run (its version).")],
    resamples: _Resamples = 1000,
    seed: _Seed = 2024,
    flips: _Flips = None,
    as_json: JsonFlag = False,
) -> None:
    """Compare run B with run A on their common examples: per metric and slice the
    difference with a paired 95 % interval, McNemar p-values for boolean outcomes, the
    flipped examples, and the regressions. Exit 1 when B regresses."""
    from ..services import evaluations as ev

    with common.reading(file) as ws:
        suite_id = ev.find_suite(ws=ws, ref=suite)
        run_a = ev.find_run(ws=ws, suite_id=suite_id, ref=a)
        run_b = ev.find_run(ws=ws, suite_id=suite_id, ref=b)
        comparison = ev.compare_runs(
            ws=ws, run_a=run_a.id, run_b=run_b.id, resamples=resamples, seed=seed
        )
    if flips is not None:
        written = ev.export_flips(comparison, flips)
        if not as_json:
            typer.echo(f"Wrote {len(comparison.flips):,} flipped examples to {written}")
    if as_json:
        common.echo_json(comparison.as_dict())
    else:
        _print_comparison(comparison)
    if comparison.regressions:
        raise typer.Exit(EXIT_REGRESSION)


def _print_comparison(c: Comparison) -> None:
    typer.echo(
        f"{c.suite}: {c.run_b} against {c.run_a} on {c.paired:,} common examples"
        + (
            f" ({c.only_a:,} only in {c.run_a}, {c.only_b:,} only in {c.run_b})"
            if c.only_a or c.only_b
            else ""
        )
    )
    typer.echo("")
    rows = []
    for d in c.differences:
        rows.append(
            [
                common.clip(d.spec.name, 28),
                d.group or "overall",
                _number(d.a),
                _number(d.b),
                _number(d.diff, 3),
                _ci(d.low, d.high),
                "-" if d.p_value is None else f"{d.p_value:.3g} ({d.test})",
                "REGRESSION" if d.regression else ("worse" if d.worse else ""),
            ]
        )
    header = ["Metric", "Group", "A", "B", "B - A", "95% CI", "p", ""]
    typer.echo(common.table(header, rows, right={2, 3, 4}))
    typer.echo("")
    lost = sum(1 for f in c.flips if f.change == "pass→fail")
    typer.echo(f"Flipped examples: {lost:,} pass→fail, {len(c.flips) - lost:,} fail→pass.")
    if not c.regressions:
        typer.echo("No regression.")
        return
    typer.echo(f"REGRESSION ({len(c.regressions)}):")
    for d in c.regressions:
        where = d.group or "overall"
        shown = ", ".join(d.examples[:10]) + (" …" if len(d.examples) > 10 else "")
        typer.echo(
            f"  {d.spec.name} [{where}]: {d.reason}" + (f"; examples: {shown}" if shown else "")
        )


@command(app, "export")
def export_command(
    file: WorkspaceFile,
    suite: _Suite,
    run: Annotated[str, typer.Option("--run", help="The run's version.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write: .csv or .jsonl.")],
    force: ForceFlag = False,
) -> None:
    """Export a run's per-example results as stored, headed by their mapping fields (id,
    expected, slice:language ...): the file imports again as it is."""
    from ..services import evaluations as ev

    out = out.expanduser()
    if out.exists() and not force:
        raise UserError(f"{out} exists; give --force to replace it.")
    with common.reading(file) as ws:
        _, chosen = _suite_run(ws, suite, run)
        written = ev.export_results(ws=ws, run_id=chosen.id, out=out)
    typer.echo(f"Wrote {chosen.source_rows:,} results of run {chosen.name!r} to {written}")


@command(app, "record-kpi")
def record_kpi_command(
    file: WorkspaceFile,
    suite: _Suite,
    metric: Annotated[str, typer.Option("--metric", help="The suite's metric: name or id.")],
    kpi: Annotated[str, typer.Option("--kpi", help="The KPI to record it on: name or id.")],
    run: _Run = None,
    scale: Annotated[
        float, typer.Option("--scale", help="Multiply the value (100 for a KPI kept in %).")
    ] = 1.0,
    who: common.WhoOption = None,
) -> None:
    """Record a run's metric value as a snapshot of a KPI on the run's date, so offline
    and online quality sit on one chart (a snapshot on that date is updated)."""
    from ..services import evaluations as ev
    from ..services.kpis.definitions import find_kpi

    with common.writing(file) as ws:
        suite_id, chosen = _suite_run(ws, suite, run)
        spec = ev.find_metric(ws=ws, suite_id=suite_id, ref=metric)
        kpi_id = find_kpi(ws=ws, ref=kpi)
        ev.record_kpi_snapshot(
            ws=ws, run_id=chosen.id, metric_id=spec.id, kpi_id=kpi_id, scale=scale, who=who
        )
    typer.echo(f"Recorded {spec.name} of run {chosen.name!r} as a snapshot of KPI {kpi!r}.")
