"""Runbooks for AI incidents: escalation path, rollback criteria checked live against
the KPIs, safe-mode behaviour and communication templates.

The package, by concern (every public name is importable from here):

- :mod:`.data`: reading (:func:`load_runbooks`, :func:`get_runbook`,
  :func:`find_runbook`) and writes (create, update, delete, :func:`add_criterion`; each
  one undoable operation); criteria are written as text ("hallucination rate > 4% for
  2 consecutive snapshots", read by ``launch.criteria.parse_condition``) or as fields;
- :mod:`.check`: :func:`check` (every criterion met / not met / no data on the latest
  snapshots, two queries), :func:`met_criteria`, :func:`judge`;
- :mod:`.actions`: :func:`communication` (a template filled from an incident, the
  placeholders are listed there), :func:`open_incident_from_breach` and
  :func:`runbook_markdown`;
- :mod:`.export`: :func:`export_runbook` (Markdown, HTML or PDF).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .check import (
    MET,
    NO_DATA,
    NOT_MET,
    CriterionResult,
    check,
    judge,
    latest_snapshots,
    met_criteria,
)
from .data import (
    CHANNEL_LABELS,
    ContactInfo,
    CriterionInfo,
    RunbookInfo,
    TemplateInfo,
    add_criterion,
    create_runbook,
    delete_criterion,
    delete_runbook,
    find_runbook,
    get_runbook,
    load_runbooks,
    runbook_ids,
    update_runbook,
)

# Communication, incidents from breaches and export load on first use (see
# aipm_desktop/lazy.py): the overview checks the criteria and needs none of them.
__getattr__ = lazy_exports(
    __name__,
    {
        "PLACEHOLDERS": "actions",
        "communication": "actions",
        "fill_placeholders": "actions",
        "open_incident_from_breach": "actions",
        "runbook_markdown": "actions",
        "export_runbook": "export",
    },
)

if TYPE_CHECKING:
    from .actions import (
        PLACEHOLDERS,
        communication,
        fill_placeholders,
        open_incident_from_breach,
        runbook_markdown,
    )
    from .export import export_runbook

__all__ = [
    "CHANNEL_LABELS",
    "MET",
    "NOT_MET",
    "NO_DATA",
    "PLACEHOLDERS",
    "ContactInfo",
    "CriterionInfo",
    "CriterionResult",
    "RunbookInfo",
    "TemplateInfo",
    "add_criterion",
    "check",
    "communication",
    "create_runbook",
    "delete_criterion",
    "delete_runbook",
    "export_runbook",
    "fill_placeholders",
    "find_runbook",
    "get_runbook",
    "judge",
    "latest_snapshots",
    "load_runbooks",
    "met_criteria",
    "open_incident_from_breach",
    "runbook_ids",
    "runbook_markdown",
    "update_runbook",
]
