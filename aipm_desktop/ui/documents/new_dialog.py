"""The "New document" dialog: kind, title, use case and template (built-in or the user's)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from ...resources import load_json
from ...services import documents, templates
from ...services import usecases as usecases_service
from ...store import Workspace
from ..widgets.builders import dialog_buttons, form_layout, vbox
from ..widgets.page_header import named_label


def deliverable_kinds() -> list[tuple[str, str]]:
    """``(key, name)`` of every deliverable kind, in the reference order."""
    return [(entry["key"], entry["name"]) for entry in load_json("deliverable_kinds")]


def kind_name(kind: str) -> str:
    return documents.kind_name(kind)


def use_case_choices(ws: Any) -> list[tuple[int, str]]:
    """``(id, title)`` of every use case, by title."""
    return usecases_service.titles(ws=ws)


class NewDocumentDialog(QDialog):
    """Asks what to create. ``values()`` gives the arguments of ``new_document``."""

    def __init__(
        self,
        ws: Workspace,
        *,
        kind: str = "ai_prd",
        use_case_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newDocumentDialog")
        self.setWindowTitle("New document")
        self.setMinimumWidth(540)
        self.all_templates = templates.templates()

        heading = named_label("New document", "dialogHeading")
        self.kind_combo = QComboBox()
        for key, name in deliverable_kinds():
            self.kind_combo.addItem(name, key)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("e.g. AI PRD: Smart reply drafts")
        self.use_case_combo = QComboBox()
        self.use_case_combo.addItem("No use case", None)
        for case_id, title in use_case_choices(ws):
            self.use_case_combo.addItem(title, case_id)
        if use_case_id is not None:
            self.use_case_combo.setCurrentIndex(max(0, self.use_case_combo.findData(use_case_id)))
        self.template_combo = QComboBox()
        self.template_hint = named_label("", "mutedLabel", wrap=True)
        self.error_label = named_label("", "errorHint")

        form = form_layout(
            ("Kind", self.kind_combo),
            ("Title", self.title_edit),
            ("Use case", self.use_case_combo),
            ("Template", self.template_combo),
            growth=QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow,
        )
        self.buttons = dialog_buttons(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        vbox(heading, form, self.template_hint, self.error_label, self.buttons, parent=self)

        self.kind_combo.currentIndexChanged.connect(lambda _i: self._fill_templates())
        self.template_combo.currentIndexChanged.connect(lambda _i: self._update_hint())
        self._fill_templates()
        self.resize(560, self.sizeHint().height())
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_templates(self) -> None:
        kind = self.kind_combo.currentData()
        combo = self.template_combo
        combo.blockSignals(True)
        combo.clear()
        own = [t for t in self.all_templates if t.kind == kind]
        others = [t for t in self.all_templates if t.kind != kind and t.source == "user"]
        for template in own:
            suffix = " (yours)" if template.source == "user" else ""
            combo.addItem(f"{template.name}{suffix}", template.key)
        for template in others:
            combo.addItem(f"{template.name} (yours, {kind_name(template.kind)})", template.key)
        combo.setCurrentIndex(0)
        combo.blockSignals(False)
        self._update_hint()

    def _template(self) -> templates.Template | None:
        key = self.template_combo.currentData()
        return next((t for t in self.all_templates if t.key == key), None)

    def _update_hint(self) -> None:
        template = self._template()
        if template is not None and template.required_sections:
            self.template_hint.setText(
                "Required sections: " + ", ".join(template.section_names) + "."
            )
        else:
            self.template_hint.setText("")

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind_combo.currentData(),
            "title": self.title_edit.text().strip(),
            "use_case_id": self.use_case_combo.currentData(),
            "template_key": self.template_combo.currentData(),
        }

    def accept(self) -> None:
        if not self.title_edit.text().strip():
            self.error_label.setText("Give the document a title.")
            self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        super().accept()
