"""The Feedback tab: the feedback inbox, triaged from the keyboard, and its trends.

**Inbox**: the items (newest first; lazy, so 200,000 are fine) filtered by class and
source, and by words through the full-text index (Ctrl+F), beside the chosen item. Keys,
while focus is in the inbox: **1** UX, **2** data, **3** model, **4** policy, **5** not AI,
**0** back to untriaged: the item is saved at once and the next untriaged item below it
is chosen. With several items selected the key puts them all in that class, and
"Re-classify selection…" asks for a class and a cluster; either is one step of Edit ▸
Undo. Ctrl+L puts the cursor in the cluster field (it completes from the clusters in
use). **Trends**: counts per class and cluster over time and the top clusters this month
against last (:mod:`.feedback_stats`). **Import…** reads a CSV or XLSX of tickets
(:mod:`.feedback_import`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QWidget

from ...services import triage
from ..context import AppContext
from ..widgets.builders import NO_MARGINS, button, hbox, segments, stacked, vbox
from ..widgets.combos import choice_combo, filter_combo
from ..widgets.page_header import named_label, set_enabled_why
from .feedback_detail import CLASS_ORDER, FeedbackDetail, fit_checked_text
from .feedback_edits import ClassifyCommand, ReclassifyCommand, UpdateFeedbackCommand
from .feedback_stats import FeedbackStatsPanel
from .parts import READ_ONLY_WHY, ListPlace, RecordsTab, read_or_none

LIST_NAME = "feedbackInbox"
#: What the tab reads again after a write it did not make itself.
WATCHED = ("feedback_item", "feedback_import", "use_case", "risk", "incident", "roadmap_item")
LINK_KINDS = ("use_case", "risk", "incident", "roadmap_item")
#: Rows read at a time while looking for the next untriaged item (the first look is
#: short: the next row usually is one).
FIRST_WINDOW = 20
NEXT_WINDOW = 500
IMPORT_TIP = "Import customer feedback or tickets from a CSV or XLSX file"
CLASS_FILTERS: tuple[tuple[str, Any], ...] = (
    ("All classes", None),
    *((triage.CLASS_LABELS[v], v) for v in (CLASS_ORDER[-1], *CLASS_ORDER[:-1])),
)


class FeedbackTab(RecordsTab):
    """The feedback inbox and its trends (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="feedbackTab")
        self.import_dialog: QDialog | None = None
        self._own_edit = False
        #: How many times an item was shown (a keystroke shows the next item once).
        self._shows = 0
        self.class_combo = choice_combo(
            "feedbackClassFilter", CLASS_FILTERS, None, self._on_filter_index_changed
        )
        self.class_combo.setToolTip("Show the items of one class (Untriaged: the work left)")
        self.source_combo = filter_combo("All sources")
        self.source_combo.setObjectName("feedbackSourceFilter")
        self.source_combo.setToolTip("Show the items from one source")
        self.source_combo.currentIndexChanged.connect(self._on_filter_index_changed)
        self.inbox_button = button("Inbox", tip="The items, triaged from the keyboard")
        self.trends_button = button(
            "Trends", tip="Counts per class and cluster over time; top clusters this month"
        )
        self.view_group = segments(self, self.inbox_button, self.trends_button)
        self.inbox_button.setChecked(True)
        for widget in (self.inbox_button, self.trends_button):
            fit_checked_text(widget, 36)
        self.view_group.buttonClicked.connect(self._on_view_group_button_clicked)
        self.import_button = button(
            "Import…", self.open_import_dialog, name="feedbackImportButton", tip=IMPORT_TIP
        )
        self.keys_hint = named_label(
            "Keys: 1 UX · 2 Data · 3 Model · 4 Policy · 5 Not AI · 0 Untriaged", "mutedLabel"
        )
        self.inbox_filters = QWidget()
        filters = (named_label("Class", "filterLabel"), self.class_combo)
        filters += (named_label("Source", "filterLabel"), self.source_combo)
        hbox(*filters, 1, self.keys_hint, margins=NO_MARGINS, spacing=8, parent=self.inbox_filters)
        bar = hbox(
            hbox(self.inbox_button, self.trends_button, spacing=0),
            (self.inbox_filters, 1),
            self.import_button,
            spacing=8,
        )
        self.detail = FeedbackDetail(ctx)
        self.master = self.list_beside(
            self.detail,
            triage.inbox_spec(lambda: self.ctx.workspace),
            ListPlace(LIST_NAME, "feedbackInbox", (540, 520), 380, hidden=("tags",)),
            show=self.show_item,
        )
        self.list_pane.set_empty_text(triage.EMPTY_TEXT)
        self.stats = FeedbackStatsPanel(ctx)
        self.views = stacked(self.master, self.stats)
        vbox(bar, (self.views, 1), margins=(12, 10, 12, 12), spacing=8, parent=self)

        self.keys: dict[str, QShortcut] = {}
        for value in CLASS_ORDER:
            shortcut = QShortcut(QKeySequence(triage.CLASS_KEYS[value]), self.master)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda v=value: self.triage_key(v))
            self.keys[value] = shortcut
        cluster_key = QShortcut(QKeySequence("Ctrl+L"), self.master)
        cluster_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cluster_key.activated.connect(self.detail.focus_cluster)

        self.detail.class_chosen.connect(self.triage_key)
        self.detail.cluster_entered.connect(self._on_detail_cluster_entered)
        self.detail.link_chosen.connect(self._on_detail_link_chosen)
        self.detail.reclassify_requested.connect(self.open_reclassify_dialog)
        self.list_pane.selection_changed.connect(self._on_list_pane_selection_changed)
        ctx.watch(self, WATCHED, self._on_watched_changed)
        self._read_choices()
        self._fill_sources()
        self._update_actions()
        self.master.select_first()

    # -- reading ----------------------------------------------------------------------------

    def _read_choices(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            self.detail.set_choices({}, [])
            return
        self.detail.set_choices(triage.link_choices(ws=ws), triage.cluster_names(ws=ws))

    def _fill_sources(self) -> None:
        ws = self.ctx.workspace
        chosen = self.source_combo.currentData()
        names = triage.source_names(ws=ws) if ws is not None else []
        self.source_combo.blockSignals(True)
        try:
            while self.source_combo.count() > 1:
                self.source_combo.removeItem(1)
            for name in names:
                self.source_combo.addItem(name, name)
            self.source_combo.setCurrentIndex(max(self.source_combo.findData(chosen), 0))
        finally:
            self.source_combo.blockSignals(False)

    def show_item(self, item_id: int | None) -> None:
        """Show ``item_id`` in the detail pane (None: nothing chosen)."""
        self._shows += 1
        ws = self.ctx.workspace
        if len(self.list_pane.selected_ids()) > 1:
            return
        info = None
        if ws is not None and item_id is not None:
            info = read_or_none(lambda: triage.item(ws=ws, item_id=item_id))
        self.detail.show_item(info)

    def filters(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.class_combo.currentIndex() > 0:
            found["triage_class"] = self.class_combo.currentData()
        if self.source_combo.currentIndex() > 0:
            found["source"] = self.source_combo.currentData()
        return found

    # -- triage -----------------------------------------------------------------------------

    def triage_key(self, triage_class: str) -> bool:
        """What a class key does: classify the chosen item (or every selected one), then
        choose the next untriaged item below it. False when nothing was written."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return False
        selected = self.list_pane.selected_ids()
        if len(selected) > 1:
            return self._run(ReclassifyCommand(self.ctx, selected, triage_class), selected)
        item_id = self.current_id()
        if item_id is None:
            return False
        return self._run(ClassifyCommand(self.ctx, item_id, triage_class), [item_id])

    def reclassify(self, item_ids: list[int], triage_class: str, cluster: str | None) -> bool:
        """Put ``item_ids`` in a class (and cluster): one undo step."""
        return self._run(ReclassifyCommand(self.ctx, item_ids, triage_class, cluster), item_ids)

    def _run(self, command: Any, item_ids: list[int]) -> bool:
        model = self.master.model
        rows = [index.row() for index in self.list_pane.table.selectionModel().selectedRows()]
        start = min(rows) if rows else max(self.list_pane.table.currentIndex().row(), 0)
        self._own_edit = True
        try:
            done = self.ctx.run_edit(command)
        finally:
            self._own_edit = False
        if not done:
            return False
        # Patch the list instead of reading 200,000 ids again.
        if self.filters().get("triage_class") is not None:
            model.drop_ids(item_ids)
        else:
            model.reload_ids(item_ids)
        self.stats.invalidate()
        self._select_next(start, set(item_ids))
        return True

    def _select_next(self, start: int, done: set[int]) -> None:
        """Choose the first untriaged item from row ``start`` down (then from the top),
        reading a window of rows at a time (never the whole list)."""
        ws = self.ctx.workspace
        model = self.master.model
        count = model.rowCount()
        if ws is None or not count:
            self.master.select(None)
            return
        found = None
        firsts = [start, *range(start + FIRST_WINDOW, count, NEXT_WINDOW)]
        for first in [*firsts, *range(0, start, NEXT_WINDOW)]:
            size = FIRST_WINDOW if first == start else NEXT_WINDOW
            last = min(first + size, count if first >= start else start)
            window = [model.id_at(r) for r in range(first, last)]
            found = triage.first_untriaged(
                ws=ws, candidates=[i for i in window if i is not None and i not in done]
            )
            if found is not None:
                break
        if found is None:
            found = model.id_at(min(start, count - 1))
        shown = self._shows
        self.master.select(found)
        if self._shows == shown:  # it was current already: show what the edit changed
            self.show_item(found)

    def open_reclassify_dialog(self) -> QDialog | None:
        """Ask for a class and a cluster for the selected items (window-modal)."""
        from .feedback_import import ReclassifyDialog

        ws = self.ctx.workspace
        selected = self.list_pane.selected_ids()
        if ws is None or not selected or self.ctx.readonly:
            return None
        dialog = ReclassifyDialog(self.ctx, len(selected), triage.cluster_names(ws=ws), self)
        dialog.chosen.connect(lambda klass, cluster: self.reclassify(selected, klass, cluster))
        dialog.open()
        self.reclassify_dialog = dialog
        return dialog

    def open_import_dialog(self) -> QDialog | None:
        """Open the import dialog (window-modal); returns it."""
        from .feedback_import import FeedbackImportDialog

        if self.ctx.workspace is None or self.ctx.readonly:
            return None
        dialog = FeedbackImportDialog(self.ctx, self)
        dialog.open()
        self.import_dialog = dialog
        return dialog

    # -- slots ------------------------------------------------------------------------------

    def _on_detail_cluster_entered(self, cluster: str) -> None:
        item_id = self.current_id()
        if item_id is None or self.ctx.readonly:
            return
        what = f"cluster '{cluster}'" if cluster else "cluster (none)"
        self._edit(UpdateFeedbackCommand(self.ctx, item_id, {"cluster": cluster}, what), item_id)
        self._read_choices()

    def _on_detail_link_chosen(self, name: str, value: object) -> None:
        item_id = self.current_id()
        if item_id is None or self.ctx.readonly:
            return
        what = triage.LINK_FIELDS[name]
        self._edit(UpdateFeedbackCommand(self.ctx, item_id, {name: value}, what), item_id)

    def _edit(self, command: Any, item_id: int) -> None:
        self._own_edit = True
        try:
            self.ctx.run_edit(command)
        finally:
            self._own_edit = False
        self.master.model.reload_ids([item_id])
        self.stats.invalidate()
        self.show_item(item_id)

    def _on_filter_index_changed(self, _index: int) -> None:
        self.list_pane.set_filters(self.filters())
        if self.current_id() is None:
            self.master.select_first()

    def _on_view_group_button_clicked(self, clicked: object) -> None:
        trends = clicked is self.trends_button
        self.views.setCurrentWidget(self.stats if trends else self.master)
        self.inbox_filters.setVisible(not trends)

    def _on_list_pane_selection_changed(self) -> None:
        count = len(self.list_pane.selected_ids())
        if count > 1:
            self.detail.show_selection(count)
        elif self.detail.info is None:
            self.show_item(self.current_id())

    def _on_watched_changed(self) -> None:
        if self._own_edit:
            return  # the tab patched its list itself
        self.master.refresh()
        self._read_choices()
        self._fill_sources()
        self.stats.invalidate()
        self.show_item(self.current_id())
        self._update_actions()

    def _update_actions(self) -> None:
        editable = not self.ctx.readonly and self.ctx.workspace is not None
        set_enabled_why(self.import_button, editable, IMPORT_TIP, READ_ONLY_WHY)
        self.detail.set_editable(editable)
        for shortcut in self.keys.values():
            shortcut.setEnabled(editable)
