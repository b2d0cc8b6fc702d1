"""The KPIs area: tracked KPIs (status, trend and stale badges, detail form, chart), the
snapshot grid, small multiples and the KPI framework catalog.

The header holds the area's actions (as in every area): "New KPI" (Ctrl+Shift+N) adds a
KPI of your own and puts the cursor in its name, "Stop tracking" (Del in the list) deletes
the chosen KPI with its snapshots (Edit ▸ Undo brings it back), "Import snapshots…" reads
a CSV or XLSX file. A KPI from the framework is tracked from the Catalog tab.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ...models import Kpi
from ...services import dates
from ...services import kpis as kpi_service
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateRecordCommand, DeleteRecordCommand
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import NO_MARGINS, TAB_MARGINS, button, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    named_label,
    page_header,
    record_actions,
    set_enabled_why,
)
from ..widgets.refresh import RefreshWhenShown
from ..widgets.row_list_model import RowListModel
from .catalog import CatalogPane
from .chart import KpiChartPanel, format_value
from .form import KpiForm
from .grid import SnapshotGrid
from .multiples import SmallMultiples

#: What the page refreshes on.
WATCHED = ("kpi", "kpi_snapshot", "use_case", "release", "incident")
TAB_TRACKED, TAB_GRID, TAB_MULTIPLES, TAB_CATALOG = range(4)
TREND_ARROWS = {"improving": "↗", "flat": "→", "worsening": "↘", "unknown": "·"}
_USER = Qt.ItemDataRole.UserRole
NEW_KPI_NAME = "New KPI"
NEW_TIP = f"Add a KPI of your own and name it ({NEW_SHORTCUT}); the Catalog tab tracks a known one"
REMOVE_TIP = "Stop tracking the chosen KPI: delete it and its snapshots (Del in the list; undoable)"
IMPORT_TIP = "Import KPI snapshots from a CSV or XLSX file"
#: Narrowest widths of the Tracked KPIs panes (list, form, chart): together they fit a
#: 1280-pixel-wide window with the sidebar shown.
LIST_MIN_WIDTH, FORM_MIN_WIDTH, CHART_MIN_WIDTH = 220, 280, 360


def status_label(status: str) -> str:
    return kpi_service.STATUS_LABELS.get(status, status.replace("_", " "))


def trend_label(trend: str) -> str:
    return kpi_service.TREND_LABELS.get(trend, trend)


def badge_texts(status: kpi_service.KpiStatus) -> list[str]:
    """The badges shown beside a KPI: status, trend and (when stale) how long."""
    texts = [status_label(status.status)]
    if status.trend != "unknown":
        texts.append(f"{TREND_ARROWS.get(status.trend, '')} {trend_label(status.trend)}".strip())
    if status.stale:
        days = status.days_since
        texts.append(f"Stale {days} d" if days is not None else "Stale")
    return texts


#: Badge colours (background, text) by status / trend, as the style sheet's badges.
STATUS_COLORS = {
    "critical": ("#fbe0de", "#b71c1c"),
    "warning": ("#fff1cc", "#8a5300"),
    "off_target": ("#fdf0e6", "#6d4c41"),
    "on_target": ("#e3f4e8", "#1b5e20"),
}
TREND_COLORS = {"improving": "#1b5e20", "worsening": "#b71c1c"}
BADGE_BACKGROUND, BADGE_TEXT = "#eef1f5", "#52606d"
STALE_COLORS = ("#ede7f6", "#4527a0")
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_STATUS_ROLE = Qt.ItemDataRole.UserRole + 1


def badge_colors(status: kpi_service.KpiStatus) -> list[tuple[str, str, str]]:
    """``(text, background, foreground)`` of each badge beside a KPI."""
    texts = badge_texts(status)
    background, foreground = STATUS_COLORS.get(status.status, (BADGE_BACKGROUND, BADGE_TEXT))
    badges = [(texts[0], background, foreground)]
    if status.trend != "unknown":
        badges.append((texts[1], BADGE_BACKGROUND, TREND_COLORS.get(status.trend, BADGE_TEXT)))
    if status.stale:
        badges.append((texts[-1], *STALE_COLORS))
    return badges


class KpiListModel(RowListModel[kpi_service.KpiStatus]):
    """The tracked KPIs as rows (one :class:`KpiStatus` each); the delegate paints them."""

    @property
    def statuses(self) -> list[kpi_service.KpiStatus]:
        return self.rows

    def set_statuses(self, statuses: list[kpi_service.KpiStatus]) -> None:
        self.set_rows(statuses)

    def row_data(self, status: kpi_service.KpiStatus, row: int, role: int) -> Any:
        if role == _DISPLAY:
            return status.name
        if role == _USER:
            return status.kpi_id
        if role == _STATUS_ROLE:
            return status
        if role == _TOOLTIP:
            return f"{status.name}: " + ", ".join(badge_texts(status))
        return None

    def row_of(self, kpi_id: int | None) -> int | None:
        for row, status in enumerate(self.statuses):
            if status.kpi_id == kpi_id:
                return row
        return None


class KpiRowDelegate(QStyledItemDelegate):
    """Paints one tracked KPI: its name and latest value, then its badges."""

    PAD = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        metrics = option.fontMetrics
        return QSize(10, metrics.height() * 2 + 22)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        status = index.data(_STATUS_ROLE)
        if status is None:
            return super().paint(painter, option, index)
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor("#dbe7fb"))
        painter.setPen(QColor("#f0f2f5"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        pad = self.PAD
        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line_height = metrics.height()
        value = format_value(status.latest_value, status.unit)
        value_width = metrics.horizontalAdvance(value) + 4
        top = QRect(rect.left() + pad, rect.top() + 6, rect.width() - 2 * pad, line_height)
        painter.setPen(QColor("#52606d"))
        painter.drawText(
            top, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), value
        )
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        name_rect = top.adjusted(0, 0, -(value_width + 6), 0)
        name = QFontMetrics(bold).elidedText(
            status.name, Qt.TextElideMode.ElideRight, name_rect.width()
        )
        painter.setPen(QColor("#1a56b8" if selected else "#1f2933"))
        painter.drawText(
            name_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name
        )
        small = QFont(font)
        small.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        x = rect.left() + pad
        y = top.bottom() + 5
        height = small_metrics.height() + 2
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for text, background, foreground in badge_colors(status):
            width = small_metrics.horizontalAdvance(text) + 14
            if x + width > rect.right() - pad:
                break
            badge = QRect(x, y, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(background))
            painter.drawRoundedRect(badge, 8, 8)
            painter.setPen(QColor(foreground))
            painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)
            x += width + 4
        painter.restore()


class KpisPage(RefreshWhenShown, ContextWidget):
    """The KPIs area of the main window.

    Signals:
        status_message(str): a short message for the status bar (exports).
        current_entity_changed(): another KPI is chosen (:meth:`current_entity`).
    """

    status_message = Signal(str)
    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="kpisPage")
        self.statuses: list[kpi_service.KpiStatus] = []
        self._import_dialog = None
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)

        self.new_button = button("New KPI", self.new_kpi, name="primaryButton", tip=NEW_TIP)
        self.remove_button = button("Stop tracking", self._on_remove_button_clicked, tip=REMOVE_TIP)
        self.remove_button.setObjectName("kpiRemoveButton")
        self.import_button = button(
            "Import snapshots…", self._on_import_button_clicked, tip=IMPORT_TIP
        )
        self.import_button.setObjectName("kpiImportButton")
        header = page_header("KPIs", "", (self.new_button, self.remove_button, self.import_button))

        # Tracked KPIs: list | form | chart.
        self.kpi_model = KpiListModel(self)
        self.kpi_list = QListView()
        self.kpi_list.setObjectName("kpiList")
        self.kpi_list.setModel(self.kpi_model)
        self.kpi_list.setItemDelegate(KpiRowDelegate(self.kpi_list))
        self.kpi_list.setUniformItemSizes(True)
        self.kpi_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kpi_list.setMinimumWidth(LIST_MIN_WIDTH)
        self.kpi_list.selectionModel().currentRowChanged.connect(
            self._on_kpi_list_current_row_changed
        )
        self.kpi_list.selectionModel().currentRowChanged.connect(
            lambda *_a: self.current_entity_changed.emit()
        )
        self.list_empty = named_label(
            "No KPIs are tracked yet. Open the Catalog tab and choose “Track this KPI”, "
            f"add one of your own with New KPI ({NEW_SHORTCUT}), or import snapshots.",
            "hintBox",
            wrap=True,
        )
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.list_empty, 1, Qt.AlignmentFlag.AlignTop)
        left_layout.addWidget(self.kpi_list, 1)

        self.form = KpiForm(ctx)
        self.form.setMinimumWidth(FORM_MIN_WIDTH)
        self.chart = KpiChartPanel(ctx)
        self.chart.setMinimumWidth(CHART_MIN_WIDTH)
        self.chart.message.connect(self.status_message)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("kpiSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.form)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([230, 300, 500])
        tracked = QWidget()
        tracked_layout = QVBoxLayout(tracked)
        tracked_layout.setContentsMargins(*TAB_MARGINS)
        tracked_layout.addWidget(self.splitter)

        self.grid = SnapshotGrid(ctx)
        self.multiples = SmallMultiples(ctx)
        self.catalog = CatalogPane(ctx)
        self.catalog.tracked.connect(self._on_catalog_tracked)

        self.tabs = area_tabs(
            (tracked, "Tracked KPIs"),
            (self.grid, "Snapshot grid"),
            (self.multiples, "Small multiples"),
            (self.catalog, "Catalog"),
        )
        vbox(header, (self.tabs, 1), margins=NO_MARGINS, spacing=6, parent=self)
        summary = self.findChild(QLabel, "pageSubtitle")
        assert summary is not None
        self.summary: QLabel = summary

        self.new_action, self.remove_action = record_actions(
            self,
            "KPI",
            self.new_kpi,
            self.kpi_list,
            self._on_remove_button_clicked,
            delete_text="Stop tracking KPI",
            owner=self,
        )

        ctx.changed.connect(self._on_ctx_changed)
        self.refresh()

    # -- refreshing -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read statuses again and bring every tab up to date (hidden tabs when shown)."""
        ws = self.begin_refresh()
        if ws is None:
            return
        self.statuses = kpi_service.status_all(ws=ws)
        self._fill_list()
        self._update_summary()
        self._update_actions()
        self.form.reload()
        self._update_status_line()
        self.chart.invalidate()
        self.multiples.invalidate()
        self.catalog.invalidate()
        self.grid.invalidate(self.statuses)

    def _fill_list(self) -> None:
        current = self.current_kpi_id()
        selection = self.kpi_list.selectionModel()
        selection.blockSignals(True)
        self.kpi_model.set_statuses(self.statuses)
        selection.blockSignals(False)
        has = bool(self.statuses)
        self.list_empty.setVisible(not has)
        self.kpi_list.setVisible(has)
        ids = [s.kpi_id for s in self.statuses]
        target = current if current in ids else (ids[0] if ids else None)
        self._select_in_list(target)

    def _select_in_list(self, kpi_id: int | None) -> None:
        row = self.kpi_model.row_of(kpi_id)
        if row is not None:
            selection = self.kpi_list.selectionModel()
            selection.blockSignals(True)
            self.kpi_list.setCurrentIndex(self.kpi_model.index(row))
            selection.blockSignals(False)
            self.kpi_list.scrollTo(self.kpi_model.index(row))
        self._show_kpi(kpi_id)

    def _show_kpi(self, kpi_id: int | None) -> None:
        if kpi_id != self.form.kpi_id:
            self.form.load(kpi_id)
        if kpi_id != self.chart.kpi_id:
            self.chart.set_kpi(kpi_id)
        self._update_actions()
        self._update_status_line()

    def _update_actions(self) -> None:
        """Enable the header's actions for the KPI chosen in the list (or say why not)."""
        kpi_id = self.current_kpi_id()
        writable = not self.ctx.readonly
        set_enabled_why(self.new_button, writable, NEW_TIP, READ_ONLY_WHY)
        set_enabled_why(self.import_button, writable, IMPORT_TIP, READ_ONLY_WHY)
        has = kpi_id is not None
        why = READ_ONLY_WHY if not writable else "Choose a tracked KPI in the list first."
        set_enabled_why(self.remove_button, writable and has, REMOVE_TIP, why)
        self.new_action.setEnabled(writable)
        self.remove_action.setEnabled(writable and has)

    def _update_summary(self) -> None:
        counts: dict[str, int] = {}
        for status in self.statuses:
            counts[status.status] = counts.get(status.status, 0) + 1
        stale = sum(1 for s in self.statuses if s.stale)
        parts = [f"{len(self.statuses)} tracked"]
        for key in ("critical", "warning", "off_target", "on_target"):
            if counts.get(key):
                parts.append(f"{counts[key]} {status_label(key).lower()}")
        if stale:
            parts.append(f"{stale} stale")
        self.summary.setText(" · ".join(parts))

    def _update_status_line(self) -> None:
        status = self.status_of(self.form.kpi_id)
        if status is None:
            self.form.set_status_text("")
            return
        parts = []
        if status.latest_value is not None and status.latest_date is not None:
            parts.append(
                f"Latest <b>{escape(format_value(status.latest_value, status.unit))}</b> "
                f"on {escape(dates.format_date(status.latest_date))}"
            )
        else:
            parts.append("No snapshots yet")
        parts.append(f"<span class='{status.status}'>{escape(status_label(status.status))}</span>")
        if status.trend != "unknown":
            slope = ""
            if status.slope_per_week is not None:
                slope = f" ({status.slope_per_week:+.3g}/week)"
            parts.append(f"{escape(trend_label(status.trend))}{slope}")
        if status.stale:
            parts.append(f"<b>stale</b> ({status.days_since} days since the last snapshot)")
        self.form.set_status_text(" · ".join(parts))

    def status_of(self, kpi_id: int | None) -> kpi_service.KpiStatus | None:
        return next((s for s in self.statuses if s.kpi_id == kpi_id), None)

    def badge_texts_of(self, kpi_id: int) -> list[str]:
        """The badges the list shows beside ``kpi_id`` ([] when it is not listed)."""
        row = self.kpi_model.row_of(kpi_id)
        if row is None:
            return []
        status = self.kpi_model.index(row).data(_STATUS_ROLE)
        return [text for text, _bg, _fg in badge_colors(status)]

    def current_kpi_id(self) -> int | None:
        index = self.kpi_list.currentIndex()
        return None if not index.isValid() else int(index.data(_USER))

    def select_kpi(self, kpi_id: int) -> None:
        """Show the Tracked KPIs tab with ``kpi_id`` chosen."""
        if self._dirty:
            self.refresh()
        self.tabs.setCurrentIndex(TAB_TRACKED)
        self._select_in_list(kpi_id)

    def current_entity(self) -> tuple[str, int] | None:
        """The KPI chosen in the Tracked KPIs list, for the Related panel."""
        kpi_id = self.current_kpi_id()
        return None if kpi_id is None else ("kpi", kpi_id)

    def show_entity(self, entity_id: int) -> None:
        """Navigation from elsewhere (the overview): show KPI ``entity_id``."""
        self.select_kpi(entity_id)

    def _on_ctx_changed(self, changes: Changes) -> None:
        if not changes.touches(*WATCHED):
            return
        self._dirty = True
        self._refresh_timer.start()

    def _on_refresh_timer_timeout(self) -> None:
        if self._dirty:
            self.refresh()

    # -- slots ----------------------------------------------------------------------------

    def _on_kpi_list_current_row_changed(self, current: QModelIndex, _previous: Any) -> None:
        self._show_kpi(int(current.data(_USER)) if current.isValid() else None)

    def _on_catalog_tracked(self, kpi_id: int) -> None:
        self.refresh()
        self.select_kpi(kpi_id)

    def new_kpi(self) -> int | None:
        """Add a KPI named "New KPI", show it and put the cursor in its name."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return None
        command = CreateRecordCommand(self.ctx, Kpi, {"name": NEW_KPI_NAME}, text="add KPI")
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.refresh()
        self.select_kpi(command.record_id)
        name = self.form.lines["name"]
        name.setFocus(Qt.FocusReason.ShortcutFocusReason)
        name.selectAll()
        return command.record_id

    def _on_remove_button_clicked(self) -> None:
        kpi_id = self.current_kpi_id()
        if kpi_id is None or self.ctx.readonly:
            return
        status = self.status_of(kpi_id)
        text = f"stop tracking KPI '{status.name}'" if status else None
        self.ctx.run_edit(DeleteRecordCommand(self.ctx, Kpi, kpi_id, text=text))

    def _on_import_button_clicked(self) -> None:
        self.open_import_dialog()

    def open_import_dialog(self):
        """Open the import dialog (window-modal); returns it."""
        from .import_dialog import ImportDialog

        dialog = ImportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self._import_dialog = dialog
        return dialog
