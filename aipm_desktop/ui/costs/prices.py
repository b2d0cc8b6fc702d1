"""Model prices: the workspace's editable price table (provider, model, prices per million
input, cached input and output tokens, currency, as-of date, source), with a plain note
that prices change and are the user's to check.

A cell commits when its editor closes, as one undo step; a value the table refuses is
explained above it and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
from PySide6.QtCore import QItemSelectionModel, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHeaderView, QMessageBox, QWidget

from ...models.costs import ModelPriceBase
from ...services import costs
from ..context import AppContext
from ..widgets.builders import (
    TAB_MARGINS,
    TYPE_TO_EDIT,
    button,
    empty_state,
    hbox,
    stacked,
    table_view,
    vbox,
)
from ..widgets.dialog_parts import confirm_delete
from ..widgets.field_editors import parse_number
from ..widgets.form_hints import validation_text
from ..widgets.page_header import local_action, named_label
from ..widgets.roles import ID_ROLE
from .edits import DeletePriceCommand, NewPriceCommand, UpdatePriceCommand
from .models import PRICE_COLUMNS, PriceTableModel

PRICE_NOTE = (
    "Prices change often. Each row holds a provider's list prices as of the date shown, "
    "read from the source shown: they are yours to check and keep up to date. Cost models "
    "that take their prices from a row follow it when you edit it; deleting a row leaves "
    "those models with its prices as their own."
)
EMPTY_TEXT = (
    "The price table is empty. Add the models you price (“Add model price”), with the "
    "date you read their prices and where."
)
LABELS = {field: label for field, label, _editable in PRICE_COLUMNS}


class PricesTab(QWidget):
    """The price table, editable in place, with add and delete.

    Signals:
        status(str): what happened (for the page's message line).
    """

    status = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costPricesTab")
        self.ctx = ctx
        self.confirm_box: QMessageBox | None = None
        self.model = PriceTableModel(self._commit_cell, self)
        self.note = named_label(PRICE_NOTE, "hintBox", wrap=True)
        self.error = named_label("", "errorHint", wrap=True)
        self.error.setObjectName("priceError")
        self.error.setVisible(False)
        self.add_button = button(
            "Add model price", self.add_price, name="addPriceButton", tip="Add a row to the table"
        )
        self.delete_button = button("Delete price", self.delete_price, name="deletePriceButton")
        self.table = table_view(self.model, "priceTable", edit=TYPE_TO_EDIT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(
            PRICE_COLUMNS.index(("source", "Source", True)), QHeaderView.ResizeMode.Stretch
        )
        self.empty = empty_state(EMPTY_TEXT, margin=24)
        self.stack = stacked(self.table, self.empty)
        bar = hbox(
            (self.error, 3),
            1,
            self.add_button,
            self.delete_button,
            margins=(0, 0, 0, 0),
            spacing=8,
        )
        vbox(self.note, bar, (self.stack, 1), margins=TAB_MARGINS, spacing=8, parent=self)
        self.delete_action = local_action(
            self.table, "Delete model price", QKeySequence.StandardKey.Delete, self.delete_price
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_actions())
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self.refresh()

    # -- reading --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the table again, keeping the chosen row."""
        ws = self.ctx.workspace
        current = self.current_id()
        self.model.editable = not self.ctx.readonly
        self.model.set_rows(costs.price_rows(ws=ws) if ws is not None else [])
        self.stack.setCurrentWidget(self.table if self.model.rows else self.empty)
        self.table.resizeColumnsToContents()
        self.select(current)
        self._update_actions()

    def refresh_later(self) -> None:
        """Refresh after the current event (never while a cell editor is committing)."""
        self._refresh_timer.start()

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select(self, price_id: int | None, column: int = 0) -> None:
        row = self.model.row_of(price_id)
        if row is None:
            return
        index = self.model.index(row, column)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _update_actions(self) -> None:
        editable = not self.ctx.readonly
        has = self.current_id() is not None
        self.add_button.setEnabled(editable)
        self.add_button.setToolTip(
            "Add a row to the price table" if editable else "The workspace is read-only"
        )
        self.delete_button.setEnabled(editable and has)
        self.delete_action.setEnabled(editable and has)
        if not editable:
            tip = "The workspace is read-only"
        elif not has:
            tip = "Choose a row of the price table first"
        else:
            tip = "Delete the chosen row (Del); cost models using it keep its prices"
        self.delete_button.setToolTip(tip)

    # -- editing --------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def parse(self, field: str, text: str) -> Any:
        """A cell's text as the stored value; ValueError with a message."""
        text = text.strip()
        label = LABELS[field]
        if field in ("price_input_per_m", "price_cached_input_per_m", "price_output_per_m"):
            try:
                value = parse_number(text)
            except ValueError:
                raise ValueError(f"{label} must be a number, e.g. 2.5.") from None
            if value is None and field != "price_cached_input_per_m":
                raise ValueError(f"{label} needs a price (0 if it is free).")
            return value
        if field == "as_of":
            if not text:
                return None
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{label}: type a date as YYYY-MM-DD, e.g. 2025-06-01.") from None
        if field == "currency":
            return text.upper()
        return text

    def _commit_cell(self, price_id: int, field: str, text: str) -> bool:
        row = next((r for r in self.model.rows if r.id == price_id), None)
        if row is None or self.ctx.readonly:
            return False
        try:
            value = self.parse(field, text)
        except ValueError as error:
            self.show_error(f"{error} Nothing was saved.")
            return False
        record = {name: getattr(row, name) for name in ModelPriceBase.model_fields}
        try:
            ModelPriceBase.model_validate({**record, field: value})
        except pydantic.ValidationError as error:
            message = validation_text(error, lambda name: LABELS.get(name, name))
            self.show_error(f"{message} Nothing was saved.")
            return False
        command = UpdatePriceCommand(
            self.ctx,
            price_id,
            {field: value},
            name=f"{row.provider} {row.model}",
            report_errors=False,
        )
        ok = self.ctx.run_edit(command)
        if not ok and command.error is not None:
            self.show_error(f"{command.error.message} Nothing was saved.")
            return False
        self.show_error("")
        self.refresh_later()
        return ok

    def add_price(self) -> int | None:
        """Add a row (a new model of a new provider, dated today) and start editing it."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return None
        taken = {(r.provider, r.model) for r in self.model.rows}
        number = 1
        while ("New provider", f"New model {number}") in taken:
            number += 1
        command = NewPriceCommand(
            self.ctx,
            {
                "provider": "New provider",
                "model": f"New model {number}",
                "currency": "USD",
                "as_of": dt.date.today(),
            },
        )
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.refresh()
        self.select(command.record_id)
        self.table.setFocus()
        self.table.edit(self.table.currentIndex())
        self.status.emit("Added a row to the price table: type its provider, model and prices.")
        return command.record_id

    def delete_price(self) -> QMessageBox | None:
        """Ask, then delete the chosen row (undoable)."""
        price_id = self.current_id()
        if price_id is None or self.ctx.readonly:
            return None
        row = self.model.rows[self.model.row_of(price_id) or 0]
        name = f"{row.provider} {row.model}"
        users = (
            f" {row.used_by} cost model{'s' if row.used_by != 1 else ''} take their prices from "
            "it and keep them as their own."
            if row.used_by
            else ""
        )
        self.confirm_box = confirm_delete(
            self,
            "Delete model price",
            f"Delete the prices of “{name}”?",
            informative=f"{users} Edit ▸ Undo brings the row back.".strip(),
            name="deletePriceBox",
            on_yes=lambda: self.ctx.run_edit(DeletePriceCommand(self.ctx, price_id, name)),
        )
        self.confirm_box.finished.connect(lambda _r: setattr(self, "confirm_box", None))
        return self.confirm_box

    def price_id_at(self, row: int) -> Any:
        return self.model.index(row, 0).data(ID_ROLE)
