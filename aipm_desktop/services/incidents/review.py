"""After an incident: the post-incident review document and the risk register.

:func:`post_incident_review` creates a document of kind ``post_incident_review`` from
its built-in template, each section filled with the incident's facts (severity,
category, use cases, impact, the timeline with every entry and action, the time to
acknowledge and to mitigate, the root cause), and links it to the incident.
:func:`add_to_risk_register` creates a risk from the incident (source *incident*,
linked to the incident and its use cases) or links an existing risk and returns the
prompt to review that risk's likelihood. Each is one undoable operation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from ...errors import UserError
from ...models import (
    Document,
    DocumentRevision,
    Incident,
    IncidentRiskLink,
    Risk,
    RiskSource,
    RiskUseCaseLink,
)
from .. import records
from ..changes import Changes
from ..dates import format_date, format_datetime
from .data import ROOT_CAUSE_LABELS, IncidentDetail, detail

if TYPE_CHECKING:
    from ...store import Workspace

REVIEW_KIND = "post_incident_review"
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)
_LIKELIHOOD_BY_SEVERITY = {"sev1": 4, "sev2": 4, "sev3": 3, "sev4": 2}
_IMPACT_BY_SEVERITY = {"sev1": 5, "sev2": 4, "sev3": 3, "sev4": 2}


def _hours_text(start: dt.datetime, end: dt.datetime | None) -> str:
    if end is None:
        return "not yet"
    minutes = round((end - start).total_seconds() / 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes / 60:.1f} h"


def _severity(info: IncidentDetail) -> str:
    name = f" ({info.severity_name})" if info.severity_name else ""
    return f"{info.severity.upper()}{name}"


def review_sections(info: IncidentDetail) -> dict[str, str]:
    """The text of each section of the review, by section heading."""
    use_cases = ", ".join(t for _, t in info.use_cases) or "none recorded"
    summary = [
        f"- **Incident:** {info.title}",
        f"- **Severity:** {_severity(info)}",
        f"- **Failure category:** {info.category or 'not set'}",
        f"- **Use cases affected:** {use_cases}",
    ]
    if info.release:
        summary.append(f"- **Release:** {info.release}")
    if info.kpis:
        summary.append(f"- **KPIs affected:** {', '.join(n for _, n in info.kpis)}")
    summary.append(f"- **Owner:** {info.owner or 'not set'}")
    summary.append(f"- **Status:** {info.status}")
    if info.description:
        summary += ["", info.description]
    impact = info.customer_impact or "Not recorded yet."
    moments: list[tuple[dt.datetime, str]] = [(info.detected_at, "Detected.")]
    for stamp, words in (
        (info.acknowledged_at, "Acknowledged."),
        (info.mitigated_at, "Mitigated."),
        (info.resolved_at, "Resolved."),
    ):
        if stamp is not None:
            moments.append((stamp, words))
    for entry in info.timeline:
        who = f" ({entry.who})" if entry.who else ""
        moments.append((entry.at, f"{entry.what}{who}"))
    for action in info.actions:
        who = f" by {action.who}" if action.who else ""
        notes = f": {action.notes}" if action.notes else ""
        moments.append((action.at, f"Action: {action.label}{who}{notes}"))
    moments.sort(key=lambda m: m[0])
    timeline = ["| When | What |", "|---|---|"]
    timeline += [f"| {format_datetime(at)} | {_cell(what)} |" for at, what in moments]
    timeline += [
        "",
        f"Time to acknowledge: {_hours_text(info.detected_at, info.acknowledged_at)}. "
        f"Time to mitigate: {_hours_text(info.detected_at, info.mitigated_at)}.",
    ]
    cause_class = (
        ROOT_CAUSE_LABELS.get(info.root_cause_class, info.root_cause_class)  # type: ignore[call-overload]
        if info.root_cause_class
        else "not classified yet"
    )
    root = [f"**Class:** {cause_class}.", "", info.root_cause or "To be written."]
    actions = [
        f"- {format_datetime(a.at)}: {a.label}"
        + (f" by {a.who}" if a.who else "")
        + (f". {a.notes}" if a.notes else "")
        for a in info.actions
    ] or ["- No actions recorded."]
    if info.actions_text:
        actions += ["", info.actions_text]
    follow = ["- [ ] Evaluation cases added so this failure is caught before release"]
    follow += [f"- Risk register: {t}" for _, t in info.risks] or [
        "- [ ] Add the incident to the risk register or review a linked risk's likelihood"
    ]
    follow.append("- [ ] Runbook rollback criteria and communication templates reviewed")
    return {
        "Summary": "\n".join(summary),
        "Customer impact": impact,
        "Timeline": "\n".join(timeline),
        "Root cause": "\n".join(root),
        "Actions taken": "\n".join(actions),
        "Follow-ups": "\n".join(follow),
    }


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def review_body(
    template_body: str, info: IncidentDetail, title: str, *, today: dt.date | None = None
) -> str:
    """The template's body with ``{{title}}`` filled and each known section's text put
    under its heading, after the heading's prompt comment."""
    from ..templates import fill

    use_cases = ", ".join(t for _, t in info.use_cases)
    body = fill(template_body, title=title, use_case=use_cases, today=today)
    sections = review_sections(info)
    parts = _HEADING.split(body)
    out = [parts[0]]
    for heading, text in zip(parts[1::2], parts[2::2], strict=True):
        filled = sections.get(heading.strip())
        if filled is not None:
            text = text.rstrip("\n") + "\n\n" + filled + "\n\n"
        out.append(f"## {heading}{text}")
    return "".join(out).rstrip("\n") + "\n"


def post_incident_review(
    *, ws: Workspace, incident_id: int, title: str | None = None, who: str | None = None
) -> tuple[int, Changes]:
    """Create the incident's post-incident review document (one operation) and link it
    to the incident; returns the document id. An incident that already has one is
    refused (open that one)."""
    from ..templates import template_for

    info = detail(ws=ws, incident_id=incident_id)
    if info.review_document_id is not None:
        raise UserError(
            f"Incident {info.title!r} already has its review (document {info.review_document_id})."
        )
    template = template_for(REVIEW_KIND)
    assert template is not None, "the built-in post-incident review template is shipped"
    doc_title = (title or "").strip() or f"Post-incident review: {info.title}"[:200]
    body = review_body(template.body, info, doc_title)
    use_case_id = info.use_cases[0][0] if info.use_cases else None
    document = records.validate_create(
        Document,
        {"kind": REVIEW_KIND, "title": doc_title, "use_case_id": use_case_id, "body": body},
    )
    with ws.write(label=f"Write the post-incident review of {info.title}", who=who) as session:
        incident = records.existing(session, Incident, incident_id, what="incident")
        session.add(document)
        session.flush()
        assert document.id is not None
        session.add(
            DocumentRevision(
                document_id=document.id,
                created_at=document.created_at,
                title=document.title,
                body=body,
                note=f"Created from incident {info.title}",
            )
        )
        incident.review_document_id = document.id
        records.touch(incident)
        session.flush()
    return document.id, Changes("document", (document.id,), "create")


@dataclass(frozen=True)
class RiskLinkResult:
    risk_id: int
    created: bool
    #: What to ask the user next (linking an existing risk: review its likelihood).
    prompt: str
    changes: Changes


def add_to_risk_register(
    *, ws: Workspace, incident_id: int, risk_id: int | None = None, who: str | None = None
) -> RiskLinkResult:
    """Create a risk from the incident and link them, or (``risk_id``) link an existing
    risk and return the prompt to review its likelihood (one operation)."""
    info = detail(ws=ws, incident_id=incident_id)
    if risk_id is not None and risk_id in {i for i, _ in info.risks}:
        raise UserError(f"Incident {info.title!r} is already linked to risk {risk_id}.")
    label = (
        f"Add incident {info.title} to the risk register"
        if risk_id is None
        else f"Link incident {info.title} to risk {risk_id}"
    )
    with ws.write(label=label, who=who) as session:
        incident = records.existing(session, Incident, incident_id, what="incident")
        records.touch(incident)  # a link is part of the incident: a stale edit of it is refused
        created = risk_id is None
        if risk_id is None:
            risk = records.validate_create(
                Risk,
                {
                    "title": info.title[:200],
                    "description": (
                        f"From incident {info.title} ({info.severity.upper()}, detected "
                        f"{format_date(info.detected_at)}). {info.description}"
                    ).strip(),
                    "category": info.category,
                    "source": RiskSource.INCIDENT,
                    "owner": info.owner,
                    "likelihood": _LIKELIHOOD_BY_SEVERITY.get(info.severity, 3),
                    "impact": _IMPACT_BY_SEVERITY.get(info.severity, 3),
                },
            )
            session.add(risk)
            session.flush()
            assert risk.id is not None
            risk_id = risk.id
            if info.use_cases:
                session.execute(
                    insert(RiskUseCaseLink.__table__),  # type: ignore[attr-defined]
                    [{"risk_id": risk_id, "use_case_id": u} for u, _ in info.use_cases],
                )
            prompt = (
                f"Risk {risk_id} created from the incident with likelihood "
                f"{risk.likelihood} and impact {risk.impact}; check both and add mitigations."
            )
        else:
            existing = records.existing(session, Risk, risk_id, what="risk")
            prompt = (
                f"Incident {info.title!r} is linked to risk {existing.title!r}. Review its "
                f"likelihood (now {existing.likelihood} of 5): the incident shows it can happen."
            )
        session.execute(
            insert(IncidentRiskLink.__table__),  # type: ignore[attr-defined]
            [{"incident_id": incident_id, "risk_id": risk_id}],
        )
    return RiskLinkResult(
        risk_id=risk_id,
        created=created,
        prompt=prompt,
        changes=Changes("risk", (risk_id,), "create" if created else "update"),
    )


def linked_incidents(*, ws: Workspace, risk_id: int) -> list[int]:
    """The incidents linked to a risk."""
    t = IncidentRiskLink.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        query = select(t.c.incident_id).where(t.c.risk_id == risk_id)
        return [int(i) for i in conn.execute(query).scalars()]
