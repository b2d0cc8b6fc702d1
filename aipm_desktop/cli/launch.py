"""``aipm launch``: releases, launch readiness and go / no-go."""

from __future__ import annotations

import typer

from ..services.dates import format_date
from . import common
from .common import JsonFlag, WorkspaceFile, command, new_app

app = new_app(
    "Releases and launch-readiness gates: readiness %, blocking items, go / no-go.",
    name="launch",
)

_MARK = {True: "met", False: "NOT MET", None: "no data"}
#: A rollback criterion that holds means: roll back now.
_ROLLBACK = {True: "TRIGGERED", False: "ok", None: "no data"}
#: A finished stage whose window the change log does not know: what its status records.
_RECORDED = {
    ("complete", "entry"): "met",
    ("complete", "exit"): "met",
    ("complete", "rollback"): "ok",
    ("rolled_back", "entry"): "met",
    ("rolled_back", "exit"): "ROLLED BACK",
    ("rolled_back", "rollback"): "ROLLED BACK",
}


@command(app, "list")
def list_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Every release with its target date, feature flag, readiness % and go / no-go."""
    from ..services import launch

    releases = common.listed(
        file, launch.release_list, as_json=as_json, empty="No releases in this workspace."
    )
    typer.echo(
        f"{'id':>4}  {'name':<32} {'target':<10} {'flag':<20} {'ready':>6}  {'gate':<8} use case"
    )
    for r in releases:
        target = format_date(r.target_date, "-")
        typer.echo(
            f"{r.id:>4}  {common.clip(r.name, 32):<32} {target:<10} "
            f"{common.clip(r.feature_flag, 20):<20} "
            f"{r.percent:>5.0f}%  {r.state_text:<8} {r.use_case or '-'}"
        )


@command(app, "status")
def status_command(
    file: WorkspaceFile,
    release: str = typer.Argument(..., help="Release name or id."),
    as_json: JsonFlag = False,
) -> None:
    """Readiness of one release: % done, blocking items, open high and critical risks,
    documentation, go / no-go with the reasons, and each rollout criterion against the
    latest KPI snapshot."""
    from ..services import launch

    with common.reading(file) as ws:
        release_id = launch.resolve_release(ws=ws, ref=release)
        ready = launch.readiness(ws=ws, release_id=release_id)
        criteria = launch.criteria_status(ws=ws, release_id=release_id)
    if as_json:
        data = ready.as_dict()
        data["criteria"] = [c.as_dict() for c in criteria]
        common.echo_json(data)
        return
    typer.echo(f"{ready.name}: {ready.state_text}")
    typer.echo(f"Readiness: {ready.percent:.0f}% ({ready.done} of {ready.total} items done)")
    for reason in ready.reasons_except("blocking"):
        typer.echo(f"  - {reason}")
    if ready.blocking:
        typer.echo(f"\nBlocking items not done ({len(ready.blocking)}):")
        for check in ready.blocking:
            owner = f" ({check.owner})" if check.owner else ""
            typer.echo(
                f"  [{check.status.replace('_', ' ')}] {check.function}: {check.item}{owner}"
            )
    typer.echo(
        f"\nOpen risks on the use case: {ready.open_critical_risks} critical, "
        f"{ready.open_high_risks} high"
    )
    typer.echo("Documentation: " + ", ".join(f"{k} {v}" for k, v in ready.documentation.items()))
    if ready.evaluation is not None:
        typer.echo(ready.evaluation.text())
    if criteria:
        typer.echo(
            "\nRollout criteria (stages to come and running: the latest KPI snapshot; "
            "finished stages: the snapshots of their own window):"
        )
        for c in criteria:
            latest = "-" if c.latest is None else f"{c.latest:g}"
            kpi = c.kpi_name or "no matching KPI"
            if c.basis == "recorded":
                mark = _RECORDED.get((c.stage_status, c.which), "recorded")
                latest, on = "-", "recorded"
            else:
                mark = _ROLLBACK[c.met] if c.which == "rollback" else _MARK[c.met]
                on = format_date(c.latest_date, "-")
            typer.echo(
                f"  {common.clip(c.stage, 28):<28} {c.which:<8} {common.clip(c.text, 44):<44} "
                f"{mark:<9} {latest:>8} {on:<10}  {kpi}"
            )
