"""Go anywhere: the command palette (Ctrl+K) and the Related panel of the main window.

:class:`GoAnywhere` adds both to a main window: View ▸ Go Anywhere… (Ctrl+K) and
View ▸ Related Panel (Ctrl+Shift+L, a dock on the right). Records open through the
registry of :data:`aipm_desktop.ui.areas.OPENERS` (which area, which page method).

The Related panel follows the record chosen in the current area. A page takes part by
offering ``current_entity() -> (kind, id) | None`` and a ``current_entity_changed()``
signal it emits when the choice changes; a page without them shows "nothing chosen".

The search index is built on the first Ctrl+K of an open workspace, then kept current
from ``ctx.changed`` (only the records a write names are read again).

Whether the panel is shown is remembered in the settings when the user shows or hides
it (not when a workspace closes), and it comes back with the next workspace, also after
a restart; where the dock was (its side, its width, floating) comes back with the
window's saved layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu

from ...services.changes import Changes
from ...store import Workspace
from ..areas import find_opener
from .palette import CommandPalette, Entry, menu_actions
from .related_panel import RelatedPanel

if TYPE_CHECKING:  # the services load with the first palette or panel, not at start-up
    from ...services.search import SearchIndex

PALETTE_SHORTCUT = "Ctrl+K"
RELATED_SHORTCUT = "Ctrl+Shift+L"


#: The Related panel's width when first shown, and given back after a wide area.
RELATED_WIDTH = 240


class GoAnywhere(QObject):
    """The palette and the Related dock of ``window`` (a :class:`MainWindow`: its
    ``ctx``, ``areas``, ``actions``, ``page_stack`` and ``show_area`` are used)."""

    def __init__(self, window: Any, view_menu: QMenu) -> None:
        super().__init__(window)
        self.window: QMainWindow = window
        self.ctx = window.ctx
        self.index: SearchIndex | None = None
        self._hooked: set[int] = set()
        #: The window saves and restores its layout (not so for screenshots).
        self._persist = bool(getattr(window, "persist", True))
        self._dock_wanted = self._persist and self.ctx.settings.related_visible()
        #: True while the panel hides because the workspace closes (not the user's choice).
        self._closing = False

        self.palette = CommandPalette(self._records, self._commands, window)
        self.palette.open_requested.connect(self.open)
        self.related = RelatedPanel()
        self.related.open_requested.connect(self.open)
        #: The dock, made when first shown (a dock in the window, even hidden, changes
        #: how the window's smallest size is worked out).
        self.dock: QDockWidget | None = None

        self.palette_action = QAction("&Go Anywhere…", window)
        self.palette_action.setShortcut(QKeySequence(PALETTE_SHORTCUT))
        self.palette_action.setStatusTip("Find any record by title, or run a menu command")
        self.palette_action.triggered.connect(self.show_palette)
        self.related_action = QAction("&Related Panel", window)
        self.related_action.setCheckable(True)
        self.related_action.toggled.connect(self._on_related_action_toggled)
        self.related_action.setShortcut(QKeySequence(RELATED_SHORTCUT))
        self.related_action.setStatusTip("Show what is linked to the chosen record")
        window.actions["go_anywhere"] = self.palette_action  # type: ignore[attr-defined]
        window.actions["toggle_related"] = self.related_action  # type: ignore[attr-defined]
        view_menu.addSeparator()
        view_menu.addAction(self.palette_action)
        view_menu.addAction(self.related_action)

        self.ctx.changed.connect(self._on_ctx_changed)
        self.ctx.workspace_opened.connect(self._on_ctx_workspace_opened)
        self.ctx.workspace_closed.connect(self._on_ctx_workspace_closed)
        window.page_stack.currentChanged.connect(self._on_page_stack_current_changed)  # type: ignore[attr-defined]
        self._set_enabled(self.ctx.workspace is not None)
        if self.ctx.workspace is not None and self._dock_wanted:
            self.set_related_visible(True)

    # -- palette --------------------------------------------------------------------------

    def show_palette(self) -> CommandPalette | None:
        """Ctrl+K: the palette over the window (building the index on first use)."""
        if self.ctx.workspace is None:
            return None
        self.ensure_index()
        self.palette.popup()
        return self.palette

    def ensure_index(self) -> SearchIndex:
        from ...services.search import SearchIndex

        ws = self.ctx.require_workspace()
        if self.index is None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.index = SearchIndex().build(ws=ws)
            finally:
                QApplication.restoreOverrideCursor()
        return self.index

    def _openable(self) -> list[str]:
        from ...services.search import SOURCES

        areas = self.window.areas  # type: ignore[attr-defined]
        return [s.kind for s in SOURCES if find_opener(s.kind, areas) is not None]

    def _records(self, query: str, limit: int) -> list[Entry]:
        index = self.ensure_index()
        return [
            Entry(hit.kind, hit.id, hit.label, hit.title, hit.context, hit.tier, hit.score)
            for hit in index.search(query, kinds=self._openable(), limit=limit)
        ]

    def _commands(self) -> list[tuple[QAction, str]]:
        return menu_actions(self.window.menuBar(), skip=(self.palette_action,))

    # -- opening --------------------------------------------------------------------------

    def open(self, kind: str, id: int) -> bool:
        """Show record ``id`` of ``kind`` chosen in its area. False when no area opens
        that kind or the record is gone."""
        opener = find_opener(kind, self.window.areas)  # type: ignore[attr-defined]
        page = None if opener is None else self.window.show_area(opener.area)  # type: ignore[attr-defined]
        shown = False
        if opener is not None and page is not None:
            shown = getattr(page, opener.method)(id, *opener.args) is not False
        if not shown:
            self.window.statusBar().showMessage("That record cannot be shown here.", 5000)
        else:  # a page choosing it quietly (signals held) still gets the panel to follow
            self.refresh_related()
        return shown

    # -- the Related panel ----------------------------------------------------------------

    def current_entity(self) -> tuple[str, int] | None:
        """The record chosen in the current area, if it says."""
        page = self.window.page_stack.currentWidget()  # type: ignore[attr-defined]
        current = getattr(page, "current_entity", None)
        entity = current() if current is not None else None
        return entity if entity is not None and entity[1] is not None else None

    def related_visible(self) -> bool:
        return self.dock is not None and self.dock.isVisible()

    def set_related_visible(self, visible: bool) -> None:
        """Show or hide the Related panel (View ▸ Related Panel)."""
        fresh = False
        if visible and self.dock is None:
            self.dock = QDockWidget("Related", self.window)
            self.dock.setObjectName("relatedDock")
            self.dock.setWidget(self.related)
            self.dock.setAllowedAreas(
                Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
            )
            # Where it was when the window's layout was saved, else on the right.
            if not (self._persist and self.window.restoreDockWidget(self.dock)):
                self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
                fresh = True
            self.dock.visibilityChanged.connect(self._on_dock_visibility_changed)
        if self.dock is not None:
            self.dock.setVisible(visible)
        if fresh:  # readable from the start: the window's layout would give it its minimum
            self._give_width()
        if self.related_action.isChecked() != visible:
            self.related_action.setChecked(visible)

    def _on_related_action_toggled(self, visible: bool) -> None:
        self.set_related_visible(visible)
        if self._persist and not self._closing:
            self.ctx.settings.set_related_visible(visible)

    def refresh_related(self) -> None:
        """List what is linked to the current record (when the panel is shown)."""
        if not self.related_visible():
            return
        ws: Workspace | None = self.ctx.workspace
        entity = self.current_entity() if ws is not None else None
        from ...services.search import describe

        title = describe(ws=ws, kind=entity[0], id=entity[1]) if ws and entity else None
        self.related.show_for(ws, entity if title is not None else None, title or "")

    def _hook(self, page: Any) -> None:
        signal = getattr(page, "current_entity_changed", None)
        if signal is not None and id(page) not in self._hooked:
            self._hooked.add(id(page))
            signal.connect(lambda p=page: self._on_page_current_entity_changed(p))
            page.destroyed.connect(lambda _o=None, key=id(page): self._hooked.discard(key))

    def _on_page_current_entity_changed(self, page: Any) -> None:
        if page is self.window.page_stack.currentWidget():  # type: ignore[attr-defined]
            self.refresh_related()

    def _on_page_stack_current_changed(self, _index: int) -> None:
        page = self.window.page_stack.currentWidget()  # type: ignore[attr-defined]
        if page is not None:
            self._hook(page)
        if self.related_visible():  # once the area's own layout has set its minimum
            QTimer.singleShot(0, self._give_width)
        self.refresh_related()

    def _give_width(self) -> None:
        """Widen the panel back to a readable width once the area shown leaves room (a
        wide area squeezes it to its minimum); a wider panel is left as the user made it."""
        dock = self.dock
        if dock is None or not dock.isVisible():
            return
        # The new area's minimum size first (its layout requests are still queued).
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        if dock.width() < RELATED_WIDTH:
            self.window.resizeDocks([dock], [RELATED_WIDTH], Qt.Orientation.Horizontal)

    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            self.refresh_related()
        elif self.dock is not None and not self.dock.isVisibleTo(self.window):
            self.related_action.setChecked(False)  # closed by its own button

    # -- workspace ------------------------------------------------------------------------

    def _set_enabled(self, enabled: bool) -> None:
        self.palette_action.setEnabled(enabled)
        self.related_action.setEnabled(enabled)

    def _on_ctx_changed(self, changes: Changes) -> None:
        ws = self.ctx.workspace
        if self.index is not None and ws is not None:
            self.index.apply(changes, ws=ws)
        self.refresh_related()

    def _on_ctx_workspace_opened(self, _ws: Workspace) -> None:
        self.index = None
        self._set_enabled(True)
        if self._dock_wanted:
            self.set_related_visible(True)
        self.refresh_related()

    def _on_ctx_workspace_closed(self) -> None:
        """No records without a workspace: the palette closes, the panel hides (and
        comes back with the next workspace)."""
        self.index = None
        self.palette.hide()
        self._dock_wanted = self.related_action.isChecked()
        self._closing = True
        try:
            self.set_related_visible(False)
        finally:
            self._closing = False
        self._set_enabled(False)
        self.related.show_for(None, None, "")
