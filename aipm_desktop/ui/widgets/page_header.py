"""The header every area page starts with: title, one-line purpose, action buttons.

The conventions every area follows (Help ▸ Keyboard shortcuts lists them):

- The area's record actions sit in this header, top right, in this order: the primary
  "New <record>" button (object name ``primaryButton``), then "Delete", then the others
  (Duplicate, Import…, Export…, settings dialogs). No action buttons under a list.
- Ctrl+Shift+N adds a record in the current area and Del deletes the selected one (both
  :func:`local_action`, so they act only in the visible area); Ctrl+N is always File ▸
  New workspace; Ctrl+F filters the current list; Ctrl+1…9 switch areas.
- A button that cannot act now is disabled (the style sheet greys it out) and its
  tooltip says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget


def page_header(title: str, subtitle: str, buttons: Sequence[QWidget] = ()) -> QHBoxLayout:
    """A row with the page title and subtitle on the left and ``buttons`` on the right."""
    title_label = QLabel(title)
    title_label.setObjectName("pageTitle")
    subtitle_label = QLabel(subtitle)
    subtitle_label.setObjectName("pageSubtitle")
    subtitle_label.setWordWrap(True)
    header = QHBoxLayout()
    header.setContentsMargins(24, 18, 24, 4)
    heading = QVBoxLayout()
    heading.addWidget(title_label)
    heading.addWidget(subtitle_label)
    header.addLayout(heading, 1)
    for button in buttons:
        header.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
    return header


def local_action(
    host: QWidget,
    text: str,
    shortcut: str | QKeySequence | QKeySequence.StandardKey,
    slot: Callable[[], object],
    *,
    owner: QWidget | None = None,
) -> QAction:
    """An action whose shortcut works only while focus is inside ``host``.

    So an area's Ctrl+Shift+N or Del never clashes with the main window's shortcuts or
    with another area's. ``owner`` (default ``host``) is the action's QObject parent.
    """
    action = QAction(text, owner or host)
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    host.addAction(action)
    return action


def named_label(text: str, name: str, *, wrap: bool = False) -> QLabel:
    """A label with the object name the style sheet styles (``pageTitle``, ``mutedLabel``
    ...), word-wrapped when ``wrap``."""
    label = QLabel(text)
    label.setObjectName(name)
    if wrap:
        label.setWordWrap(True)
    return label
