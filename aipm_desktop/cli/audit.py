"""``aipm audit``: verify the tamper-evident change log and evidence files, read and
export the log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app

app = new_app(
    "The audit trail: the hash-chained change log (verify, list, export) and the stored "
    "evidence files' SHA-256."
)


@command(app, "verify")
def verify_command(
    file: WorkspaceFile,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="A head hash you recorded earlier: fail unless it is still in the chain.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute the change log's hash chain and every evidence file's SHA-256; name the
    first entry that does not match and exit 1. Prints the head hash: record it
    elsewhere to detect a chain rewritten or cut short later (--head)."""
    from ..services import audit

    with common.reading(file) as ws:
        report = audit.verify(ws=ws, expect_head=head)
    if as_json:
        common.echo_json(report.as_dict())
    else:
        if report.broken is None:
            count = f"{report.entries:,} entr{'y' if report.entries == 1 else 'ies'}"
            typer.echo(f"Change log: {count}, chain verified.")
        else:
            typer.echo(f"Change log: chain broken at {report.broken_text}")
        if report.head_problem:
            typer.echo(f"Head: {report.head_problem}")
        for line in report.evidence_problems:
            typer.echo(f"Evidence: {line}")
        if not report.evidence_problems:
            typer.echo("Evidence: every stored file matches its SHA-256.")
        where = "head hash" if report.broken is None else "last good hash"
        typer.echo(f"{where.capitalize()}: {report.head}")
    if not report.ok:
        raise typer.Exit(1)


@command(app, "log")
def log_command(
    file: WorkspaceFile,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this person's edits.")] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="Only this entity kind (use_case, risk, ...).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day (UTC), YYYY-MM-DD.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this day (UTC) included, YYYY-MM-DD.")
    ] = None,
    text: Annotated[str, typer.Option("--text", help="Words to find in the entries.")] = "",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the entries to this .csv or .xlsx file.")
    ] = None,
    force: ForceFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """List change-log entries, oldest first (filtered), or export them with --out."""
    from ..services import audit

    where = audit.LogFilter(
        actor=actor,
        entity=entity,
        since=common.parse_date(since, "--since takes a date as YYYY-MM-DD."),
        until=common.parse_date(until, "--until takes a date as YYYY-MM-DD."),
        text=text,
    )
    with common.reading(file) as ws:
        if out is not None:
            written = audit.export_log(ws=ws, out=out, where=where, overwrite=force)
            typer.echo(f"Wrote {written}")
            return
        items = list(audit.entries(ws=ws, where=where))
    if common.echo_json_or_empty(items, as_json=as_json, empty="No change-log entries match."):
        return
    rows = [
        [
            str(e.id),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            common.clip(e.who, 12),
            e.entity,
            str(e.entity_id),
            e.action,
            common.clip(e.label, 30),
            common.clip(e.summary(), 50),
        ]
        for e in items
    ]
    header = ["ID", "When (UTC)", "Who", "Entity", "Entity ID", "Action", "Record", "Changes"]
    typer.echo(common.table(header, rows, right={0, 4}))
