"""The Roadmap area: the timeline, the Now / Next / Later board and predictability.

Shortcuts (active while focus is inside the page, so they never clash with the main
window's): Ctrl+Shift+N adds an item, Del deletes the selected item (or the selected
dependency arrow) on the timeline, Esc leaves the "add dependency" mode, Ctrl+wheel
zooms the timeline around the cursor. Every edit is undoable with Edit ▸ Undo (Ctrl+Z).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QWidget,
)

from ...errors import UserError
from ...models import RoadmapItem
from ...services.changes import Changes
from ..context import AppContext
from ..undo import DeleteRecordCommand
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import NO_MARGINS, button, open_dialog, vbox
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    enable_delete,
    page_header,
    record_actions,
    set_enabled_why,
)
from .board import BoardWidget
from .edit_dialog import ItemDialog
from .lanes_dialog import LanesDialog
from .predictability import PredictabilityWidget
from .timeline import TimelineWidget

NEW_TIP = f"Add a roadmap item ({NEW_SHORTCUT})"
DELETE_TIP = "Delete the selected item or dependency (Del); Edit ▸ Undo brings it back"
LANES_TIP = "Add, rename, remove and reorder the swim lanes"
OFF_TAB_WHY = "Open the Timeline tab and select an item or a dependency to delete it."
NONE_CHOSEN_WHY = "Select an item or a dependency arrow on the timeline first."


class RoadmapPage(QWidget):
    """The Roadmap area: Timeline, Now / Next / Later and Predictability tabs.

    Signals:
        current_entity_changed(): another item is selected (:meth:`current_entity`).
    """

    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("roadmapPage")
        self.dialog: ItemDialog | None = None
        self.lanes_dialog: LanesDialog | None = None

        self.new_button = button("New item", name="primaryButton", tip=NEW_TIP)
        self.delete_button = button("Delete", tip=DELETE_TIP)
        self.lanes_button = button("Lanes…", tip=LANES_TIP)
        header = page_header(
            "Roadmap",
            "Sequence data readiness, model iterations, UX and launch work on swim lanes; "
            "drag to reschedule, link dependencies, and watch slip and predictability.",
            (self.new_button, self.delete_button, self.lanes_button),
        )

        self.timeline = TimelineWidget(ctx)
        self.board = BoardWidget(ctx)
        self.predictability = PredictabilityWidget(ctx)
        self.tabs = area_tabs(
            (self.timeline, "Timeline"),
            (self.board, "Now / Next / Later"),
            (self.predictability, "Predictability"),
        )
        vbox(header, (self.tabs, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.new_action, self.delete_action = record_actions(
            self, "roadmap item", self.new_item, self.timeline, self.delete_selected
        )

        self.new_button.clicked.connect(self.new_item)
        self.delete_button.clicked.connect(self.delete_selected)
        self.lanes_button.clicked.connect(self.edit_lanes)
        self.timeline.edit_requested.connect(self.edit_item)
        self.board.edit_requested.connect(self.edit_item)
        self.timeline.selection_changed.connect(lambda _id: self._update_actions())
        self.timeline.selection_changed.connect(lambda _id: self.current_entity_changed.emit())
        self.timeline.scene.laid_out.connect(self._update_actions)
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        ctx.changed.connect(self._on_ctx_changed)
        self._update_actions()

    # -- actions --------------------------------------------------------------------------

    def new_item(self) -> ItemDialog | None:
        """Open the dialog for a new item (starting today, in the first lane)."""
        if self.ctx.readonly:
            return None
        return self._open_dialog(None)

    def edit_item(self, item_id: int) -> ItemDialog | None:
        """Open the edit dialog of an item."""
        if self.ctx.workspace is None:
            return None
        return self._open_dialog(item_id)

    def _open_dialog(self, item_id: int | None) -> ItemDialog | None:
        if self.dialog is not None:
            self.dialog.close()
        try:
            dialog = ItemDialog(self.ctx, item_id, parent=self)
        except UserError as err:
            self.ctx.show_error(err)
            return None
        if self.ctx.readonly:
            dialog.buttons.button(dialog.buttons.StandardButton.Ok).setEnabled(False)
        dialog.accepted.connect(lambda: self._on_dialog_accepted(dialog))
        return open_dialog(self, "dialog", dialog)

    def _on_dialog_accepted(self, dialog: ItemDialog) -> None:
        if dialog.item_id is None and dialog.record_id is not None:
            self.timeline.select_item(dialog.record_id)
            if dialog.record_id in self.timeline.scene.items_by_id:
                self.timeline.scroll_to_item(dialog.record_id)

    def edit_lanes(self) -> LanesDialog | None:
        """Open the lanes dialog (read-only workspaces show the lanes without saving)."""
        if self.ctx.workspace is None:
            return None
        if self.lanes_dialog is not None:
            self.lanes_dialog.close()
        return open_dialog(self, "lanes_dialog", LanesDialog(self.ctx, parent=self))

    def delete_selected(self) -> bool:
        """Delete the selected timeline item (or dependency); undoable."""
        if self.ctx.readonly or self.tabs.currentWidget() is not self.timeline:
            return False
        if self.timeline.scene.selected_dependency is not None:
            return self.timeline.delete_selected()
        item_id = self.timeline.selected_id()
        if item_id is None:
            return False
        title = self.timeline.scene.items_by_id[item_id].title
        if self.ctx.run_edit(DeleteRecordCommand(self.ctx, RoadmapItem, item_id)):
            self.timeline.hint.setText(f"Deleted “{title}”. Edit ▸ Undo brings it back.")
            return True
        return False

    def _update_actions(self) -> None:
        editable = not self.ctx.readonly
        set_enabled_why(self.new_button, editable, NEW_TIP, READ_ONLY_WHY)
        self.new_action.setEnabled(editable)
        scene = self.timeline.scene
        chosen = scene.selected_id is not None or scene.selected_dependency is not None
        enable_delete(self, self.timeline, chosen, DELETE_TIP, OFF_TAB_WHY, NONE_CHOSEN_WHY)

    # -- slots ----------------------------------------------------------------------------

    def current_entity(self) -> tuple[str, int] | None:
        """The item selected on the timeline, for the Related panel."""
        item_id = self.timeline.selected_id()
        return None if item_id is None else ("roadmap_item", item_id)

    def show_entity(self, item_id: int) -> bool:
        """Open the timeline on roadmap item ``item_id``: selected (highlighted) and
        scrolled into view. Used when another view (the overview) links here; False
        when there is no such item."""
        self.tabs.setCurrentWidget(self.timeline)
        if item_id not in self.timeline.scene.items_by_id:
            self.timeline.reload()  # an item written since the last refresh
        if item_id not in self.timeline.scene.items_by_id:
            return False
        self.timeline.select_item(item_id)
        self._centre_on(item_id)
        # The first show scrolls to today once events run; centre on the item after that.
        QTimer.singleShot(0, self, lambda: self._centre_on(item_id))
        self.timeline.view.setFocus()
        return True

    def _centre_on(self, item_id: int) -> None:
        if self.timeline.scene.selected_id == item_id:
            self.timeline.view.centerOn(self.timeline.scene.item_rect(item_id).center())

    def _on_ctx_changed(self, changes: Changes) -> None:
        self.timeline.on_changed(changes)
        self.board.on_changed(changes)
        self.predictability.on_changed(changes)
        self._update_actions()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_actions()
