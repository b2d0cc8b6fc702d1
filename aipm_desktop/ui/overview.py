"""Overview page: what the workspace holds (a card per counted area) and recent changes."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..services import workspace as workspace_service
from ..services.changes import Changes
from ..services.workspace import COUNTED, ChangeEntry
from .context import AppContext

#: Kinds every new workspace already holds from the built-in reference data.
BUILT_IN_KINDS = frozenset({"scoring_model", "case_exercise"})
RECENT_LIMIT = 15
CARD_MIN_WIDTH = 150

_VERBS = {"create": "added", "update": "updated", "delete": "deleted", "restore": "restored"}

EMPTY_TEXT = (
    "<b>This workspace is still empty.</b> The built-in reference data is loaded: "
    "the use-case scoring models, the KPI catalogue and the interview case exercises. "
    "Start under <i>Workspace settings</i>: name the workspace and the client it is for. "
    "To see what a full portfolio looks like, choose "
    "<i>File ▸ Open Sample Workspace</i>."
)


def describe_change(entry: ChangeEntry) -> str:
    """``2026-11-26 10:04 · alice · updated use case 'Summarise cases'``."""
    what = "workspace settings" if entry.entity == "settings" else entry.entity.replace("_", " ")
    verb = _VERBS.get(entry.action, entry.action)
    label = f" '{entry.label}'" if entry.label else ""
    who = entry.who or "someone"
    return f"{entry.at} · {who} · {verb} {what}{label}"


class CountCard(QFrame):
    """A number and what it counts."""

    def __init__(self, kind: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("countCard")
        self.setMinimumWidth(CARD_MIN_WIDTH - 20)
        self.value_label = QLabel("0")
        self.value_label.setObjectName("cardValue")
        self.caption = QLabel(label)
        self.caption.setObjectName("cardLabel")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption)

    def set_value(self, value: int) -> None:
        self.value_label.setText(f"{value:,}")
        self.value_label.setProperty("empty", value == 0)
        self.value_label.style().unpolish(self.value_label)
        self.value_label.style().polish(self.value_label)


class OverviewPage(QWidget):
    """The workspace at a glance; refreshes itself when anything changes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("overviewPage")
        self._dirty = True
        self._columns = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle.setWordWrap(True)

        self.empty_hint = QLabel(EMPTY_TEXT)
        self.empty_hint.setObjectName("hintBox")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setTextFormat(Qt.TextFormat.RichText)

        self.cards: dict[str, CountCard] = {
            kind: CountCard(kind, label) for kind, (label, _model) in COUNTED.items()
        }
        self._grid = QGridLayout()
        self._grid.setSpacing(12)

        self.recent = QFrame()
        self.recent.setObjectName("recentChanges")
        self._recent_layout = QVBoxLayout(self.recent)
        self._recent_layout.setContentsMargins(4, 4, 4, 4)
        self._recent_layout.setSpacing(0)
        self._recent_rows: list[QLabel] = []
        self.no_changes = QLabel("No edits yet. Changes you make appear here.")
        self.no_changes.setObjectName("mutedLabel")

        content = QWidget()
        content.setObjectName("pageContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(8)
        layout.addWidget(self.empty_hint)
        layout.addWidget(_section("In this workspace"))
        layout.addLayout(self._grid)
        layout.addSpacing(8)
        layout.addWidget(_section("Recent changes"))
        layout.addWidget(self.no_changes)
        layout.addWidget(self.recent)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self._arrange_cards(4)
        ctx.changed.connect(self._on_ctx_changed)
        self.refresh()

    # -- refreshing -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read names, counts and recent changes from the workspace again."""
        ws = self.ctx.workspace
        if ws is None:
            return
        self._dirty = False
        settings = workspace_service.get_settings(ws=ws)
        self.title.setText(settings.name)
        parts = [settings.client] if settings.client else []
        if settings.owner_name:
            parts.append(f"owner {settings.owner_name}")
        parts.append(str(ws.path))
        self.subtitle.setText("  ·  ".join(parts))

        numbers = workspace_service.counts(ws=ws)
        for kind, card in self.cards.items():
            card.set_value(numbers.get(kind, 0))
        self.empty_hint.setVisible(
            all(value == 0 for kind, value in numbers.items() if kind not in BUILT_IN_KINDS)
        )

        entries = workspace_service.recent_changes(ws=ws, limit=RECENT_LIMIT)
        while len(self._recent_rows) < len(entries):
            row = QLabel()
            row.setObjectName("changeRow")
            row.setTextFormat(Qt.TextFormat.PlainText)
            self._recent_layout.addWidget(row)
            self._recent_rows.append(row)
        for index, row in enumerate(self._recent_rows):
            if index < len(entries):
                entry = entries[index]
                row.setText(describe_change(entry))
                row.setToolTip(f"{entry.entity} #{entry.entity_id}")
            row.setVisible(index < len(entries))
        self.no_changes.setVisible(not entries)
        self.recent.setVisible(bool(entries))

    def recent_lines(self) -> list[str]:
        """The recent-changes lines as shown, newest first."""
        return [row.text() for row in self._recent_rows if not row.isHidden()]

    def _on_ctx_changed(self, _changes: Changes) -> None:
        # Any write can change the counts or the change log: refresh once, when visible.
        self._dirty = True
        if self.isVisible():
            self._refresh_timer.start()

    def _on_refresh_timer_timeout(self) -> None:
        if self._dirty:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # -- layout ---------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = max(2, min(7, (event.size().width() - 64) // CARD_MIN_WIDTH))
        if columns != self._columns:
            self._arrange_cards(columns)

    def _arrange_cards(self, columns: int) -> None:
        self._columns = columns
        for card in self.cards.values():
            self._grid.removeWidget(card)
        for index, card in enumerate(self.cards.values()):
            self._grid.addWidget(card, index // columns, index % columns)
        for column in range(7):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label
