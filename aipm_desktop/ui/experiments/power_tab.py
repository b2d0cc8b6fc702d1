"""The Power tab: sample size and duration, recomputed as the user types.

Inputs: the baseline (a rate in percent, or a mean and its standard deviation), the
minimum detectable effect (in points / the mean's units, or relative to the baseline),
the two-sided significance level and the power (in percent), the correction over several
treatments and the eligible units a day. The allocation ratio and the number of
treatments come from the variants (Design tab). Every keystroke restarts a short pause
(:class:`~aipm_desktop.ui.widgets.debounce.Debouncer`); then the plan is computed from what
is on screen (``plan_proportion`` / ``plan_mean``): the sample size per arm and in total,
the days and weeks at the traffic, and the plan's sentence (which says when the MDE
cannot be reached in a year). Underneath: the inverse (a number of days -> the effect it
detects) and the curve of the detectable effect against the duration.

Leaving a field (or Return) stores it as one undo step, after ``ExperimentBase`` and the
core accepted it; a refusal is shown under the inputs and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pydantic
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ...errors import ValidationError
from ...models.experiments import Experiment, ExperimentBase
from ...services import experiments
from ...services.experiments import ExperimentDetail, Plan
from ..context import AppContext
from ..widgets.builders import card_layout, hbox, page_content, panel, scrolled_or_empty
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.context_widgets import ContextWidget
from ..widgets.debounce import Debouncer
from ..widgets.field_editors import FIELD_HEIGHT, parse_number
from ..widgets.form_hints import validation_text
from ..widgets.page_header import named_label
from ..widgets.versioned import guard_edit, handed_over
from .edits import UpdateExperimentCommand
from .figures import figure, share_text
from .power_chart import CurveData, draw_mde_curve

EMPTY_TEXT = "Choose an experiment in the list to plan its sample size and duration."
#: The pause after the last keystroke before the plan is computed again (ms).
TYPING_PAUSE = 150
KEPT = " Not saved: correct it, or press Esc for the stored value."
CORRECTIONS = (("holm", "Holm"), ("bonferroni", "Bonferroni"), ("none", "None"))
FIELD_LABELS = {
    "baseline": "Baseline",
    "sd": "Standard deviation",
    "mde": "Minimum effect (MDE)",
    "alpha": "Significance level",
    "power": "Power",
    "daily_units": "Eligible units a day",
}
CURVE_POINTS = 80
#: The inputs that describe the test (shared by the plan, the inverse and the curve).
TEST_SETTINGS = ("alpha", "power", "ratio", "treatments", "correction")


@dataclass(frozen=True)
class Inputs:
    """The planning inputs on screen, as stored (shares, not percent)."""

    kind: str
    baseline: float | None
    sd: float | None
    mde: float | None
    relative: bool
    alpha: float | None
    power: float | None
    correction: str
    daily: float | None
    ratio: float
    treatments: int

    def common(self) -> dict[str, Any]:
        """The test's settings, as the planning functions take them."""
        return {name: getattr(self, name) for name in TEST_SETTINGS}


def _text(value: float | None, scale: float) -> str:
    return "" if value is None else f"{round(value * scale, 10):g}"


class PowerTab(ContextWidget):
    """The planner of the shown experiment (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="powerTab")
        self.info: ExperimentDetail | None = None
        self.plan: Plan | None = None
        self.inputs: Inputs | None = None
        self.edits: dict[str, QLineEdit] = {}
        self.units: dict[str, QLabel] = {}
        self._loading = False
        self.debouncer = Debouncer(self, TYPING_PAUSE, self.recompute)

        content, body = page_content((4, 4, 12, 12), 8)
        self.metric_label = named_label("", "mutedLabel", wrap=True)
        self.metric_label.setObjectName("powerMetric")
        self.metric_label.setTextFormat(Qt.TextFormat.PlainText)
        body.addWidget(self.metric_label)
        card, grid = card_layout(QGridLayout, (14, 12, 14, 12), h_spacing=8, v_spacing=6)
        self._grid = grid
        self._row: dict[str, int] = {}
        for key in ("baseline", "sd", "mde", "alpha", "power", "daily_units"):
            self._add_input(key)
        self.relative_combo = QComboBox()
        self.relative_combo.setObjectName("mdeRelativeCombo")
        self.relative_combo.activated.connect(self._on_relative_combo_activated)
        grid.addWidget(self.relative_combo, self._row["mde"], 2)
        self.correction_combo = QComboBox()
        self.correction_combo.setObjectName("correctionCombo")
        for value, label in CORRECTIONS:
            self.correction_combo.addItem(label, value)
        self.correction_combo.setToolTip(
            "How several treatments share the significance level (each is compared with "
            "the control)"
        )
        self.correction_combo.activated.connect(self._on_correction_combo_activated)
        row = grid.rowCount()
        grid.addWidget(self._label("Correction"), row, 0)
        grid.addWidget(self.correction_combo, row, 1)
        self.weeks_check = QCheckBox("Whole weeks (weekday effects)")
        self.weeks_check.setObjectName("weeksCheck")
        self.weeks_check.setToolTip("Round the duration up to whole weeks")
        self.weeks_check.setChecked(True)
        self.weeks_check.toggled.connect(lambda _c: self.recompute())
        grid.addWidget(self.weeks_check, row + 1, 1, 1, 2)
        self.allocation = named_label("", "mutedLabel", wrap=True)
        self.allocation.setObjectName("powerAllocation")
        grid.addWidget(self.allocation, row + 2, 0, 1, 3)
        self.hint = named_label("", "errorHint", wrap=True)
        self.hint.setObjectName("powerHint")
        self.hint.setVisible(False)
        grid.addWidget(self.hint, row + 3, 0, 1, 3)
        grid.setColumnStretch(2, 1)

        out_card, out_grid = card_layout(QGridLayout, (14, 12, 14, 12), h_spacing=12, v_spacing=4)
        self.figures: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate(
            (
                ("control", "Control arm"),
                ("treatment", "Each treatment"),
                ("total", "In all"),
                ("days", "Days needed"),
                ("weeks", "Run for"),
            )
        ):
            out_grid.addWidget(named_label(caption, "cardLabel"), row, 0)
            value = QLabel("-")
            value.setObjectName(f"{key}Figure")
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.35)
            font.setWeight(QFont.Weight.DemiBold)
            value.setFont(font)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            out_grid.addWidget(value, row, 1)
            self.figures[key] = value
        self.message = named_label("", "hintBox", wrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        out_grid.addWidget(self.message, 5, 0, 1, 2)
        out_grid.setColumnStretch(1, 1)
        out_grid.setRowStretch(6, 1)
        body.addLayout(
            hbox(
                (panel(named_label("Inputs", "sectionTitle"), card, spacing=8), 3),
                (panel(named_label("Sample size", "sectionTitle"), (out_card, 1), spacing=8), 2),
                spacing=12,
            )
        )

        body.addWidget(named_label("The other way round", "sectionTitle"))
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("inverseDays")
        self.days_spin.setRange(1, 3650)
        self.days_spin.setValue(28)
        self.days_spin.setSuffix(" days")
        self.days_spin.setMinimumHeight(FIELD_HEIGHT)
        self.days_spin.valueChanged.connect(self._on_days_spin_value_changed)
        self.inverse = named_label("", "mutedLabel", wrap=True)
        self.inverse.setObjectName("inverseText")
        self.inverse.setTextFormat(Qt.TextFormat.PlainText)
        body.addLayout(
            hbox(named_label("Run for", "formLabel"), self.days_spin, (self.inverse, 1), spacing=8)
        )
        self.chart = ChartCanvas()
        self.chart.setObjectName("mdeChart")
        self.chart.setMinimumHeight(260)
        self.chart.setMaximumHeight(380)
        body.addWidget(self.chart)
        body.addStretch(1)
        self.stack, self.scroll, self.empty = scrolled_or_empty(
            self, content, EMPTY_TEXT, scroll_name="powerScroll"
        )
        self._days_touched = False

    # -- building -------------------------------------------------------------------------

    def _label(self, text: str) -> QLabel:
        label = named_label(text, "formLabel")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumHeight(FIELD_HEIGHT)
        return label

    def _add_input(self, key: str) -> None:
        grid = self._grid
        row = grid.rowCount()
        self._row[key] = row
        edit = QLineEdit()
        edit.setObjectName(f"{key}Input")
        edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        edit.setMinimumHeight(FIELD_HEIGHT)
        edit.setMaximumWidth(120)
        edit.textEdited.connect(lambda _t: self.debouncer.start())
        edit.editingFinished.connect(lambda k=key: self._on_input_editing_finished(k))
        edit.returnPressed.connect(self.recompute)
        unit = named_label("", "mutedLabel")
        grid.addWidget(self._label(FIELD_LABELS[key]), row, 0)
        grid.addWidget(edit, row, 1)
        if key != "mde":
            grid.addWidget(unit, row, 2)
        self.edits[key] = edit
        self.units[key] = unit

    def _set_row_visible(self, key: str, visible: bool) -> None:
        row = self._row[key]
        for column in range(self._grid.columnCount()):
            item = self._grid.itemAtPosition(row, column)
            if item is not None and item.widget() is not None:
                item.widget().setVisible(visible)

    # -- scales ---------------------------------------------------------------------------

    def scale(self, key: str, kind: str | None = None, relative: bool | None = None) -> float:
        """Typed units per stored unit of input ``key`` (percent for shares)."""
        kind = kind or (self.info.primary_kind if self.info is not None else "proportion")
        if key in ("alpha", "power"):
            return 100.0
        if key == "baseline":
            return 100.0 if kind == "proportion" else 1.0
        if key == "mde":
            if relative is None:
                relative = bool(self.relative_combo.currentData())
            return 100.0 if relative or kind == "proportion" else 1.0
        return 1.0

    # -- loading --------------------------------------------------------------------------

    def load(self, info: ExperimentDetail | None, *, force: bool = False) -> None:
        """Show the planning inputs of ``info`` (None: the empty state); a field being
        typed in keeps its text unless ``force`` (another experiment)."""
        if force:
            self._days_touched = False
            self.hint.setVisible(False)
        self.info = info
        if info is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        proportion = info.primary_kind == "proportion"
        better = "higher" if info.primary_higher_is_better else "lower"
        kind = "conversion rate" if proportion else "mean per unit"
        name = info.primary_metric or "(no primary metric named yet)"
        self.metric_label.setText(f"Primary metric: {name} · {kind}, {better} is better")
        self._loading = True
        try:
            self.relative_combo.clear()
            self.relative_combo.addItem("points" if proportion else "units", False)
            self.relative_combo.addItem("% relative", True)
            self.relative_combo.setCurrentIndex(1 if info.mde_relative else 0)
            self.correction_combo.setCurrentIndex(
                max(self.correction_combo.findData(info.correction), 0)
            )
            values = {
                "baseline": info.baseline,
                "sd": info.sd,
                "mde": info.mde,
                "alpha": info.alpha,
                "power": info.power,
                "daily_units": info.daily_units,
            }
            for key, value in values.items():
                edit = self.edits[key]
                if force or not (edit.hasFocus() and edit.isModified()):
                    edit.setText(_text(value, self.scale(key)))
                    edit.setModified(False)
                edit.setReadOnly(self.ctx.readonly)
        finally:
            self._loading = False
        self.units["baseline"].setText("% of units convert" if proportion else "mean per unit")
        self.units["sd"].setText("per unit")
        self.units["alpha"].setText("% two-sided")
        self.units["power"].setText("%")
        self.units["daily_units"].setText("all arms together")
        self.units["mde"].setText("")
        examples = {
            "baseline": "e.g. 12" if proportion else "e.g. 3.9",
            "sd": "e.g. 1.1",
            "mde": "e.g. 2" if proportion else "e.g. 0.1",
            "daily_units": "e.g. 5000",
        }
        for key, text in examples.items():
            self.edits[key].setPlaceholderText(text)
        self._set_row_visible("sd", not proportion)
        self.relative_combo.setEnabled(not self.ctx.readonly)
        self.correction_combo.setEnabled(not self.ctx.readonly)
        self.recompute()

    # -- the plan -------------------------------------------------------------------------

    def screen_inputs(self) -> tuple[Inputs | None, str]:
        """The inputs on screen, or None and what is wrong with them."""
        info = self.info
        if info is None:
            return None, ""
        values: dict[str, float | None] = {}
        for key, edit in self.edits.items():
            try:
                number = parse_number(edit.text())
            except ValueError:
                return None, f"{FIELD_LABELS[key]} must be a number, e.g. 12 or 0.5."
            values[key] = None if number is None else number / self.scale(key)
        if len(info.variants) < 2:
            return None, "Add a control and a treatment (Design tab) to plan the sample size."
        control = info.variants[0]
        ratio = info.treatments[0].weight / control.weight
        return (
            Inputs(
                kind=info.primary_kind,
                baseline=values["baseline"],
                sd=values["sd"],
                mde=values["mde"],
                relative=bool(self.relative_combo.currentData()),
                alpha=values["alpha"],
                power=values["power"],
                correction=str(self.correction_combo.currentData()),
                daily=values["daily_units"],
                ratio=ratio,
                treatments=len(info.treatments),
            ),
            "",
        )

    def recompute(self) -> Plan | None:
        """Compute the plan from the screen and show it (see the module docstring)."""
        self.debouncer.stop()
        inputs, problem = self.screen_inputs()
        self.inputs = inputs
        self.plan = None
        self._show_allocation()
        if inputs is not None:
            problem = self._missing(inputs)
        if inputs is not None and not problem:
            try:
                self.plan = self._plan(inputs)
            except ValidationError as error:
                problem = str(error)
        self._show_plan(self.plan, problem)
        self._show_inverse(inputs if not problem else None)
        if self.isVisible():
            self._draw(inputs if not problem else None)
        return self.plan

    def _missing(self, inputs: Inputs) -> str:
        missing = [
            label
            for label, value in (
                ("the baseline", inputs.baseline),
                ("the minimum detectable effect", inputs.mde),
                ("the significance level", inputs.alpha),
                ("the power", inputs.power),
            )
            if value is None
        ]
        if inputs.kind == "mean" and inputs.sd is None:
            missing.append("the standard deviation")
        if not missing:
            return ""
        return (
            "Give "
            + ", ".join(missing[:-1])
            + (" and " if len(missing) > 1 else "")
            + (missing[-1] + " to see the sample size.")
        )

    def _plan(self, inputs: Inputs) -> Plan:
        common = inputs.common()
        assert inputs.baseline is not None and inputs.mde is not None
        options = {
            **common,
            "mde": inputs.mde,
            "relative": inputs.relative,
            "daily": inputs.daily,
            "round_to_weeks": self.weeks_check.isChecked(),
        }
        if inputs.kind == "mean":
            assert inputs.sd is not None
            return experiments.plan_mean(mean=inputs.baseline, sd=inputs.sd, **options)
        return experiments.plan_proportion(baseline=inputs.baseline, **options)

    def _show_allocation(self) -> None:
        info = self.info
        if info is None or len(info.variants) < 2:
            self.allocation.setText("")
            return
        weights = " : ".join(f"{v.weight:g}" for v in info.variants)
        count = len(info.treatments)
        arms = f"{count} treatment{'s' if count != 1 else ''}"
        self.allocation.setText(
            f"Allocation {weights} ({', '.join(share_text(v.share) for v in info.variants)}) "
            f"and {arms}, from the variants on the Design tab."
        )

    def _show_plan(self, plan: Plan | None, problem: str) -> None:
        if plan is None:
            for label in self.figures.values():
                label.setText("-")
            self.message.setText(problem or "Give the planning inputs to see the sample size.")
            self.message.setObjectName("hintBox")
            self._polish(self.message)
            return
        self.figures["control"].setText(f"{plan.n_control:,}")
        self.figures["treatment"].setText(f"{plan.n_treatment:,}")
        self.figures["total"].setText(f"{plan.n_total:,}")
        self.figures["days"].setText("-" if plan.days is None else f"{plan.days:,}")
        weeks = "-"
        if plan.weeks is not None and plan.run_days is not None:
            weeks = (
                f"{plan.weeks} week{'s' if plan.weeks != 1 else ''}"
                if plan.round_to_weeks
                else f"{plan.run_days:,} days"
            )
        self.figures["weeks"].setText(weeks)
        self.message.setText(plan.message)
        self.message.setObjectName("hintBox" if plan.reachable else "disclaimerBox")
        self._polish(self.message)
        if not self._days_touched and plan.run_days is not None:
            blocked = self.days_spin.blockSignals(True)
            self.days_spin.setValue(min(plan.run_days, self.days_spin.maximum()))
            self.days_spin.blockSignals(blocked)

    @staticmethod
    def _polish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _curve_options(self, inputs: Inputs) -> dict[str, Any] | None:
        if inputs.daily is None or inputs.baseline is None:
            return None
        return {
            **inputs.common(),
            "metric": inputs.kind,
            "baseline": inputs.baseline,
            "sd": inputs.sd,
            "daily": inputs.daily,
        }

    def _show_inverse(self, inputs: Inputs | None) -> None:
        options = self._curve_options(inputs) if inputs is not None else None
        days = self.days_spin.value()
        if inputs is None or options is None:
            self.inverse.setText(
                "Give the baseline and the eligible units a day to see the effect a given "
                "number of days can detect."
            )
            return
        try:
            effect = experiments.detectable_effect(**options, days=days)
        except ValidationError as error:
            self.inverse.setText(str(error))
            return
        at = f"In {days:,} days at {figure(inputs.daily)} units a day"
        if effect == float("inf"):
            self.inverse.setText(f"{at}, no change of the rate up to 100% can be told apart.")
            return
        assert inputs.baseline is not None
        relative = ""
        if inputs.baseline:
            relative = f" ({share_text(effect / abs(inputs.baseline))} relative)"
        if inputs.kind == "proportion":
            amount = f"{figure(effect * 100)} points{relative}"
        else:
            amount = f"{figure(effect)}{relative}"
        self.inverse.setText(f"{at}, the test detects an effect of {amount} or more.")

    def _curve(self, inputs: Inputs) -> CurveData | None:
        options = self._curve_options(inputs)
        if options is None or inputs.daily is None or inputs.baseline is None:
            return None
        needed = self.plan.days if self.plan is not None else None
        horizon = min(365, max(28, 2 * (needed or 14), self.days_spin.value()))
        step = max(1, horizon // CURVE_POINTS)
        days = list(range(step, horizon + 1, step))
        try:
            points = experiments.mde_curve(**options, days=days)
        except ValidationError:
            return None
        relative = inputs.relative and inputs.baseline != 0
        if relative:
            scale, unit = 100.0 / abs(inputs.baseline), "% relative"
        elif inputs.kind == "proportion":
            scale, unit = 100.0, "points"
        else:
            scale, unit = 1.0, "metric's units"
        planned = self.plan.mde_abs * scale if self.plan is not None else None
        return CurveData(
            [(d, e * scale) for d, e in points], unit, planned, needed, float(inputs.daily)
        )

    def _draw(self, inputs: Inputs | None) -> None:
        data = self._curve(inputs) if inputs is not None else None
        draw_mde_curve(
            self.chart.figure(),
            data,
            "Give the planning inputs and the eligible units a day to see how the "
            "detectable effect shrinks as the experiment runs longer.",
        )
        self.chart.draw()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.info is not None:
            self._draw(self.inputs)

    # -- committing -----------------------------------------------------------------------

    def commit(self, changed: dict[str, Any]) -> bool:
        """Store ``changed`` planning fields (one undo step) after the model and the core
        accepted them; a refusal is shown under the inputs and nothing is written."""
        info = self.info
        if info is None or self.ctx.readonly:
            return False
        record = {name: getattr(info, name) for name in ExperimentBase.model_fields}
        changed = {k: v for k, v in changed.items() if record.get(k) != v}
        if not changed:
            return True
        try:
            ExperimentBase.model_validate({**record, **changed})
        except pydantic.ValidationError as error:
            self._show_hint(validation_text(error, lambda f: FIELD_LABELS.get(f, "")) + KEPT)
            return False

        def make(values: dict[str, Any]) -> QUndoCommand:
            return UpdateExperimentCommand(self.ctx, info.id, values, report_errors=False)

        label = FIELD_LABELS.get
        command = guard_edit(make, Experiment, info.id, changed, info.version, label_for=label)
        self.ctx.run_edit(command)
        if handed_over(command):  # another window saved it since: the dialog asks
            return False
        if command.error is not None:
            self._show_hint(str(command.error) + KEPT)
            return False
        self._show_hint("")
        for key in changed:
            if key in self.edits:
                self.edits[key].setModified(False)
        return True

    def _show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _read(self, key: str) -> tuple[bool, float | None]:
        try:
            number = parse_number(self.edits[key].text())
        except ValueError:
            self._show_hint(f"{FIELD_LABELS[key]} must be a number, e.g. 12 or 0.5.{KEPT}")
            return False, None
        return True, None if number is None else number / self.scale(key)

    def _on_input_editing_finished(self, key: str) -> None:
        if self._loading or self.info is None or not self.edits[key].isModified():
            return
        ok, value = self._read(key)
        if not ok:
            return
        if value is None and key in ("alpha", "power"):
            self._show_hint(f"{FIELD_LABELS[key]} needs a number.{KEPT}")
            return
        self.recompute()
        self.commit({key: value})

    def _on_relative_combo_activated(self, _index: int) -> None:
        if self._loading or self.info is None:
            return
        ok, value = self._read("mde")
        if ok:
            self.commit({"mde": value, "mde_relative": bool(self.relative_combo.currentData())})
        self.recompute()

    def _on_correction_combo_activated(self, _index: int) -> None:
        if self._loading or self.info is None:
            return
        self.commit({"correction": self.correction_combo.currentData()})
        self.recompute()

    def _on_days_spin_value_changed(self, _value: int) -> None:
        self._days_touched = True
        self.debouncer.start()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.info is not None:
            self.load(self.info, force=True)
            return
        super().keyPressEvent(event)
