"""Undoable edits of the Operations area, over ``services.incidents`` and
``services.runbooks``.

Each factory returns the generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its
first redo runs the service call as one workspace operation (a refusal is shown and
nothing is written); undo and redo ask the core. A new record's id is in ``record_id``
after the push. Timeline entries and actions keep *who* did it apart from the author of
the edit (the change log's actor), as the services do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ...services import incidents, runbooks
from ...services.runbooks import editing
from ..context import AppContext
from ..undo import OperationCommand, short
from ..widgets.service_edits import call_command, create_command

# -- incidents --------------------------------------------------------------------------------


def NewIncidentCommand(ctx: AppContext, data: Mapping[str, Any]) -> OperationCommand:
    """Open an incident; undo deletes it, redo brings the same row back."""
    values = dict(data)
    text = f"open incident '{short(str(values.get('title', '')))}'"
    return create_command(ctx, text, incidents.create_incident, {"data": values})


def UpdateIncidentCommand(
    ctx: AppContext, incident_id: int, data: Mapping[str, Any]
) -> OperationCommand:
    """Change fields or links of an incident (validated as a whole)."""
    values = dict(data)
    what = ", ".join(k.removesuffix("_ids").removesuffix("_id").replace("_", " ") for k in values)
    args = {"incident_id": incident_id, "data": values}
    return call_command(
        ctx, f"edit incident {what}", incidents.update_incident, args, record_id=incident_id
    )


def DeleteIncidentCommand(ctx: AppContext, incident_id: int, title: str) -> OperationCommand:
    """Delete an incident with its timeline, actions and links; undo brings it back."""
    text = f"delete incident '{short(title)}'"
    args = {"incident_id": incident_id}
    return call_command(ctx, text, incidents.delete_incident, args, record_id=incident_id)


def SetStatusCommand(ctx: AppContext, incident_id: int, status: str) -> OperationCommand:
    """Move an incident to ``status`` (stamping its timestamps); undo moves it back."""
    args = {"incident_id": incident_id, "status": status}
    return call_command(
        ctx, f"mark incident {status}", incidents.set_status, args, record_id=incident_id
    )


def AddTimelineEntryCommand(
    ctx: AppContext, incident_id: int, what: str, who: str
) -> OperationCommand:
    """Add a line to an incident's timeline, now; undo removes it."""
    args = {"incident_id": incident_id, "what": what, "who": who}
    return create_command(
        ctx,
        f"add timeline entry '{short(what, 30)}'",
        incidents.add_timeline_entry,
        args,
        author_as="actor",
    )


def AddActionCommand(
    ctx: AppContext,
    incident_id: int,
    kind: str,
    *,
    who: str,
    at: dt.datetime | None,
    notes: str = "",
) -> OperationCommand:
    """Record a mitigation action (a rollback also marks the incident rolled back)."""
    label = incidents.ACTION_LABELS.get(kind, kind)  # type: ignore[call-overload]
    args = {"incident_id": incident_id, "kind": kind, "who": who, "at": at, "notes": notes}
    return create_command(
        ctx, f"add action '{label}'", incidents.add_action, args, author_as="actor"
    )


def DeleteTimelineEntryCommand(ctx: AppContext, entry_id: int) -> OperationCommand:
    """Remove a timeline entry; undo brings it back."""
    args = {"entry_id": entry_id}
    return call_command(ctx, "remove timeline entry", incidents.delete_timeline_entry, args)


def DeleteActionCommand(ctx: AppContext, action_id: int) -> OperationCommand:
    """Remove an action; undo brings it back."""
    args = {"action_id": action_id}
    return call_command(ctx, "remove incident action", incidents.delete_action, args)


def WriteReviewCommand(ctx: AppContext, incident_id: int) -> OperationCommand:
    """Create the incident's post-incident review document; its id is in ``record_id``."""
    args = {"incident_id": incident_id}
    return create_command(
        ctx, "write the post-incident review", incidents.post_incident_review, args
    )


def AddToRiskRegisterCommand(
    ctx: AppContext, incident_id: int, risk_id: int | None = None
) -> OperationCommand:
    """Create a risk from the incident, or link ``risk_id``; ``result`` is the
    :class:`~aipm_desktop.services.incidents.RiskLinkResult`."""
    text = "add the incident to the risk register" if risk_id is None else "link a risk"
    args = {"incident_id": incident_id, "risk_id": risk_id}
    return call_command(ctx, text, incidents.add_to_risk_register, args)


def OpenFromBreachCommand(
    ctx: AppContext, criterion_id: int, severity: str, owner: str
) -> OperationCommand:
    """Open an incident pre-filled from a met rollback criterion; its id in ``record_id``."""
    args = {"criterion_id": criterion_id, "severity": severity, "owner": owner}
    return create_command(
        ctx, "open an incident from a rollback criterion", runbooks.open_incident_from_breach, args
    )


# -- runbooks ---------------------------------------------------------------------------------


def NewRunbookCommand(ctx: AppContext, data: Mapping[str, Any]) -> OperationCommand:
    """Add a runbook; its id is in ``record_id``."""
    values = dict(data)
    text = f"add runbook '{short(str(values.get('title', '')))}'"
    return create_command(ctx, text, runbooks.create_runbook, {"data": values})


def UpdateRunbookCommand(
    ctx: AppContext, runbook_id: int, data: Mapping[str, Any], what: str = ""
) -> OperationCommand:
    """Change a runbook's fields, or replace its escalation path (``contacts``)."""
    values = dict(data)
    words = what or ", ".join(k.removesuffix("_id").replace("_", " ") for k in values)
    args = {"runbook_id": runbook_id, "data": values}
    return call_command(
        ctx, f"edit runbook {words}", runbooks.update_runbook, args, record_id=runbook_id
    )


def SetContactsCommand(
    ctx: AppContext, runbook_id: int, contacts: Sequence[Mapping[str, str]], what: str
) -> OperationCommand:
    """Replace the runbook's escalation path with ``contacts`` (in order)."""
    rows = [dict(c) for c in contacts]
    return UpdateRunbookCommand(ctx, runbook_id, {"contacts": rows}, what)


def DeleteRunbookCommand(ctx: AppContext, runbook_id: int, title: str) -> OperationCommand:
    """Delete a runbook with its contacts, criteria and templates; undo brings it back."""
    args = {"runbook_id": runbook_id}
    return call_command(
        ctx, f"delete runbook '{short(title)}'", runbooks.delete_runbook, args, record_id=runbook_id
    )


def AddCriterionCommand(ctx: AppContext, runbook_id: int, text: str) -> OperationCommand:
    """Append a rollback criterion written as text ("p95 latency > 5 s for 2 ...")."""
    args = {"runbook_id": runbook_id, "criterion": text}
    return create_command(
        ctx, f"add rollback criterion '{short(text, 30)}'", runbooks.add_criterion, args
    )


def UpdateCriterionCommand(
    ctx: AppContext, criterion_id: int, data: Mapping[str, Any]
) -> OperationCommand:
    """Change a rollback criterion's KPI, operator, threshold, unit or streak."""
    args = {"criterion_id": criterion_id, "data": dict(data)}
    return call_command(ctx, "edit rollback criterion", editing.update_criterion, args)


def DeleteCriterionCommand(ctx: AppContext, criterion_id: int) -> OperationCommand:
    """Remove a rollback criterion; undo brings it back."""
    args = {"criterion_id": criterion_id}
    return call_command(ctx, "remove rollback criterion", runbooks.delete_criterion, args)


def SetTemplateCommand(
    ctx: AppContext,
    runbook_id: int,
    channel: str,
    subject: str | None,
    body: str | None,
    *,
    absent: bool = False,
) -> OperationCommand:
    """Write one communication template of a runbook (empty: removed; None keeps the
    stored subject or body; ``absent``: only while the channel has no template)."""
    args = {
        "runbook_id": runbook_id,
        "channel": channel,
        "subject": subject,
        "body": body,
        "absent": absent,
    }
    return call_command(
        ctx,
        f"edit the {channel.replace('_', ' ')} template",
        editing.set_template,
        args,
        record_id=runbook_id,
    )


def UpdateActionCommand(
    ctx: AppContext, action_id: int, data: Mapping[str, Any], label: str = "action"
) -> OperationCommand:
    """Change an action's kind, who, when or notes."""
    args = {"action_id": action_id, "data": dict(data)}
    return call_command(
        ctx, f"edit incident {label}", incidents.update_action, args, author_as="actor"
    )


# -- the reference lists (severities, failure categories) -------------------------------------
# Their refusals are shown in the Definitions dialog, where they were typed.


def _definitions_edit(ctx: AppContext, text: str, fn: Any, **args: Any) -> OperationCommand:
    return call_command(ctx, text, fn, args, report_errors=False)


def UpdateSeveritiesCommand(
    ctx: AppContext, changes: Mapping[str, Mapping[str, Any]]
) -> OperationCommand:
    """Change what one or more severities mean, as one step."""
    values = {level: dict(data) for level, data in changes.items()}
    text = f"edit severity {', '.join(level.upper() for level in values)}"
    return _definitions_edit(ctx, text, incidents.update_severity_definitions, changes=values)


def AddCategoryCommand(ctx: AppContext, name: str, description: str) -> OperationCommand:
    """Add a failure category at the end of the triage list; ``result[0]`` is its id."""
    text = f"add failure category '{short(name)}'"
    return _definitions_edit(ctx, text, incidents.add_category, name=name, description=description)


def EditCategoryCommand(
    ctx: AppContext, category_id: int, data: Mapping[str, Any]
) -> OperationCommand:
    """Rename or describe a failure category."""
    text = f"{'rename' if 'name' in data else 'describe'} failure category"
    fn = incidents.rename_category
    return _definitions_edit(ctx, text, fn, category_id=category_id, data=dict(data))


def MoveCategoryCommand(
    ctx: AppContext, category_id: int, step: int, shown: Sequence[int]
) -> OperationCommand:
    """Move a failure category up (negative ``step``) or down the triage list, as long
    as the list is still as ``shown`` (the ids in the order the user saw them)."""
    text = "reorder the failure categories"
    fn = incidents.move_category
    args = {"category_id": category_id, "step": step, "expected_order": list(shown)}
    return _definitions_edit(ctx, text, fn, **args)


def DeleteCategoryCommand(
    ctx: AppContext, category_id: int, name: str, *, move_to: int | None, clear: bool
) -> OperationCommand:
    """Remove a failure category, its incidents moved to ``move_to`` or cleared."""
    text = f"remove failure category '{short(name)}'"
    fn = incidents.delete_category
    return _definitions_edit(ctx, text, fn, category_id=category_id, move_to=move_to, clear=clear)
