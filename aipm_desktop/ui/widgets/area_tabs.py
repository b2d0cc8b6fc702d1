"""An area page's header with its record buttons, and the tab bar under it (Register /
Heat map, List / Grid ...)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLayout, QPushButton, QTabWidget, QWidget

from .builders import NO_MARGINS, button, tab_widget, vbox
from .page_header import page_header


def area_tabs(*tabs: tuple[QWidget, str]) -> QTabWidget:
    """A document-mode tab widget (styled as ``areaTabs``) holding ``(widget, title)``s."""
    return tab_widget("areaTabs", *tabs, document=True)


def tabbed_page(page: QWidget, header: QLayout, *tabs: tuple[QWidget, str]) -> QTabWidget:
    """Lay ``header`` over the :func:`area_tabs` of ``tabs`` on ``page``, flush with its
    edges; returns the tab widget."""
    widget = area_tabs(*tabs)
    vbox(header, (widget, 1), margins=NO_MARGINS, spacing=6, parent=page)
    return widget


def area_header(
    title: str,
    subtitle: str,
    record: str,
    new: Callable[[], object],
    delete: Callable[[], object],
    *,
    new_tip: str,
    delete_tip: str,
) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """The :func:`~.page_header.page_header` of an area whose header holds its record
    buttons (the convention there): "New <record>" (the primary button, calling ``new``)
    and "Delete" (calling ``delete``); returns the header and the two buttons."""
    new_button = button(f"New {record}", new, name="primaryButton", tip=new_tip)
    delete_button = button("Delete", delete, tip=delete_tip)
    return page_header(title, subtitle, (new_button, delete_button)), new_button, delete_button
