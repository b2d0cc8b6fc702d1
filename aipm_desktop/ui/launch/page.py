"""The Launch area: releases beside their readiness, checklist, rollout stages and details.

The header holds "New release" (Ctrl+Shift+N) and "Delete" (Del in the release list).
Left, the releases (name, target date, readiness %, and GO / NO-GO or "Launched" once
every rollout stage is complete). Right, for the selected release: "Readiness" (summary
and the launch checklist grouped by function), "Rollout stages" (stages with KPI
criteria and their check) and "Release" (name, target date, feature flag, use case,
description). Every edit is undoable (Edit ▸ Undo). The page fits a 1280x720 window:
the release list can be collapsed and the checklist drops its widest columns when
narrow.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...models import Release
from ...services import clock, launch, records
from ...services import usecases as usecases_service
from ...services.changes import Changes
from ...services.dates import format_date
from ..context import AppContext
from ..undo import CreateRecordCommand, DeleteRecordCommand, update_record
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import (
    NO_MARGINS,
    button,
    deferred,
    empty_state,
    panel,
    resize_columns,
    splitter,
    stacked,
    table,
    vbox,
)
from ..widgets.dialog_parts import confirm_delete
from ..widgets.field_editors import date_display_format
from ..widgets.page_header import NEW_SHORTCUT, named_label, page_header, record_actions
from .checklist import ChecklistPanel
from .edits import EnsureChecklistCommand
from .stages import StagesPanel
from .template_dialog import TemplateDialog

#: Kinds whose changes can alter what the page shows.
WATCHED = (
    "release",
    "eval_suite",
    "eval_metric",
    "eval_run",
    "rollout_stage",
    "launch_check",
    launch.TEMPLATE_KIND,
    "kpi",
    "kpi_snapshot",
    "risk",
    "document",
    "use_case",
    "settings",
)
RELEASE_COLUMNS = ("Release", "Target", "Ready", "Gate")
GO_COLOR = QColor("#2e7d32")
NO_GO_COLOR = QColor("#c62828")
LAUNCHED_COLOR = QColor("#1f5f99")
STATE_COLORS = {"go": GO_COLOR, "no-go": NO_GO_COLOR, "launched": LAUNCHED_COLOR}
#: The widest the release list gets when fitted to its names (drag the splitter for more).
MAX_LIST_WIDTH = 420
READONLY_TIP = "The workspace is open read-only."
ID_ROLE = Qt.ItemDataRole.UserRole


class _DescriptionEdit(QPlainTextEdit):
    """A plain text edit that reports when the user leaves it.

    Signals:
        editing_finished(): focus left the editor.
    """

    editing_finished = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editing_finished.emit()


class ReleaseForm(QWidget):
    """Name, target date, feature flag, use case and description of one release."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.release: Release | None = None
        self._filling = False
        self.name = QLineEdit()
        self.name.setObjectName("releaseName")
        self.has_date = QCheckBox("Target date")
        self.target = QDateEdit()
        self.target.setCalendarPopup(True)
        self.target.setDisplayFormat(date_display_format())
        self.flag = QLineEdit()
        self.flag.setPlaceholderText("feature_flag_name")
        self.use_case = QComboBox()
        self.description = _DescriptionEdit()
        self.description.setObjectName("releaseDescription")

        form = QFormLayout()
        form.addRow("Name", self.name)
        date_row = QHBoxLayout()
        date_row.addWidget(self.has_date)
        date_row.addWidget(self.target, 1)
        form.addRow("", date_row)
        form.addRow("Feature flag", self.flag)
        form.addRow("Use case", self.use_case)
        form.addRow("Description", self.description)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addStretch(1)

        self.name.editingFinished.connect(lambda: self._save("name", self.name.text().strip()))
        self.flag.editingFinished.connect(
            lambda: self._save("feature_flag", self.flag.text().strip())
        )
        self.has_date.toggled.connect(self._on_has_date_toggled)
        self.target.dateChanged.connect(self._on_target_dateChanged)
        self.use_case.currentIndexChanged.connect(
            lambda _i: self._save("use_case_id", self.use_case.currentData())
        )
        self.description.editing_finished.connect(
            lambda: self._save("description", self.description.toPlainText())
        )

    def show_release(self, release: Release, use_cases: list[tuple[int, str]]) -> None:
        self.release = release
        self._filling = True
        try:
            self.name.setText(release.name)
            self.flag.setText(release.feature_flag)
            self.has_date.setChecked(release.target_date is not None)
            self.target.setEnabled(release.target_date is not None)
            day = release.target_date or clock.today()
            self.target.setDate(QDate(day.year, day.month, day.day))
            self.use_case.clear()
            self.use_case.addItem("(no use case)", None)
            for uc_id, title in use_cases:
                self.use_case.addItem(title, uc_id)
            self.use_case.setCurrentIndex(max(0, self.use_case.findData(release.use_case_id)))
            if self.description.toPlainText() != release.description:
                self.description.setPlainText(release.description)
            for widget in (self.name, self.flag, self.has_date, self.use_case):
                widget.setEnabled(not self.ctx.readonly)
            self.description.setReadOnly(self.ctx.readonly)
        finally:
            self._filling = False

    def _target_value(self) -> dt.date | None:
        if not self.has_date.isChecked():
            return None
        q = self.target.date()
        return dt.date(q.year(), q.month(), q.day())

    def _on_has_date_toggled(self, on: bool) -> None:
        self.target.setEnabled(on)
        self._save("target_date", self._target_value())

    def _on_target_dateChanged(self, _date: QDate) -> None:
        self._save("target_date", self._target_value())

    def _save(self, field: str, value: object) -> None:
        release = self.release
        if self._filling or release is None or self.ctx.readonly:
            return
        if getattr(release, field) == value:
            return
        label = field.replace("_id", "").replace("_", " ")

        def written(version: int) -> None:
            if self.release is release:
                release.version = version

        # saved only while the release is as shown (another window may have changed it)
        self.ctx.run_edit(
            update_record(
                self.ctx,
                Release,
                int(release.id),
                {field: value},
                text=f"edit release {label}",
                version=release.version,
                written=written,
            )
        )


class LaunchPage(QWidget):
    """Releases and launch-readiness gates of the open workspace.

    Signals:
        navigate_requested(str, int): show area ``name`` on record ``id`` (a failing
            evaluation metric in Evaluations); the main window acts on it.
        current_entity_changed(): another release is shown (:meth:`current_entity`).
    """

    navigate_requested = Signal(str, int)
    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageContent")
        self.ctx = ctx
        self.release_id: int | None = None
        self._infos: list[launch.ReleaseInfo] = []
        self._fitted_names: list[str] | None = None
        self._shown = False
        self.confirm_box: QMessageBox | None = None
        self._filling = False
        self._timer = deferred(self, self.refresh)

        self.new_button = button(
            "New release",
            self._on_new_button_clicked,
            name="primaryButton",
            tip=f"Add a release ({NEW_SHORTCUT})",
        )
        self.delete_button = button("Delete", self._on_delete_button_clicked)
        header = page_header(
            "Launch",
            "Releases, phased rollouts with KPI criteria, and launch-readiness gates.",
            (self.new_button, self.delete_button),
        )

        self.releases = table(RELEASE_COLUMNS, "releaseTable", read_only=True)
        self.releases.setWordWrap(False)
        self.releases.setTextElideMode(Qt.TextElideMode.ElideNone)
        resize_columns(self.releases, stretch=(0,), fit=(1, 2, 3))
        self.releases.itemSelectionChanged.connect(self._on_releases_itemSelectionChanged)

        self.heading = named_label("", "formHeading", wrap=True)
        self.checklist = ChecklistPanel(ctx)
        self.checklist.create_requested.connect(self._on_checklist_create_requested)
        self.checklist.template_requested.connect(self.edit_template)
        self.checklist.summary.evaluation.open_metric.connect(
            lambda metric_id: self.navigate_requested.emit("evaluations", metric_id)
        )
        self.stages = StagesPanel(ctx)
        self.form = ReleaseForm(ctx)
        self.tabs = area_tabs(
            (self.checklist, "Readiness"),
            (self.stages, "Rollout stages"),
            (self.form, "Release"),
        )
        self.tabs.setDocumentMode(False)
        detail = panel(self.heading, (self.tabs, 1))
        self.empty = empty_state(
            "No releases yet. Add one with \u201cNew release\u201d (Ctrl+Shift+N): give it a "
            "target date, a feature flag and its rollout stages, then create its launch "
            "checklist."
        )
        self.stack = stacked(self.empty, detail)
        self.splitter = splitter(
            self.releases, self.stack, sizes=(330, 900), stretch=(0, 1), name="launchSplitter"
        )
        body = panel((self.splitter, 1), margins=(24, 0, 24, 12))
        vbox(header, (body, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.new_action, self.delete_action = record_actions(
            self, "release", self.new_release, self.releases, self.delete_release
        )

        ctx.changed.connect(self._on_ctx_changed)
        self.refresh()
        if self._infos:
            upcoming = self._upcoming()
            self.select_release(self._infos[-1].id if upcoming is None else upcoming)

    # -- data -------------------------------------------------------------------------------

    def _upcoming(self) -> int | None:
        """The first release whose target date is today or later."""
        today = clock.today()
        for info in self._infos:
            if info.target_date is not None and info.target_date >= today:
                return info.id
        return None

    def _use_cases(self) -> list[tuple[int, str]]:
        return usecases_service.titles(ws=self.ctx.require_workspace())

    def refresh(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        self._infos = launch.release_list(ws=ws)
        ids = [info.id for info in self._infos]
        if self.release_id not in ids:
            self.release_id = None
        self._filling = True
        try:
            self.releases.setRowCount(len(self._infos))
            for row, info in enumerate(self._infos):
                target = format_date(info.target_date)
                cells = (info.name, target, f"{info.percent:.0f}%", info.state_text)
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setData(ID_ROLE, info.id)
                    if column == 0:
                        item.setToolTip(
                            f"{info.name}\nFlag: {info.feature_flag or 'none'}\n"
                            f"Use case: {info.use_case or 'none'}"
                        )
                    if column in (2, 3):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if column == 3:
                        item.setForeground(QBrush(STATE_COLORS.get(info.state, NO_GO_COLOR)))
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                        if info.state == "launched":
                            item.setToolTip(
                                f"Launched on {format_date(info.launched_on)}: every rollout "
                                "stage is complete"
                            )
                    self.releases.setItem(row, column, item)
            if self.release_id is not None:
                self.releases.selectRow(ids.index(self.release_id))
        finally:
            self._filling = False
        names = [info.name for info in self._infos]
        if names != self._fitted_names:  # refit only when names change: keep a user's drag
            self._fitted_names = names
            self._fit_release_list()
        self._show_current()

    def _fit_release_list(self) -> None:
        """Give the release list the width its names and columns need (names never wrap
        or clip), up to :data:`MAX_LIST_WIDTH`."""
        view = self.releases
        view.ensurePolished()
        header = view.horizontalHeader()
        columns = sum(
            max(header.sectionSizeHint(c), view.sizeHintForColumn(c))
            for c in range(view.columnCount())
        )
        wanted = columns + 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
        left = min(wanted, MAX_LIST_WIDTH)
        self.splitter.setSizes([left, max(sum(self.splitter.sizes()) - left, 1000)])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:  # fonts and styles are final now: fit the list to them
            self._shown = True
            self._fit_release_list()

    def _update_actions(self) -> None:
        ws = self.ctx.workspace
        writable = ws is not None and not self.ctx.readonly
        self.new_button.setEnabled(writable)
        self.new_action.setEnabled(writable)
        can_delete = writable and self.release_id is not None
        self.delete_button.setEnabled(can_delete)
        self.delete_action.setEnabled(can_delete)
        if not writable:
            why = READONLY_TIP if ws is not None else "No workspace is open."
            self.new_button.setToolTip(why)
            self.delete_button.setToolTip(why)
        else:
            self.new_button.setToolTip(f"Add a release ({NEW_SHORTCUT})")
            self.delete_button.setToolTip(
                "Delete the selected release with its stages and checklist (Del in the list)"
                if can_delete
                else "Select a release to delete it."
            )

    def current_entity(self) -> tuple[str, int] | None:
        """The release shown, for the Related panel."""
        return None if self.release_id is None else ("release", self.release_id)

    def _show_current(self) -> None:
        ws = self.ctx.workspace
        self._update_actions()
        self.current_entity_changed.emit()
        if ws is None or self.release_id is None:
            self.stack.setCurrentWidget(self.empty)
            if self._infos:
                self.empty.setText("Select a release to see its readiness.")
            return
        self.stack.setCurrentIndex(1)
        release = records.get(ws=ws, model=Release, id=self.release_id)
        info = next(i for i in self._infos if i.id == self.release_id)
        target = format_date(info.target_date, "no target date")
        flag = f" · flag {info.feature_flag}" if info.feature_flag else ""
        uc = f" · {info.use_case}" if info.use_case else ""
        self.heading.setText(f"{info.name} — {target}{flag}{uc}")
        self.checklist.show_release(self.release_id)
        self.stages.show_release(self.release_id)
        self.form.show_release(release, self._use_cases())  # type: ignore[arg-type]

    def select_release(self, release_id: int) -> None:
        ids = [info.id for info in self._infos]
        if release_id in ids:
            self.releases.selectRow(ids.index(release_id))

    def show_entity(self, entity_id: int, kind: str = "release") -> bool:
        """Select what another view (the overview) links to: a release (``kind``
        "release"), or the release owning a launch check ("launch_check", the check
        then selected in the Readiness tab) or a rollout stage ("rollout_stage", shown
        in the Rollout stages tab). False when there is no such record."""
        ws = self.ctx.workspace
        if ws is None:
            return False
        release_id = launch.release_of(ws=ws, kind=kind, entity_id=entity_id)
        if release_id not in {info.id for info in self._infos}:
            self.refresh()  # a release written since the last refresh
        if release_id is None or release_id not in {info.id for info in self._infos}:
            return False
        self.select_release(release_id)
        if kind == "rollout_stage":
            self.tabs.setCurrentWidget(self.stages)
        else:
            self.tabs.setCurrentWidget(self.checklist)
        if kind == "launch_check":
            row = self.checklist.row_of(entity_id)
            tree = self.checklist.tree
            tree.setCurrentItem(row)
            tree.scrollToItem(row)
            tree.setFocus()
        else:
            self.releases.setFocus()
        return True

    # -- slots ------------------------------------------------------------------------------

    def _on_ctx_changed(self, changes: Changes) -> None:
        if changes.touches(*WATCHED):
            self._timer.start()

    def _on_releases_itemSelectionChanged(self) -> None:
        if self._filling:
            return
        rows = self.releases.selectionModel().selectedRows()
        if not rows:
            return
        release_id = self.releases.item(rows[0].row(), 0).data(ID_ROLE)
        if release_id != self.release_id:
            self.release_id = int(release_id)
            self._show_current()

    def _on_new_button_clicked(self) -> None:
        self.new_release()

    def _on_delete_button_clicked(self) -> None:
        self.delete_release()

    def new_release(self) -> None:
        """Add a release named "New release" and open its form to name it (undoable)."""
        if self.ctx.workspace is None or self.ctx.readonly:
            return
        command = CreateRecordCommand(self.ctx, Release, {"name": "New release"})
        if self.ctx.run_edit(command) and command.record_id is not None:
            self.release_id = command.record_id
            self.refresh()
            self.tabs.setCurrentWidget(self.form)
            self.form.name.setFocus()
            self.form.name.selectAll()

    def delete_release(self) -> QMessageBox | None:
        """Ask, then delete the selected release with its stages and checklist
        (undoable). Returns the (window-modal) question box."""
        if self.release_id is None or self.ctx.readonly:
            return None
        release_id = self.release_id
        info = next(i for i in self._infos if i.id == release_id)
        self.confirm_box = confirm_delete(
            self,
            "Delete release",
            f"Delete the release \u201c{info.name}\u201d?",
            informative="Its rollout stages and launch checklist go with it. "
            "Edit \u25b8 Undo brings it back.",
            name="deleteReleaseBox",
            no=QMessageBox.StandardButton.No,
            on_yes=lambda: self.ctx.run_edit(
                DeleteRecordCommand(
                    self.ctx, Release, release_id, text=f"delete release '{info.name}'"
                )
            ),
        )
        self.confirm_box.finished.connect(self._on_confirm_box_finished)
        return self.confirm_box

    def _on_confirm_box_finished(self, _result: int) -> None:
        self.confirm_box = None

    def _on_checklist_create_requested(self) -> None:
        if self.release_id is not None:
            self.ctx.run_edit(EnsureChecklistCommand(self.ctx, self.release_id))

    def edit_template(self) -> None:
        dialog = TemplateDialog(self.ctx, self)
        dialog.exec()
