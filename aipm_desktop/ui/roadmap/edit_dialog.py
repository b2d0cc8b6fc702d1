"""The small dialog that edits (or creates) one roadmap item.

It validates through the same pydantic class the service uses, shows what is wrong
inside the dialog (nothing is written then), and on OK makes the edit undoable with an
``UpdateRecordCommand`` (or a ``CreateRecordCommand`` for a new item).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ...models import RoadmapItem
from ...models.enums import ItemKind, ItemStatus
from ...models.roadmap import RoadmapItemCreate
from ...services import clock, records, roadmap
from ...services import usecases as usecases_service
from ..context import AppContext
from ..undo import CreateRecordCommand
from ..widgets.builders import dialog_buttons, form_layout, vbox
from ..widgets.field_editors import date_display_format
from ..widgets.page_header import named_label
from ..widgets.versioned import RowVersions, run_from_dialog

FIELDS = (
    "title",
    "lane",
    "kind",
    "start",
    "end",
    "status",
    "progress",
    "owner",
    "use_case_id",
)
KIND_TEXT = {
    ItemKind.WORK: "Work item",
    ItemKind.MILESTONE: "Milestone",
    ItemKind.RELEASE: "Release",
}


def enum_text(value: Any) -> str:
    """``in_progress`` -> ``In progress``."""
    text = str(getattr(value, "value", value) or "").replace("_", " ")
    return text[:1].upper() + text[1:]


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def use_case_choices(ws: Any) -> list[tuple[int, str]]:
    """``(id, title)`` of every use case, by title."""
    return usecases_service.titles(ws=ws)


class ItemDialog(QDialog):
    """Title, lane, kind, dates, status, progress, owner and use case of one item.

    ``item_id=None`` makes a new item from ``defaults``. After ``accept()`` the edit has
    been pushed; :attr:`record_id` is the item's id (the new one for a new item).
    """

    def __init__(
        self,
        ctx: AppContext,
        item_id: int | None = None,
        *,
        defaults: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.item_id = item_id
        self.record_id: int | None = item_id
        self.versions = RowVersions()
        self.setObjectName("roadmapItemDialog")
        self.setWindowTitle("Roadmap item" if item_id is not None else "New roadmap item")
        ws = ctx.require_workspace()
        if item_id is not None:
            record = records.get(ws=ws, model=RoadmapItem, id=item_id)
            self.original: dict[str, Any] = {k: getattr(record, k) for k in FIELDS}
            self.versions.read([record])  # saving expects it: no lost update
        else:
            today = clock.today()
            self.original = {
                "title": "",
                "lane": (roadmap.lanes(ws=ws) or ["Product and UX"])[0],
                "kind": ItemKind.WORK,
                "start": today,
                "end": today + dt.timedelta(days=13),
                "status": ItemStatus.PLANNED,
                "progress": 0,
                "owner": "",
                "use_case_id": None,
            }
            self.original.update(defaults or {})

        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("roadmapTitleEdit")
        self.title_edit.setPlaceholderText("What gets done, e.g. “Golden evaluation set v2”")
        self.lane_combo = QComboBox()
        lanes = roadmap.lanes(ws=ws)
        if self.original["lane"] and self.original["lane"] not in lanes:
            lanes = [*lanes, self.original["lane"]]
        self.lane_combo.addItems(lanes)
        self.kind_combo = QComboBox()
        for kind in ItemKind:
            self.kind_combo.addItem(KIND_TEXT[kind], kind.value)
        self.start_edit = _date_edit()
        self.end_edit = _date_edit()
        self.status_combo = QComboBox()
        for status in ItemStatus:
            self.status_combo.addItem(enum_text(status), status.value)
        self.progress_spin = QSpinBox()
        self.progress_spin.setRange(0, 100)
        self.progress_spin.setSuffix(" %")
        self.owner_edit = QLineEdit()
        self.use_case_combo = QComboBox()
        self.use_case_combo.addItem("None", None)
        for use_case_id, title in use_case_choices(ws):
            self.use_case_combo.addItem(title, use_case_id)
        self.error_label = named_label("", "errorHint", wrap=True)
        self.error_label.setVisible(False)

        form = form_layout(
            ("&Title", self.title_edit),
            ("&Lane", self.lane_combo),
            ("&Kind", self.kind_combo),
            ("&Start", self.start_edit),
            ("&End", self.end_edit),
            ("St&atus", self.status_combo),
            ("&Progress", self.progress_spin),
            ("&Owner", self.owner_edit),
            ("&Use case", self.use_case_combo),
            growth=QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow,
        )
        self.buttons = dialog_buttons(self)
        vbox(form, self.error_label, self.buttons, parent=self)
        self.setMinimumWidth(460)

        self._load(self.original)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._sync_milestone())
        self.start_edit.dateChanged.connect(lambda _d: self._sync_milestone())
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load(self, values: dict[str, Any]) -> None:
        self.title_edit.setText(values["title"])
        self.lane_combo.setCurrentIndex(max(0, self.lane_combo.findText(values["lane"])))
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(str(values["kind"]))))
        self.start_edit.setDate(to_qdate(values["start"]))
        self.end_edit.setDate(to_qdate(values["end"]))
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(str(values["status"]))))
        self.progress_spin.setValue(int(values["progress"] or 0))
        self.owner_edit.setText(values["owner"] or "")
        self.use_case_combo.setCurrentIndex(
            max(0, self.use_case_combo.findData(values["use_case_id"]))
        )
        self._sync_milestone()

    def _sync_milestone(self) -> None:
        single_day = self.kind_combo.currentData() != ItemKind.WORK.value
        if single_day:
            self.end_edit.setDate(self.start_edit.date())
        self.end_edit.setEnabled(not single_day)

    def values(self) -> dict[str, Any]:
        """What the form says now."""
        return {
            "title": self.title_edit.text(),
            "lane": self.lane_combo.currentText(),
            "kind": self.kind_combo.currentData(),
            "start": from_qdate(self.start_edit.date()),
            "end": from_qdate(self.end_edit.date()),
            "status": self.status_combo.currentData(),
            "progress": self.progress_spin.value(),
            "owner": self.owner_edit.text(),
            "use_case_id": self.use_case_combo.currentData(),
        }

    def accept(self) -> None:
        values = self.values()
        try:
            checked = RoadmapItemCreate.model_validate(values)
        except pydantic.ValidationError as error:
            messages = [str(e.get("msg", "")).removeprefix("Value error, ") for e in error.errors()]
            self.error_label.setText("; ".join(m for m in messages if m) or "Invalid values.")
            self.error_label.setVisible(True)
            return
        data = checked.model_dump(include=set(FIELDS))
        if self.item_id is None:
            data["planned_start"] = data["start"]
            data["planned_end"] = data["end"]
            command = CreateRecordCommand(self.ctx, RoadmapItem, data)
            if not self.ctx.run_edit(command):
                return
            self.record_id = command.record_id
        else:
            changed = {k: v for k, v in data.items() if _plain(v) != _plain(self.original.get(k))}
            command = self.versions.update(self.ctx, RoadmapItem, self.item_id, changed)
            if changed and not run_from_dialog(self.ctx, command, self):
                return
        super().accept()


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_display_format())
    return edit
