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
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QLabel, QVBoxLayout, QWidget


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


#: Adds a record in the current area (see the module doc).
NEW_SHORTCUT = "Ctrl+Shift+N"


def record_actions(
    page: QWidget,
    record: str,
    new: Callable[[], object],
    host: QWidget,
    delete: Callable[[], object],
    *,
    delete_text: str = "",
    owner: QWidget | None = None,
) -> tuple[QAction, QAction]:
    """An area's "New <record>" action (:data:`NEW_SHORTCUT` anywhere in ``page``) and
    its "Delete <record>" action (Del inside ``host``, e.g. the list; ``delete_text``
    names it otherwise, ``owner`` as for :func:`local_action`)."""
    new_action = local_action(page, f"New {record}", NEW_SHORTCUT, new)
    delete_action = local_action(
        host,
        delete_text or f"Delete {record}",
        QKeySequence.StandardKey.Delete,
        delete,
        owner=owner,
    )
    return new_action, delete_action


def set_enabled_why(
    widget: QAbstractButton | QAction, enabled: bool, tip: str, why: str = ""
) -> None:
    """Enable ``widget`` with the tooltip ``tip``, or disable it with a tooltip saying
    why it cannot act now (``why``, e.g. "Select a risk in the list to delete it.")."""
    widget.setEnabled(enabled)
    widget.setToolTip(tip if enabled or not why else why)


#: Why an area's actions are off in a workspace opened read-only.
READ_ONLY_WHY = "This workspace is open read-only."


def enable_delete(
    page: Any,
    tab: QWidget,
    chosen: bool,
    tip: str,
    off_tab: str,
    none_chosen: str,
    read_only: str = READ_ONLY_WHY,
) -> None:
    """Enable an area page's Delete for the record ``chosen`` in its tab ``tab``: its
    ``delete_button`` (tooltip ``tip``, or why not: ``read_only``, ``off_tab`` on another
    tab, ``none_chosen``) and its ``delete_action`` (Del, inside the tab)."""
    writable = not page.ctx.readonly
    why = first_reason(
        (not writable, read_only),
        (page.tabs.currentWidget() is not tab, off_tab),
        (not chosen, none_chosen),
    )
    set_enabled_why(page.delete_button, not why, tip, why)
    page.delete_action.setEnabled(writable and chosen)


def first_reason(*checks: tuple[bool, str]) -> str:
    """Why an action cannot act now: the text of the first ``(blocked, text)`` that is
    blocked, or "" when none is (then it can)."""
    return next((text for blocked, text in checks if blocked), "")


def named_label(text: str, name: str, *, wrap: bool = False) -> QLabel:
    """A label with the object name the style sheet styles (``pageTitle``, ``mutedLabel``
    ...), word-wrapped when ``wrap``."""
    label = QLabel(text)
    label.setObjectName(name)
    if wrap:
        label.setWordWrap(True)
    return label
