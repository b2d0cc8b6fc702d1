"""Add evidence: a file stored in the workspace (content-addressed; the same file added
twice for the same use case is kept once and linked to the new controls) or a reference
(a URL, a document of the workspace, a ticket id), with the controls it satisfies, its
validity period, reviewer and notes. Refusals (a file above the size limit, a URL with no
scheme, dates the wrong way round) show in the dialog and store nothing."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QListWidget,
    QStackedWidget,
    QWidget,
)

from ...errors import UserError
from ...services import controls as controls_service
from ...services import documents as documents_service
from ..context import AppContext
from ..widgets.builders import (
    button,
    form_layout,
    hbox,
    line_edit,
    stacked,
    vbox,
)
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import named_label
from ..widgets.service_edits import call_command
from .parts import add_buttons, check_items, checked_ids, day_in, matches, named_combo, named_filter

KINDS = (
    ("A file (stored in the workspace)", "file"),
    ("A URL", "url"),
    ("A document of this workspace", "document"),
    ("A ticket id", "ticket"),
)


OPEN_DATE = "YYYY-MM-DD (empty: open)"


class EvidenceDialog(ContextDialog):
    """The form that adds one evidence item for ``use_case_id`` (None: the workspace),
    the controls in ``chosen`` ticked first. ``added`` holds the result after Add."""

    def __init__(
        self,
        ctx: AppContext,
        use_case_id: int | None,
        chosen: tuple[int, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent, name="evidenceDialog", title="Add evidence", size=(640, 640))
        self.use_case_id = use_case_id
        self.added: controls_service.Added | None = None
        heading, intro = dialog_heading(
            "Add evidence",
            "One item can satisfy several controls, and through the crosswalk's equivalent "
            "lines, controls of other catalogs too.",
        )
        self.kind_combo = named_combo("evidenceKind", KINDS)
        self.path_edit = line_edit("evidencePath", "The file to store")
        browse = button("Choose file…", self._on_browse_clicked, name="evidenceBrowse")
        file_row = QWidget()
        hbox((self.path_edit, 1), browse, margins=(0, 0, 0, 0), parent=file_row)
        self.url_edit = line_edit("evidenceUrl", "https://…")
        ws = ctx.workspace
        documents = documents_service.list_documents(ws=ws) if ws is not None else []
        self.document_combo = named_combo(
            "evidenceDocument", ((str(d["title"]), int(d["id"])) for d in documents)
        )
        self.ticket_edit = line_edit("evidenceTicket", "e.g. JIRA-1234")
        self.target: QStackedWidget = stacked(
            file_row, self.url_edit, self.document_combo, self.ticket_edit
        )
        self.kind_combo.currentIndexChanged.connect(self.target.setCurrentIndex)
        self.title_edit = line_edit("evidenceTitle", "Default: the file name or the reference")
        self.filter_box = named_filter("evidenceControlFilter")
        self.control_list = QListWidget()
        self.control_list.setObjectName("evidenceControls")
        self.valid_from = line_edit("validFrom", OPEN_DATE)
        self.valid_until = line_edit("validUntil", OPEN_DATE)
        self.reviewer_edit = line_edit("evidenceReviewer")
        self.notes_edit = line_edit("evidenceNotes")
        form = form_layout(
            ("Kind", self.kind_combo),
            ("What", self.target),
            ("Title", self.title_edit),
            ("Valid from", self.valid_from),
            ("Valid until", self.valid_until),
            ("Reviewer", self.reviewer_edit),
            ("Notes", self.notes_edit),
        )
        self.problem = named_label("", "errorHint", wrap=True)
        buttons = add_buttons(self, self.add)
        vbox(
            heading,
            intro,
            form,
            named_label("Controls it satisfies", "fieldLabel"),
            self.filter_box,
            (self.control_list, 1),
            self.problem,
            buttons,
            margins=(18, 16, 18, 14),
            spacing=8,
            parent=self,
        )
        self._fill_controls(set(chosen))
        self.filter_box.filter_changed.connect(self._on_filter_changed)

    def _fill_controls(self, chosen: set[int]) -> None:
        ws = self.ctx.workspace
        rows = controls_service.control_rows(ws=ws, use_case_id=self.use_case_id) if ws else []
        items = [
            (row.id, f"{row.name}  {row.title}{'  (applies)' if row.applies else ''}")
            for row in rows
            if row.in_scope
        ]
        check_items(self.control_list, items, chosen)
        self.items = items

    def checked_controls(self) -> tuple[int, ...]:
        return tuple(checked_ids(self.control_list))

    def set_checked(self, control_ids: set[int]) -> None:
        check_items(self.control_list, self.items, control_ids | set(self.checked_controls()))

    def about(self) -> controls_service.About:
        return controls_service.About(
            control_ids=self.checked_controls(),
            use_case_id=self.use_case_id,
            title=self.title_edit.text().strip(),
            valid_from=day_in(self.valid_from, "Valid from"),
            valid_until=day_in(self.valid_until, "Valid until"),
            reviewer=self.reviewer_edit.text().strip(),
            notes=self.notes_edit.text().strip(),
        )

    def add(self) -> bool:
        """Store the evidence (one undo step); the dialog closes when it is stored."""
        try:
            about = self.about()
        except UserError as err:
            self.problem.setText(str(err))
            return False
        kind = self.kind_combo.currentData()
        if not about.control_ids:
            self.problem.setText("Tick at least one control this evidence satisfies.")
            return False
        if kind == "file":
            path = self.path_edit.text().strip()
            if not path:
                self.problem.setText("Choose the file to store.")
                return False
            fn: Any = controls_service.add_file
            args: dict[str, Any] = {"path": path, "about": about}
            text = "Add evidence file"
        else:
            target = {
                "url": self.url_edit.text().strip(),
                "document": str(self.document_combo.currentData() or ""),
                "ticket": self.ticket_edit.text().strip(),
            }[kind]
            fn, args = (
                controls_service.add_reference,
                {"kind": kind, "target": target, "about": about},
            )
            text = f"Add evidence {kind}"
        command = call_command(self.ctx, text, fn, args, report_errors=False)
        self.ctx.run_edit(command)
        if command.error is not None:
            self.problem.setText(str(command.error))
            return False
        self.added = command.result
        self.accept()
        return True

    def _on_browse_clicked(self) -> None:
        start = self.ctx.settings.last_directory()
        chosen, _f = QFileDialog.getOpenFileName(self, "Evidence file", str(start))
        if chosen:
            self.path_edit.setText(chosen)

    def _on_filter_changed(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.control_list.count()):
            item = self.control_list.item(i)
            item.setHidden(not matches(words, item.text()))
