"""Releases, rollout criteria and launch-readiness gates.

* **Rollout criteria** are free text on each stage (entry, exit, rollback), written as
  KPI thresholds: ``"14 days: hallucination rate <= 3%, P95 latency <= 3.5 s"``. The text
  is split into clauses (at ``,`` ``;`` `` and `` `` or ``), each clause is read by
  :func:`parse_criterion` and matched to a tracked KPI, and :func:`criteria_status` tells
  whether the KPI's latest snapshot meets it. Clauses without a comparison ("beta
  agreements signed") are not KPI checks and are left out.
* **Launch checklist**: one :class:`LaunchCheck` per item, copied from the workspace's
  editable default checklist (:class:`LaunchChecklistTemplate`, seeded from
  ``resources/data/launch_checklist.json``) by :func:`ensure_checklist`.
* **Readiness** (:func:`readiness`): % done (not-applicable items left out), the
  blocking items still open, open high and critical risks on the release's use case,
  and documentation completeness (:data:`DOCUMENTATION`), summed up as go / no-go with
  the reasons.

The package, by concern (every public name is importable from here):

- :mod:`.criteria`: parsing rollout criteria and checking them against KPIs;
- :mod:`.checklist`: the default checklist and a release's checks;
- :mod:`.releases`: releases, rollout stages, release lookups;
- :mod:`.gate`: launch checks, documentation, readiness and go / no-go;
- :mod:`.rollout`: when each stage ran (from the change log) and whether a release has
  launched (then it shows "Launched on <date>" instead of a go / no-go).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .criteria import (
    CRITERION_FIELDS,
    CriterionCheck,
    compare,
    criteria_status,
    match_kpi,
    parse_criterion,
    split_clauses,
)
from .rollout import SETTLED_STAGES, LaunchState, StageWindow, launch_state, stage_windows

# The checklist, releases and the gate load on first use (see aipm_desktop/lazy.py): the
# overview's runbook check reads rollout criteria and needs none of them.
__getattr__ = lazy_exports(
    __name__,
    {
        "TEMPLATE_KIND": "checklist",
        "TemplateItem": "checklist",
        "TemplateItemInput": "checklist",
        "add_template_item": "checklist",
        "delete_checks": "checklist",
        "delete_template_item": "checklist",
        "ensure_checklist": "checklist",
        "template": "checklist",
        "update_template_item": "checklist",
        "DOCUMENTATION": "gate",
        "OPEN_RISK_STATUSES": "gate",
        "SETTLED": "gate",
        "DocRequirement": "gate",
        "LaunchCheckInfo": "gate",
        "Readiness": "gate",
        "checks": "gate",
        "documentation": "gate",
        "readiness": "gate",
        "ReleaseInfo": "releases",
        "document_choices": "releases",
        "next_stage_position": "releases",
        "release_list": "releases",
        "release_of": "releases",
        "reorder_stages": "releases",
        "resolve_release": "releases",
        "stages": "releases",
    },
)

if TYPE_CHECKING:
    from .checklist import (
        TEMPLATE_KIND,
        TemplateItem,
        TemplateItemInput,
        add_template_item,
        delete_checks,
        delete_template_item,
        ensure_checklist,
        template,
        update_template_item,
    )
    from .gate import (
        DOCUMENTATION,
        OPEN_RISK_STATUSES,
        SETTLED,
        DocRequirement,
        LaunchCheckInfo,
        Readiness,
        checks,
        documentation,
        readiness,
    )
    from .releases import (
        ReleaseInfo,
        document_choices,
        next_stage_position,
        release_list,
        release_of,
        reorder_stages,
        resolve_release,
        stages,
    )

__all__ = [
    "CRITERION_FIELDS",
    "DOCUMENTATION",
    "OPEN_RISK_STATUSES",
    "SETTLED",
    "SETTLED_STAGES",
    "TEMPLATE_KIND",
    "CriterionCheck",
    "DocRequirement",
    "LaunchCheckInfo",
    "LaunchState",
    "Readiness",
    "ReleaseInfo",
    "StageWindow",
    "TemplateItem",
    "TemplateItemInput",
    "add_template_item",
    "checks",
    "compare",
    "criteria_status",
    "delete_checks",
    "delete_template_item",
    "document_choices",
    "documentation",
    "ensure_checklist",
    "launch_state",
    "match_kpi",
    "next_stage_position",
    "parse_criterion",
    "readiness",
    "release_list",
    "release_of",
    "reorder_stages",
    "resolve_release",
    "split_clauses",
    "stage_windows",
    "stages",
    "template",
    "update_template_item",
]
