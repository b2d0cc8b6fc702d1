"""The Runbooks tab: a runbook per use case (or release) beside its editor.

Above the list: "New runbook", "Delete" (after asking) and "Export…" (Markdown or PDF,
written in the background). The editor's tabs: Runbook (title, use case, release, owner,
scope, safe-mode behaviour, notes), Escalation path, Rollback criteria (with their live
state, and "Open incident…" for a met one) and Communication (templates with a preview
filled from an incident). Every edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from ...errors import UserError
from ...models import Runbook
from ...models.runbooks import RunbookBase
from ...services import runbooks
from ...services import usecases as usecases_service
from ...services.incidents import workflow
from ...services.runbooks import RunbookInfo, editing
from ...services.runbooks.export import write_runbook
from ...store import Workspace
from ..context import AppContext
from ..tasks import Task, report_error
from ..widgets.builders import TAB_MARGINS, button, button_row, panel, tab_widget, vbox
from ..widgets.dialog_parts import ask_save_path, export_controls, file_stem, show_saved
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import local_action, named_label
from ..widgets.record_form import FieldSpec, in_section
from .edits import DeleteRunbookCommand, NewRunbookCommand, UpdateRunbookCommand
from .parts import (
    READ_ONLY_WHY,
    ListPlace,
    PaneForm,
    RecordPane,
    RecordsTab,
    ask_to_delete,
    who_am_i,
)
from .runbook_parts import ContactsPanel, CriteriaPanel
from .templates import TemplatesPanel

#: Where the runbook list sits (its settings name "runbooks").
LIST_PLACE = ListPlace("runbooks", "runbookList", (380, 780), 460, ("release", "owner"))
NEW_TITLE = "New runbook"
EXPORT_FILTERS = "PDF document (*.pdf);;Markdown (*.md)"
WATCHED = (
    "runbook",
    "runbook_contact",
    "rollback_criterion",
    "communication_template",
    "kpi",
    "kpi_snapshot",
    "use_case",
    "release",
    "incident",
)
TAB_RUNBOOK, TAB_CONTACTS, TAB_CRITERIA, TAB_TEMPLATES = range(4)
S_RUNBOOK = "Runbook"
S_SAFE = "Safe mode and notes"


class RunbookForm(PaneForm):
    """The fields of one runbook; each commits when the cursor leaves it (undoable)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        fields = (
            *in_section(
                S_RUNBOOK,
                FieldSpec("title", "Title", placeholder="e.g. Reply drafts: AI incident runbook"),
                FieldSpec("use_case_id", "Use case", "combo", choices=self._use_cases),
                FieldSpec("release_id", "Release", "combo", choices=self._releases),
                FieldSpec("owner", "Owner", placeholder="Who keeps it current"),
                FieldSpec("scope", "Scope", "text", placeholder="Which failures it covers"),
            ),
            *in_section(
                S_SAFE,
                FieldSpec(
                    "safe_mode",
                    "Safe mode",
                    "text",
                    placeholder="What the feature does in reduced-capability mode",
                    height=96,
                ),
                FieldSpec("notes", "Notes", "text"),
            ),
        )
        super().__init__(
            ctx, fields, Runbook, RunbookBase, UpdateRunbookCommand, parent, name="runbookForm"
        )

    def _use_cases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        return [(None, "(no use case)"), *(usecases_service.titles(ws=ws) if ws else [])]

    def _releases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        return [(None, "(no release)"), *(workflow.choices(ws=ws, kind="release") if ws else [])]


class RunbookEditor(RecordPane):
    """The shown runbook in four tabs (see the module docstring)."""

    info: RunbookInfo | None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="runbookEditor")
        self.heading = named_label("", "formHeading", wrap=True)
        self.form = RunbookForm(ctx)
        self.contacts = ContactsPanel(ctx)
        self.criteria = CriteriaPanel(ctx)
        self.templates = TemplatesPanel(ctx)
        self.tabs = tab_widget(
            "runbookTabs",
            (self.form, "Runbook"),
            (self.contacts, "Escalation path"),
            (self.criteria, "Rollback criteria"),
            (self.templates, "Communication"),
        )
        empty = named_label(
            "Choose a runbook in the list, or press \u201cNew runbook\u201d to write one.",
            "emptyState",
            wrap=True,
        )
        self.lay_out(panel(self.heading, (self.tabs, 1), spacing=6, margins=(6, 0, 0, 0)), empty)

    def read(self, ws: Workspace, record_id: int) -> RunbookInfo:
        return runbooks.get_runbook(ws=ws, runbook_id=record_id)

    def show_none(self) -> None:
        self.form.load(None)
        self.templates.show_runbook(None)

    def show_info(self, info: RunbookInfo) -> None:
        where = info.use_case or info.release
        self.heading.setText(f"{info.title}" + (f" \u2014 {where}" if where else ""))
        self.form.load(info.id)
        self.contacts.show_path(info)
        self.criteria.show_criteria(info.id, info.criteria)
        self.templates.show_runbook(info)
        met = sum(1 for r in self.criteria.model.rows if r.state == runbooks.MET)
        self.tabs.setTabText(TAB_CONTACTS, f"Escalation path ({len(info.contacts)})")
        self.tabs.setTabText(
            TAB_CRITERIA,
            f"Rollback criteria ({len(info.criteria)}{f' · {met} met' if met else ''})",
        )


class RunbooksTab(RecordsTab):
    """The runbooks beside the chosen one's editor (see the module docstring).

    Signals:
        incident_opened(int): an incident was opened from a met criterion (its id).
    """

    incident_opened = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="runbooksTab")
        self.confirm_box: QMessageBox | None = None
        self.export_task: Task | None = None
        self.editor = RunbookEditor(ctx)
        self.list_beside(self.editor, editing.runbook_list_spec(), LIST_PLACE)
        self.new_button = button("New runbook", self.new_runbook, name="newRunbookButton")
        self.delete_button = button("Delete", self.delete_runbook, name="deleteRunbookButton")
        self.export_button, self.status = export_controls(
            self.choose_export, name="exportRunbookButton", text="Export…"
        )
        self.status.setObjectName("runbookExportStatus")
        vbox(
            button_row(self.new_button, self.delete_button, self.export_button, self.status),
            (self.master, 1),
            margins=TAB_MARGINS,
            spacing=6,
            parent=self,
        )
        self.delete_action = local_action(
            self.list_pane, "Delete runbook", QKeySequence.StandardKey.Delete, self.delete_runbook
        )
        self.editor.criteria.incident_opened.connect(self.incident_opened)
        self.master.current_changed.connect(lambda _i: self.update_actions())
        self.watch(WATCHED)
        self.master.select_first()
        self.update_actions()

    # -- actions ----------------------------------------------------------------------------

    def new_runbook(self) -> int | None:
        """Add a runbook (for the chosen one's use case), choose it, focus its title."""
        if self.ctx.readonly:
            return None
        data: dict[str, Any] = {"title": NEW_TITLE, "owner": who_am_i(self.ctx)}
        if self.editor.info is not None and self.editor.info.use_case_id is not None:
            data["use_case_id"] = self.editor.info.use_case_id
        command = NewRunbookCommand(self.ctx, data)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.master.refresh()
        self.select(command.record_id)
        self.editor.tabs.setCurrentIndex(TAB_RUNBOOK)
        self.editor.form.focus_field("title")
        return command.record_id

    def delete_runbook(self) -> QMessageBox | None:
        """Ask, then delete the chosen runbook (undoable)."""
        return ask_to_delete(
            self,
            "runbook",
            self.editor.info,
            "Its escalation path, rollback criteria and templates go with it.",
            DeleteRunbookCommand,
        )

    def choose_export(self) -> Task | None:
        """Ask where to write the chosen runbook (PDF or Markdown), then write it."""
        info = self.editor.info
        if info is None:
            return None
        start = (
            Path(str(self.ctx.settings.last_directory()))
            / f"{file_stem(info.title, 'runbook')}.pdf"
        )
        path = ask_save_path(self, "Export runbook", start, EXPORT_FILTERS)
        return None if path is None else self.export_to(path)

    def export_to(self, out: Path) -> Task | None:
        """Write the chosen runbook to ``out`` (.pdf or .md) in the background."""
        info = self.editor.info
        if info is None:
            return None
        self.ctx.settings.set_last_directory(out.parent)
        self.export_button.setEnabled(False)
        self.status.setText(f"Exporting {out.name}…")
        task = self.ctx.tasks.run(write_runbook, info, out)
        task.finished.connect(self._on_export_task_finished)
        task.failed.connect(self._on_export_task_failed)
        self.export_task = task
        return task

    def _on_export_task_finished(self, path: object) -> None:
        self.export_task = None
        show_saved(self.status, Path(str(path)))
        self.update_actions()

    def _on_export_task_failed(self, error: BaseException) -> None:
        self.export_task = None
        self.status.setText("")
        self.update_actions()
        if isinstance(error, UserError):
            self.ctx.show_error(error)
        else:
            report_error(error)

    def update_actions(self) -> None:
        editable = not self.ctx.readonly
        chosen = self.editor.info is not None
        set_enabled_why(
            self.new_button, editable, "Write a runbook for a use case or a release", READ_ONLY_WHY
        )
        why = READ_ONLY_WHY if not editable else "Choose a runbook in the list first."
        set_enabled_why(
            self.delete_button,
            editable and chosen,
            "Delete the chosen runbook (Del in the list)",
            why,
        )
        self.delete_action.setEnabled(editable and chosen)
        set_enabled_why(
            self.export_button,
            chosen and self.export_task is None,
            "Save the chosen runbook as a PDF or Markdown file",
            "Choose a runbook in the list first." if not chosen else "Exporting…",
        )

    def _on_watched_changed(self) -> None:
        super()._on_watched_changed()
        self.update_actions()
