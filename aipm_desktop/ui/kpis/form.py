"""The detail form of one tracked KPI, on the shared :class:`RecordForm`.

Every field commits as the user leaves it, as one undoable
:class:`~aipm_desktop.ui.undo.UpdateRecordCommand`, after ``KpiBase`` accepted it; an
invalid value is explained under the field and nothing is written. The four numbers
(baseline, target, warning, critical) commit together when the focus leaves their row (or
on Return), so they can be typed in any order.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from ...models import Kpi
from ...models.enums import KpiDirection
from ...models.kpis import KpiBase
from ...services import usecases as usecases_service
from ...services.kpis import FREQUENCY_LABELS
from ..context import AppContext
from ..widgets.page_header import named_label
from ..widgets.record_form import FieldSpec, RecordForm, format_number, parse_number
from ..widgets.row_form import push_update, show_row

__all__ = ["DIRECTION_LABELS", "FREQUENCY_LABELS", "KpiForm", "format_number", "parse_number"]

DIRECTION_LABELS = {
    KpiDirection.HIGHER_IS_BETTER: "Higher is better",
    KpiDirection.LOWER_IS_BETTER: "Lower is better",
}
THRESHOLDS = ("baseline", "target", "warning", "critical")
EMPTY_TEXT = "Choose a KPI in the list to see and edit it here, or track one from the Catalog tab."
S_DEFINITION = "Definition"
S_THRESHOLDS = "Thresholds"
S_TRACKING = "Tracking"


def _labelled_combo(name: str, label: str, section: str, labels: dict[Any, str]) -> FieldSpec:
    """A combo whose stored values are the string form of the ``labels`` keys."""
    return FieldSpec(
        name,
        label,
        "combo",
        section=section,
        choices=tuple((str(value), text) for value, text in labels.items()),
    )


class KpiForm(RecordForm):
    """Every field of one KPI; edits are undoable commands on the context."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        fields = (
            FieldSpec("name", "Name", placeholder="What the KPI is called", section=S_DEFINITION),
            FieldSpec(
                "description",
                "Description",
                "text",
                placeholder="What it measures and how",
                section=S_DEFINITION,
            ),
            FieldSpec("unit", "Unit", placeholder="e.g. %, s, USD, per 1k", section=S_DEFINITION),
            _labelled_combo("direction", "Direction", S_DEFINITION, DIRECTION_LABELS),
            *(
                FieldSpec(
                    name,
                    name.capitalize(),
                    "number",
                    section=S_THRESHOLDS,
                    group="thresholds",
                    row="",
                )
                for name in THRESHOLDS
            ),
            _labelled_combo("frequency", "Frequency", S_TRACKING, FREQUENCY_LABELS),
            FieldSpec("owner", "Owner", placeholder="Who reports it", section=S_TRACKING),
            FieldSpec(
                "data_source",
                "Data source",
                placeholder="Where the number comes from",
                section=S_TRACKING,
            ),
            FieldSpec(
                "use_case_id", "Use case", "combo", section=S_TRACKING, choices=self._use_cases
            ),
        )
        super().__init__(fields, KpiBase, self._push, parent, empty_text=EMPTY_TEXT, name="kpiForm")
        self.body.setContentsMargins(4, 0, 8, 8)
        self.kpi_id: int | None = None
        self.lines: dict[str, QLineEdit] = {
            f.name: self.editors[f.name]  # type: ignore[misc]
            for f in fields
            if f.kind == "line"
        }
        self.description = self.editors["description"]
        self.threshold_edits: dict[str, QLineEdit] = {
            n: self.editors[n]  # type: ignore[misc]
            for n in THRESHOLDS
        }
        for edit in self.threshold_edits.values():
            edit.setPlaceholderText("—")
        self.direction_combo = self.editors["direction"]
        self.frequency_combo = self.editors["frequency"]
        self.use_case_combo = self.editors["use_case_id"]
        self.status_line = self.summary
        self.threshold_help = named_label("", "mutedLabel", wrap=True)
        self.insert_row(S_THRESHOLDS, "threshold_help", "", self.threshold_help, hint=False)

    def _use_cases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        choices: list[tuple[Any, str]] = [(None, "(none)")]
        if ws is not None:
            choices.extend(usecases_service.titles(ws=ws))
        return choices

    # -- loading --------------------------------------------------------------------------

    def load(self, kpi_id: int | None) -> None:
        """Show KPI ``kpi_id`` (None: the empty state)."""
        self.kpi_id = kpi_id
        self.reload(force=True)

    def reload(self, *, force: bool = False) -> None:
        """Read the KPI again (after a change); fields being typed in keep their text."""
        obj = show_row(self, self.ctx, Kpi, self.kpi_id, KpiBase, force=force)
        if obj is None:
            self.kpi_id = None
            return
        self.heading.setText(obj.name)
        self._update_threshold_help()

    def set_status_text(self, html: str) -> None:
        """The status / trend / latest line under the heading."""
        self.set_summary(html)

    def _update_threshold_help(self) -> None:
        lower = str((self.record or {}).get("direction")) == KpiDirection.LOWER_IS_BETTER
        if lower:
            text = "Lower is better: target ≤ warning ≤ critical."
        else:
            text = "Higher is better: target ≥ warning ≥ critical."
        self.threshold_help.setText(text + " Leave a threshold empty to skip it.")

    # -- committing -----------------------------------------------------------------------

    def _push(self, changed: dict[str, Any]) -> bool:
        return push_update(self.ctx, Kpi, self.kpi_id, changed, self)
