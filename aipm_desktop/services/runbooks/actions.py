"""What a runbook does during an incident: fill its communication templates, open an
incident from a met rollback criterion, and write the runbook as Markdown (its exports:
:mod:`.export`).

Placeholders a template may use (``{name}``; an unknown name is left as written):
``{title}``, ``{severity}`` (``SEV2``), ``{severity_name}`` (``Major``), ``{status}``,
``{started}`` (when it was detected), ``{impact}`` (the customer impact),
``{use_case}``, ``{category}``, ``{owner}``, ``{runbook}``, ``{safe_mode}`` and
``{next_update}`` (given, else an hour from now).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from ...errors import UserError, ValidationError
from ...models import CommunicationChannel, IncidentStatus, utcnow
from ..changes import Changes
from ..dates import format_datetime
from ..incidents import add_timeline_entry, create_incident, detail, failure_categories
from .check import MET, CriterionResult, check
from .data import CHANNEL_LABELS, RunbookInfo, get_runbook

if TYPE_CHECKING:
    from ...store import Workspace

PLACEHOLDERS = (
    "title",
    "severity",
    "severity_name",
    "status",
    "started",
    "impact",
    "use_case",
    "category",
    "owner",
    "runbook",
    "safe_mode",
    "next_update",
)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
#: The failure category a breached KPI suggests, by words in its name or catalog key.
_CATEGORY_HINTS = (
    (("hallucination", "factual", "accuracy", "quality"), "Wrong answer"),
    (("latency", "p95", "p99", "response time"), "Latency spike"),
    (("safety", "toxicity", "violation", "unsafe"), "Unsafe response"),
    (("cost",), "Cost spike"),
)


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{name}`` replaced; unknown ones left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def communication(
    *,
    ws: Workspace,
    runbook_id: int,
    incident_id: int,
    channel: str,
    next_update: str | None = None,
) -> tuple[str, str]:
    """(subject, body) of the runbook's ``channel`` template filled from the incident."""
    try:
        wanted = CommunicationChannel(str(channel).strip().lower().replace("-", "_"))
    except ValueError as error:
        choices = ", ".join(c.value for c in CommunicationChannel)
        raise ValidationError(
            f"Unknown channel {channel!r}; choose one of: {choices}.", [("channel", "unknown")]
        ) from error
    runbook = get_runbook(ws=ws, runbook_id=runbook_id)
    template = runbook.template(wanted.value)
    if template is None:
        raise UserError(
            f"Runbook {runbook.title!r} has no {CHANNEL_LABELS[wanted].lower()} template."
        )
    info = detail(ws=ws, incident_id=incident_id)
    values = {
        "title": info.title,
        "severity": info.severity.upper(),
        "severity_name": info.severity_name,
        "status": info.status,
        "started": format_datetime(info.detected_at),
        "impact": info.customer_impact or "under investigation",
        "use_case": ", ".join(t for _, t in info.use_cases) or runbook.use_case,
        "category": info.category,
        "owner": info.owner or runbook.owner,
        "runbook": runbook.title,
        "safe_mode": runbook.safe_mode,
        "next_update": next_update or format_datetime(utcnow() + dt.timedelta(hours=1)),
    }
    return fill_placeholders(template.subject, values), fill_placeholders(template.body, values)


def _category_for(ws: Workspace, kpi_name: str | None) -> int | None:
    folded = (kpi_name or "").casefold()
    by_name = {c.name.casefold(): c.id for c in failure_categories(ws=ws)}
    for words, name in _CATEGORY_HINTS:
        if any(w in folded for w in words):
            return by_name.get(name.casefold())
    return None


def _values_text(result: CriterionResult) -> str:
    unit = result.unit
    return ", ".join(
        f"{v:g}{unit if unit in ('%', '') else ' ' + unit} on {d.isoformat()}"
        for d, v in result.values
    )


def open_incident_from_breach(
    *,
    ws: Workspace,
    criterion_id: int,
    severity: str = "sev2",
    owner: str = "",
    force: bool = False,
    who: str | None = None,
) -> tuple[int, Changes]:
    """Open an incident pre-filled from a met rollback criterion (one operation): its
    title names the KPI and condition, it is linked to the runbook's use case, release
    and the KPI, its category follows the KPI (hallucination: wrong answer; latency:
    latency spike ...), and its first timeline entry records the breach with the values.
    A criterion that is not met is refused unless ``force``."""
    results = [r for r in check(ws=ws) if r.criterion_id == criterion_id]
    if not results:
        raise UserError(f"No rollback criterion with id {criterion_id}.")
    result = results[0]
    if result.state != MET and not force:
        raise UserError(
            f"The rollback criterion {result.condition!r} is {result.state}; no incident opened."
        )
    runbook = get_runbook(ws=ws, runbook_id=result.runbook_id)
    breach = f"Rollback criterion met: {result.condition} ({_values_text(result)})"
    data: dict[str, Any] = {
        "title": f"{result.kpi_name or 'KPI'} breached its rollback criterion"[:200],
        "severity": severity,
        "status": IncidentStatus.OPEN,
        "owner": owner or runbook.owner,
        "category_id": _category_for(ws, result.kpi_name),
        "release_id": runbook.release_id,
        "description": f"{breach}. Runbook: {runbook.title}.",
        "detected_at": utcnow(),
        "use_case_ids": [runbook.use_case_id] if runbook.use_case_id else [],
        "kpi_ids": [result.kpi_id] if result.kpi_id else [],
    }
    with ws.operation(f"Open incident from breach: {result.condition}", who=who):
        incident_id, changes = create_incident(ws=ws, data=data, who=who)
        add_timeline_entry(
            ws=ws, incident_id=incident_id, what=breach, who="Runbook check", actor=who
        )
    return incident_id, changes


# -- export ------------------------------------------------------------------------------------


def runbook_markdown(info: RunbookInfo) -> str:
    """The runbook as a Markdown document."""
    lines = [f"# {info.title}", ""]
    facts = []
    if info.use_case:
        facts.append(f"**Use case:** {info.use_case}")
    if info.release:
        facts.append(f"**Release:** {info.release}")
    if info.owner:
        facts.append(f"**Owner:** {info.owner}")
    if facts:
        lines += ["  \n".join(facts), ""]
    if info.scope:
        lines += ["## Scope", "", info.scope, ""]
    lines += ["## Escalation path", ""]
    if info.contacts:
        lines += ["| # | Role | Name | How to reach |", "|---|---|---|---|"]
        lines += [
            f"| {i} | {_cell(c.role)} | {_cell(c.name)} | {_cell(c.reach)} |"
            for i, c in enumerate(info.contacts, start=1)
        ]
    else:
        lines.append("No escalation path yet.")
    lines += ["", "## Rollback criteria", ""]
    if info.criteria:
        lines.append("Roll back (or switch to safe mode) when any of these is met:")
        lines.append("")
        lines += [f"- {c.condition}" for c in info.criteria]
    else:
        lines.append("No rollback criteria yet.")
    lines += ["", "## Safe mode", "", info.safe_mode or "Not described yet.", ""]
    lines += ["## Communication templates", ""]
    if not info.templates:
        lines += ["No templates yet.", ""]
    for template in info.templates:
        name = CHANNEL_LABELS.get(CommunicationChannel(template.channel), template.channel)
        lines += [f"### {name}", ""]
        if template.subject:
            lines += [f"**Subject:** {template.subject}", ""]
        lines += ["```text", template.body.rstrip("\n"), "```", ""]
    if info.notes:
        lines += ["## Notes", "", info.notes, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split()) or " "
