"""File ▸ Export report…: choose a report kind, use cases, sections (checked and ordered)
and options, see the outline as it will print, write it in a worker with progress, open
it when done, and save the choice as a named report.

Signals:
    exported(object): the path written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from ...errors import UserError
from ...services import reports
from ...services.reports import saved as saved_reports
from ..context import AppContext
from ..errors import show_user_error
from ..tasks import Task
from ..widgets.builders import button, button_row, hbox, vbox
from ..widgets.debounce import Debouncer
from ..widgets.dialog_parts import ask_save_path, dialog_heading, file_stem
from ..widgets.field_editors import DateInput
from ..widgets.page_header import named_label
from ..widgets.service_edits import call_command
from ..widgets.task_progress import TaskProgressDialog, close_progress, run_with_progress

CHECKED = Qt.CheckState.Checked
UNCHECKED = Qt.CheckState.Unchecked
USER = Qt.ItemDataRole.UserRole
#: What the export writes, by suffix (the renderers registered in the services).
FORMAT_NAMES = {
    ".pdf": "PDF document",
    ".html": "HTML page",
    ".json": "JSON data",
    ".docx": "Word document",
    ".pptx": "PowerPoint deck",
}
#: What a model card is written as, by suffix.
CARD_FORMAT_NAMES = {".md": "Model card, Markdown", ".json": "CycloneDX ML-BOM"}


def _filters(kind: str) -> str:
    names = CARD_FORMAT_NAMES if kind == reports.MODEL_CARD else FORMAT_NAMES
    suffixes = tuple(names) if kind == reports.MODEL_CARD else tuple(reports.RENDERERS)
    return ";;".join(f"{names.get(suffix, suffix[1:].upper())} (*{suffix})" for suffix in suffixes)


def write_report(
    *, ws: object, options: reports.ReportOptions, out: Path, progress: object
) -> Path:
    """The worker: build and write the report (no widget touched here)."""
    return reports.export_report(
        ws=ws,  # type: ignore[arg-type]
        options=options,
        out=out,
        progress=lambda done, total, _label: progress(done, total),  # type: ignore[operator]
    )


def outline_of(*, ws: object, options: reports.ReportOptions) -> list[tuple[int, str]]:
    """The worker of the live outline: the report's sections and headings (a model
    card's headings), in order (charts are not drawn to build it)."""
    return reports.outline(ws=ws, options=options)  # type: ignore[arg-type]


class ExportReportDialog(QDialog):
    """See the module docstring."""

    exported = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ws = ctx.require_workspace()
        self.setObjectName("exportReportDialog")
        self.setWindowTitle("Export report")
        self.progress: TaskProgressDialog | None = None
        self.outline_task: Task | None = None
        self._outline_later = Debouncer(self, 250, self._start_outline)
        self.last_written: Path | None = None
        heading, intro = dialog_heading(
            "Export report",
            "A client-ready report of this workspace. Leave every use case unchecked for "
            "the whole portfolio; drag sections (or use Up and Down) to reorder them.",
        )
        self.kind_combo = QComboBox(objectName="reportKind")
        for kind in reports.KINDS.values():
            self.kind_combo.addItem(kind.title, kind.key)
        self.saved_combo = QComboBox(objectName="savedReports")
        self.use_case_list = QListWidget(objectName="reportUseCases")
        for use_case_id, title in _titles(self.ws):
            item = QListWidgetItem(title)
            item.setData(USER, use_case_id)
            item.setCheckState(UNCHECKED)
            self.use_case_list.addItem(item)
        self.section_list = QListWidget(objectName="reportSections")
        self.section_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.up_button = button("Up", self._on_up_button_clicked, name="sectionUp")
        self.down_button = button("Down", self._on_down_button_clicked, name="sectionDown")
        self.outline = QListWidget(objectName="reportOutline")
        self.outline.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.outline.setWordWrap(True)
        self.client_safe = QCheckBox(
            "Client-safe (leave out internal notes)", objectName="clientSafe"
        )
        self.hide_names = QCheckBox("Withhold people's names", objectName="hideNames")
        self.page_size = QComboBox(objectName="pageSize")
        self.page_size.addItem("A4", "a4")
        self.page_size.addItem("US Letter", "letter")
        # Unset: the report is dated the day it is written (a saved report too).
        self.as_of = DateInput("Fixed date")
        self.as_of.setObjectName("asOf")
        self.open_when_done = QCheckBox("Open when done", objectName="openWhenDone")
        self.open_when_done.setChecked(True)
        self.status = named_label("", "mutedLabel", wrap=True)
        self.save_button = button(
            "Save as named report…", self._on_save_button_clicked, name="saveReport"
        )
        self.export_button = button("Export…", self._on_export_button_clicked, name="exportReport")
        self.export_button.setDefault(True)

        options = QFormLayout()
        options.addRow("Report", self.kind_combo)
        options.addRow("Page size", self.page_size)
        options.addRow("As of", self.as_of)
        options.addRow("", vbox(self.client_safe, self.hide_names))
        grid = QGridLayout()
        grid.addLayout(options, 0, 0)
        grid.addWidget(QLabel("Use cases"), 1, 0)
        grid.addWidget(self.use_case_list, 2, 0)
        grid.addWidget(QLabel("Sections"), 0, 1, Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self.section_list, 1, 1, 2, 1)
        grid.addLayout(button_row(self.up_button, self.down_button), 3, 1)
        grid.addWidget(QLabel("Outline"), 0, 2, Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self.outline, 1, 2, 3, 1)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        vbox(
            heading,
            intro,
            (grid, 1),
            self.status,
            hbox(QLabel("Saved reports"), self.saved_combo, self.save_button, 1,
                 self.open_when_done, self.export_button, button("Close", self.reject)),
            parent=self,
        )  # fmt: skip

        self._fill_saved()
        self._fill_sections()
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_current_index_changed)
        self.saved_combo.activated.connect(self._on_saved_combo_activated)
        self.section_list.itemChanged.connect(self._on_any_choice_changed)
        self.section_list.model().rowsMoved.connect(self._on_any_choice_changed)
        self.use_case_list.itemChanged.connect(self._on_any_choice_changed)
        self.resize(1000, 560)
        self.refresh_outline()

    # -- the choice -------------------------------------------------------------------------

    def _fill_saved(self) -> None:
        self.saved_combo.clear()
        self.saved_combo.addItem("(choose to load)", "")
        for info in saved_reports.saved_reports(ws=self.ws):
            self.saved_combo.addItem(info.name, info.name)

    def _fill_sections(self, chosen: tuple[str, ...] = ()) -> None:
        kind = reports.kind_of(str(self.kind_combo.currentData()))
        default = list(kind.sections)
        order = list(chosen) + [k for k in default if k not in chosen]
        others = [k for k in reports.SECTIONS if k not in order and _fits(kind.key, k)]
        self.section_list.blockSignals(True)
        self.section_list.clear()
        for key in [*order, *others]:
            item = QListWidgetItem(reports.SECTIONS[key][0])
            item.setData(USER, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            wanted = key in chosen if chosen else key in default
            item.setCheckState(CHECKED if wanted else UNCHECKED)
            self.section_list.addItem(item)
        card = kind.key == reports.MODEL_CARD
        if card:  # a card's parts are fixed: say so rather than show an empty list
            note = QListWidgetItem("A model card has fixed parts: see the outline.")
            note.setFlags(Qt.ItemFlag.NoItemFlags)
            self.section_list.addItem(note)
        for widget in (self.section_list, self.up_button, self.down_button):
            widget.setEnabled(not card)
        self.section_list.blockSignals(False)

    def options(self) -> reports.ReportOptions:
        """The options the dialog shows now."""
        sections = tuple(
            str(item.data(USER))
            for item in _items(self.section_list)
            if item.checkState() == CHECKED
        )
        use_cases = tuple(
            str(item.data(USER))
            for item in _items(self.use_case_list)
            if item.checkState() == CHECKED
        )
        return reports.ReportOptions(
            kind=str(self.kind_combo.currentData()),
            use_cases=use_cases,
            sections=sections,
            client_safe=self.client_safe.isChecked(),
            hide_names=self.hide_names.isChecked(),
            as_of=self.as_of.value(),  # type: ignore[arg-type]
            page_size=str(self.page_size.currentData()),
        )

    def load(self, options: reports.ReportOptions) -> None:
        """Show ``options`` (a saved report's)."""
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(options.kind)))
        self.kind_combo.blockSignals(False)
        self._fill_sections(options.sections)
        wanted = set(options.use_cases)
        self.use_case_list.blockSignals(True)
        for item in _items(self.use_case_list):
            hit = str(item.data(USER)) in wanted or item.text() in wanted
            item.setCheckState(CHECKED if hit else UNCHECKED)
        self.use_case_list.blockSignals(False)
        self.client_safe.setChecked(options.client_safe)
        self.hide_names.setChecked(options.hide_names)
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(options.page_size)))
        self.as_of.set_value(options.as_of)
        self.refresh_outline()

    def refresh_outline(self) -> None:
        """Ask for the outline of the report as chosen now (built in a worker a moment
        after the last change: its sections and headings as they will print)."""
        options = self.options()
        names = [i.text() for i in _items(self.use_case_list) if i.checkState() == CHECKED]
        scope = (
            "the whole portfolio"
            if not names
            else f"{len(names)} use case{'s' if len(names) > 1 else ''}"
        )
        if options.kind == reports.MODEL_CARD:
            self.export_button.setEnabled(len(names) == 1)
            self.status.setText(
                f"Model card of {names[0]}: Markdown (.md) or CycloneDX ML-BOM (.json)."
                if len(names) == 1
                else f"A model card is of one use case: check one ({scope} checked)."
            )
            if len(names) != 1:
                self._outline_later.stop()
                self.outline_task = None  # a late outline of an older choice is dropped
                self.outline.clear()
                self.outline.addItem("(check one use case to see its model card)")
                return
        else:
            self.export_button.setEnabled(bool(options.sections))
            self.status.setText(f"{len(options.sections)} sections, {scope}.")
        self._outline_later.request()

    def _start_outline(self) -> Task:
        self.outline_task = task = self.ctx.tasks.run(
            outline_of, ws=self.ws, options=self.options()
        )
        task.finished.connect(self._on_outline_task_finished)
        task.failed.connect(self._on_outline_task_failed)
        return task

    def _on_outline_task_finished(self, outline: object) -> None:
        if self.sender() is not self.outline_task:
            return  # an older choice
        self.outline_task = None
        self.outline.clear()
        for level, text in outline:  # type: ignore[attr-defined]
            self.outline.addItem("    " * level + text)
        if not self.outline.count():
            self.outline.addItem("(nothing to report for this choice)")

    def _on_outline_task_failed(self, error: object) -> None:
        if self.sender() is not self.outline_task:
            return
        self.outline_task = None
        self.outline.clear()
        if not isinstance(error, UserError):
            from ..tasks import report_error

            report_error(error)  # type: ignore[arg-type]
            return
        self.outline.addItem(str(error))

    # -- slots ------------------------------------------------------------------------------

    def _on_kind_combo_current_index_changed(self, _index: int) -> None:
        self._fill_sections()
        self.refresh_outline()

    def _on_saved_combo_activated(self, _index: int) -> None:
        name = str(self.saved_combo.currentData() or "")
        if name:
            self.load(saved_reports.find_saved(ws=self.ws, name=name).options)

    def _on_any_choice_changed(self, *_args: object) -> None:
        self.refresh_outline()

    def _move(self, step: int) -> None:
        row = self.section_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.section_list.count():
            return
        item = self.section_list.takeItem(row)
        self.section_list.insertItem(target, item)
        self.section_list.setCurrentRow(target)
        self.refresh_outline()

    def _on_up_button_clicked(self) -> None:
        self._move(-1)

    def _on_down_button_clicked(self) -> None:
        self._move(1)

    def _on_save_button_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Save report", "Name of the saved report:")
        if ok and name.strip():
            self.save_as(name)

    def save_as(self, name: str) -> bool:
        """Save the options shown as the named report ``name`` (one undo step)."""
        command = call_command(
            self.ctx,
            f"Save report {name.strip()}",
            saved_reports.save_report,
            {"name": name, "options": self.options()},
        )
        if not self.ctx.run_edit(command):
            return False
        self._fill_saved()
        self.saved_combo.setCurrentIndex(max(0, self.saved_combo.findData(name.strip())))
        self.status.setText(f"Saved as “{name.strip()}”.")
        return True

    def _on_export_button_clicked(self) -> None:
        kind = str(self.kind_combo.currentData())
        suffix = ".md" if kind == reports.MODEL_CARD else ".pdf"
        start = Path(str(self.ctx.settings.last_directory())) / (
            file_stem(self.kind_combo.currentText(), "report") + suffix
        )
        path = ask_save_path(self, "Export report", start, _filters(kind))
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the report to ``path`` in a worker, with a progress dialog."""
        try:
            options = self.options()
            reports.section_keys(options)
        except UserError as error:
            show_user_error(self, error)
            return
        task = self.ctx.tasks.run(
            write_report, ws=self.ws, options=options, out=path, progress=True
        )
        self.export_button.setEnabled(False)
        self.status.setText(f"Writing {path.name}…")
        self.progress = run_with_progress(
            task,
            "Building the report…",
            self,
            self._on_export_task_finished,
            self._on_export_task_failed,
            title="Export report",
            name="reportProgress",
        )

    def _on_export_task_finished(self, written: object) -> None:
        close_progress(self.progress)
        self.progress = None
        self.export_button.setEnabled(True)
        path = Path(str(written))
        self.last_written = path
        self.status.setText(f"Saved {path}")
        self.exported.emit(path)
        if self.open_when_done.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _on_export_task_failed(self, error: object) -> None:
        from ..widgets.task_progress import show_task_error

        close_progress(self.progress)
        self.progress = None
        self.export_button.setEnabled(True)
        self.status.setText("The report was not written.")
        show_task_error(self, error)


def _fits(kind: str, key: str) -> bool:
    """Whether section ``key`` can be added to a report of ``kind`` (the RAI sections
    belong to the pack; the others to the portfolio reports; controls and the appendix
    to both; a model card has none)."""
    if kind == reports.MODEL_CARD:
        return False
    return (key in ("rai", "appendix")) == (kind == "rai-pack") or key in ("appendix", "controls")


def _items(widget: QListWidget) -> list[QListWidgetItem]:
    return [widget.item(row) for row in range(widget.count())]


def _titles(ws: object) -> list[tuple[int, str]]:
    from ...services import usecases

    return usecases.titles(ws=ws)  # type: ignore[arg-type]
