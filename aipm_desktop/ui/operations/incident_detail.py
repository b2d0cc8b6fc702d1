"""The detail pane of one incident: where it stands, what moves it, its fields, timeline
and actions, and the entry line.

At the top: the title, a status chip with the severity and the times to acknowledge and
to mitigate, a button per allowed status move (Mitigated, Resolved, Reviewed, Reopen),
"Write the post-incident review" (or "Open the review" once written) and "Add to the risk
register" (a new risk from the incident, or a link to an existing one). Under them the
tabs Details, Timeline and Actions, and the entry line that adds to the timeline (type,
Enter; Ctrl+E puts the cursor there). Every change is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QMenu, QMessageBox, QPushButton, QWidget

from ...errors import UserError
from ...models import Incident
from ...services import incidents
from ...services.dates import format_datetime
from ...services.incidents import workflow
from ...services.incidents.quarterly import hours_text
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.builders import button, clear_layout, empty_state, hbox, panel, tab_widget
from ..widgets.dialog_parts import YES, question_box
from ..widgets.page_header import named_label, set_enabled_why
from ..widgets.versioned import guard_move, guard_stale
from .edits import AddToRiskRegisterCommand, SetStatusCommand, WriteReviewCommand
from .incident_form import IncidentForm
from .parts import READ_ONLY_WHY, RecordPane
from .timeline import ActionsPanel, EntryLine, TimelinePanel

EMPTY = "Choose an incident in the log, or press Ctrl+Shift+N to log a new one."
REVIEW_TIP = (
    "Create the post-incident review document from its template, filled with this "
    "incident's facts, timeline and actions"
)
RISK_TIP = "Create a risk from this incident, or link it to a risk already in the register"
TAB_DETAILS, TAB_TIMELINE, TAB_ACTIONS = range(3)


class IncidentDetail(RecordPane):
    """One incident, worked from detection to review (see the module docstring).

    Signals:
        navigate_requested(str, int): show area ``name`` on record ``id`` (the review in
            Documents, a linked risk in Risks).
    """

    navigate_requested = Signal(str, int)

    info: incidents.IncidentDetail | None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="incidentDetail")
        self.message_box: QMessageBox | None = None
        self.move_buttons: dict[str, QPushButton] = {}

        self.heading = named_label("", "formHeading", wrap=True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.status_chip = named_label("", "incidentStatus")
        self.facts = named_label("", "mutedLabel", wrap=True)
        self.facts.setObjectName("incidentFacts")
        self.moves = QHBoxLayout()
        self.moves.setSpacing(6)
        self.review_button = button(
            "Write the post-incident review", self.write_review, name="reviewButton", tip=REVIEW_TIP
        )
        self.risk_button = QPushButton("Add to the risk register")
        self.risk_button.setObjectName("riskRegisterButton")
        self.risk_menu = QMenu(self.risk_button)
        self.new_risk_action = self.risk_menu.addAction(
            "New risk from this incident", lambda: self.add_to_risk_register()
        )
        self.link_risk_action = self.risk_menu.addAction("Link an existing risk…", self.choose_risk)
        self.risk_button.setMenu(self.risk_menu)
        status_row = hbox(self.status_chip, (self.facts, 1), spacing=8)
        buttons_row = hbox(
            named_label("Move to", "formLabel"),
            self.moves,
            1,
            spacing=6,
        )
        after_row = hbox(self.review_button, self.risk_button, 1, spacing=6)

        self.form = IncidentForm(ctx)
        self.timeline = TimelinePanel(ctx)
        self.actions_panel = ActionsPanel(ctx)
        self.tabs = tab_widget(
            "incidentTabs",
            (self.form, "Details"),
            (self.timeline, "Timeline"),
            (self.actions_panel, "Actions"),
        )
        self.entry_line = EntryLine(ctx)
        self.entry_line.entry_added.connect(self._on_entry_line_entry_added)
        self.entry_note = named_label("", "mutedLabel")
        self.entry_note.setObjectName("entryNote")

        body = panel(
            self.heading,
            status_row,
            buttons_row,
            after_row,
            (self.tabs, 1),
            hbox((self.entry_line, 1), self.entry_note, spacing=8),
            spacing=6,
            margins=(6, 0, 0, 0),
        )
        self.lay_out(body, empty_state(EMPTY, margin=24))

    # -- showing ----------------------------------------------------------------------------

    def show_record(self, record_id: int | None) -> None:
        """Show incident ``record_id`` (None: the empty state)."""
        if record_id != self.record_id:
            self.entry_note.setText("")
        super().show_record(record_id)

    def read(self, ws: Workspace, record_id: int) -> incidents.IncidentDetail:
        return incidents.detail(ws=ws, incident_id=record_id)

    def show_none(self) -> None:
        self.form.load(None)
        self.entry_line.set_incident(None)
        self.timeline.show_rows(None, [])
        self.actions_panel.show_rows(None, [])

    def show_info(self, info: incidents.IncidentDetail) -> None:
        self.heading.setText(info.title)
        self._show_status(info)
        self.form.load(info.id)
        self.timeline.show_rows(info.id, info.timeline)
        self.actions_panel.show_rows(info.id, info.actions)
        self.tabs.setTabText(TAB_TIMELINE, f"Timeline ({len(info.timeline)})")
        self.tabs.setTabText(TAB_ACTIONS, f"Actions ({len(info.actions)})")
        self.entry_line.set_incident(info.id)
        self._update_actions(info)

    def _show_status(self, info: incidents.IncidentDetail) -> None:
        self.status_chip.setText(workflow.STATUS_LABELS.get(info.status, info.status))
        self.status_chip.setProperty("status", info.status)
        self.status_chip.style().unpolish(self.status_chip)
        self.status_chip.style().polish(self.status_chip)
        severity = info.severity.upper() + (f" {info.severity_name}" if info.severity_name else "")
        parts = [severity, f"detected {format_datetime(info.detected_at)}"]
        for words, stamp in (
            ("acknowledged in", info.acknowledged_at),
            ("mitigated in", info.mitigated_at),
        ):
            if stamp is not None:
                parts.append(
                    f"{words} {hours_text((stamp - info.detected_at).total_seconds() / 3600)}"
                )
        if info.rolled_back:
            parts.append("rolled back")
        self.facts.setText(" · ".join(parts))

    def _update_actions(self, info: incidents.IncidentDetail) -> None:
        clear_layout(self.moves)
        self.move_buttons = {}
        editable = not self.ctx.readonly
        for move in workflow.allowed_moves(info.status):
            widget = button(
                move.label,
                lambda _c=False, s=move.status: self.move_to(s),
                name=f"move_{move.status}",
                tip=move.tip,
            )
            set_enabled_why(widget, editable, move.tip, READ_ONLY_WHY)
            self.moves.addWidget(widget)
            self.move_buttons[move.status] = widget
        has_review = info.review_document_id is not None
        self.review_button.setText(
            "Open the review" if has_review else "Write the post-incident review"
        )
        set_enabled_why(
            self.review_button,
            has_review or editable,
            "Show the post-incident review in Documents" if has_review else REVIEW_TIP,
            READ_ONLY_WHY,
        )
        set_enabled_why(self.risk_button, editable, RISK_TIP, READ_ONLY_WHY)

    # -- actions ----------------------------------------------------------------------------

    def move_to(self, status: str) -> bool:
        """Move the shown incident to ``status`` (undoable), only while it is as shown."""
        if self.record_id is None or self.ctx.readonly or self.info is None:
            return False
        incident_id = self.record_id
        make = partial(SetStatusCommand, self.ctx, incident_id, status)
        version = self.info.version
        return self.ctx.run_edit(guard_move(self.ctx, make, Incident, incident_id, version))

    def focus_entry_line(self) -> None:
        """Put the cursor in the entry line (Ctrl+E)."""
        if self.entry_line.isEnabled():
            self.entry_line.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def write_review(self) -> int | None:
        """Write the post-incident review (or show it, when written) and offer to open it
        in Documents; the document id."""
        info = self.info
        if info is None:
            return None
        if info.review_document_id is not None:
            self.navigate_requested.emit("documents", info.review_document_id)
            return info.review_document_id
        if self.ctx.readonly:
            return None
        command = WriteReviewCommand(self.ctx, info.id)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        document_id = command.record_id
        self._ask(
            "Post-incident review written",
            f"The post-incident review of \u201c{info.title}\u201d is in Documents, filled "
            "with the incident's facts, timeline and actions.",
            "Open it in Documents now?",
            "Open in Documents",
            lambda: self.navigate_requested.emit("documents", document_id),
        )
        return document_id

    def add_to_risk_register(self, risk_id: int | None = None) -> incidents.RiskLinkResult | None:
        """Create a risk from the incident, or link ``risk_id``; then say what to check
        and offer to open the risk."""
        if self.record_id is None or self.ctx.readonly or self.info is None:
            return None
        incident_id = self.record_id

        def make() -> OperationCommand:
            return AddToRiskRegisterCommand(self.ctx, incident_id, risk_id)

        what = "the new risk" if risk_id is None else "the link to the risk"
        command = guard_stale(
            self.ctx, make, Incident, incident_id, self.info.version, what=what, parent=self
        )
        if not self.ctx.run_edit(command):
            return None
        result = getattr(command, "result", None)
        if not isinstance(result, incidents.RiskLinkResult):
            return None
        self._ask(
            "Risk created" if result.created else "Risk linked",
            result.prompt,
            "Open the risk in the register now?",
            "Open the risk",
            lambda: self.navigate_requested.emit("risks", result.risk_id),
        )
        return result

    def choose_risk(self) -> int | None:
        """Ask which risk of the register to link, then link it."""
        ws = self.ctx.workspace
        if ws is None or self.info is None or self.ctx.readonly:
            return None
        linked = {i for i, _t in self.info.risks}
        risks = [(i, t) for i, t in workflow.choices(ws=ws, kind="risk") if i not in linked]
        if not risks:
            self.ctx.show_error(
                UserError("There is no other risk to link: the register holds none yet.")
            )
            return None
        labels = [f"{t}  (#{i})" for i, t in risks]
        chosen, ok = QInputDialog.getItem(
            self, "Link an existing risk", "Risk this incident bears on:", labels, 0, False
        )
        if not ok or chosen not in labels:
            return None
        risk_id = risks[labels.index(chosen)][0]
        self.add_to_risk_register(risk_id)
        return risk_id

    def _ask(self, title: str, text: str, question: str, yes_text: str, on_yes: Any) -> QMessageBox:
        """Say ``text`` and ask ``question``: Yes (captioned ``yes_text``, the default)
        runs ``on_yes``; the box is :attr:`message_box` while open."""
        box = question_box(
            self,
            title,
            text,
            icon=QMessageBox.Icon.Information,
            informative=question,
            name="operationsMessage",
            no=QMessageBox.StandardButton.No,
            yes_text=yes_text,
            no_text="Not now",
            default=YES,
            on_yes=on_yes,
        )
        box.finished.connect(lambda _r: setattr(self, "message_box", None))
        self.message_box = box
        return box

    def _on_entry_line_entry_added(self, _entry_id: int) -> None:
        self.tabs.setCurrentIndex(TAB_TIMELINE)
        self.entry_note.setText("Added to the timeline")
        row = len(self.timeline.model.rows) - 1
        if row >= 0:
            self.timeline.table.scrollToBottom()
