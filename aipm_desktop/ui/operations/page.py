"""The Operations area: incidents, runbooks and the quarter's figures.

**Incidents**: the incident log (unresolved first) beside the chosen incident: its
status and the moves it can take, its fields (severity with the workspace's definition,
failure category, root cause, affected use cases, release and KPIs, owner, customer
impact, timestamps), its timeline and actions, "Write the post-incident review" and "Add
to the risk register". **Runbooks**: a runbook per use case or release with its
escalation path, rollback criteria (live: met / not met / no data), safe mode and
communication templates; export as PDF or Markdown. **Feedback**: the feedback inbox,
triaged from the keyboard (:mod:`.feedback_tab`). **Figures**: incident figures per
quarter as a table and charts. "Definitions…" in the header edits what SEV1-SEV4 mean
and the failure-category triage list (:mod:`.definitions`).

Shortcuts (while focus is inside the page, so they never clash with the main window's;
Ctrl+N stays File ▸ New workspace): Ctrl+Shift+N logs a new incident, Del in the log
deletes the chosen one after asking, Ctrl+E puts the cursor in the timeline's entry line
(type, Enter), Ctrl+F filters the list. Every edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from ...models import utcnow
from ..context import AppContext
from ..widgets.area_tabs import area_header, tabbed_page
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    enable_delete,
    record_actions,
    set_enabled_why,
)
from .definitions import DefinitionsDialog, definitions_button
from .edits import DeleteIncidentCommand, NewIncidentCommand
from .feedback_tab import FeedbackTab
from .figures import FiguresTab
from .incident_detail import TAB_DETAILS
from .incidents_tab import IncidentsTab
from .parts import ask_to_delete, who_am_i
from .runbooks_tab import RunbooksTab

NEW_TITLE = "New incident"
NEW_TIP = f"Log an incident: an AI feature misbehaving ({NEW_SHORTCUT})"
DELETE_TIP = "Delete the chosen incident (Del in the log); Edit ▸ Undo brings it back"


class OperationsPage(ContextWidget):
    """The Operations area: Incidents, Runbooks, Feedback and Figures tabs.

    Signals:
        navigate_requested(str, int): show area ``name`` on record ``id`` (the review in
            Documents, a linked risk in Risks); the main window acts on it.
        current_entity_changed(): another incident or runbook is chosen, or the tab
            changed (:meth:`current_entity`).
    """

    navigate_requested = Signal(str, int)
    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="operationsPage")
        self.confirm_box: QMessageBox | None = None
        self.definitions_dialog: DefinitionsDialog | None = None
        header, self.new_button, self.delete_button = area_header(
            "Operations",
            "AI incidents from detection to review, runbooks with rollback criteria checked "
            "against the latest KPIs, and the figures per quarter.",
            "incident",
            self.new_incident,
            self.delete_incident,
            new_tip=NEW_TIP,
            delete_tip=DELETE_TIP,
        )
        self.definitions_button = definitions_button(self, ctx)
        header.addWidget(self.definitions_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.incidents = IncidentsTab(ctx)
        self.runbooks = RunbooksTab(ctx)
        self.figures = FiguresTab(ctx)
        self.feedback = FeedbackTab(ctx)
        self.tabs = tabbed_page(
            self,
            header,
            (self.incidents, "Incidents"),
            (self.runbooks, "Runbooks"),
            (self.feedback, "Feedback"),
            (self.figures, "Figures"),
        )
        self.new_action, self.delete_action = record_actions(
            self, "incident", self.new_incident, self.incidents.list_pane, self.delete_incident
        )
        self.incidents.detail.navigate_requested.connect(self.navigate_requested)
        self.incidents.master.current_changed.connect(lambda _i: self._update_actions())
        self.runbooks.incident_opened.connect(self.show_incident)
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        for source in (self.incidents.master, self.runbooks.master):
            source.current_changed.connect(lambda _i: self.current_entity_changed.emit())
        self.tabs.currentChanged.connect(lambda _i: self.current_entity_changed.emit())
        self._update_actions()

    # -- navigation -------------------------------------------------------------------------

    def show_entity(self, incident_id: int) -> bool:
        """Open the Incidents tab on ``incident_id`` (the overview links here)."""
        return self.show_incident(incident_id)

    def show_incident(self, incident_id: int) -> bool:
        self.tabs.setCurrentWidget(self.incidents)
        return self.incidents.select(incident_id)

    def show_runbook(self, runbook_id: int) -> bool:
        """Open the Runbooks tab on ``runbook_id`` (the palette, the Related panel)."""
        self.tabs.setCurrentWidget(self.runbooks)
        return self.runbooks.select(runbook_id)

    def current_entity(self) -> tuple[str, int] | None:
        """The incident or runbook chosen in the tab shown, for the Related panel."""
        for tab, kind in ((self.incidents, "incident"), (self.runbooks, "runbook")):
            if self.tabs.currentWidget() is tab:
                record_id = tab.current_id()
                return None if record_id is None else (kind, record_id)
        return None

    # -- actions ----------------------------------------------------------------------------

    def new_incident(self) -> int | None:
        """Log an incident detected now, choose it and put the cursor in its title."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return None
        data = {
            "title": NEW_TITLE,
            "severity": "sev3",
            "owner": who_am_i(self.ctx),
            "detected_at": utcnow(),
        }
        command = NewIncidentCommand(self.ctx, data)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.show_incident(command.record_id)
        detail = self.incidents.detail
        detail.tabs.setCurrentIndex(TAB_DETAILS)
        detail.form.focus_field("title")
        return command.record_id

    def delete_incident(self) -> QMessageBox | None:
        """Ask, then delete the chosen incident (undoable)."""
        return ask_to_delete(
            self,
            "incident",
            self.incidents.detail.info,
            "Its timeline, actions and links go with it (a review document and linked risks stay).",
            DeleteIncidentCommand,
        )

    def _update_actions(self) -> None:
        editable = not self.ctx.readonly
        set_enabled_why(self.new_button, editable, NEW_TIP, READ_ONLY_WHY)
        self.new_action.setEnabled(editable)
        enable_delete(
            self,
            self.incidents,
            self.incidents.current_id() is not None,
            DELETE_TIP,
            "Open the Incidents tab and choose an incident to delete it.",
            "Choose an incident in the log first.",
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_actions()
