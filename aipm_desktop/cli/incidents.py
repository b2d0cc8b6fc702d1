"""``aipm incidents``: the incident log: list incidents, show one with its timeline and
actions, and the quarterly figures."""

from __future__ import annotations

from typing import Annotated

import typer

from . import common
from .common import JsonFlag, WorkspaceFile, command, new_app

app = new_app(
    "Incidents: the log of AI failures (severity, status, category, timestamps), one "
    "incident's timeline and actions, and the figures per quarter."
)

_Incident = Annotated[str, typer.Argument(help="The incident: its id or title.")]


@command(app, "list")
def list_command(
    file: WorkspaceFile,
    open_only: Annotated[
        bool, typer.Option("--open", help="Only incidents not yet resolved (open, mitigated).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """List the incidents, newest detected first."""
    from ..services import incidents
    from ..services.dates import format_datetime

    with common.reading(file) as ws:
        items = incidents.summaries(ws=ws, open_only=open_only)
    empty = "No open incidents." if open_only else "No incidents recorded."
    if common.echo_json_or_empty(items, as_json=as_json, empty=empty):
        return
    rows = [
        [
            str(i.id),
            i.severity.upper(),
            i.status,
            common.clip(i.title, 48),
            common.clip(i.category or "-", 20),
            common.clip(", ".join(i.use_cases) or "-", 24),
            format_datetime(i.detected_at),
            format_datetime(i.resolved_at, "-"),
        ]
        for i in items
    ]
    header = ["ID", "Sev", "Status", "Title", "Category", "Use cases", "Detected", "Resolved"]
    typer.echo(common.table(header, rows, right={0}))
    typer.echo("")
    typer.echo(common.plural(len(items), "incident"))


@command(app, "show")
def show_command(file: WorkspaceFile, incident: _Incident, as_json: JsonFlag = False) -> None:
    """One incident: its facts, links, timeline and actions."""
    from ..services import incidents
    from ..services.dates import format_datetime

    with common.reading(file) as ws:
        info = incidents.detail(ws=ws, incident_id=incidents.find_incident(ws=ws, ref=incident))
    if as_json:
        common.echo_json(info.as_dict())
        return
    severity = info.severity.upper() + (f" ({info.severity_name})" if info.severity_name else "")
    cause = incidents.ROOT_CAUSE_LABELS.get(info.root_cause_class, "-")  # type: ignore[call-overload]
    lines = [
        f"{info.title}  [#{info.id}]",
        f"  Severity:        {severity}",
        f"  Status:          {info.status}",
        f"  Category:        {info.category or '-'}",
        f"  Root cause:      {cause}",
        f"  Owner:           {info.owner or '-'}",
        f"  Use cases:       {', '.join(t for _, t in info.use_cases) or '-'}",
        f"  Release:         {info.release or '-'}",
        f"  KPIs:            {', '.join(n for _, n in info.kpis) or '-'}",
        f"  Risks:           {', '.join(t for _, t in info.risks) or '-'}",
        f"  Detected:        {format_datetime(info.detected_at)}",
        f"  Acknowledged:    {format_datetime(info.acknowledged_at, '-')}",
        f"  Mitigated:       {format_datetime(info.mitigated_at, '-')}",
        f"  Resolved:        {format_datetime(info.resolved_at, '-')}",
        f"  Reviewed:        {format_datetime(info.reviewed_at, '-')}"
        + (f" (document {info.review_document_id})" if info.review_document_id else ""),
    ]
    if info.customer_impact:
        lines += ["", "Customer impact:", f"  {info.customer_impact}"]
    if info.timeline:
        lines += ["", "Timeline:"]
        lines += [
            f"  {format_datetime(e.at)}  {e.what}" + (f" ({e.who})" if e.who else "")
            for e in info.timeline
        ]
    if info.actions:
        lines += ["", "Actions:"]
        lines += [
            f"  {format_datetime(a.at)}  {a.label}"
            + (f" by {a.who}" if a.who else "")
            + (f": {a.notes}" if a.notes else "")
            for a in info.actions
        ]
    typer.echo("\n".join(lines))


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} h"


@command(app, "stats")
def stats_command(
    file: WorkspaceFile,
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="The quarter, e.g. 2026Q4 (default: this one).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The quarter's figures: counts by severity and category, time to acknowledge and to
    mitigate (median and p90, hours, linear interpolation), share reviewed."""
    from ..services import incidents

    with common.reading(file) as ws:
        figures = incidents.stats(ws=ws, quarter=quarter)
    if as_json:
        common.echo_json(figures.as_dict())
        return
    share = "-" if figures.share_reviewed is None else f"{figures.share_reviewed:.0%}"
    lines = [f"Incidents detected in {figures.quarter}: {figures.total}", "", "By severity:"]
    lines += [f"  {sev.upper():<6} {n}" for sev, n in figures.by_severity.items()]
    lines += ["", "By category:"]
    lines += [f"  {name:<28} {n}" for name, n in figures.by_category.items()]
    lines += ["", "Hours from detection      median     p90   incidents"]
    for label, d in (("to acknowledge", figures.acknowledge), ("to mitigate", figures.mitigate)):
        pending = f" ({d.pending} not yet)" if d.pending else ""
        lines.append(
            f"  {label:<22} {_hours(d.median_hours):>8} {_hours(d.p90_hours):>8}   {d.count}"
            + pending
        )
    lines += ["", f"Post-incident review completed: {figures.reviewed} ({share})"]
    typer.echo("\n".join(lines))
