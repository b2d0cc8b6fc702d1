"""The rollout stages of one release and the live check of their KPI criteria.

The stage table is edited in place (name, audience %, entry / exit / rollback criteria
typed in the cells, status from a combo); stages are added, removed and moved up or down.
Below it, every KPI threshold found in the criteria is checked: for a stage to come or
running against the KPI's latest snapshot, for a finished stage against the snapshots
of its own window (or, when its dates are unknown, what its status records), never
today's values: ✓ met, ✗ not met, ? no data (for a rollback criterion: ⚠ triggered or
✓ not triggered). Every edit is one undo step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...errors import UserError
from ...models import RolloutStage
from ...models.enums import StageStatus
from ...services import kpis, launch
from ...services.dates import format_date, format_range
from ..context import AppContext
from ..undo import CreateRecordCommand, DeleteRecordCommand
from ..widgets.builders import (
    NO_MARGINS,
    button,
    deferred,
    hbox,
    resize_columns,
    select_id,
    table,
    vbox,
)
from ..widgets.choice_delegate import VALUE_ROLE, ChoiceDelegate
from ..widgets.page_header import named_label
from ..widgets.versioned import RowVersions
from .checklist import choice_width
from .edits import ReorderStagesCommand

STAGE_COLUMNS = ("Stage", "Audience %", "Entry criteria", "Exit criteria", "Rollback criteria")
STAGE_FIELDS = ("name", "audience_pct", "entry_criteria", "exit_criteria", "rollback_criteria")
COL_STATUS = len(STAGE_COLUMNS)
CRITERIA_COLUMNS = ("Stage", "Criterion", "KPI", "Value (snapshot)", "Check")
ID_ROLE = Qt.ItemDataRole.UserRole
MET_COLOR = QColor("#2e7d32")
NOT_MET_COLOR = QColor("#c62828")
NO_DATA_COLOR = QColor("#78909c")
#: Below this width the criteria table hides its KPI column.
NARROW_CRITERIA = 900


#: A finished stage whose dates are unknown: what its status records, by (status, which).
RECORDED = {
    ("complete", "entry"): ("✓ met (recorded)", MET_COLOR),
    ("complete", "exit"): ("✓ met (recorded)", MET_COLOR),
    ("complete", "rollback"): ("✓ not triggered (recorded)", MET_COLOR),
    ("rolled_back", "entry"): ("✓ met (recorded)", MET_COLOR),
    ("rolled_back", "exit"): ("↩ rolled back", NOT_MET_COLOR),
    ("rolled_back", "rollback"): ("⚠ rolled back", NOT_MET_COLOR),
}


def verdict(check: launch.CriterionCheck) -> tuple[str, QColor]:
    """The text and colour of a criterion's check."""
    if check.basis == "recorded":
        return RECORDED.get((check.stage_status, check.which), ("recorded", NO_DATA_COLOR))
    if check.met is None:
        reason = "no data" if check.kpi_id is not None else "no matching KPI"
        return f"? {reason}", NO_DATA_COLOR
    if check.which == "rollback":
        if check.met:
            return "⚠ triggered", NOT_MET_COLOR
        return "✓ not triggered", MET_COLOR
    return ("✓ met", MET_COLOR) if check.met else ("✗ not met", NOT_MET_COLOR)


def basis_text(check: launch.CriterionCheck) -> str:
    """What a criterion's check was judged on, in a sentence (the Check cell's tooltip)."""
    on = f"the snapshot of {format_date(check.latest_date)}" if check.latest_date else ""
    if check.basis == "recorded":
        return (
            f"The stage is {_status_text(check.stage_status).lower()}; the change log does "
            "not say when it ran, so this shows what its status records, not today's KPIs."
        )
    if check.basis == "window":
        start, end = check.window_start, check.window_end
        if start is not None and end is not None:
            window = format_range(start, end)
        else:
            window = f"until {format_date(end)}"
        judged = on or "no snapshot in that window"
        return f"Finished stage, judged on its own window ({window}): {judged}."
    return f"Judged on the KPI's latest snapshot: {on}." if on else "No snapshot yet."


def _status_text(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _audience(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


class StagesPanel(QWidget):
    """Rollout stages (editable) above their KPI criteria checks."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.release_id: int | None = None
        self._stages: list[RolloutStage] = []
        self.versions = RowVersions()
        self._filling = False
        self._select_next: int | None = None
        self._timer = deferred(self, self._refresh)

        self.table = table([*STAGE_COLUMNS, "Status"], "stageTable")
        self.table.setWordWrap(True)
        self.table.verticalHeader().setDefaultSectionSize(62)
        resize_columns(self.table, stretch=(2, 3, 4))
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 80)
        self.table.setColumnWidth(
            COL_STATUS, choice_width(self.table, [_status_text(s.value) for s in StageStatus])
        )
        self.table.setItemDelegateForColumn(
            COL_STATUS,
            ChoiceDelegate([(s.value, _status_text(s.value)) for s in StageStatus], self.table),
        )
        self.table.itemChanged.connect(self._on_table_itemChanged)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.add_button = button("Add stage", self._on_add_button_clicked)
        self.remove_button = button("Remove stage", self._on_remove_button_clicked)
        self.up_button = button("Move up", lambda: self.move_current(-1))
        self.down_button = button("Move down", lambda: self.move_current(1))

        self.criteria = QTableWidget(0, len(CRITERIA_COLUMNS))
        self.criteria.setObjectName("criteriaTable")
        self.criteria.setHorizontalHeaderLabels(list(CRITERIA_COLUMNS))
        self.criteria.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.criteria.verticalHeader().setVisible(False)
        self.criteria.setAlternatingRowColors(True)
        resize_columns(self.criteria, stretch=(1,))
        self.criteria.setColumnWidth(0, 170)
        self.criteria.setColumnWidth(2, 180)
        self.criteria.setColumnWidth(3, 140)
        self.criteria.setColumnWidth(4, 150)
        self.criteria_hint = named_label(
            "Criteria written as KPI thresholds (\u201challucination rate < 3%\u201d, "
            "\u201cP95 latency <= 4 s\u201d) are checked against the KPIs: stages to come "
            "and the running one on the latest snapshot, finished stages on the snapshots "
            "of their own window.",
            "mutedLabel",
            wrap=True,
        )

        title = named_label("Rollout stages", "sectionTitle")
        buttons = hbox(
            title, 1, self.add_button, self.remove_button, self.up_button, self.down_button
        )
        criteria_title = named_label("KPI criteria", "sectionTitle")
        vbox(
            buttons,
            (self.table, 3),
            criteria_title,
            self.criteria_hint,
            (self.criteria, 2),
            margins=NO_MARGINS,
            parent=self,
        )

    # -- showing ----------------------------------------------------------------------------

    def show_release(self, release_id: int) -> None:
        ws = self.ctx.require_workspace()
        keep = self.current_stage_id() if release_id == self.release_id else None
        if self._select_next is not None:
            keep, self._select_next = self._select_next, None
        self.release_id = release_id
        self._stages = launch.stages(ws=ws, release_id=release_id)
        self.versions.read(self._stages)  # an edit of a stage expects the version shown
        self._filling = True
        try:
            self.table.clearContents()
            self.table.setRowCount(len(self._stages))
            editable = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if not self.ctx.readonly:
                editable |= Qt.ItemFlag.ItemIsEditable
            for row, stage in enumerate(self._stages):
                values = (
                    stage.name,
                    _audience(stage.audience_pct),
                    stage.entry_criteria,
                    stage.exit_criteria,
                    stage.rollback_criteria,
                )
                for column, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    item.setData(ID_ROLE, stage.id)
                    item.setFlags(editable)
                    item.setToolTip(value)
                    if column == 1:
                        item.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                    self.table.setItem(row, column, item)
                status = QTableWidgetItem(_status_text(str(stage.status)))
                status.setData(ID_ROLE, stage.id)
                status.setData(VALUE_ROLE, str(stage.status))
                status.setFlags(editable)
                status.setToolTip("Double click to change the stage's status")
                self.table.setItem(row, COL_STATUS, status)
            if keep is not None:
                self.select_stage(keep)
        finally:
            self._filling = False
        self._show_criteria(launch.criteria_status(ws=ws, release_id=release_id))
        self._update_buttons()

    def _show_criteria(self, checks: list[launch.CriterionCheck]) -> None:
        self.criteria.setRowCount(len(checks))
        for row, check in enumerate(checks):
            text, color = verdict(check)
            value = ""
            if check.latest is not None:
                value = kpis.format_value(check.latest, check.unit)
                if check.latest_date is not None:
                    value += f" ({format_date(check.latest_date)})"
            elif check.basis == "recorded":
                value = "stage dates unknown"
            cells = (
                f"{check.stage} · {check.which}",
                check.text,
                check.kpi_name or "(no KPI of that name)",
                value,
                text,
            )
            for column, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                item.setToolTip(cell)
                if column == 1:
                    item.setToolTip(f"{cell}\nKPI: {check.kpi_name or 'no KPI of that name'}")
                if column == 4:
                    item.setForeground(QBrush(color))
                    item.setToolTip(basis_text(check))
                self.criteria.setItem(row, column, item)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Narrow (a 1280-wide window): the KPI column gives way to the criterion, whose
        # tooltip names the KPI.
        self.criteria.setColumnHidden(2, event.size().width() < NARROW_CRITERIA)

    def criterion_rows(self) -> list[tuple[str, str]]:
        """(criterion text, check text) of every row of the criteria table."""
        return [
            (self.criteria.item(r, 1).text(), self.criteria.item(r, 4).text())
            for r in range(self.criteria.rowCount())
        ]

    # -- selection --------------------------------------------------------------------------

    def current_stage_id(self) -> int | None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self._stages):
            return None
        return int(self._stages[row].id)  # type: ignore[arg-type]

    def select_stage(self, stage_id: int) -> None:
        select_id(self.table, [stage.id for stage in self._stages], stage_id)

    def _update_buttons(self) -> None:
        writable = not self.ctx.readonly and self.release_id is not None
        row = self.table.currentRow() if self.current_stage_id() is not None else -1
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and row >= 0)
        self.up_button.setEnabled(writable and row > 0)
        self.down_button.setEnabled(writable and 0 <= row < len(self._stages) - 1)

    # -- edits ------------------------------------------------------------------------------

    def request_refresh(self) -> None:
        """Show the stored stages again once the current event is handled (never from
        inside a signal of a cell or combo that the refresh replaces)."""
        self._timer.start()

    def _refresh(self) -> None:
        if self.release_id is not None and self.ctx.workspace is not None:
            self.show_release(self.release_id)

    def _on_table_itemChanged(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        stage_id = item.data(ID_ROLE)
        column = item.column()
        if stage_id is not None and column == COL_STATUS:
            self._on_status_changed(int(stage_id), str(item.data(VALUE_ROLE)))
            return
        if stage_id is None or column >= len(STAGE_FIELDS):
            return
        field = STAGE_FIELDS[column]
        text = item.text().strip()
        value: Any = text
        if field == "audience_pct":
            cleaned = text.rstrip("%").strip().replace(",", ".")
            if not cleaned:
                value = None
            else:
                try:
                    value = float(cleaned)
                except ValueError:
                    self.ctx.show_error(
                        UserError(f"The audience must be a percentage from 0 to 100, not {text!r}.")
                    )
                    self.request_refresh()
                    return
        stage = next(s for s in self._stages if s.id == stage_id)
        if getattr(stage, field) == value:
            return
        label = field.replace("_", " ").replace("pct", "%")
        self.ctx.run_edit(
            self.versions.update(
                self.ctx,
                RolloutStage,
                int(stage_id),
                {field: value},
                text=f"edit {label} of stage '{stage.name}'",
            )
        )
        self.request_refresh()

    def _on_status_changed(self, stage_id: int, status: str) -> None:
        if self._filling:
            return
        stage = next((s for s in self._stages if s.id == stage_id), None)
        if stage is None or str(stage.status) == status:
            return
        self.ctx.run_edit(
            self.versions.update(
                self.ctx,
                RolloutStage,
                stage_id,
                {"status": status},
                text=f"set stage status to {_status_text(status).lower()}",
            )
        )
        self.request_refresh()

    def _on_add_button_clicked(self) -> None:
        if self.release_id is None:
            return
        ws = self.ctx.require_workspace()
        position = launch.next_stage_position(ws=ws, release_id=self.release_id)
        command = CreateRecordCommand(
            self.ctx,
            RolloutStage,
            {
                "release_id": self.release_id,
                "position": position,
                "name": f"Stage {position + 1}",
            },
            text="add rollout stage",
        )
        if self.ctx.run_edit(command) and command.record_id is not None:
            self._select_next = command.record_id
            self.request_refresh()
            self.table.setFocus()

    def _on_remove_button_clicked(self) -> None:
        stage_id = self.current_stage_id()
        if stage_id is None:
            return
        stage = next(s for s in self._stages if s.id == stage_id)
        answer = QMessageBox.question(
            self,
            "Remove stage",
            f"Remove the rollout stage \u201c{stage.name}\u201d? You can undo this.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.run_edit(
            DeleteRecordCommand(
                self.ctx, RolloutStage, stage_id, text=f"remove stage '{stage.name}'"
            )
        )

    def move_current(self, offset: int) -> None:
        stage_id = self.current_stage_id()
        if stage_id is None or self.release_id is None:
            return
        order = [int(s.id) for s in self._stages]  # type: ignore[arg-type]
        index = order.index(stage_id)
        target = index + offset
        if not 0 <= target < len(order):
            return
        order[index], order[target] = order[target], order[index]
        self._select_next = stage_id
        self.ctx.run_edit(ReorderStagesCommand(self.ctx, self.release_id, order))
        self.request_refresh()
