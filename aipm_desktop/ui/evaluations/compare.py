"""The Compare tab: two runs of a suite on the examples both hold.

Choose the baseline (A, the run before the latest by default) and the candidate (B, the
latest). Each metric, overall and on every slice, shows A, B, the difference B - A with
its 95 % paired bootstrap interval and the p-value (McNemar's exact test for a right /
wrong or pass / fail outcome, else the paired bootstrap's). A regression -- a blocking
metric below its threshold in B, or a significant change for the worse (p < 0.05) on any
metric or slice -- is shown in red, regressions first, and named above the table.
Choosing a line lists the examples behind it: those that flipped from pass to fail (or
got worse, for a score or latency), then those that improved. "Export flipped examples…"
writes every flip to CSV or XLSX.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHeaderView, QWidget

from ...services import evaluations
from ..context import AppContext
from ..operations.parts import record_table, wrap_rows
from ..widgets.builders import button, hbox, panel, splitter
from ..widgets.dialog_parts import ask_save_path, file_stem
from ..widgets.page_header import named_label, set_enabled_why
from ..widgets.row_list_model import Column, ColumnTableModel
from .computed import ComputedTab, fill_runs, headline_label, write_or_warn
from .texts import FAIL, PASS, UNSURE, difference_with_interval, p_text, plural, value_text

NEEDS_TWO = (
    "Comparing needs two runs of this suite. Import the results of another version "
    "(Ctrl+I); it is compared with the previous one on the examples both hold."
)
SAME_RUN = "Choose two different runs: A, the baseline, and B, the candidate."
EXPORT_FILTERS = "CSV file (*.csv);;Excel workbook (*.xlsx)"
RUN_TIPS = {
    "compareA": "A: the baseline run (by default the one before the latest)",
    "compareB": "B: the candidate run (by default the latest)",
}
P_TIP = "McNemar's exact test for pass / fail outcomes, else the paired bootstrap's p-value"


def _verdict(d: Any) -> tuple[str, str]:
    """A difference's verdict and colour."""
    if d.regression:
        return "Regression", FAIL
    if d.significant and not d.worse:
        return "Better", PASS
    if d.worse:
        return "Worse, unsure", UNSURE
    return "No clear change", UNSURE


def p_tip(d: Any) -> str:
    test = {"mcnemar": "McNemar's exact test", "bootstrap": "the paired bootstrap"}
    return f"p = {d.p_value:.3g} by {test.get(d.test, d.test)}" if d.p_value is not None else ""


def _reason(d: Any) -> str | None:
    return d.reason or None


def group_text(d: Any) -> str:
    return d.group.replace("=", " = ") if d.group else "all examples"


def difference_columns() -> tuple[Column[Any], ...]:
    def interval(d: Any) -> tuple[float, float] | None:
        return None if d.low is None or d.high is None else (d.low, d.high)

    def red(d: Any) -> str:
        return FAIL if d.regression else ""

    return (
        Column("Metric", lambda d: d.spec.name, color=red),
        Column("Examples of", group_text, color=red),
        Column("A", lambda d: value_text(d.spec.kind, d.a), align="right"),
        Column("B", lambda d: value_text(d.spec.kind, d.b), align="right"),
        Column(
            "B - A\n95% interval",
            lambda d: difference_with_interval(d.spec.kind, d.diff, interval(d)),
            align="right",
            color=red,
            header_tip="The paired difference and its 95 % bootstrap interval",
        ),
        Column("p", lambda d: p_text(d.p_value), p_tip, align="right", header_tip=P_TIP),
        Column("Verdict", lambda d: _verdict(d)[0], _reason, lambda d: _verdict(d)[1]),
    )


@dataclass(frozen=True)
class Example:
    """One example behind a difference: its id and how it changed."""

    example_id: str
    change: str
    slices: str


def example_columns() -> tuple[Column[Example], ...]:
    return (
        Column("Example", lambda e: e.example_id),
        Column(
            "Change",
            lambda e: e.change,
            color=lambda e: FAIL if e.change.endswith("fail") or e.change == "worse" else PASS,
        ),
        Column("Slices", lambda e: e.slices),
    )


def examples_behind(comparison: Any, d: Any) -> list[Example]:
    """The examples behind difference ``d``: its flips (with their slices) when it is a
    pass / fail metric, else the examples that got worse; worse ones first."""
    group = dict([d.group.split("=", 1)]) if d.group else {}
    columns = tuple(comparison.slice_columns)
    found = []
    for flip in comparison.flips:
        slices = dict(zip(columns, flip.slices, strict=False))
        if flip.metric == d.spec.name and all(slices.get(k) == v for k, v in group.items()):
            where = ", ".join(f"{k}={v}" for k, v in slices.items())
            found.append(Example(flip.example_id, flip.change, where))
    if found:
        return sorted(found, key=lambda e: not e.change.endswith("fail"))
    worse = [Example(i, "worse", "") for i in d.examples]
    return worse + [Example(i, "better", "") for i in d.improved]


def headline(comparison: Any) -> tuple[str, bool]:
    """The comparison in a sentence, and whether it found a regression."""
    regressions = comparison.regressions
    paired = f"{plural(comparison.paired, 'example')} in both runs"
    if comparison.only_a or comparison.only_b:
        paired += f" ({comparison.only_a:,} only in A, {comparison.only_b:,} only in B)"
    if not regressions:
        return f"No regression from {comparison.run_a} to {comparison.run_b}; {paired}.", False
    groups: dict[str, list[str]] = {}
    for d in regressions:
        groups.setdefault(d.spec.name, []).append(group_text(d))
    named = "; ".join(f"{name} on {', '.join(where)}" for name, where in groups.items())
    text = f"{plural(len(regressions), 'regression')} from {comparison.run_a} to "
    return f"{text}{comparison.run_b}: {named}. {paired}.", True


class CompareTab(ComputedTab):
    """Two runs of the shown suite compared (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="compareTab")
        self.a_combo = self._run_combo("compareA")
        self.b_combo = self._run_combo("compareB")
        self.only_regressions = QCheckBox("Regressions only")
        self.only_regressions.setObjectName("onlyRegressions")
        self.only_regressions.toggled.connect(lambda _c: self._show_rows())
        self.export_button = button(
            "Export flipped examples…", self.ask_export, name="exportFlipsButton"
        )
        self.saved = named_label("", "mutedLabel")
        self.headline = headline_label()
        self.model: ColumnTableModel[Any] = ColumnTableModel(difference_columns(), self)
        self.table = record_table("differenceTable", self.model, 1)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().resizeSection(0, 140)
        wrap_rows(self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_examples())
        self.examples_title = named_label("Examples behind the chosen line", "sectionTitle")
        self.example_model: ColumnTableModel[Example] = ColumnTableModel(example_columns(), self)
        self.example_table = record_table("flipTable", self.example_model, 2)
        examples = panel(
            hbox((self.examples_title, 1), self.saved, self.export_button, spacing=8),
            (self.example_table, 1),
            spacing=4,
        )
        self.split = splitter(
            self.table, examples, sizes=(320, 200), stretch=(3, 2), name="compare",
            orientation=Qt.Orientation.Vertical,
        )  # fmt: skip
        figures = panel(self.headline, (self.split, 1), spacing=6)
        top = hbox(
            named_label("A", "formLabel"), (self.a_combo, 1),
            named_label("B", "formLabel"), (self.b_combo, 1),
            self.only_regressions, spacing=8,
        )  # fmt: skip
        self.lay_out(top, figures, NEEDS_TWO)
        self._enable_export()

    def _run_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(RUN_TIPS[name])
        combo.setMinimumContentsLength(12)
        combo.currentIndexChanged.connect(lambda _i: self.recompute())
        return combo

    # -- choices ----------------------------------------------------------------------------

    def fill_choices(self, suite: Any) -> None:
        runs = list(suite.runs) if suite is not None else []
        fill_runs(self.a_combo, runs, self.a_combo.currentData(), fallback=1)
        fill_runs(self.b_combo, runs, self.b_combo.currentData(), fallback=0)

    def choose_runs(self, run_a: int, run_b: int) -> None:
        """Compare run ``run_a`` (A) with ``run_b`` (B)."""
        for combo, run_id in ((self.a_combo, run_a), (self.b_combo, run_b)):
            blocked = combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(run_id))
            combo.blockSignals(blocked)
        self.recompute()

    # -- computing --------------------------------------------------------------------------

    def job(self) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        run_a, run_b = self.a_combo.currentData(), self.b_combo.currentData()
        if len(self.suite.runs) < 2 or run_a is None or run_b is None:
            self.show_nothing(NEEDS_TWO)
            return None
        if run_a == run_b:
            self.show_nothing(SAME_RUN)
            return None
        return evaluations.compare_runs, {"run_a": run_a, "run_b": run_b}

    def clear(self) -> None:
        self.model.set_rows([])
        self.example_model.set_rows([])
        self._enable_export()

    def show_result(self, comparison: Any) -> None:
        self.show_figures(self.headline, *headline(comparison))
        self.saved.setText("")
        self._show_rows()
        self._enable_export()

    def _show_rows(self) -> None:
        comparison = self.result
        if comparison is None:
            return
        rows = list(comparison.differences)
        if self.only_regressions.isChecked():
            rows = [d for d in rows if d.regression]
        rows.sort(key=lambda d: not d.regression)  # stable: the service's order otherwise
        self.model.set_rows(rows)
        self.table.selectRow(0)
        self._show_examples()

    def _show_examples(self) -> None:
        d = self.model.record_at(self.table.currentIndex())
        if d is None or self.result is None:
            self.example_model.set_rows([])
            self.examples_title.setText("Examples behind the chosen line")
            return
        found = examples_behind(self.result, d)
        self.example_model.set_rows(found)
        what = f"{d.spec.name} on {group_text(d)}"
        self.examples_title.setText(
            f"Examples behind {what}: {len(found):,}" if found else f"No example changed on {what}"
        )

    def differences(self) -> list[Any]:
        return list(self.model.rows)

    # -- export -----------------------------------------------------------------------------

    def _enable_export(self) -> None:
        has = self.result is not None and bool(self.result.flips)
        set_enabled_why(
            self.export_button,
            has,
            "Write every flipped example (metric, id, change, slices) to CSV or XLSX",
            "Compare two runs with pass / fail metrics first: there are no flipped examples.",
        )

    def export_flips(self, path: Path) -> Path | None:
        """Write the flipped examples to ``path`` (CSV or XLSX); None on a bad path (the
        reason is shown)."""
        comparison = self.result
        if comparison is None:
            return None
        return write_or_warn(self, self.saved, lambda: evaluations.export_flips(comparison, path))

    def ask_export(self) -> Path | None:
        if self.result is None:
            return None
        name = file_stem(f"{self.result.run_a} vs {self.result.run_b} flips", "flips")
        start = Path(self.ctx.settings.last_directory()) / f"{name}.csv"
        path = ask_save_path(self, "Export the flipped examples", start, EXPORT_FILTERS)
        return self.export_flips(path) if path is not None else None
