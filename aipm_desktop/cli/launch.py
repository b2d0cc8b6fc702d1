"""``aipm launch``: releases, launch readiness and go / no-go."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .common import clip, guarded, open_for_reading

app = typer.Typer(
    name="launch",
    help="Releases and launch-readiness gates: readiness %, blocking items, go / no-go.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_MARK = {True: "met", False: "NOT MET", None: "no data"}
#: A rollback criterion that holds means: roll back now.
_ROLLBACK = {True: "TRIGGERED", False: "ok", None: "no data"}


@app.command("list")
@guarded
def list_command(
    file: Path = typer.Argument(..., help="Workspace file (.aipm)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Every release with its target date, feature flag, readiness % and go / no-go."""
    from ..services import launch

    ws, _info = open_for_reading(file.expanduser())
    try:
        releases = launch.release_list(ws=ws)
    finally:
        ws.close()
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in releases], indent=2, ensure_ascii=False))
        return
    if not releases:
        typer.echo("No releases in this workspace.")
        return
    typer.echo(
        f"{'id':>4}  {'name':<32} {'target':<10} {'flag':<20} {'ready':>6}  {'gate':<5} use case"
    )
    for r in releases:
        target = r.target_date.isoformat() if r.target_date else "-"
        typer.echo(
            f"{r.id:>4}  {clip(r.name, 32):<32} {target:<10} {clip(r.feature_flag, 20):<20} "
            f"{r.percent:>5.0f}%  {'GO' if r.go else 'NO-GO':<5} {r.use_case or '-'}"
        )


@app.command("status")
@guarded
def status_command(
    file: Path = typer.Argument(..., help="Workspace file (.aipm)."),
    release: str = typer.Argument(..., help="Release name or id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Readiness of one release: % done, blocking items, open high and critical risks,
    documentation, go / no-go with the reasons, and each rollout criterion against the
    latest KPI snapshot."""
    from ..services import launch

    ws, _info = open_for_reading(file.expanduser())
    try:
        release_id = launch.resolve_release(ws=ws, ref=release)
        ready = launch.readiness(ws=ws, release_id=release_id)
        criteria = launch.criteria_status(ws=ws, release_id=release_id)
    finally:
        ws.close()
    if as_json:
        data = ready.as_dict()
        data["criteria"] = [c.as_dict() for c in criteria]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{ready.name}: {'GO' if ready.go else 'NO-GO'}")
    typer.echo(f"Readiness: {ready.percent:.0f}% ({ready.done} of {ready.total} items done)")
    for reason in ready.reasons:
        typer.echo(f"  - {reason}")
    if ready.blocking:
        typer.echo("\nBlocking items:")
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
    if criteria:
        typer.echo("\nRollout criteria (latest KPI snapshot):")
        for c in criteria:
            latest = "-" if c.latest is None else f"{c.latest:g}"
            kpi = c.kpi_name or "no matching KPI"
            mark = _ROLLBACK[c.met] if c.which == "rollback" else _MARK[c.met]
            typer.echo(
                f"  {clip(c.stage, 28):<28} {c.which:<8} {clip(c.text, 44):<44} "
                f"{mark:<9} {latest:>8}  {kpi}"
            )
