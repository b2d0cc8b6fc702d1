"""The Audit trail: the hash-chained change log, filtered by who, what kind of record,
days (UTC) and words; Verify recomputes the chain and the evidence files' SHA-256 in the
background and says "chain verified" or where it is broken; Export writes what is shown
to CSV or XLSX."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QDateEdit, QWidget

from ...errors import UserError
from ...services import audit
from ...services.changes import Changes
from ..context import AppContext
from ..tasks import Task, report_error
from ..widgets.builders import button, hbox, labelled_row, vbox
from ..widgets.combos import filter_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import ask_save_path, show_saved
from ..widgets.field_editors import date_display_format
from ..widgets.lazy_table import ListPane
from ..widgets.page_header import named_label, page_header
from ..widgets.refresh import RefreshWhenShown

#: The earliest day a date filter offers; showing it means "no bound".
NO_BOUND = QDate(2000, 1, 1)
EXPORT_FILTERS = "CSV file (*.csv);;Excel workbook (*.xlsx)"
VERIFY_TIP = (
    "Recompute the change log's hash chain and every evidence file's SHA-256: an entry "
    "edited, removed or added outside the app is found and named"
)


def _date_edit(name: str, caption: str) -> QDateEdit:
    edit = QDateEdit(NO_BOUND)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_display_format())
    edit.setMinimumDate(NO_BOUND)
    edit.setSpecialValueText(caption)
    edit.setToolTip("A day in UTC; the first day offered means no bound")
    return edit


def _day(edit: QDateEdit) -> dt.date | None:
    value = edit.date()
    return None if value == NO_BOUND else dt.date(value.year(), value.month(), value.day())


def _kind_text(kind: str) -> str:
    text = kind.replace("_", " ")
    return text[:1].upper() + text[1:]


class AuditPage(RefreshWhenShown, ContextWidget):
    """The change log as a filterable list, with Verify and Export.

    ``verify_task`` / ``export_task`` hold the running background work (None when idle).

    Signals:
        current_entity_changed(): another entry is chosen (:meth:`current_entity`).
    """

    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="auditPage")
        self.verify_task: Task | None = None
        self.export_task: Task | None = None
        self.verify_button = button("Verify chain", self._on_verify_clicked, name="verifyButton")
        self.verify_button.setToolTip(VERIFY_TIP)
        self.export_button = button("Export…", self._on_export_clicked, name="exportButton")
        self.export_button.setToolTip("Write the entries shown to a CSV or XLSX file")
        header = page_header(
            "Audit trail",
            "Every change recorded in this workspace, each entry sealed with a hash chained "
            "over the one before: an edit made outside the app breaks the chain.",
            [self.verify_button, self.export_button],
        )
        self.actor_combo = filter_combo("Anyone")
        self.actor_combo.setObjectName("actorCombo")
        self.entity_combo = filter_combo("Any record")
        self.entity_combo.setObjectName("entityCombo")
        self.since_edit = _date_edit("sinceEdit", "Any day")
        self.until_edit = _date_edit("untilEdit", "Any day")
        for combo in (self.actor_combo, self.entity_combo):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        for edit in (self.since_edit, self.until_edit):
            edit.dateChanged.connect(self._on_filter_changed)
        self.clear_button = button("Clear filters", self._on_clear_clicked, name="clearButton")
        filters = labelled_row(
            [
                ("Who", self.actor_combo),
                ("Record", self.entity_combo),
                ("From", self.since_edit),
                ("To", self.until_edit),
            ],
            label_name="formLabel",
        )
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        self.status = named_label("Not verified yet in this session.", "mutedLabel", wrap=True)
        self.status.setObjectName("verifyStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved = named_label("", "mutedLabel")
        self.pane = ListPane(audit.audit_list_spec(), ctx.workspace, self)
        self.pane.setObjectName("auditList")
        self.pane.current_changed.connect(lambda _id: self.current_entity_changed.emit())
        body = vbox(
            filters,
            hbox((self.status, 1), self.saved),
            (self.pane, 1),
            margins=(24, 8, 24, 16),
            spacing=8,
        )
        vbox(header, (body, 1), parent=self, margins=(0, 0, 0, 0), spacing=0)
        ctx.changed.connect(self._on_ctx_changed)
        self._fill_choices()

    # -- reading ---------------------------------------------------------------------------

    def current_entity(self) -> tuple[str, int] | None:
        """The record the chosen entry is about, for the Related panel."""
        ws, entry_id = self.ctx.workspace, self.pane.current_id()
        if ws is None or entry_id is None:
            return None
        return audit.subject_of(ws=ws, entry_id=entry_id)

    def refresh(self) -> None:
        """Read the entries (and the people and kinds to filter by) again."""
        if self.begin_refresh() is None:
            return
        self._fill_choices()
        self.pane.refresh()

    def _fill_choices(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        for combo, values, text in (
            (self.actor_combo, audit.actors(ws=ws), str),
            (self.entity_combo, audit.entity_kinds(ws=ws), _kind_text),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(text(value), value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def log_filter(self) -> audit.LogFilter:
        """The entries chosen now (the list and an export show the same)."""
        return audit.LogFilter(
            actor=self.actor_combo.currentData(),
            entity=self.entity_combo.currentData(),
            since=_day(self.since_edit),
            until=_day(self.until_edit),
            text=self.pane.filter_box.filter_text,
        )

    def _on_filter_changed(self, *_args: object) -> None:
        # the words are the list's own text filter; the rest narrows its spec
        where = dataclasses.replace(self.log_filter(), text="")
        try:
            conditions = where.conditions()
        except UserError as error:
            self._show_status(str(error), ok=False)
            return
        self.pane.model.set_spec(audit.audit_list_spec().with_where(*conditions))

    def _on_clear_clicked(self) -> None:
        for widget in (self.actor_combo, self.entity_combo):
            widget.setCurrentIndex(0)
        for edit in (self.since_edit, self.until_edit):
            edit.setDate(NO_BOUND)
        self.pane.filter_box.clear()
        self.pane.filter_box.flush()

    def _on_ctx_changed(self, _changes: Changes) -> None:
        self.invalidate()

    # -- background work: verify and export -------------------------------------------

    def _start(self, name: str, fn: Callable[..., object], **kwargs: object) -> Task:
        """Run ``fn`` for the ``name`` button (verify, export) in the background; the
        button is off until it is over."""
        getattr(self, f"{name}_button").setEnabled(False)
        task = self.ctx.tasks.run(fn, **kwargs)
        task.finished.connect(getattr(self, f"_on_{name}_task_finished"))
        task.failed.connect(lambda error: self._on_task_failed(name, error))
        setattr(self, f"{name}_task", task)
        return task

    def _over(self, name: str) -> None:
        setattr(self, f"{name}_task", None)
        getattr(self, f"{name}_button").setEnabled(True)

    def _on_task_failed(self, name: str, error: BaseException) -> None:
        self._over(name)
        (self.saved if name == "export" else self.status).setText("")
        if isinstance(error, UserError):
            self.ctx.show_error(error)
        else:
            report_error(error)

    def _on_verify_clicked(self) -> Task | None:
        return self.verify()

    def verify(self) -> Task | None:
        """Recompute the chain and the evidence hashes in the background."""
        ws = self.ctx.workspace
        if ws is None or self.verify_task is not None:
            return None
        self._show_status("Verifying the change log and the evidence files…", ok=True)
        return self._start("verify", audit.verify, ws=ws)

    def _on_verify_task_finished(self, report: object) -> None:
        self._over("verify")
        assert isinstance(report, audit.AuditReport)
        if report.broken is None:
            lines = [f"Chain verified: {report.entries:,} entries. Head hash {report.head}"]
        else:
            lines = [f"Chain broken at {report.broken_text}"]
        if report.evidence_problems:
            lines += [f"Evidence: {p}" for p in report.evidence_problems]
        else:
            lines.append("Every evidence file matches its SHA-256.")
        self._show_status("\n".join(lines), ok=report.ok)

    def _show_status(self, text: str, *, ok: bool) -> None:
        self.status.setObjectName("verifyStatus" if ok else "verifyStatusBroken")
        self.status.setStyleSheet("" if ok else "color: #c62828;")
        self.status.setText(text)

    def _on_export_clicked(self) -> Task | None:
        start = Path(str(self.ctx.settings.last_directory())) / "audit-log.csv"
        path = ask_save_path(self, "Export audit log", start, EXPORT_FILTERS)
        return None if path is None else self.export_to(path)

    def export_to(self, out: Path) -> Task | None:
        """Write the entries the filters choose to ``out`` (.csv or .xlsx) in the background."""
        ws = self.ctx.workspace
        if ws is None or self.export_task is not None:
            return None
        self.ctx.settings.set_last_directory(out.parent)
        self.saved.setText(f"Exporting {out.name}…")
        return self._start("export", audit.export_log, ws=ws, out=out, where=self.log_filter())

    def _on_export_task_finished(self, path: object) -> None:
        self._over("export")
        show_saved(self.saved, Path(str(path)))
