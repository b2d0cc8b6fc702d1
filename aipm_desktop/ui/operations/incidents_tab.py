"""The Incidents tab: the incident log beside the chosen incident.

The log (title, severity, status, category, when it was opened, time to mitigate) lists
the unresolved incidents first, newest first; the status and severity combos above it
narrow it, the filter box finds words. The chosen incident is worked in the detail pane
(:class:`~.incident_detail.IncidentDetail`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ...models import Severity
from ...services.incidents import workflow
from ..context import AppContext
from ..widgets.builders import TAB_MARGINS, labelled_row, vbox
from ..widgets.combos import choice_combo, chosen_filters
from ..widgets.page_header import local_action
from .incident_detail import IncidentDetail
from .parts import ListPlace, RecordsTab

#: Where the log sits (its settings name "incidents"); the owner column hidden at first.
LIST_PLACE = ListPlace("incidents", "incidentLog", (500, 660), 420, ("owner",))
#: What the tab refreshes on.
WATCHED = (
    "incident",
    "incident_timeline_entry",
    "incident_action",
    "incident_use_case",
    "incident_kpi",
    "incident_risk",
    "failure_category",
    "severity_definition",
    "use_case",
    "kpi",
    "risk",
    "release",
    "document",
)
#: The status filter: (label, statuses kept or None for all).
STATUS_FILTERS: tuple[tuple[str, Any], ...] = (
    ("All statuses", None),
    ("Not resolved", list(workflow.OPEN_STATUSES)),
    *((label, status) for status, label in workflow.STATUS_LABELS.items()),
)


class IncidentsTab(RecordsTab):
    """Filters above the incident log, the log beside the chosen incident."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="incidentsTab")
        self.status_combo = choice_combo(
            "incidentStatusFilter", STATUS_FILTERS, None, self._on_filter_combo_index_changed
        )
        self.status_combo.setToolTip("Show the incidents in a status")
        self.severity_combo = choice_combo(
            "incidentSeverityFilter",
            (("All severities", None), *((s.value.upper(), s.value) for s in Severity)),
            None,
            self._on_filter_combo_index_changed,
        )
        self.severity_combo.setToolTip("Show the incidents of one severity")
        filters = labelled_row(
            (("Status", self.status_combo), ("Severity", self.severity_combo)),
            label_name="filterLabel",
        )
        filters.addStretch(1)
        self.detail = IncidentDetail(ctx)
        self.list_beside(self.detail, workflow.incident_log_spec(), LIST_PLACE)
        vbox(filters, (self.master, 1), margins=TAB_MARGINS, spacing=8, parent=self)

        self.entry_action = local_action(
            self, "Add to the timeline", "Ctrl+E", self.detail.focus_entry_line
        )
        self.watch(WATCHED)
        self.master.select_first()

    # -- filters ----------------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        return chosen_filters((("status", self.status_combo), ("severity", self.severity_combo)))

    def clear_filters(self) -> None:
        """Show every incident (a new or linked one may be filtered out)."""
        for combo in (self.status_combo, self.severity_combo):
            combo.setCurrentIndex(0)
        super().clear_filters()

    def _on_filter_combo_index_changed(self, _index: int) -> None:
        self.list_pane.set_filters(self.filters())
