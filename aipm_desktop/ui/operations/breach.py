"""A met rollback criterion, offered as an incident: the dialog and the use case's banner.

:class:`BreachDialog` shows what the runbook check found (the condition, the latest
values) and what the incident will hold (its title, use case, KPI, category and the
breach as its first timeline entry), asks the severity and the owner, and opens the
incident (one undoable step, ``runbooks.open_incident_from_breach``). The Overview, the
Runbooks tab and the use case's detail open it with :func:`offer_incident`.

:class:`BreachPanel` is the banner a use case's detail shows while one of its runbooks'
rollback criteria is met, each with "Open incident…"; it reads the check again whenever
KPI snapshots, runbooks or incidents change, and hides itself when none is met.

This module imports no matplotlib: the Overview, built at start-up, uses it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QVBoxLayout, QWidget

from ...models import Severity
from ...services import runbooks
from ...services.dates import format_date
from ...services.runbooks import CriterionResult
from ..context import AppContext
from ..widgets.builders import (
    button,
    clear_layout,
    dialog_buttons,
    form_layout,
    hbox,
    line_edit,
    open_dialog,
    vbox,
)
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import named_label
from .edits import OpenFromBreachCommand

#: What the banner and the dialog watch: a new snapshot can meet or clear a criterion.
WATCHED = ("kpi_snapshot", "kpi", "runbook", "rollback_criterion", "incident")


def values_text(result: CriterionResult) -> str:
    """``5.41 s on 2026-11-30, 5.31 s on 2026-11-23``: the snapshots judged."""
    unit = result.unit if result.unit in ("%", "") else f" {result.unit}"
    return ", ".join(f"{v:g}{unit} on {format_date(d)}" for d, v in result.values)


def find_result(ctx: AppContext, criterion_id: int) -> CriterionResult | None:
    """The check of rollback criterion ``criterion_id`` now (None: it is gone)."""
    ws = ctx.workspace
    if ws is None:
        return None
    return next((r for r in runbooks.check(ws=ws) if r.criterion_id == criterion_id), None)


class BreachDialog(ContextDialog):
    """Open an incident pre-filled from a met rollback criterion.

    After it was accepted, :attr:`incident_id` is the incident opened (None if refused).
    """

    def __init__(
        self, ctx: AppContext, result: CriterionResult, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent, name="breachDialog", title="Open an incident", size=(520, 0))
        self.breach = result
        self.incident_id: int | None = None
        heading, self.intro = dialog_heading(
            "A rollback criterion is met",
            f"{result.runbook}: {result.condition}. Latest snapshots: {values_text(result)}.",
        )
        what = named_label(
            f"The incident will be titled \u201c{result.kpi_name or 'KPI'} breached its "
            f"rollback criterion\u201d, linked to {result.use_case or 'the runbook'}"
            f"{' and ' + result.kpi_name if result.kpi_name else ''}, with the breach as its "
            "first timeline entry. Follow the runbook: roll back or switch to safe mode.",
            "mutedLabel",
            wrap=True,
        )
        self.severity_combo = QComboBox()
        self.severity_combo.setObjectName("breachSeverity")
        for severity in Severity:
            self.severity_combo.addItem(severity.value.upper(), severity.value)
        self.severity_combo.setCurrentIndex(self.severity_combo.findData(Severity.SEV2.value))
        self.owner_edit = line_edit("breachOwner", "The runbook's owner")
        ws = ctx.workspace
        if ws is not None:
            self.owner_edit.setText(runbooks.get_runbook(ws=ws, runbook_id=result.runbook_id).owner)
        form = form_layout(("Severity", self.severity_combo), ("Owner", self.owner_edit))
        self.buttons = dialog_buttons(self, self._on_buttons_accepted)
        self.buttons.button(self.buttons.StandardButton.Ok).setText("Open incident")
        vbox(heading, self.intro, what, form, self.buttons, spacing=8, parent=self)

    def open_incident(self) -> int | None:
        """Open the incident (undoable); its id, or None when it was refused."""
        command = OpenFromBreachCommand(
            self.ctx,
            self.breach.criterion_id,
            str(self.severity_combo.currentData()),
            self.owner_edit.text().strip(),
        )
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.incident_id = command.record_id
        return self.incident_id

    def _on_buttons_accepted(self) -> None:
        if self.open_incident() is not None:
            self.accept()


def offer_incident(
    ctx: AppContext,
    parent: QWidget,
    criterion_id: int,
    opened: Callable[[int], object] | None = None,
) -> BreachDialog | None:
    """Open the :class:`BreachDialog` of ``criterion_id`` (window-modal) as
    ``parent.breach_dialog``; ``opened(incident_id)`` runs once the incident exists.
    None when the criterion is gone or the workspace is read-only."""
    result = find_result(ctx, criterion_id)
    if result is None or ctx.readonly:
        return None
    dialog = BreachDialog(ctx, result, parent)
    if opened is not None:
        dialog.accepted.connect(
            lambda: dialog.incident_id is not None and opened(dialog.incident_id)
        )
    return open_dialog(parent, "breach_dialog", dialog)


class BreachPanel(QFrame):
    """The met rollback criteria of one use case, each with "Open incident…"; hidden
    while none is met.

    Signals:
        incident_opened(int): an incident was opened from a breach (its id).
    """

    incident_opened = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("breachPanel")
        self.use_case_id: int | None = None
        self.results: list[CriterionResult] = []
        self.breach_dialog: BreachDialog | None = None
        self._rows = QVBoxLayout()
        self._rows.setSpacing(4)
        title = named_label("Rollback criteria met", "breachTitle")
        vbox(title, self._rows, margins=(12, 8, 12, 8), spacing=4, parent=self)
        self.setVisible(False)
        ctx.watch(self, WATCHED, self.refresh)

    def show_for(self, use_case_id: int | None) -> None:
        """Show the met criteria of ``use_case_id``'s runbooks."""
        self.use_case_id = use_case_id
        self.refresh()

    def refresh(self) -> None:
        ws = self.ctx.workspace
        found: list[CriterionResult] = []
        if ws is not None and self.use_case_id is not None:
            found = runbooks.met_criteria(ws=ws, use_case_id=self.use_case_id)
        self.results = found
        clear_layout(self._rows)
        for result in found:
            text = named_label(
                f"{result.condition} \u2014 latest {values_text(result)} ({result.runbook})",
                "breachText",
                wrap=True,
            )
            text.setTextFormat(Qt.TextFormat.PlainText)
            offer = button(
                "Open incident…",
                lambda _c=False, i=result.criterion_id: self.offer(i),
                name="breachOpenButton",
                tip="Open an incident pre-filled with this breach",
            )
            offer.setEnabled(not self.ctx.readonly)
            self._rows.addLayout(hbox((text, 1), offer, spacing=8))
        self.setVisible(bool(found))

    def offer(self, criterion_id: int) -> BreachDialog | None:
        """Open the dialog that opens an incident from criterion ``criterion_id``."""
        return offer_incident(self.ctx, self, criterion_id, self.incident_opened.emit)
