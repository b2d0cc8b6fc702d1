"""The KPI framework catalog: every metric with what it measures, why it matters, an
example target, frequency, unit and direction; "Track this KPI" adds it to the workspace."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...services import kpis as kpi_service
from ...services import usecases as usecases_service
from ..context import AppContext
from ..widgets.builders import LABELS_RIGHT_TOP, TAB_MARGINS, form_card, panel
from ..widgets.context_widgets import ContextWidget
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from .edits import TrackKpiCommand
from .form import DIRECTION_LABELS, FREQUENCY_LABELS

_USER = Qt.ItemDataRole.UserRole
TRACK_TIP = "Add this metric to the workspace's tracked KPIs (undoable)"


def _label(value: Any, labels: dict[Any, str]) -> str:
    for key, text in labels.items():
        if str(key) == str(value):
            return text
    return str(value)


class CatalogPane(RefreshWhenShown, ContextWidget):
    """The catalog list beside the chosen metric's description.

    Signals:
        tracked(int): a KPI was tracked from the catalog (the new KPI's id).
    """

    tracked = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="kpiCatalog")
        self._tracked: dict[str, int] = {}
        self.entries: dict[str, Any] = {}

        self.list = QListWidget()
        self.list.setObjectName("catalogList")
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)

        self.name_label = named_label("", "catalogName", wrap=True)
        self.tracked_label = named_label("", "mutedLabel")
        self.fields: dict[str, QLabel] = {}
        card, form = form_card((14, 12, 14, 12), v_spacing=10, align=LABELS_RIGHT_TOP)
        for key, caption in (
            ("what", "What it measures"),
            ("why", "Why it matters"),
            ("example_target", "Example target"),
            ("frequency", "Frequency"),
            ("unit", "Unit"),
            ("direction", "Direction"),
            ("category", "Category"),
        ):
            value = QLabel()
            value.setObjectName(f"catalog_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name = named_label(caption, "formLabel")
            form.addRow(name, value)
            self.fields[key] = value

        self.use_case_combo = QComboBox()
        self.use_case_combo.setObjectName("catalogUseCaseCombo")
        self.use_case_combo.setToolTip("Tie the new KPI to a use case (optional)")
        self.track_button = QPushButton("Track this KPI")
        self.track_button.setObjectName("primaryButton")
        self.track_button.clicked.connect(self._on_track_button_clicked)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("For use case"))
        actions.addWidget(self.use_case_combo, 1)
        actions.addWidget(self.track_button)

        detail = panel(
            self.name_label,
            self.tracked_label,
            card,
            actions,
            1,
            name="pageContent",
            margins=(12, 0, 0, 0),
            spacing=8,
        )

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("catalogSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addWidget(splitter)

    def refresh(self) -> None:
        """Read the catalog and which entries are tracked."""
        ws = self.begin_refresh()
        if ws is None:
            return
        tracked_keys = kpi_service.tracked_catalog_keys(ws=ws)
        current = self.current_key()
        self.entries = {entry.key: entry for entry in kpi_service.catalog(ws=ws)}
        self._tracked = tracked_keys
        self.list.blockSignals(True)
        self.list.clear()
        for key, entry in self.entries.items():
            mark = "  ✓" if tracked_keys.get(key) else ""
            item = QListWidgetItem(f"{entry.name}{mark}")
            item.setData(_USER, key)
            item.setToolTip(entry.what)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._fill_use_cases()
        self.select_key(current or next(iter(self.entries), ""))

    def _fill_use_cases(self) -> None:
        ws = self.ctx.workspace
        combo = self.use_case_combo
        previous = combo.currentData()
        combo.clear()
        combo.addItem("(none)", None)
        if ws is not None:
            for use_case_id, title in usecases_service.titles(ws=ws):
                combo.addItem(title, use_case_id)
        combo.setCurrentIndex(max(combo.findData(previous), 0))

    def current_key(self) -> str:
        item = self.list.currentItem()
        return str(item.data(_USER)) if item is not None else ""

    def select_key(self, key: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(_USER) == key:
                self.list.setCurrentRow(row)
                self._show(key)
                return
        self._show("")

    def _show(self, key: str) -> None:
        entry = self.entries.get(key)
        why = "This workspace is open read-only." if self.ctx.readonly else "Choose a metric first."
        set_enabled_why(
            self.track_button, entry is not None and not self.ctx.readonly, TRACK_TIP, why
        )
        if entry is None:
            self.name_label.setText("")
            self.tracked_label.setText("")
            for label in self.fields.values():
                label.setText("")
            return
        self.name_label.setText(entry.name)
        count = self._tracked.get(key, 0)
        self.tracked_label.setText(
            f"Tracked in this workspace ({count} KPI{'s' if count != 1 else ''})."
            if count
            else "Not tracked in this workspace yet."
        )
        self.fields["what"].setText(entry.what)
        self.fields["why"].setText(entry.why)
        self.fields["example_target"].setText(entry.example_target)
        self.fields["frequency"].setText(_label(entry.frequency, FREQUENCY_LABELS))
        self.fields["unit"].setText(entry.unit or "—")
        self.fields["direction"].setText(_label(entry.direction, DIRECTION_LABELS))
        self.fields["category"].setText(str(entry.category or "—").capitalize())

    def _on_list_current_item_changed(self, current: QListWidgetItem | None, _prev: Any) -> None:
        self._show(str(current.data(_USER)) if current is not None else "")

    def _on_track_button_clicked(self) -> None:
        self.track(self.current_key(), self.use_case_combo.currentData())

    def track(self, key: str, use_case_id: int | None = None) -> int | None:
        """Track catalog entry ``key`` (undoable); the new KPI's id, or None."""
        if self._dirty or not self.entries:
            self.refresh()
        entry = self.entries.get(key)
        if entry is None:
            return None
        command = TrackKpiCommand(self.ctx, key, name=entry.name, use_case_id=use_case_id)
        if not self.ctx.run_edit(command) or command.kpi_id is None:
            return None
        self.tracked.emit(command.kpi_id)
        return command.kpi_id
