"""Incidents: the log of AI failures, worked from detection to the post-incident review.

The package, by concern (every public name is importable from here):

- :mod:`.data`: reading (:func:`summaries`, :func:`detail`, :func:`find_incident`),
  writes (create, update, delete, :func:`set_status` with its timestamps,
  :func:`add_timeline_entry`, :func:`add_action` and :func:`update_action`; each one
  undoable operation);
- :mod:`.definitions`: the editable reference lists: SEV1-SEV4 definitions
  (:func:`update_severity_definitions`) and the failure-category triage list (add,
  rename, :func:`move_category`, :func:`delete_category`, which never drops a category
  in use silently);
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
    add_timeline_entry,
    create_incident,
    delete_action,
    delete_incident,
    delete_timeline_entry,
    detail,
    find_incident,
    set_status,
    summaries,
    update_action,
    update_incident,
)
from .definitions import (
    SEVERITY_FIELDS,
    CategoryInUseError,
    CategoryUse,
    add_category,
    category_uses,
    delete_category,
    failure_categories,
    find_category,
    move_category,
    rename_category,
    severity_definitions,
    severity_of,
    update_severity_definition,
    update_severity_definitions,
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
    "SEVERITY_FIELDS",
    "STATUS_ORDER",
    "ActionEntry",
    "CategoryInUseError",
    "CategoryUse",
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
    "category_uses",
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
    "move_category",
    "percentile",
    "post_incident_review",
    "rename_category",
    "review_body",
    "review_sections",
    "set_status",
    "severity_definitions",
    "severity_of",
    "stats",
    "summaries",
    "update_action",
    "update_incident",
    "update_severity_definition",
    "update_severity_definitions",
]
