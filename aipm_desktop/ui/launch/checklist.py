"""The readiness summary and the launch checklist of one release.

The summary shows % done, the go / no-go badge (LAUNCHED once every rollout stage is
complete) with its reasons, the open high and critical risks, documentation
completeness, and the blocking items (listed once, in their own box). The checklist is grouped by
function; status and blocking are edited in place, the owner by typing in its cell, and
evidence and sign-off in a small dialog (double-click a row or "Edit check…"). Every
edit is one undo step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QStyledItemDelegate,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...models import LaunchCheck
from ...models.enums import CheckStatus
from ...services import clock, launch
from ...services.dates import format_date
from ..context import AppContext
from ..widgets.builders import NO_MARGINS, button, deferred, dialog_buttons, hbox, vbox
from ..widgets.choice_delegate import VALUE_ROLE, ChoiceDelegate
from ..widgets.field_editors import date_display_format
from ..widgets.page_header import named_label
from ..widgets.versioned import RowVersions
from .evaluation_box import EvaluationBox

CHECK_COLUMNS = ("Item", "Owner", "Status", "Blocking", "Evidence", "Signed off")
COL_ITEM, COL_OWNER, COL_STATUS, COL_BLOCKING, COL_EVIDENCE, COL_SIGNED = range(6)
ID_ROLE = Qt.ItemDataRole.UserRole
DOC_MARKS = {"approved": "✓ approved", "draft": "✎ not approved", "missing": "✗ missing"}
#: Below this width the checklist hides its Evidence and Signed off columns (the row's
#: tooltip and "Edit check…" still show them).
NARROW_CHECKLIST = 860
#: The blocking box shows this many rows at most (it scrolls for more).
BLOCKING_ROWS = 4


def status_text(status: str) -> str:
    return status.replace("_", " ").capitalize()


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def evidence_text(check: launch.LaunchCheckInfo) -> str:
    parts = []
    if check.evidence_title:
        parts.append(f"Document: {check.evidence_title}")
    if check.evidence_url:
        parts.append(check.evidence_url)
    return " · ".join(parts) or "\u2013"


def signed_text(check: launch.LaunchCheckInfo) -> str:
    if not check.signed_off_by and check.signed_off_on is None:
        return "\u2013"
    day = format_date(check.signed_off_on, "no date")
    return f"{check.signed_off_by or 'unnamed'} · {day}"


def choice_width(view: QWidget, labels: list[str]) -> int:
    """A column width in which a combo offering ``labels`` shows every one whole (the
    cell's editor takes the cell's width)."""
    combo = QComboBox()  # no parent: never shown, gone when this returns
    combo.setFont(view.font())
    combo.addItems(labels)
    return combo.sizeHint().width() + 8


class NoEditDelegate(QStyledItemDelegate):
    """For columns of an editable row that are not typed into (only the owner is)."""

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> None:
        return None


class ReadinessSummary(QFrame):
    """The go / no-go badge, % done bar, blocking items, risks and documentation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readinessCard")
        self.badge = named_label("NO-GO", "goBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setObjectName("readinessBar")
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p% done")
        self.counts = named_label("", "mutedLabel", wrap=True)
        self.reasons = named_label("", "reasonsText", wrap=True)
        self.risks = named_label("", "riskCount", wrap=True)
        self.docs = named_label("", "docsStatus", wrap=True)
        self.blocking = QListWidget()
        self.blocking.setObjectName("blockingList")
        self.evaluation = EvaluationBox()

        top = QHBoxLayout()
        top.addWidget(self.badge)
        bar_box = QVBoxLayout()
        bar_box.addWidget(self.bar)
        bar_box.addWidget(self.counts)
        top.addLayout(bar_box, 1)
        facts = QVBoxLayout()
        facts.addWidget(self.risks)
        facts.addWidget(self.docs)
        top.addLayout(facts, 1)

        self.blocking_title = named_label("Blocking items", "sectionTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(self.reasons)
        layout.addWidget(self.evaluation)
        layout.addWidget(self.blocking_title)
        layout.addWidget(self.blocking)

    def show_readiness(self, ready: launch.Readiness) -> None:
        launched = ready.state == "launched"
        self.badge.setText("LAUNCHED" if launched else ready.state_text)
        self.badge.setToolTip(ready.state_text if launched else "")
        self.badge.setProperty("go", "true" if ready.go else "false")
        self.badge.setProperty("state", ready.state)
        self.badge.style().unpolish(self.badge)
        self.badge.style().polish(self.badge)
        self.bar.setValue(round(ready.percent))
        self.counts.setText(
            f"{ready.done} of {ready.total} items done (not-applicable items not counted)"
        )
        self.risks.setText(
            f"Open risks on the use case: {ready.open_critical_risks} critical, "
            f"{ready.open_high_risks} high"
        )
        self.docs.setText(
            "Documentation: "
            + ", ".join(f"{k} {DOC_MARKS[v]}" for k, v in ready.documentation.items())
        )
        # The blocking items and the evaluation are listed once: in their boxes, not among
        # the reasons.
        reasons = ready.reasons_except("blocking", "evaluation")
        self.reasons.setText("\n".join(f"• {r}" for r in reasons))
        self.reasons.setVisible(bool(reasons))
        self.evaluation.show_item(ready.evaluation)
        self.blocking.clear()
        count = len(ready.blocking)
        self.blocking_title.setText(
            f"Blocking items not done ({count})" if count else "Blocking items"
        )
        for check in ready.blocking:
            owner = f" — {check.owner}" if check.owner else ""
            self.blocking.addItem(
                f"{check.function}: {check.item} ({status_text(check.status)}){owner}"
            )
        if not ready.blocking:
            self.blocking.addItem("Nothing is blocking the launch.")
        rows = min(max(self.blocking.count(), 1), BLOCKING_ROWS)
        height = self.blocking.sizeHintForRow(0) * rows + 2 * self.blocking.frameWidth()
        self.blocking.setFixedHeight(height + 2)

    def reason_lines(self) -> list[str]:
        """The reasons as shown (one per bullet)."""
        text = self.reasons.text()
        return [line.removeprefix("• ") for line in text.splitlines()] if text else []


class CheckDialog(QDialog):
    """Owner, status, blocking, evidence (a workspace document and/or a URL) and sign-off
    of one check. :meth:`changes` gives the fields that differ from the check."""

    def __init__(
        self,
        check: launch.LaunchCheckInfo,
        documents: list[tuple[int, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Launch check: {check.item}")
        self.check = check
        self.owner = QLineEdit(check.owner)
        self.status = QComboBox()
        for status in CheckStatus:
            self.status.addItem(status_text(status.value), status.value)
        self.status.setCurrentIndex(self.status.findData(check.status))
        self.blocking = QCheckBox("Blocks the launch until done")
        self.blocking.setChecked(check.blocking)
        self.document = QComboBox()
        self.document.addItem("(no document)", None)
        for doc_id, title in documents:
            self.document.addItem(title, doc_id)
        index = self.document.findData(check.evidence_document_id)
        self.document.setCurrentIndex(max(index, 0))
        self.url = QLineEdit(check.evidence_url)
        self.url.setPlaceholderText("https://…")
        self.signed_by = QLineEdit(check.signed_off_by)
        self.signed_on_check = QCheckBox("Signed off on")
        self.signed_on = QDateEdit()
        self.signed_on.setCalendarPopup(True)
        self.signed_on.setDisplayFormat(date_display_format())
        self.signed_on.setDate(_qdate(check.signed_off_on or clock.today()))
        self.signed_on_check.setChecked(check.signed_off_on is not None)
        self.signed_on.setEnabled(check.signed_off_on is not None)
        self.signed_on_check.toggled.connect(self.signed_on.setEnabled)
        self.error = named_label("", "errorHint")
        self.error.setVisible(False)

        form = QFormLayout()
        form.addRow("Owner", self.owner)
        form.addRow("Status", self.status)
        form.addRow("", self.blocking)
        form.addRow("Evidence document", self.document)
        form.addRow("Evidence link", self.url)
        form.addRow("Signed off by", self.signed_by)
        date_row = QHBoxLayout()
        date_row.addWidget(self.signed_on_check)
        date_row.addWidget(self.signed_on, 1)
        form.addRow("", date_row)
        buttons = dialog_buttons(self, self._on_buttons_accepted)
        heading = named_label(f"{check.function}: {check.item}", "dialogHeading", wrap=True)
        vbox(heading, form, self.error, buttons, parent=self)
        self.resize(520, self.sizeHint().height())

    def _on_buttons_accepted(self) -> None:
        url = self.url.text().strip()
        if url and not url.lower().startswith(("http://", "https://")):
            self.error.setText("The evidence link must start with http:// or https://.")
            self.error.setVisible(True)
            return
        self.accept()

    def changes(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "owner": self.owner.text().strip(),
            "status": self.status.currentData(),
            "blocking": self.blocking.isChecked(),
            "evidence_document_id": self.document.currentData(),
            "evidence_url": self.url.text().strip(),
            "signed_off_by": self.signed_by.text().strip(),
            "signed_off_on": (
                _pydate(self.signed_on.date()) if self.signed_on_check.isChecked() else None
            ),
        }
        return {k: v for k, v in values.items() if getattr(self.check, k) != v}


class ChecklistPanel(QWidget):
    """The readiness summary above the checklist tree of one release.

    Signals:
        create_requested(): "Create checklist from template" was clicked.
        template_requested(): "Edit default checklist…" was clicked.
    """

    create_requested = Signal()
    template_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.release_id: int | None = None
        self._checks: dict[int, launch.LaunchCheckInfo] = {}
        self.versions = RowVersions()
        self._rows: dict[int, QTreeWidgetItem] = {}
        self._order: list[int] = []
        self._filling = False
        self._timer = deferred(self, self._refresh)

        self.summary = ReadinessSummary()
        self.tree = QTreeWidget()
        self.tree.setObjectName("checklistTree")
        self.tree.setColumnCount(len(CHECK_COLUMNS))
        self.tree.setHeaderLabels(list(CHECK_COLUMNS))
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column, width in (
            (COL_OWNER, 115),
            (COL_BLOCKING, 62),
            (COL_EVIDENCE, 170),
            (COL_SIGNED, 160),
        ):
            self.tree.setColumnWidth(column, width)
        status_labels = [status_text(status.value) for status in CheckStatus]
        self.tree.setColumnWidth(COL_STATUS, choice_width(self.tree, status_labels))
        self._no_edit = NoEditDelegate(self.tree)
        for column in (COL_ITEM, COL_BLOCKING, COL_EVIDENCE, COL_SIGNED):
            self.tree.setItemDelegateForColumn(column, self._no_edit)
        self._status_delegate = ChoiceDelegate(
            [(status.value, status_text(status.value)) for status in CheckStatus], self.tree
        )
        self.tree.setItemDelegateForColumn(COL_STATUS, self._status_delegate)
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.tree.itemChanged.connect(self._on_tree_itemChanged)
        self.tree.itemDoubleClicked.connect(self._on_tree_itemDoubleClicked)
        self.tree.currentItemChanged.connect(self._update_buttons)

        self.empty = named_label(
            "This release has no launch checklist yet. Create it from the workspace's "
            "default checklist, then adjust owners and blocking items.",
            "emptyState",
            wrap=True,
        )
        self.create_button = button(
            "Create checklist from template", self.create_requested, name="primaryButton"
        )
        self.edit_button = button("Edit check…", self._on_edit_button_clicked)
        self.template_button = button("Edit default checklist…", self.template_requested)

        title = named_label("Launch checklist", "sectionTitle")
        buttons = hbox(title, 1, self.create_button, self.edit_button, self.template_button)
        vbox(self.summary, buttons, self.empty, (self.tree, 1), margins=NO_MARGINS, parent=self)

    # -- showing ----------------------------------------------------------------------------

    def show_release(self, release_id: int) -> None:
        ws = self.ctx.require_workspace()
        changed = release_id != self.release_id
        self.release_id = release_id
        self.summary.show_readiness(launch.readiness(ws=ws, release_id=release_id))
        checks = launch.checks(ws=ws, release_id=release_id)
        self._checks = {c.id: c for c in checks}
        self.versions.read(checks)  # an edit of a check expects the version shown
        ids = [c.id for c in checks]
        if changed or ids != self._order:
            self._rebuild(checks)
        else:
            for check in checks:
                self._fill_row(self._rows[check.id], check)
            self._update_group_titles()
        has = bool(checks)
        self.empty.setVisible(not has)
        self.tree.setVisible(has)
        self.create_button.setVisible(not has)
        self._update_buttons()

    def _rebuild(self, checks: list[launch.LaunchCheckInfo]) -> None:
        self._filling = True
        try:
            self.tree.clear()
            self._rows = {}
            self._order = [c.id for c in checks]
            groups: dict[str, QTreeWidgetItem] = {}
            readonly = self.ctx.readonly
            for check in checks:
                group = groups.get(check.function)
                if group is None:
                    group = QTreeWidgetItem(self.tree, [check.function])
                    font = QFont(group.font(0))
                    font.setBold(True)
                    group.setFont(0, font)
                    group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    group.setFirstColumnSpanned(True)
                    groups[check.function] = group
                row = QTreeWidgetItem(group)
                row.setData(COL_ITEM, ID_ROLE, check.id)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if not readonly:
                    flags |= Qt.ItemFlag.ItemIsEditable
                row.setFlags(flags)
                self._rows[check.id] = row
                if not readonly:
                    row.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable)
                row.setToolTip(COL_BLOCKING, "Blocks the launch until done")
                self._fill_row(row, check)
            self.tree.expandAll()
            self._update_group_titles()
        finally:
            self._filling = False

    def _fill_row(self, row: QTreeWidgetItem, check: launch.LaunchCheckInfo) -> None:
        was = self._filling
        self._filling = True
        try:
            row.setText(COL_ITEM, check.item)
            row.setToolTip(
                COL_ITEM,
                f"{check.item}\nEvidence: {evidence_text(check)}\nSigned off: {signed_text(check)}",
            )
            row.setText(COL_OWNER, check.owner)
            row.setText(COL_EVIDENCE, evidence_text(check))
            row.setToolTip(COL_EVIDENCE, evidence_text(check))
            row.setText(COL_SIGNED, signed_text(check))
            row.setData(COL_STATUS, VALUE_ROLE, str(check.status))
            row.setText(COL_STATUS, status_text(str(check.status)))
            row.setCheckState(
                COL_BLOCKING, Qt.CheckState.Checked if check.blocking else Qt.CheckState.Unchecked
            )
        finally:
            self._filling = was

    def _update_group_titles(self) -> None:
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            ids = [group.child(i).data(COL_ITEM, ID_ROLE) for i in range(group.childCount())]
            members = [self._checks[i] for i in ids if i in self._checks]
            counted = [c for c in members if c.status != CheckStatus.NOT_APPLICABLE]
            done = sum(1 for c in counted if c.status == CheckStatus.DONE)
            name = members[0].function if members else group.text(0).split("  ")[0]
            was = self._filling
            self._filling = True
            group.setText(0, f"{name}  ({done}/{len(counted)} done)")
            self._filling = was

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW_CHECKLIST
        for column in (COL_EVIDENCE, COL_SIGNED):
            self.tree.setColumnHidden(column, narrow)

    # -- lookups (also for tests) ------------------------------------------------------------

    def row_of(self, check_id: int) -> QTreeWidgetItem:
        return self._rows[check_id]

    def status_of(self, check_id: int) -> str:
        """The status the row of ``check_id`` shows."""
        return str(self._rows[check_id].data(COL_STATUS, VALUE_ROLE))

    def set_status(self, check_id: int, status: str) -> None:
        """Choose a status in the row as the user does (the edit is stored, undoable)."""
        row = self._rows[check_id]
        row.setText(COL_STATUS, status_text(status))
        row.setData(COL_STATUS, VALUE_ROLE, status)

    def is_blocking(self, check_id: int) -> bool:
        """Whether the "Blocking" box of ``check_id`` shows checked."""
        return self._rows[check_id].checkState(COL_BLOCKING) == Qt.CheckState.Checked

    def current_check_id(self) -> int | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        value = item.data(COL_ITEM, ID_ROLE)
        return int(value) if value is not None else None

    # -- edits ------------------------------------------------------------------------------

    def _update_buttons(self, *_args: Any) -> None:
        self.edit_button.setEnabled(self.current_check_id() is not None and not self.ctx.readonly)
        self.create_button.setEnabled(not self.ctx.readonly)
        self.template_button.setEnabled(not self.ctx.readonly)

    def request_refresh(self) -> None:
        """Show the stored checks again once the current event is handled."""
        self._timer.start()

    def _refresh(self) -> None:
        if self.release_id is not None and self.ctx.workspace is not None:
            self.show_release(self.release_id)

    def _update(self, check_id: int, data: dict[str, Any], text: str) -> None:
        self.ctx.run_edit(self.versions.update(self.ctx, LaunchCheck, check_id, data, text=text))
        self.request_refresh()  # also puts the old values back when the edit was refused

    def _on_status_changed(self, check_id: int, status: str) -> None:
        if self._filling:
            return
        check = self._checks[check_id]
        if status == str(check.status):
            return
        self._update(
            check_id, {"status": status}, f"set '{check.item}' to {status_text(status).lower()}"
        )

    def _on_blocking_toggled(self, check_id: int, on: bool) -> None:
        if self._filling:
            return
        check = self._checks[check_id]
        word = "blocking" if on else "not blocking"
        self._update(check_id, {"blocking": on}, f"mark '{check.item}' {word}")

    def _on_tree_itemChanged(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling:
            return
        check_id = item.data(COL_ITEM, ID_ROLE)
        if check_id is None:
            return
        if column == COL_STATUS:
            self._on_status_changed(check_id, str(item.data(COL_STATUS, VALUE_ROLE)))
            return
        if column == COL_BLOCKING:
            on = item.checkState(COL_BLOCKING) == Qt.CheckState.Checked
            if on != self._checks[check_id].blocking:
                self._on_blocking_toggled(check_id, on)
            return
        if column != COL_OWNER:
            return
        owner = item.text(COL_OWNER).strip()
        if owner == self._checks[check_id].owner:
            return
        self._update(check_id, {"owner": owner}, f"set owner of '{self._checks[check_id].item}'")

    def _on_tree_itemDoubleClicked(self, item: QTreeWidgetItem, column: int) -> None:
        editable_here = (COL_OWNER, COL_STATUS, COL_BLOCKING)
        if column not in editable_here and item.data(COL_ITEM, ID_ROLE) is not None:
            self.edit_check(int(item.data(COL_ITEM, ID_ROLE)))

    def _on_edit_button_clicked(self) -> None:
        check_id = self.current_check_id()
        if check_id is not None:
            self.edit_check(check_id)

    def edit_check(self, check_id: int) -> None:
        if self.ctx.readonly:
            return
        ws = self.ctx.require_workspace()
        dialog = CheckDialog(self._checks[check_id], launch.document_choices(ws=ws), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        data = dialog.changes()
        if data:
            self._update(check_id, data, f"edit launch check '{self._checks[check_id].item}'")
