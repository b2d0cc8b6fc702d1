"""The Decision tab: ship, iterate or stop, why, who decided and when.

Who defaults to the user (the configured author, else the login name) and when to today.
When the experiment is linked to a KPI, the decision can also record a snapshot of it
(the value suggested is the primary metric's relative lift in percent, from
``kpi_value_of``); when it is linked to a roadmap item, it can move that item (done for
ship, in progress for iterate, cancelled for stop, by default). "Record decision" writes
all of it as one undo step, and the experiment becomes *decided*; a refusal (the
experiment is still a draft, a value that is not a number) is shown here and nothing is
written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ...models import Experiment, utcnow
from ...services import clock, experiments, records
from ...services.experiments import DECISION_LABELS, ExperimentDetail, Readout
from ..context import AppContext
from ..widgets.builders import (
    button,
    card_layout,
    hbox,
    page_content,
    scrolled_or_empty,
    segments,
)
from ..widgets.context_widgets import ContextWidget
from ..widgets.field_editors import FIELD_HEIGHT, TextArea, date_display_format, parse_number
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.versioned import guard_stale
from .edits import RecordDecisionCommand
from .figures import STATUS_LABELS, figure

EMPTY_TEXT = "Choose an experiment in the list to record its decision."
DECISION_TIPS = {
    "ship": "Roll the treatment out: it helped and no guardrail broke",
    "iterate": "Change the treatment and test again: the result is unclear or mixed",
    "stop": "Drop the idea: it did not help or it hurt",
}
ITEM_STATUSES = (
    ("planned", "Planned"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("blocked", "Blocked"),
    ("cancelled", "Cancelled"),
)
ITEM_STATUS_FOR = {"ship": "done", "iterate": "in_progress", "stop": "cancelled"}
DECIDABLE = ("running", "analysing", "decided")


def who_am_i(ctx: AppContext) -> str:
    return ctx.author() or records.default_author()


class DecisionTab(ContextWidget):
    """The decision of the shown experiment (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="decisionTab")
        self.info: ExperimentDetail | None = None
        self.readout: Readout | None = None
        self.suggested: float | None = None

        content, body = page_content((4, 4, 12, 12), 8)
        self.state = named_label("", "hintBox", wrap=True)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        body.addWidget(self.state)
        card, grid = card_layout(QGridLayout, (14, 12, 14, 12), h_spacing=10, v_spacing=8)
        self.choice: dict[str, QPushButton] = {}
        for key, label in DECISION_LABELS.items():
            widget = button(
                label.capitalize(), name=f"decide_{key.value}", tip=DECISION_TIPS[key.value]
            )
            widget.clicked.connect(lambda _c=False, k=key.value: self._on_choice_clicked(k))
            self.choice[key.value] = widget
        self.choice_group = segments(self, *self.choice.values())
        self.rationale = TextArea()
        self.rationale.setObjectName("decisionRationale")
        self.rationale.setFixedHeight(76)
        self.rationale.setPlaceholderText(
            "Why: the readout's figures, the guardrails, cost and risk, what comes next"
        )
        self.decided_by = QLineEdit()
        self.decided_by.setObjectName("decidedBy")
        self.decided_by.setMinimumHeight(FIELD_HEIGHT)
        self.decided_by.setMaxLength(200)
        self.decided_on = QDateEdit()
        self.decided_on.setObjectName("decidedOn")
        self.decided_on.setCalendarPopup(True)
        self.decided_on.setDisplayFormat(date_display_format())
        self.decided_on.setMinimumHeight(FIELD_HEIGHT)
        self.kpi_check = QCheckBox()
        self.kpi_check.setObjectName("recordKpiCheck")
        self.kpi_value = QLineEdit()
        self.kpi_value.setObjectName("kpiValue")
        self.kpi_value.setMaximumWidth(120)
        self.kpi_value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.kpi_note = named_label("", "mutedLabel", wrap=True)
        self.item_check = QCheckBox()
        self.item_check.setObjectName("moveItemCheck")
        self.item_combo = QComboBox()
        self.item_combo.setObjectName("itemStatusCombo")
        for value, label in ITEM_STATUSES:
            self.item_combo.addItem(label, value)
        rows: list[tuple[str, Any]] = [
            ("Decision", hbox(*self.choice.values(), 1, spacing=0)),
            ("Rationale", self.rationale),
            ("Decided by", self.decided_by),
            ("Decided on", hbox(self.decided_on, 1)),
            ("KPI", hbox(self.kpi_check, self.kpi_value, 1, spacing=8)),
            ("", self.kpi_note),
            ("Roadmap", hbox(self.item_check, self.item_combo, 1, spacing=8)),
        ]
        for row, (label, item) in enumerate(rows):
            if label:
                caption = named_label(label, "formLabel")
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                caption.setMinimumHeight(FIELD_HEIGHT)
                grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            if isinstance(item, QWidget):
                grid.addWidget(item, row, 1)
            else:
                grid.addLayout(item, row, 1)
        grid.setColumnStretch(1, 1)
        body.addWidget(named_label("Decision", "sectionTitle"))
        body.addWidget(card)
        self.error = named_label("", "errorHint", wrap=True)
        self.error.setObjectName("decisionError")
        self.error.setVisible(False)
        self.record_button = button(
            "Record decision", self.record, name="primaryButton",
            tip="Record the decision (one step of Edit ▸ Undo)",
        )  # fmt: skip
        body.addWidget(self.error)
        body.addLayout(hbox(self.record_button, 1))
        body.addStretch(1)
        self.stack, self.scroll, self.empty = scrolled_or_empty(
            self, content, EMPTY_TEXT, scroll_name="decisionScroll"
        )

    # -- showing --------------------------------------------------------------------------

    def load(
        self, info: ExperimentDetail | None, readout: Readout | None, *, force: bool = False
    ) -> None:
        """Show the decision of ``info`` (None: the empty state); what the user typed is
        kept unless ``force`` (another experiment, or after recording)."""
        self.info, self.readout = info, readout
        if info is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.suggested = experiments.kpi_value_of(readout) if readout is not None else None
        if force:
            self._fill(info)
        self._show_state(info)
        self._show_links(info, force)
        self._update_actions()

    def _fill(self, info: ExperimentDetail) -> None:
        self.error.setVisible(False)
        decision = info.decision or ""
        for key, widget in self.choice.items():
            widget.setChecked(key == decision)
        if not decision:
            self.choice_group.setExclusive(False)
            for widget in self.choice.values():
                widget.setChecked(False)
            self.choice_group.setExclusive(True)
        self.rationale.set_text(info.rationale)
        self.decided_by.setText(info.decided_by or who_am_i(self.ctx))
        day = info.decided_at.astimezone().date() if info.decided_at else clock.today()
        self.decided_on.setDate(QDate(day))
        self.kpi_check.setChecked(False)
        self.item_check.setChecked(False)
        self.kpi_value.setText("" if self.suggested is None else figure(self.suggested, 3))
        status = ITEM_STATUS_FOR.get(decision, "done")
        self.item_combo.setCurrentIndex(self.item_combo.findData(status))

    def _show_state(self, info: ExperimentDetail) -> None:
        if info.status == "decided" and info.decision:
            label = DECISION_LABELS.get(info.decision, info.decision)  # type: ignore[call-overload]
            who = f" by {info.decided_by}" if info.decided_by else ""
            when = (
                f" on {info.decided_at.astimezone().date().isoformat()}" if info.decided_at else ""
            )
            text = f"Decided: {label}{who}{when}. Recording again replaces the decision."
        elif info.status in DECIDABLE:
            text = (
                f"The experiment is {STATUS_LABELS[info.status].lower()}. Read the Results "
                "tab, then choose ship, iterate or stop and say why."
            )
        else:
            text = (
                f"The experiment is {STATUS_LABELS.get(info.status, info.status).lower()}: "
                "only a running or analysing experiment is decided. Start it with "
                "“Start running” above."
            )
        self.state.setText(text)

    def _show_links(self, info: ExperimentDetail, force: bool) -> None:
        has_kpi, has_item = info.kpi_id is not None, info.roadmap_item_id is not None
        self.kpi_check.setText(
            f"Record a snapshot of “{info.kpi}”:" if has_kpi else "Record a KPI snapshot"
        )
        if has_kpi and self.suggested is not None:
            note = (
                f"Suggested: {figure(self.suggested)}, the primary metric's relative lift in "
                "percent (from the readout); change it to the KPI's own figure if it differs."
            )
        elif has_kpi:
            note = "No readout of the primary metric yet: type the KPI's value."
        else:
            note = "Link a KPI on the Design tab to record a snapshot with the decision."
        self.kpi_note.setText(note)
        self.item_check.setText(
            f"Move “{info.roadmap_item}” to" if has_item else "Move the linked roadmap item to"
        )
        self.kpi_check.setEnabled(has_kpi and not self.ctx.readonly)
        self.kpi_value.setEnabled(has_kpi and not self.ctx.readonly)
        self.item_check.setEnabled(has_item and not self.ctx.readonly)
        self.item_combo.setEnabled(has_item and not self.ctx.readonly)
        if not has_kpi:
            self.kpi_check.setChecked(False)
        if not has_item:
            self.item_check.setChecked(False)
        if force and has_kpi and self.suggested is not None and not self.kpi_value.text():
            self.kpi_value.setText(figure(self.suggested, 3))

    def _update_actions(self) -> None:
        info = self.info
        writable = not self.ctx.readonly
        why = READ_ONLY_WHY
        if info is not None and info.status not in DECIDABLE:
            why = "Only a running or analysing experiment is decided."
        elif self.chosen() is None:
            why = "Choose ship, iterate or stop first."
        ok = (
            writable and info is not None and info.status in DECIDABLE and self.chosen() is not None
        )
        set_enabled_why(
            self.record_button, ok, "Record the decision (one step of Edit ▸ Undo)", why
        )

    def chosen(self) -> str | None:
        return next((key for key, w in self.choice.items() if w.isChecked()), None)

    # -- recording ------------------------------------------------------------------------

    def decided_at(self) -> dt.datetime:
        """The moment recorded: now when the day is today, else noon (UTC) of that day."""
        day = self.decided_on.date().toPython()
        now = utcnow()
        if day == now.astimezone().date():
            return now
        return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)

    def record(self) -> bool:
        """Record the decision on screen (see the module docstring)."""
        info, decision = self.info, self.chosen()
        if info is None or decision is None or self.ctx.readonly:
            return False
        kpi_value = None
        if self.kpi_check.isChecked():
            try:
                kpi_value = parse_number(self.kpi_value.text())
            except ValueError:
                kpi_value = None
            if kpi_value is None:
                self._show_error(
                    "The KPI snapshot needs a number, e.g. 12.5. Nothing was recorded."
                )
                return False
        roadmap = self.item_combo.currentData() if self.item_check.isChecked() else None
        values = {
            "decision": decision,
            "rationale": self.rationale.toPlainText().strip(),
            "decided_by": " ".join(self.decided_by.text().split()),
            "decided_at": self.decided_at(),
            "kpi_value": kpi_value,
            "roadmap_status": roadmap,
        }
        command = guard_stale(  # decided on the experiment and results shown
            self.ctx,
            lambda: RecordDecisionCommand(self.ctx, info.id, **values),
            Experiment,
            info.id,
            info.version,
            what="your decision",
            parent=self,
            overwrite=False,
        )
        if not self.ctx.run_edit(command):
            return False
        self.error.setVisible(False)
        return True

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _on_choice_clicked(self, key: str) -> None:
        if self.item_check.isEnabled():
            self.item_combo.setCurrentIndex(self.item_combo.findData(ITEM_STATUS_FOR[key]))
        self._update_actions()
