"""The tab bar under an area page's header (Register / Heat map, List / Grid ...)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget


def area_tabs(*tabs: tuple[QWidget, str]) -> QTabWidget:
    """A document-mode tab widget (styled as ``areaTabs``) holding ``(widget, title)``s."""
    widget = QTabWidget()
    widget.setObjectName("areaTabs")
    widget.setDocumentMode(True)
    for page, title in tabs:
        widget.addTab(page, title)
    return widget
