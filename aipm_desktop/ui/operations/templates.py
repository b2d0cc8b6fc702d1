"""The runbook's communication templates: internal update, customer notice, status page.

Choose a channel, write its subject and body with ``{placeholders}``; each is saved when
the cursor leaves it (one undo step; an empty subject and body remove the template).
Beside it, the template as it would go out for a chosen incident, its placeholders
filled (``runbooks.communication``); unknown placeholders stay as written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QUndoCommand
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ...errors import ConflictError, UserError
from ...models import CommunicationChannel, CommunicationTemplate
from ...services import incidents, runbooks
from ...services.runbooks import RunbookInfo, TemplateInfo
from ..conflicts import EditIntent
from ..context import AppContext
from ..widgets.builders import hbox, line_edit, panel, splitter, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.field_editors import TextArea
from ..widgets.page_header import named_label
from ..widgets.versioned import ask_on_conflict, guard_edit
from .edits import SetTemplateCommand

PLACEHOLDER_HELP = "Placeholders: " + " ".join(f"{{{name}}}" for name in runbooks.PLACEHOLDERS)
NO_INCIDENT = "Log an incident to preview the templates filled from it."
#: How the conflict dialog names a template's fields.
LABELS = {"subject": "Subject", "body": "Body"}


class TemplatesPanel(ContextWidget):
    """Edit one channel's template of the shown runbook; preview it for an incident."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="templatesPanel")
        self.info: RunbookInfo | None = None
        #: The template the subject and body fields were filled from (None: there was
        #: none); saving them expects it as read.
        self.shown: TemplateInfo | None = None
        self.channel = CommunicationChannel.INTERNAL.value
        self.group = QButtonGroup(self)
        self.channel_buttons: dict[str, QPushButton] = {}
        for channel, label in runbooks.CHANNEL_LABELS.items():
            segment = QPushButton(label)
            segment.setObjectName("segmentButton")
            segment.setCheckable(True)
            bold = QFont(segment.font())
            bold.setBold(True)  # the chosen segment's text is bold: room for it either way
            segment.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(label) + 44)
            segment.clicked.connect(lambda _c=False, c=channel.value: self.set_channel(c))
            self.group.addButton(segment)
            self.channel_buttons[channel.value] = segment
        self.channel_buttons[self.channel].setChecked(True)
        self.subject_edit = line_edit(
            "templateSubject", "Subject, e.g. [{severity}] {title}", max_length=300
        )
        self.body_edit = TextArea()
        self.body_edit.setObjectName("templateBody")
        self.body_edit.setPlaceholderText(
            "The message, e.g.: {severity} incident on {use_case}, detected {started}. "
            "Impact: {impact}. Next update: {next_update}."
        )
        self.body_edit.setMinimumHeight(120)
        self.body_edit.setMaximumHeight(16_777_215)
        self.body_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        help_label = named_label(PLACEHOLDER_HELP, "mutedLabel", wrap=True)
        editor = panel(self.subject_edit, (self.body_edit, 1), help_label, spacing=6)
        self.incident_combo = QComboBox()
        self.incident_combo.setObjectName("previewIncident")
        self.incident_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.incident_combo.setMinimumContentsLength(18)
        self.incident_combo.setToolTip("The incident whose facts fill the placeholders")
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("templatePreview")
        self.preview.setReadOnly(True)
        self.splitter = splitter(
            editor, self.preview, sizes=(420, 360), stretch=(1, 1), name="templatesSplitter"
        )
        top = hbox(
            *self.channel_buttons.values(),
            1,
            named_label("Preview for", "formLabel"),
            self.incident_combo,
            spacing=4,
        )
        vbox(top, (self.splitter, 1), margins=(8, 8, 8, 8), spacing=6, parent=self)

        self.subject_edit.editingFinished.connect(self.save)
        self.body_edit.editing_finished.connect(self.save)
        self.incident_combo.currentIndexChanged.connect(lambda _i: self.update_preview())

    # -- showing ----------------------------------------------------------------------------

    def show_runbook(self, info: RunbookInfo | None) -> None:
        """Show the templates of ``info`` (keeping text being typed in the same runbook)."""
        same = info is not None and self.info is not None and info.id == self.info.id
        self.info = info
        self._fill_incidents()
        self._show_template(keep_typing=same)
        editable = info is not None and not self.ctx.readonly
        self.subject_edit.setReadOnly(not editable)
        self.body_edit.setReadOnly(not editable)

    def _fill_incidents(self) -> None:
        ws = self.ctx.workspace
        current = self.incident_combo.currentData()
        items = incidents.summaries(ws=ws) if ws is not None else []
        blocked = self.incident_combo.blockSignals(True)
        self.incident_combo.clear()
        for item in items:
            self.incident_combo.addItem(f"{item.severity.upper()} · {item.title}", item.id)
        index = self.incident_combo.findData(current) if current is not None else 0
        self.incident_combo.setCurrentIndex(max(index, 0) if items else -1)
        self.incident_combo.setEnabled(bool(items))
        self.incident_combo.blockSignals(blocked)

    def _show_template(self, *, keep_typing: bool = False) -> None:
        template = self.info.template(self.channel) if self.info is not None else None
        subject = template.subject if template is not None else ""
        body = template.body if template is not None else ""
        kept = False
        if keep_typing and self.subject_edit.hasFocus() and self.subject_edit.isModified():
            kept = True
        else:
            self.subject_edit.setText(subject)
            self.subject_edit.setModified(False)
        if keep_typing and self.body_edit.hasFocus() and self.body_edit.document().isModified():
            kept = True
        else:
            if self.body_edit.toPlainText() != body:
                self.body_edit.set_text(body)
            self.body_edit.document().setModified(False)
        if not kept:  # what the user types over is the template read now
            self.shown = template
        self.update_preview()

    def update_preview(self) -> None:
        """Show the saved template filled from the chosen incident."""
        ws = self.ctx.workspace
        incident_id = self.incident_combo.currentData()
        info = self.info
        if ws is None or info is None:
            self.preview.setPlainText("")
            return
        if info.template(self.channel) is None:
            self.preview.setPlainText(
                f"No {runbooks.CHANNEL_LABELS[CommunicationChannel(self.channel)].lower()} "
                "template yet: write its subject and body on the left."
            )
            return
        if incident_id is None:
            self.preview.setPlainText(NO_INCIDENT)
            return
        try:
            subject, body = runbooks.communication(
                ws=ws, runbook_id=info.id, incident_id=int(incident_id), channel=self.channel
            )
        except UserError as error:
            self.preview.setPlainText(str(error))
            return
        self.preview.setPlainText(f"Subject: {subject}\n\n{body}" if subject else body)

    # -- editing ----------------------------------------------------------------------------

    def set_channel(self, channel: str) -> None:
        """Edit the template of ``channel`` (saving the one being typed first)."""
        if channel == self.channel:
            return
        self.save()
        self.channel = channel
        self.channel_buttons[channel].setChecked(True)
        self._show_template()

    def save(self) -> bool:
        """Store the subject and body shown as the channel's template (when changed),
        only while the template is as the fields read it: else nothing is written and the
        conflict dialog shows the user's subject and body beside the stored ones."""
        info = self.info
        if info is None or self.ctx.readonly:
            return False
        shown = self.shown
        typed = {
            "subject": self.subject_edit.text().strip(),
            "body": self.body_edit.toPlainText().rstrip(),
        }
        read = {"subject": shown.subject, "body": shown.body} if shown else dict.fromkeys(typed, "")
        self.subject_edit.setModified(False)
        self.body_edit.document().setModified(False)
        changed = {name: value for name, value in typed.items() if value != read[name]}
        if not changed:
            return False
        runbook_id, channel = info.id, self.channel

        def make(values: dict[str, Any], absent: bool = False) -> QUndoCommand:
            subject, body = values.get("subject"), values.get("body")
            return SetTemplateCommand(self.ctx, runbook_id, channel, subject, body, absent=absent)

        if shown is not None:
            command = guard_edit(
                make, CommunicationTemplate, shown.id, changed, shown.version, label_for=LABELS.get
            )
        else:  # none was read: one stored meanwhile is theirs, and the dialog asks

            def intent_for(error: ConflictError) -> EditIntent | None:
                found = getattr(error.conflict, "record_id", None)
                if found is None:
                    return None
                return guard_edit(
                    make, CommunicationTemplate, found, typed, 0, label_for=LABELS.get
                ).intent  # type: ignore[attr-defined]

            command = ask_on_conflict(make(typed, absent=True), intent_for)
        return self.ctx.run_edit(command)

    def preview_text(self) -> str:
        return self.preview.toPlainText()

    def focus_body(self) -> None:
        self.body_edit.setFocus(Qt.FocusReason.OtherFocusReason)
