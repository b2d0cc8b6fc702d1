"""``aipm runbooks``: runbooks for AI incidents: list them, check every rollback
criterion against the latest KPI snapshots (exit code 1 when any is met), export one as
Markdown, PDF or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app

app = new_app(
    "Runbooks for AI incidents: escalation path, rollback criteria checked against the "
    "latest KPI snapshots, safe mode and communication templates."
)


@command(app, "list")
def list_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """List the runbooks with their use case, escalation steps and criteria."""
    from ..services import runbooks

    items = common.listed(file, runbooks.load_runbooks, as_json=as_json, empty="No runbooks yet.")
    rows = [
        [
            str(r.id),
            common.clip(r.title, 44),
            common.clip(r.use_case or r.release or "-", 28),
            str(len(r.contacts)),
            str(len(r.criteria)),
            ", ".join(t.channel for t in r.templates) or "-",
        ]
        for r in items
    ]
    header = ["ID", "Title", "Use case / release", "Escalation", "Criteria", "Templates"]
    typer.echo(common.table(header, rows, right={0, 3, 4}))


@command(app, "check")
def check_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Every rollback criterion and whether it is met now, on the KPIs' latest snapshots
    (exit code 1 when any is met)."""
    from ..services import runbooks

    with common.reading(file) as ws:
        results = runbooks.check(ws=ws)
    met = [r for r in results if r.met]
    if as_json:
        common.echo_json(results)
    elif not results:
        typer.echo("No rollback criteria yet.")
    else:
        rows = [
            [
                str(r.criterion_id),
                common.clip(r.runbook, 34),
                common.clip(r.condition, 60),
                "-" if r.latest is None else f"{r.latest:g}",
                "-" if r.latest_date is None else r.latest_date.isoformat(),
                r.state.upper() if r.met else r.state,
            ]
            for r in results
        ]
        header = ["ID", "Runbook", "Criterion", "Latest", "On", "State"]
        typer.echo(common.table(header, rows, right={0, 3}))
        typer.echo("")
        word = "criterion" if len(results) == 1 else "criteria"
        typer.echo(f"{len(met)} of {len(results)} rollback {word} met")
    if met:
        raise typer.Exit(1)


@command(app, "export")
def export_command(
    file: WorkspaceFile,
    runbook: Annotated[str, typer.Argument(help="The runbook: its id or title.")],
    out: Path = typer.Option(
        ..., "--out", "-o", help="The file to write (.md, .pdf or .html; a suffix is added)."
    ),
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="md, pdf or html (default: from the file's suffix)."),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Write one runbook as Markdown, PDF or standalone HTML."""
    from ..services import runbooks

    with common.reading(file) as ws:
        written = runbooks.export_runbook(
            ws=ws,
            runbook_id=runbooks.find_runbook(ws=ws, ref=runbook),
            out=out.expanduser(),
            fmt=fmt,
            overwrite=force,
        )
    typer.echo(f"Wrote {written}")


@command(app, "message")
def message_command(
    file: WorkspaceFile,
    runbook: Annotated[str, typer.Argument(help="The runbook: its id or title.")],
    channel: Annotated[str, typer.Argument(help="internal, customer or status-page.")],
    incident: Annotated[
        str, typer.Option("--incident", help="The incident whose facts fill it (id or title).")
    ],
    next_update: Annotated[
        str | None,
        typer.Option("--next-update", help="When the next update comes (default: in an hour)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A communication template of the runbook, its {placeholders} filled from the
    incident: the subject, a blank line, the body (nothing is written to the file)."""
    from ..services import incidents, runbooks

    with common.reading(file) as ws:
        subject, body = runbooks.communication(
            ws=ws,
            runbook_id=runbooks.find_runbook(ws=ws, ref=runbook),
            incident_id=incidents.find_incident(ws=ws, ref=incident),
            channel=channel,
            next_update=next_update,
        )
    if as_json:
        common.echo_json({"subject": subject, "body": body})
        return
    typer.echo(f"{subject}\n\n{body}")
