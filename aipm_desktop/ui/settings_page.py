"""Workspace settings page: name, client, owner and the evidence file size limit, each
edit one undoable command."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ..models import WorkspaceSettings
from ..models.workspace import DEFAULT_EVIDENCE_MAX_MB, MAX_EVIDENCE_MAX_MB
from ..services import dates
from ..services import workspace as workspace_service
from .context import AppContext
from .widgets.builders import (
    LABELS_RIGHT,
    NO_MARGINS,
    Space,
    form_card,
    panel,
    scroll_area,
    vbox,
)
from .widgets.page_header import named_label
from .widgets.versioned import RowVersions

SETTINGS_ID = 1
MAX_LENGTH = 200
LABEL_WIDTH = 190
FIELD_HEIGHT = 32
CARD_MARGINS = (20, 18, 20, 18)

#: Field name -> (label, undo text, placeholder, required).
FIELDS: dict[str, tuple[str, str, str, bool]] = {
    "name": ("Workspace name", "rename workspace", "e.g. Acme support copilots", True),
    "client": ("Client / organisation", "edit client", "Who the portfolio is for", False),
    "owner_name": ("Owner", "edit owner", "The PM accountable for this workspace", False),
}


class SettingsPage(QWidget):
    """Form over the workspace's settings row; commits each field on editingFinished.

    An empty required field is refused with a red hint under it and the field reverts.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.versions = RowVersions()
        self.ctx = ctx
        self.setObjectName("settingsPage")
        self.edits: dict[str, QLineEdit] = {}
        self.hints: dict[str, QLabel] = {}
        self._values: dict[str, str] = {}
        self._limit = DEFAULT_EVIDENCE_MAX_MB

        title = named_label("Workspace settings", "pageTitle")
        intro = named_label(
            "Changes are saved as soon as you leave a field or press Enter; "
            "Edit ▸ Undo takes them back.",
            "pageSubtitle",
            wrap=True,
        )

        workspace_box, form = form_card(
            CARD_MARGINS,
            h_spacing=18,
            v_spacing=6,
            growth=QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow,
            align=LABELS_RIGHT,
        )
        for field, (label, _undo, placeholder, _required) in FIELDS.items():
            edit = QLineEdit()
            edit.setObjectName(f"{field}Edit")
            edit.setMaxLength(MAX_LENGTH)
            edit.setPlaceholderText(placeholder)
            edit.setMinimumHeight(FIELD_HEIGHT)
            edit.editingFinished.connect(lambda f=field: self._on_field_editing_finished(f))
            edit.textEdited.connect(lambda _text, f=field: self._clear_hint(f))
            hint = named_label("", "errorHint")
            form.addRow(_form_label(label), edit)
            form.addRow("", hint)
            form.setRowVisible(hint, False)
            self.edits[field] = edit
            self.hints[field] = hint
        self.evidence_limit = QSpinBox()
        self.evidence_limit.setObjectName("evidenceLimitSpin")
        self.evidence_limit.setRange(1, MAX_EVIDENCE_MAX_MB)
        self.evidence_limit.setSuffix(" MB")
        self.evidence_limit.setMinimumHeight(FIELD_HEIGHT)
        self.evidence_limit.setToolTip(
            "Evidence files above this size are refused (add a reference to them instead)"
        )
        self.evidence_limit.editingFinished.connect(self._on_evidence_limit_editing_finished)
        form.addRow(_form_label("Evidence file size limit"), self.evidence_limit)
        self._form = form

        self.readonly_note = named_label(
            "This workspace is read-only: the settings cannot be changed.", "mutedLabel"
        )

        app_box, app_form = form_card(CARD_MARGINS, h_spacing=18, align=LABELS_RIGHT)
        self.author_edit = QLineEdit(ctx.settings.author_name())
        self.author_edit.setObjectName("authorEdit")
        self.author_edit.setMaxLength(MAX_LENGTH)
        self.author_edit.setPlaceholderText("Your login name is used when empty")
        self.author_edit.setMinimumHeight(FIELD_HEIGHT)
        self.author_edit.editingFinished.connect(self._on_author_edit_editing_finished)
        app_form.addRow(_form_label("Your name in the change log"), self.author_edit)
        self.date_combo = QComboBox()
        self.date_combo.setObjectName("dateStyleCombo")
        self.date_combo.setMinimumHeight(FIELD_HEIGHT)
        for style, text in dates.STYLES.items():
            self.date_combo.addItem(text, style)
        self.date_combo.setCurrentIndex(max(0, self.date_combo.findData(dates.style())))
        self.date_combo.setToolTip("How dates are shown in every area (files keep ISO dates)")
        self.date_combo.activated.connect(self._on_date_combo_activated)
        app_form.addRow(_form_label("Date format"), self.date_combo)

        content = panel(
            title,
            intro,
            Space(6),
            _section("This workspace"),
            workspace_box,
            self.readonly_note,
            Space(8),
            _section("On this computer"),
            app_box,
            1,
            name="pageContent",
            margins=(32, 28, 32, 28),
            spacing=10,
        )
        content.setMaximumWidth(760)

        scroll = scroll_area(content)
        scroll.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        vbox(scroll, margins=NO_MARGINS, parent=self)

        ctx.watch(self, ("settings",), self.load)
        self.load()

    def load(self) -> None:
        """Show the stored values (keeping a field the user is typing in)."""
        ws = self.ctx.workspace
        if ws is None:
            return
        settings = workspace_service.get_settings(ws=ws)
        self.versions.read([settings])  # an edit expects the version shown
        readonly = ws.readonly
        for field, edit in self.edits.items():
            value = getattr(settings, field) or ""
            self._values[field] = value
            if not (edit.hasFocus() and edit.isModified()):
                edit.setText(value)
                edit.setModified(False)
            edit.setReadOnly(readonly)
        spin, shown = self.evidence_limit, self._limit
        self._limit = settings.evidence_max_mb
        if not (spin.hasFocus() and spin.value() != shown):  # keep a value being typed
            spin.setValue(self._limit)
        self.evidence_limit.setReadOnly(readonly)
        self.readonly_note.setVisible(readonly)

    def _on_evidence_limit_editing_finished(self) -> None:
        value = self.evidence_limit.value()
        if self.evidence_limit.isReadOnly() or value == self._limit:
            return
        command = self.versions.update(
            self.ctx,
            WorkspaceSettings,
            SETTINGS_ID,
            {"evidence_max_mb": value},
            text="set evidence size limit",
        )
        if not self.ctx.run_edit(command):
            self.evidence_limit.setValue(self._limit)

    def _on_date_combo_activated(self, index: int) -> None:
        style = self.date_combo.itemData(index)
        if style != dates.style():
            self.ctx.set_date_style(style)

    def _on_field_editing_finished(self, field: str) -> None:
        edit = self.edits[field]
        if edit.isReadOnly():
            return
        text = edit.text().strip()
        stored = self._values.get(field, "")
        label, undo_text, _placeholder, required = FIELDS[field]
        if required and not text:
            self._show_hint(field, f"{label} cannot be empty; it was set back.")
            edit.setText(stored)
            edit.setModified(False)
            return
        if text == stored:
            if edit.text() != text:
                edit.setText(text)
            edit.setModified(False)
            return
        command = self.versions.update(
            self.ctx, WorkspaceSettings, SETTINGS_ID, {field: text}, text=undo_text
        )
        if not self.ctx.run_edit(command):
            edit.setText(stored)
        edit.setModified(False)

    def _on_author_edit_editing_finished(self) -> None:
        name = self.author_edit.text().strip()
        if name != self.ctx.settings.author_name():
            self.ctx.settings.set_author_name(name)

    def hint_text(self, field: str) -> str:
        """The validation hint under ``field`` ("" when none is shown)."""
        hint = self.hints[field]
        return hint.text() if self._form.isRowVisible(hint) else ""

    def _show_hint(self, field: str, message: str) -> None:
        hint = self.hints[field]
        hint.setText(message)
        self._form.setRowVisible(hint, True)

    def _clear_hint(self, field: str) -> None:
        self._form.setRowVisible(self.hints[field], False)


def _form_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setMinimumWidth(LABEL_WIDTH)
    label.setMinimumHeight(FIELD_HEIGHT)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _section(text: str) -> QLabel:
    label = named_label(text, "sectionTitle")
    return label
