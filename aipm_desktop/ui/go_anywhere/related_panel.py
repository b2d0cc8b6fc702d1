"""The Related panel: everything linked to the record chosen in the current area, both
directions (:func:`aipm_desktop.services.related.related`), grouped by kind; a click or
Enter opens one in its area."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QTreeWidget, QTreeWidgetItem, QWidget

from ...errors import UserError
from ...store import Workspace
from ..widgets.builders import vbox

NONE_CHOSEN = (
    "Choose a record in this area (a use case, risk, document, release, control, candidate"
    " …) to see what is linked to it."
)
NOTHING_LINKED = "Nothing is linked to it yet."
#: Shown before a title: the chosen record refers to it (→) or it refers to the record (←).
ARROWS = {"out": "→", "in": "←"}
_USER = Qt.ItemDataRole.UserRole


class RelatedPanel(QWidget):
    """The list of related records of one record (``show_for``).

    Signals:
        open_requested(str, int): the user chose related record (kind, id).
    """

    open_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relatedPanel")
        self.subject: tuple[str, int] | None = None
        self._pending: tuple[str, int] | None = None
        self.heading = QLabel(NONE_CHOSEN)
        self.heading.setObjectName("relatedHeading")
        self.heading.setWordWrap(True)
        # A long word in a record's title never widens the panel (nor the window past a
        # laptop screen): the heading wraps at the panel's width, its tooltip says it all.
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.tree = QTreeWidget()
        self.tree.setObjectName("relatedList")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.tree.itemClicked.connect(self._on_tree_item_activated)
        vbox(self.heading, (self.tree, 1), margins=(8, 6, 8, 8), spacing=6, parent=self)

    def show_for(self, ws: Workspace | None, subject: tuple[str, int] | None, title: str) -> None:
        """List what is linked to ``subject`` (kind, id) called ``title``; None: nothing
        is chosen."""
        from ...services.related import related
        from ...services.search import SOURCE_BY_KIND

        self.subject = subject
        self.tree.clear()
        self.heading.setToolTip("")
        if ws is None or subject is None or subject[0] not in SOURCE_BY_KIND:
            self.heading.setText(NONE_CHOSEN)
            return
        kind, id = subject
        try:
            links = related(ws=ws, kind=kind, id=id)
        except UserError:  # removed meanwhile
            self.subject = None
            self.heading.setText(NONE_CHOSEN)
            return
        label = SOURCE_BY_KIND[kind].label
        self.heading.setText(
            f"{label}: {title}" if links else f"{label}: {title}. {NOTHING_LINKED}"
        )
        self.heading.setToolTip(f"{label}: {title}")
        groups: dict[str, QTreeWidgetItem] = {}
        for link in links:
            group = groups.get(link.kind)
            if group is None:
                group = QTreeWidgetItem([link.label])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                self.tree.addTopLevelItem(group)
                groups[link.kind] = group
            item = QTreeWidgetItem([f"{ARROWS[link.direction]} {link.title}"])
            item.setData(0, _USER, link)
            tip = (
                "it refers to this record" if link.direction == "in" else "this record refers to it"
            )
            item.setToolTip(
                0, f"{link.title}{' — ' + link.context if link.context else ''} ({tip})"
            )
            group.addChild(item)
        for group in groups.values():
            group.setText(0, f"{group.text(0)} ({group.childCount()})")
        self.tree.expandAll()

    def links(self) -> list[Any]:
        """The related records listed, top to bottom."""
        found = []
        for row in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(row)
            found.extend(group.child(i).data(0, _USER) for i in range(group.childCount()))
        return found

    def item_of(self, kind: str, id: int) -> QTreeWidgetItem | None:
        for row in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(row)
            for i in range(group.childCount()):
                link = group.child(i).data(0, _USER)
                if (link.kind, link.id) == (kind, id):
                    return group.child(i)
        return None

    def _on_tree_item_activated(self, item: QTreeWidgetItem) -> None:
        link = item.data(0, _USER)
        if link is not None and self._pending is None:
            # Opened once control is back in the event loop: opening it lists its own
            # related records here, which rebuilds the tree under this click.
            self._pending = (link.kind, link.id)
            QTimer.singleShot(0, self, self._open_pending)

    def _open_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self.open_requested.emit(*pending)
