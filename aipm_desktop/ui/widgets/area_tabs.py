"""An area page's header with its record buttons, the tab bar under it (Register /
Heat map, List / Grid ...), and opening or reporting the record chosen in one of its
tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def show_in_tab(
    ctx: Any,
    model: type,
    record_id: int,
    tabs: QTabWidget,
    tab: QWidget | int,
    choose: Callable[[Any], object],
) -> bool:
    """Open record ``record_id`` of ``model`` in a tab of an area page (the command
    palette, the Related panel and other areas link there): ``tab`` (a page or an index)
    of ``tabs`` is shown, then ``choose(record)`` selects the record in it (False from it:
    it could not). False when no workspace is open or the record is gone."""
    from ...errors import UserError
    from ...services import records

    ws = ctx.workspace
    if ws is None:
        return False
    try:
        record: Any = records.get(ws=ws, model=model, id=record_id)
    except UserError:  # removed since
        return False
    if isinstance(tab, int):
        tabs.setCurrentIndex(tab)
    else:
        tabs.setCurrentWidget(tab)
    return choose(record) is not False


def tab_entity(
    tabs: QTabWidget, *choices: tuple[QWidget, str, Callable[[], int | None]]
) -> tuple[str, int] | None:
    """The record chosen in the tab shown, for the Related panel: ``choices`` are
    ``(tab, kind, current id)``; None when the tab shown is none of them or has nothing
    chosen."""
    shown = tabs.currentWidget()
    for tab, kind, current in choices:
        if tab is shown:
            record_id = current()
            return None if record_id is None else (kind, record_id)
    return None
