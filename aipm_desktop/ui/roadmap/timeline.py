"""The roadmap timeline: swim lanes of bars, milestones and releases on a time axis.

:class:`TimelineWidget` puts the view beside a lane header column, under a time-axis
header that stays visible, with a toolbar (zoom, baseline, critical path, dependencies,
export) above and a legend (what the outlines, shades and markers mean) below, and turns
the user's gestures into undoable commands.

The pieces live beside it: :mod:`.timeline_scene` (the items laid out and painted),
:mod:`.timeline_view` (the mouse), :mod:`.timeline_headers` (axis, lane names, legend) and
:mod:`.timeline_style` (geometry and colours).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import roadmap
from ...services import timeline_layout as tl
from ...services.changes import Changes
from ..context import AppContext
from ..widgets.builders import segments
from ..widgets.dialog_parts import DRAWING_FILTERS, ask_save_path
from .edits import (
    AddDependencyCommand,
    MoveItemCommand,
    MoveReadItemCommand,
    RemoveDependencyCommand,
)
from .timeline_headers import AxisHeader, LaneHeader, TimelineLegend
from .timeline_scene import TimelineScene
from .timeline_style import AXIS_H, LANE_HEADER_W, MAX_PPD, MIN_PPD, ZOOM_TEXT, ZOOMS
from .timeline_view import TimelineView


class TimelineWidget(QWidget):
    """The Timeline tab: toolbar, axis header, lane header and the view.

    Signals:
        edit_requested(int): the user wants to edit item ``id`` (double-click).
        selection_changed(object): the selected item id (or None).
        export_finished(object): the path an export wrote.
    """

    edit_requested = Signal(int)
    selection_changed = Signal(object)
    export_finished = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("roadmapTimeline")
        self.scene = TimelineScene(self)
        self.view = TimelineView(self.scene)
        self.axis = AxisHeader(self.view)
        self.lanes_header = LaneHeader(self.view)
        self.legend = TimelineLegend()
        self.export_task: Any = None
        self.progress: QProgressDialog | None = None

        self.zoom_buttons: dict[str, QToolButton] = {}
        segment = QFrame()
        segment.setObjectName("roadmapZoom")
        segment_layout = QHBoxLayout(segment)
        segment_layout.setContentsMargins(0, 0, 0, 0)
        segment_layout.setSpacing(0)
        for index, (name, text) in enumerate(ZOOM_TEXT.items()):
            button = QToolButton()
            button.setText(text)
            button.setProperty("position", ("first", "middle", "last")[index])
            button.setToolTip(f"Zoom to {text.lower()} (Ctrl+wheel zooms freely)")
            self.zoom_buttons[name] = button
            segment_layout.addWidget(button)
            button.clicked.connect(lambda _c=False, n=name: self.set_zoom(n))
        self.zoom_group = segments(self, *self.zoom_buttons.values())
        self.zoom_buttons["months"].setChecked(True)
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Scroll to today")
        self.baseline_check = QCheckBox("Show baseline")
        self.baseline_check.setToolTip(
            "Show the planned dates as thin ghost bars under the items, to see the slip"
        )
        self.critical_check = QCheckBox("Critical path")
        self.critical_check.setChecked(True)
        self.critical_check.setToolTip("Outline the items on the critical path in orange")
        self.shift_check = QCheckBox("Shift dependents")
        self.shift_check.setToolTip(
            "When you move an item, push the items that depend on it so they still start "
            "after it ends"
        )
        self.link_button = QPushButton("Add dependency")
        self.link_button.setCheckable(True)
        self.link_button.setToolTip(
            "Click the item that must finish first, then the item that waits for it (Esc stops)"
        )
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the visible date range as PNG, SVG or PDF")
        self.hint = QLabel()
        self.hint.setObjectName("roadmapHint")
        self.hint.setWordWrap(False)

        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(12, 8, 12, 6)
        toolbar.setSpacing(10)
        toolbar.addWidget(segment)
        toolbar.addWidget(self.today_button)
        toolbar.addSpacing(6)
        toolbar.addWidget(self.baseline_check)
        toolbar.addWidget(self.critical_check)
        toolbar.addWidget(self.shift_check)
        toolbar.addWidget(self.link_button)
        toolbar.addWidget(self.hint, 1)
        toolbar.addWidget(self.export_button)

        corner = QLabel("Lane")
        corner.setObjectName("roadmapCorner")
        corner.setFixedSize(LANE_HEADER_W, AXIS_H)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(corner, 0, 0)
        grid.addWidget(self.axis, 0, 1)
        grid.addWidget(self.lanes_header, 1, 0)
        grid.addWidget(self.view, 1, 1)
        frame = QFrame()
        frame.setObjectName("roadmapFrame")
        frame.setLayout(grid)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(toolbar)
        outer = QVBoxLayout()
        outer.setContentsMargins(12, 0, 12, 8)
        outer.setSpacing(6)
        outer.addWidget(frame, 1)
        outer.addWidget(self.legend)
        layout.addLayout(outer, 1)

        self.today_button.clicked.connect(self.scroll_to_today)
        self.baseline_check.toggled.connect(self._on_baseline_check_toggled)
        self.critical_check.toggled.connect(self._on_critical_check_toggled)
        self.link_button.toggled.connect(self._on_link_button_toggled)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.view.move_requested.connect(self._on_view_move_requested)
        self.view.item_activated.connect(self.edit_requested)
        self.view.item_clicked.connect(self._on_view_item_clicked)
        self.view.dependency_clicked.connect(self._on_view_dependency_clicked)
        self.view.background_clicked.connect(self._on_view_background_clicked)
        self.view.zoom_requested.connect(self._on_view_zoom_requested)
        self.view.scrolled_horizontally.connect(self._on_view_scrolled_horizontally)
        self.view.scrolled_vertically.connect(self._on_view_scrolled_vertically)
        self.scene.laid_out.connect(self._on_view_scrolled)
        self._scrolled_to_today = False
        self.reload()

    # -- data -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the items again from the workspace and lay them out (keeping the scroll)."""
        ws = self.ctx.workspace
        if ws is None:
            return
        items, deps = roadmap.timeline(ws=ws)
        lanes = roadmap.lanes(ws=ws)
        self._keep_scroll(lambda: self.scene.set_data(items, deps, lanes))
        self.selection_changed.emit(self.scene.selected_id)

    def _keep_scroll(self, change: Any) -> None:
        """Run ``change`` (a relayout) and keep the same date at the left of the view."""
        bar = self.view.horizontalScrollBar()
        left_day = (bar.value() / self.scene.ppd) + (self.scene.origin.toordinal())
        change()
        if self._scrolled_to_today:
            bar.setValue(round((left_day - self.scene.origin.toordinal()) * self.scene.ppd))

    def on_changed(self, changes: Changes) -> None:
        if changes.touches("roadmap_item", "roadmap_dependency", "settings", "use_case"):
            self.reload()

    # -- zoom and scroll ------------------------------------------------------------------

    def zoom_name(self) -> str | None:
        for name, ppd in ZOOMS.items():
            if abs(ppd - self.scene.ppd) < 1e-9:
                return name
        return None

    def set_zoom(self, name: str) -> None:
        """Zoom to weeks, months or quarters, keeping the centre date in view."""
        self.zoom_buttons[name].setChecked(True)
        self.zoom_to(ZOOMS[name], self.view.viewport().width() // 2)

    def zoom_to(self, ppd: float, anchor_x: int) -> None:
        """Zoom to ``ppd`` pixels a day, keeping the date under viewport x ``anchor_x``."""
        ppd = min(MAX_PPD, max(MIN_PPD, ppd))
        bar = self.view.horizontalScrollBar()
        day = (bar.value() + anchor_x) / self.scene.ppd
        self.scene.set_ppd(ppd)
        bar.setValue(round(day * self.scene.ppd - anchor_x))
        name = self.zoom_name()
        if name is not None:
            self.zoom_buttons[name].setChecked(True)
        else:
            nearest = min(ZOOMS, key=lambda n: abs(ZOOMS[n] - ppd))
            self.zoom_buttons[nearest].setChecked(True)
        self._on_view_scrolled()

    def scroll_to_today(self) -> None:
        x = self.scene.x_of(self.scene.today)
        self.view.horizontalScrollBar().setValue(round(x - self.view.viewport().width() / 3))
        self._scrolled_to_today = True

    def scroll_to_item(self, item_id: int) -> None:
        rect = self.scene.item_rect(item_id)
        self.view.ensureVisible(rect, 60, 40)

    def visible_range(self) -> tuple[dt.date, dt.date]:
        """The first and last day shown in the view."""
        left = self.view.mapToScene(0, 0).x()
        right = self.view.mapToScene(self.view.viewport().width(), 0).x()
        return self.scene.date_at(max(left, 0.0)), self.scene.date_at(max(right - 1, 0.0))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._scrolled_to_today:
            QTimer.singleShot(0, self.scroll_to_today)

    # -- selection and dependencies -------------------------------------------------------

    def selected_id(self) -> int | None:
        return self.scene.selected_id

    def select_item(self, item_id: int | None) -> None:
        self.scene.select(item_id, None)
        self.selection_changed.emit(item_id)

    def set_link_mode(self, on: bool) -> None:
        self.link_button.setChecked(on)

    def _on_link_button_toggled(self, on: bool) -> None:
        self.view.link_mode = on
        self.scene.set_link_source(None)
        if on:
            self.hint.setText("Click the item that must finish first.")
        else:
            self.hint.clear()
        self.view.viewport().setCursor(
            Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor
        )

    def _on_view_item_clicked(self, item_id: int) -> None:
        if not self.view.link_mode:
            self.select_item(item_id)
            return
        source = self.scene.link_source_id
        if source is None:
            self.scene.set_link_source(item_id)
            title = self.scene.items_by_id[item_id].title
            self.hint.setText(f"“{title}” first; now click the item that waits for it.")
            return
        self.scene.set_link_source(None)
        if self.ctx.readonly:
            return
        command = AddDependencyCommand(self.ctx, source, item_id)
        if self.ctx.run_edit(command):
            self.hint.setText("Dependency added. Click another predecessor, or press Esc.")
        else:
            message = command.error.message if command.error is not None else ""
            self.hint.setText(message)
            self.hint.setToolTip(message)

    def _on_view_dependency_clicked(self, dep_id: int) -> None:
        self.scene.select(None, dep_id)
        self.selection_changed.emit(None)
        dep = self.scene.deps[dep_id]
        before = self.scene.items_by_id[dep.predecessor_id].title
        after = self.scene.items_by_id[dep.successor_id].title
        state = " (violated: it starts before the other ends)" if dep.violated else ""
        self.hint.setText(f"“{before}” → “{after}”{state}. Del removes it.")

    def _on_view_background_clicked(self) -> None:
        if self.view.link_mode:
            self.scene.set_link_source(None)
            self.hint.setText("Click the item that must finish first.")
            return
        self.scene.select(None, None)
        self.selection_changed.emit(None)
        self.hint.clear()

    def delete_selected(self) -> bool:
        """Delete the selected dependency (the selected item is deleted by the page)."""
        dep_id = self.scene.selected_dependency
        if dep_id is None or self.ctx.readonly:
            return False
        if self.ctx.run_edit(RemoveDependencyCommand(self.ctx, dep_id)):
            self.hint.setText("Dependency removed. Edit ▸ Undo brings it back.")
            return True
        return False

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.view.link_mode:
            self.set_link_mode(False)
            return
        super().keyPressEvent(event)

    # -- moving ---------------------------------------------------------------------------

    def move_item(self, item_id: int, start: dt.date, end: dt.date) -> bool:
        """Give an item new dates (undoable); the "Shift dependents" box applies."""
        if self.ctx.readonly:
            self.reload()
            return False
        item = self.scene.items_by_id.get(item_id)
        verb = "move"
        if item is not None and (end - start) != (item.end - item.start):
            verb = "resize"
        shift = self.shift_check.isChecked()
        if item is None:
            command = MoveItemCommand(self.ctx, item_id, start, end, shift_dependents=shift)
        else:  # only the dates that moved, against the version shown (no lost update)
            dates = {k: v for k, v in (("start", start), ("end", end)) if getattr(item, k) != v}
            if not dates:
                return True  # nothing moved
            text = f"{verb} '{item.title[:40]}'"
            command = MoveReadItemCommand(self.ctx, item, dates, shift_dependents=shift, text=text)
        ok = self.ctx.run_edit(command)
        if not ok:
            self.reload()  # put the bar back where the workspace says it is
        return ok

    def _on_view_move_requested(self, item_id: int, start: Any, end: Any) -> None:
        self.move_item(item_id, start, end)

    # -- export ---------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        path = ask_save_path(
            self, "Export the roadmap", Path.home() / "roadmap.png", DRAWING_FILTERS
        )
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> Any:
        """Save the visible date range as PNG, SVG or PDF (in a worker); returns the task."""
        ws = self.ctx.workspace
        if ws is None:
            return None
        start, end = self.visible_range()
        self.export_button.setEnabled(False)
        progress = QProgressDialog("Exporting the roadmap…", "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        self.progress = progress
        metrics = self.scene.export_metrics()
        task = self.ctx.tasks.run(_export, ws, start, end, path, self.scene.today, metrics)
        task.finished.connect(self._on_export_task_finished)
        task.failed.connect(self._on_export_task_failed)
        self.export_task = task
        return task

    def _end_export(self) -> None:
        self.export_button.setEnabled(True)
        self.export_task = None
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _on_export_task_finished(self, path: Any) -> None:
        self._end_export()
        self.hint.setText(f"Exported to {path}")
        self.export_finished.emit(path)

    def _on_export_task_failed(self, error: Any) -> None:
        self._end_export()
        if isinstance(error, UserError):
            self.hint.setText(error.message)
            self.ctx.show_error(error)
        else:
            raise error

    # -- slots ----------------------------------------------------------------------------

    def _on_baseline_check_toggled(self, on: bool) -> None:
        self.scene.set_options(baseline=on)

    def _on_critical_check_toggled(self, on: bool) -> None:
        self.scene.set_options(critical=on)

    def _on_view_zoom_requested(self, factor: float, anchor_x: int) -> None:
        self.zoom_to(self.scene.ppd * factor, anchor_x)

    def _on_view_scrolled(self) -> None:
        self.axis.update()
        self.lanes_header.update()

    def _on_view_scrolled_horizontally(self) -> None:
        self.axis.update()

    def _on_view_scrolled_vertically(self) -> None:
        self.lanes_header.update()


def _export(
    ws: Any, start: dt.date, end: dt.date, path: Path, today: dt.date, metrics: tl.Metrics
) -> Path:
    """Worker: build the roadmap chart of ``start..end`` and save it (no widgets here);
    ``metrics`` make its rows those of the screen."""
    from ...services.charts import footer_for, save_figure
    from ...services.charts.roadmap import build_figure

    figure = build_figure(ws=ws, start=start, end=end, today=today, metrics=metrics)
    return save_figure(figure, path, footer=footer_for(ws=ws, day=today))
