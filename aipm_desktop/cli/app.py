"""``aipm``: the command line over the services (no Qt).

Commands: ``new``, ``info``, ``check``, ``export``, ``import`` and ``--version``. A problem
the user can fix (bad path, bad file, bad input) exits 1 with one ``aipm: error: ...``
line on stderr; anything unexpected exits 2 with one line pointing at the log file, where
the traceback goes. Commands that only read a file open it read-only and leave its bytes
unchanged. The services are imported inside the commands so ``--version`` and ``--help``
stay quick.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .. import __version__
from ..errors import UserError
from .common import (
    ForceFlag,
    JsonFlag,
    WorkspaceFile,
    closed_summary,
    command,
    echo_json,
    new_app,
    parse_date,
    reading,
    workspace_location,
)
from .common import fail as _fail
from .common import open_for_reading as _open_for_reading

if TYPE_CHECKING:
    pass

EXPORT_FORMATS = ("json",)

app = new_app(
    "AIPM Desktop on the command line: create, inspect, check, export and import workspace files.",
    name="aipm",
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"aipm {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version_callback,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """AIPM Desktop on the command line."""


@command(app)
def new(
    file: Path = typer.Argument(
        ...,
        help="The workspace file to create (e.g. client.aipm), or an empty server database.",
        parser=workspace_location,
    ),
    name: str = typer.Option("", "--name", help="Workspace name (default: from the file name)."),
    demo: bool = typer.Option(False, "--demo", help="Fill it with the sample portfolio."),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists."),
) -> None:
    """Create a new workspace file with the built-in reference data."""
    from ..locations import ServerLocation
    from ..services.workspace import info, new_workspace

    file = file.expanduser()
    if not isinstance(file, ServerLocation):  # a database must be empty (or --force)
        if file.is_dir():
            raise UserError(f"{file} is a folder; give a file name for the new workspace.")
        if file.exists() and not force:
            raise UserError(f"{file} already exists; use --force to replace it.")
    ws = new_workspace(file, name=name or None, demo=demo, overwrite=force)
    try:
        summary = info(ws=ws)
    finally:
        ws.close()
    typer.echo(f"Created {file} ({summary.name!r}, schema {summary.schema_version})")


@command(app, "info")
def info_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Show a workspace's name, client, schema version and what it holds."""
    from ..services.workspace import COUNTED, info

    ws, file_info = _open_for_reading(file.expanduser())
    try:
        summary = dataclasses.replace(info(ws=ws), readonly=not file_info.writable)
    finally:
        ws.close()
    if as_json:
        echo_json(summary.as_dict(), indent=None, sort_keys=True)
        return
    schema = summary.schema_version
    if schema != summary.app_schema_version:
        schema += f" (older; the app upgrades it to {summary.app_schema_version} on opening)"
    lines = [
        f"File:      {summary.path}",
        f"Name:      {summary.name}",
        f"Client:    {summary.client or '-'}",
        f"Schema:    {schema}",
        f"Read-only: {'yes' if summary.readonly else 'no'}",
        "",
    ]
    width = max(len(label) for label in COUNTED.values())
    for kind, count in summary.counts.items():
        label = COUNTED.get(kind, kind)
        lines.append(f"{label:<{width}}  {count:>7}")
    typer.echo("\n".join(lines))


@command(app)
def check(file: WorkspaceFile) -> None:
    """Check a workspace file's integrity and schema version (exit 0 when sound)."""
    from ..store import check_workspace, head_revision, inspect_file

    file = file.expanduser()
    problems = check_workspace(file)
    info = inspect_file(file)
    revision = info.revision
    if not problems:
        note = ""
        if info.needs_migration:
            note = f"; older than {head_revision()}, the app upgrades it when opened"
        typer.echo(f"OK: {file} (schema {revision}{note})")
        return
    for problem in problems:
        typer.echo(f"  {problem}")
    more = f" (and {len(problems) - 1} more, listed above)" if len(problems) > 1 else ""
    raise _fail(f"{file} (schema {revision}) failed its check: {problems[0]}{more}")


@command(app, "export")
def export_command(
    file: WorkspaceFile,
    fmt: str = typer.Option("json", "--format", help="Output format: json."),
    out: Path | None = typer.Option(None, "--out", help="The file to write."),
    force: ForceFlag = False,
) -> None:
    """Write a full, lossless dump of a workspace (JSON)."""
    from ..services.transfer import export_json

    if fmt.lower() not in EXPORT_FORMATS:
        raise UserError(
            f"unsupported export format {fmt!r}; available: {', '.join(EXPORT_FORMATS)}."
        )
    if out is None:
        raise UserError("give the file to write with --out OUT.json.")
    with reading(file) as ws:
        written = export_json(ws=ws, out=out, overwrite=force)
    typer.echo(f"Exported {file} to {written}")


@command(app, "import")
def import_command(
    file: Path = typer.Argument(
        ...,
        help="The new workspace to create: a file, or an empty server database "
        "(postgresql://user@host/db).",
        parser=workspace_location,
    ),
    source: Path = typer.Argument(..., help="The JSON dump to restore (from aipm export)."),
    force: bool = typer.Option(
        False, "--force", help="Replace FILE if it exists (a server database's workspace)."
    ),
) -> None:
    """Create a new workspace from a JSON dump (validated first, all or nothing)."""
    from ..locations import ServerLocation
    from ..services.transfer import import_json

    file = file.expanduser()
    if not isinstance(file, ServerLocation) and file.exists() and not force:
        raise UserError(f"{file} already exists; use --force to replace it.")
    ws = import_json(source=source, dest=file, overwrite=force)
    typer.echo(f"Imported {source} into {file} ({closed_summary(ws)})")


_SUITE_HELP = "eval charts: the eval suite, by name or id (required)."
_RUN_HELP = "eval_slices, eval_reliability: the run's version (default: latest)."


@command(app, "chart")
def chart_command(
    file: WorkspaceFile,
    kind: str = typer.Argument(
        ...,
        help="The chart: matrix, roadmap, heatmap, radar, kpi, tornado, experiment, incidents, "
        "eval, eval_slices, eval_reliability or controls-gaps.",
        metavar="KIND",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="The file to write: .png, .svg or .pdf (the suffix picks the format)."
    ),
    force: ForceFlag = False,
    residual: bool | None = typer.Option(
        None, "--residual", help="heatmap: place risks by their residual rating."
    ),
    movement: bool | None = typer.Option(
        None, "--movement", help="heatmap: arrows from each risk's inherent to residual cell."
    ),
    use_case: int | None = typer.Option(
        None, "--use-case", help="heatmap: only the risks of this use case (its id)."
    ),
    size_by: str | None = typer.Option(
        None, "--size-by", help="matrix: bubble size by reach (default) or cost.", metavar="WHAT"
    ),
    kpi: str | None = typer.Option(
        None, "--kpi", help="kpi: the KPI to draw, by name or id (required).", metavar="KPI"
    ),
    model: str | None = typer.Option(
        None, "--model", help="tornado: the cost model, by name or id (required).", metavar="MODEL"
    ),
    experiment: str | None = typer.Option(
        None,
        "--experiment",
        help="experiment: the experiment, by title or id (required).",
        metavar="EXPERIMENT",
    ),
    metric: str | None = typer.Option(
        None,
        "--metric",
        help="experiment: the metric to draw (default: the primary metric); eval, "
        "eval_slices: the suite's metric, by name, id or kind (default: its first).",
        metavar="METRIC",
    ),
    suite: str | None = typer.Option(None, "--suite", help=_SUITE_HELP, metavar="SUITE"),
    run: str | None = typer.Option(None, "--run", help=_RUN_HELP, metavar="VERSION"),
    candidate: list[str] | None = typer.Option(
        None,
        "--candidate",
        help="radar: a candidate, by id or name (repeatable; default: all rated).",
        metavar="CANDIDATE",
    ),
    quarters: int | None = typer.Option(
        None,
        "--quarters",
        help="incidents: how many quarters up to this one (default 4, at most 16).",
        metavar="N",
    ),
    catalog: str | None = typer.Option(
        None,
        "--catalog",
        help="controls-gaps: the catalog, by key, name or id (default: EU AI Act).",
        metavar="CATALOG",
    ),
    start: str | None = typer.Option(
        None, "--from", help="kpi, roadmap: first date, YYYY-MM-DD.", metavar="DATE"
    ),
    end: str | None = typer.Option(
        None, "--to", help="kpi, roadmap: last date, YYYY-MM-DD.", metavar="DATE"
    ),
) -> None:
    """Draw a chart of the workspace to a PNG, SVG or PDF file.

    \b
    KIND is one of:
      matrix   use cases by value and feasibility, coloured by risk
      roadmap  the roadmap timeline: lanes, bars, milestones, dependencies
      heatmap  live risks on the 5x5 likelihood x impact grid
      radar    interview candidates on the scorecard dimensions
      kpi      one KPI over time, with its target and thresholds
      tornado  which inputs move a cost model's cost per successful task most
      experiment  an experiment's cumulative lift with its interval, and each
               arm's daily value
      incidents  incident figures per quarter: counts by severity and by
               failure category, hours to acknowledge and to mitigate
               (median, p90), share with a completed review
      eval     an eval suite's metric across its runs, with the threshold band
      eval_slices       a run's metric per slice, with 95% intervals
      eval_reliability  a run's reliability diagram (calibration)
      controls-gaps  control coverage per use case for one catalog, with the
               missing controls by priority

    Every chart carries a footer: the workspace name, its client and today's
    date. Options apply to the charts they name. See "Charts" in the README.
    """
    from ..services.charts import render_chart

    if out is None:
        raise UserError("give the file to write with --out OUT.png (or .svg or .pdf).")
    given: dict[str, Any] = {
        "residual": residual,
        "movement": movement,
        "use_case_id": use_case,
        "size_by": size_by,
        "kpi": kpi,
        "model": model,
        "experiment": experiment,
        "metric": metric,
        "quarters": quarters,
        "suite": suite,
        "run": run,
        "catalog": catalog,
        "start": parse_date(start, "--from takes a date as YYYY-MM-DD, not {value!r}."),
        "end": parse_date(end, "--to takes a date as YYYY-MM-DD, not {value!r}."),
    }
    options = {key: value for key, value in given.items() if value is not None}
    ws, _info = _open_for_reading(file.expanduser())
    try:
        if candidate:
            from ..services.interviews import resolve_candidate

            options["candidate_ids"] = [resolve_candidate(ws=ws, ref=ref) for ref in candidate]
        written = render_chart(ws=ws, kind=kind, out=out, overwrite=force, **options)
    finally:
        ws.close()
    typer.echo(f"Wrote {written}")


#: The area command groups, in the order ``aipm --help`` lists them; each is the ``app``
#: of the module of the same name (or the one MODULES names).
GROUPS = ("usecases", "risks", "docs", "kpis", "roadmap", "launch", "interviews", "costs",
          "incidents", "runbooks", "experiments", "feedback", "evals", "controls",
          "audit")  # fmt: skip
#: Groups whose module has another name.
MODULES = {"feedback": "feedback_triage"}


def _add_groups() -> None:
    """The area command groups (``aipm usecases ...``)."""
    import importlib

    # experiment_docs adds "doc" to the experiments group; incident_work adds severities,
    # categories, action, review and risk to the incidents group.
    from . import (  # noqa: F401
        evidence_housekeeping,
        experiment_docs,
        history,
        incident_work,
        report,
        search,
        server,
    )

    history.register(app)
    report.register(app)
    search.register(app)
    server.register(app)
    for name in GROUPS:
        module = importlib.import_module(f"{__package__}.{MODULES.get(name, name)}")
        app.add_typer(module.app, name=name)
    # The short names of two controls commands: the same functions, two names.
    from . import controls

    app.add_typer(controls.evidence_app, name="evidence")
    app.command("trace")(controls.trace_command)


_add_groups()


def main() -> None:
    """Entry point of the ``aipm`` script."""
    from .common import silence_stdout

    try:
        app(prog_name="aipm")
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:  # output piped into `head` ends quietly
            silence_stdout()


if __name__ == "__main__":
    main()
