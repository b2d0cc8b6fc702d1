"""The page shown when no workspace is open: New, Open, Open sample and recent files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..locations import describe
from .widgets.builders import Space, vbox
from .widgets.page_header import named_label

PATH_ROLE = Qt.ItemDataRole.UserRole
MAX_VISIBLE_ROWS = 8


class WelcomePage(QWidget):
    """Start here: create, open or try the sample; or reopen a recent workspace.

    Signals:
        new_requested(): the user wants a new workspace.
        open_requested(): the user wants to pick a file.
        sample_requested(): the user wants the sample workspace.
        recent_activated(str): path of the recent workspace the user picked.
    """

    new_requested = Signal()
    open_requested = Signal()
    sample_requested = Signal()
    recent_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")

        title = named_label(f"Welcome to {APP_NAME}", "pageTitle")
        intro = named_label(
            "Keep a portfolio of AI features in one local file: use cases and their scoring,\n"
            "risks, documents, KPIs, the roadmap and launch gates.\n"
            "Every edit is saved at once and can be undone.",
            "pageSubtitle",
        )

        self.new_button = QPushButton("New workspace…")
        self.new_button.setObjectName("primaryButton")
        self.open_button = QPushButton("Open…")
        self.sample_button = QPushButton("Open sample workspace")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.sample_button.clicked.connect(self.sample_requested)
        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        for button in (self.new_button, self.open_button, self.sample_button):
            button.setMinimumHeight(34)
            buttons.addWidget(button)
        buttons.addStretch(1)

        recent_title = named_label("Recent workspaces", "sectionTitle")
        self.recent = QListWidget()
        self.recent.setObjectName("recentFiles")
        self.recent.itemActivated.connect(self._on_recent_item_activated)
        self.recent.itemClicked.connect(self._on_recent_item_activated)
        self.no_recent = named_label("No recent workspaces yet.", "mutedLabel")

        card = QFrame()
        card.setObjectName("welcomeCard")
        # A fixed width lets the wrapped intro text get the height it needs.
        card.setFixedWidth(640)
        vbox(
            title,
            intro,
            Space(8),
            buttons,
            Space(16),
            recent_title,
            self.no_recent,
            self.recent,
            margins=(36, 32, 36, 32),
            spacing=12,
            parent=card,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 48, 40, 40)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def set_recent_files(self, files: list[Path], servers: Sequence[str] = ()) -> None:
        """List the recent workspace ``files``, then the recent team ``servers`` (URLs)."""
        self.recent.clear()
        entries = [(f"{path.stem}    —    {path}", str(path)) for path in files]
        entries += [(f"{describe(url)}    —    team server", url) for url in servers]
        for text, where in entries:
            item = QListWidgetItem(text)
            item.setData(PATH_ROLE, where)
            item.setToolTip(where)
            self.recent.addItem(item)
        self.recent.setVisible(bool(entries))
        self.no_recent.setVisible(not entries)
        rows = min(len(entries), MAX_VISIBLE_ROWS)
        row_height = self.recent.sizeHintForRow(0) if entries else 0
        self.recent.setFixedHeight(row_height * rows + 2 * self.recent.frameWidth() + 10)

    def _on_recent_item_activated(self, item: QListWidgetItem) -> None:
        self.recent_activated.emit(str(item.data(PATH_ROLE)))
