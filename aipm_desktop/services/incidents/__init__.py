"""Incidents: the log of AI failures, worked from detection to the post-incident review.

The package, by concern (every public name is importable from here):

- :mod:`.data`: reading (:func:`summaries`, :func:`detail`, :func:`find_incident`, the
  severity definitions and failure categories), writes (create, update, delete,
  :func:`set_status` with its timestamps, :func:`add_timeline_entry`,
  :func:`add_action`, the editable severity definitions and triage list; each one
  undoable operation);
- :mod:`.workflow` (used as a module): the incident log as a list
  (:func:`~.workflow.incident_log_spec`) and the status moves it offers;
- :mod:`.stats`: :func:`stats` per quarter (counts by severity and category, time to
  acknowledge and to mitigate as median and p90, share reviewed; the percentile
  definition is in its docstring), :func:`percentile`, :class:`Quarter`;
- :mod:`.review`: :func:`post_incident_review` (a document filled with the incident's
  facts and timeline) and :func:`add_to_risk_register`.
"""

from __future__ import annotations

from .data import (
    ACTION_LABELS,
    ROOT_CAUSE_LABELS,
    STATUS_ORDER,
    ActionEntry,
    IncidentDetail,
    IncidentSummary,
    TimelineEntry,
    acknowledge,
    add_action,
    add_category,
    add_timeline_entry,
    create_incident,
    delete_action,
    delete_category,
    delete_incident,
    delete_timeline_entry,
    detail,
    failure_categories,
    find_category,
    find_incident,
    rename_category,
    set_status,
    severity_definitions,
    summaries,
    update_incident,
    update_severity_definition,
)
from .review import (
    REVIEW_KIND,
    RiskLinkResult,
    add_to_risk_register,
    linked_incidents,
    post_incident_review,
    review_body,
    review_sections,
)
from .stats import (
    DurationFigures,
    IncidentFacts,
    IncidentStats,
    Quarter,
    compute_stats,
    percentile,
    stats,
)

__all__ = [
    "ACTION_LABELS",
    "REVIEW_KIND",
    "ROOT_CAUSE_LABELS",
    "STATUS_ORDER",
    "ActionEntry",
    "DurationFigures",
    "IncidentDetail",
    "IncidentFacts",
    "IncidentStats",
    "IncidentSummary",
    "Quarter",
    "RiskLinkResult",
    "TimelineEntry",
    "acknowledge",
    "add_action",
    "add_category",
    "add_timeline_entry",
    "add_to_risk_register",
    "compute_stats",
    "create_incident",
    "delete_action",
    "delete_category",
    "delete_incident",
    "delete_timeline_entry",
    "detail",
    "failure_categories",
    "find_category",
    "find_incident",
    "linked_incidents",
    "percentile",
    "post_incident_review",
    "rename_category",
    "review_body",
    "review_sections",
    "set_status",
    "severity_definitions",
    "stats",
    "summaries",
    "update_incident",
    "update_severity_definition",
]
