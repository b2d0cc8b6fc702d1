"""``aipm incidents``: the incident log: list incidents, show one with its timeline and
actions, the quarterly figures; log an incident, move it to a status, add to its
timeline (each edit one undoable step)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from . import common
from .common import JsonFlag, WhoOption, WorkspaceFile, command, new_app

app = new_app(
    "Incidents: the log of AI failures (severity, status, category, timestamps), one "
    "incident's timeline and actions, and the figures per quarter."
)

INCIDENT_ARG = Annotated[str, typer.Argument(help="The incident: its id or title.")]


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

    empty = "No open incidents." if open_only else "No incidents recorded."
    load = functools.partial(incidents.summaries, open_only=open_only)
    items = common.listed(file, load, as_json=as_json, empty=empty)
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
def show_command(file: WorkspaceFile, incident: INCIDENT_ARG, as_json: JsonFlag = False) -> None:
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
    if info.rolled_back:
        lines.append("  Rolled back:     yes")
    for heading, text in (
        ("Customer impact", info.customer_impact),
        ("What happened", info.description),
        ("Cause", info.root_cause),
        ("Response", info.actions_text),
    ):
        if text.strip():
            lines += ["", f"{heading}:", *(f"  {line}" for line in text.strip().splitlines())]
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


# -- edits -------------------------------------------------------------------------------------


def moment(value: str | None, what: str) -> dt.datetime | None:
    """``2026-11-24 08:20`` or ``2026-11-24T08:20`` (local time unless it says its zone)
    as an aware datetime; None for none."""
    if value is None or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise UserError(
            f"{what} must be a date and time like 2026-11-24 08:20, not {value!r}."
        ) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


#: The options ``add`` and ``edit`` share (``edit``: "none" clears a category, a root
#: cause or a release; the use cases and KPIs given replace the linked ones).
CATEGORY_OPTION = Annotated[
    str | None, typer.Option("--category", help="The failure category (name or id).")
]
ROOT_CAUSE_OPTION = Annotated[
    str | None,
    typer.Option("--root-cause", help="ux, data, model, policy, infrastructure or vendor."),
]
USE_CASE_OPTION = Annotated[
    list[str] | None,
    typer.Option("--use-case", help="An affected use case (id or title); repeatable."),
]
KPI_OPTION = Annotated[
    list[str] | None, typer.Option("--kpi", help="A KPI it moved (id or name); repeatable.")
]
#: ``--at``: when a status move, a timeline entry or an action happened.
AT_OPTION = Annotated[
    str | None, typer.Option("--at", help="When, e.g. 2026-11-24 09:10 (default: now).")
]
RELEASE_OPTION = Annotated[str | None, typer.Option("--release", help="The release (id or name).")]
_CLEAR = {"none", "-"}


def incident_fields(ws: Any, **given: Any) -> dict[str, Any]:
    """The incident fields the options given (not None) ask for, with the use cases, KPIs,
    category and release they name resolved to ids and the times read (``detected`` ->
    ``detected_at``; see :func:`moment`); "none" clears a category, root cause or
    release."""
    from ..services import ai_act, incidents, kpis
    from ..services.launch.releases import resolve_release

    resolvers = {
        "category_id": lambda r: incidents.find_category(ws=ws, ref=r),
        "release_id": lambda r: resolve_release(ws=ws, ref=r),
        "root_cause_class": lambda r: r.strip().lower(),
        "severity": lambda r: r.strip().lower(),
    }
    data: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name in resolvers:
            data[name] = None if value.strip().lower() in _CLEAR else resolvers[name](value)
        elif name == "use_case_ids":
            data[name] = [ai_act.resolve_use_case(ws=ws, ref=r) for r in value]
        elif name == "kpi_ids":
            data[name] = [kpis.find_kpi(ws=ws, ref=r) for r in value]
        elif name.endswith("_at"):
            data[name] = moment(value, f"--{name.removesuffix('_at')}")
        else:
            data[name] = value
    return data


@command(app, "add")
def add_command(
    file: WorkspaceFile,
    title: Annotated[str, typer.Option("--title", help="What failed, in a line.")],
    severity: Annotated[str, typer.Option("--severity", help="sev1 to sev4.")] = "sev3",
    category: CATEGORY_OPTION = None,
    root_cause: ROOT_CAUSE_OPTION = None,
    owner: Annotated[str, typer.Option("--owner", help="Who leads the response.")] = "",
    impact: Annotated[str, typer.Option("--impact", help="The customer impact.")] = "",
    description: Annotated[
        str, typer.Option("--description", help="What happened, as it was seen.")
    ] = "",
    use_case: USE_CASE_OPTION = None,
    kpi: KPI_OPTION = None,
    release: RELEASE_OPTION = None,
    detected: Annotated[
        str | None,
        typer.Option("--detected", help="When it was detected, e.g. 2026-11-24 08:20 (now)."),
    ] = None,
    who: WhoOption = None,
) -> None:
    """Log an incident (one undoable step); prints its id."""
    from ..services import incidents

    with common.writing(file) as ws:
        data = incident_fields(
            ws,
            title=title,
            severity=severity,
            owner=owner,
            customer_impact=impact,
            description=description,
            use_case_ids=use_case or [],
            kpi_ids=kpi or [],
            category_id=category,
            root_cause_class=root_cause,
            release_id=release,
            detected_at=detected,
        )
        incident_id, _changes = incidents.create_incident(ws=ws, data=data, who=who)
    typer.echo(f"Logged incident {incident_id}: {' '.join(title.split())}")


@command(app, "status")
def status_command(
    file: WorkspaceFile,
    incident: INCIDENT_ARG,
    status: Annotated[str, typer.Argument(help="open, mitigated, resolved or reviewed.")],
    at: AT_OPTION = None,
    who: WhoOption = None,
) -> None:
    """Move an incident to a status, stamping the times the move implies when they are
    empty (one undoable step)."""
    from ..services import incidents
    from ..services.dates import format_datetime

    with common.writing(file) as ws:
        incident_id = incidents.find_incident(ws=ws, ref=incident)
        incidents.set_status(
            ws=ws, incident_id=incident_id, status=status, at=moment(at, "--at"), who=who
        )
        info = incidents.detail(ws=ws, incident_id=incident_id)
    stamps = [
        f"{name} {format_datetime(value)}"
        for name, value in (
            ("acknowledged", info.acknowledged_at),
            ("mitigated", info.mitigated_at),
            ("resolved", info.resolved_at),
            ("reviewed", info.reviewed_at),
        )
        if value is not None
    ]
    typer.echo(
        f"Incident {incident_id} is {info.status}" + (f" ({'; '.join(stamps)})" if stamps else "")
    )


def add_to_incident(
    file: Path, incident: str, add: Callable[..., tuple[int, Any]], **values: Any
) -> tuple[int, int]:
    """``add(ws=, incident_id=, who=, at=, actor=, **values)`` on the incident ``incident``
    names (a timeline entry, an action) in the workspace ``file``: ``who`` is ``by`` (who
    saw or did it) else the author of the change; returns the new row's id and the
    incident's."""
    from ..services import incidents, records

    by, at, actor = values.pop("by"), values.pop("at"), values.pop("who")
    with common.writing(file) as ws:
        incident_id = incidents.find_incident(ws=ws, ref=incident)
        new_id, _changes = add(
            ws=ws,
            incident_id=incident_id,
            who=by if by is not None else (actor or records.default_author()),
            at=moment(at, "--at"),
            actor=actor,
            **values,
        )
    return new_id, incident_id


@command(app, "note")
def note_command(
    file: WorkspaceFile,
    incident: INCIDENT_ARG,
    text: Annotated[str, typer.Argument(help="What happened, for the timeline.")],
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who saw or did it (default: who makes the change)."),
    ] = None,
    at: AT_OPTION = None,
    who: WhoOption = None,
) -> None:
    """Add an entry to an incident's timeline (one undoable step)."""
    from ..services import incidents

    entry_id, incident_id = add_to_incident(
        file, incident, incidents.add_timeline_entry, what=text, by=by, at=at, who=who
    )
    typer.echo(f"Added timeline entry {entry_id} to incident {incident_id}")
