"""The detail pane of the feedback inbox: the chosen item's text and facts, one button per
class (each showing its key), the failure cluster with completion from the clusters in
use, and its links to a use case, risk, incident and roadmap item.

With several items selected it says how many and offers "Re-classify selection…". The pane
only shows and asks: the Feedback tab writes (it also picks the next item to triage).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from ...services import triage
from ...services.dates import format_date, format_datetime
from ..context import AppContext
from ..widgets.builders import button, hbox, panel, segments, stacked, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label

#: The classes in the order of their keys (1-5), untriaged (0) last.
CLASS_ORDER = tuple(triage.CLASS_LABELS)
NO_LINK = "(none)"


def fit_checked_text(widget: QPushButton, padding: int) -> None:
    """Room for ``widget``'s text in bold (a checked segment's text is bold)."""
    bold = QFont(widget.font())
    bold.setBold(True)
    widget.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(widget.text()) + padding)


def class_tip(value: str) -> str:
    """``Model (key 3): the model's output: …``."""
    label, key = triage.CLASS_LABELS[value], triage.CLASS_KEYS[value]
    return f"{label} (key {key}): {triage.CLASS_MEANINGS[value]}"


class FeedbackDetail(ContextWidget):
    """One feedback item, or how many are selected.

    Signals:
        class_chosen(str): a class button was clicked (the class value).
        cluster_entered(str): the cluster field was confirmed (Enter or leaving it).
        link_chosen(str, object): a link combo changed (field name, record id or None).
        reclassify_requested(): "Re-classify selection…" was clicked.
    """

    class_chosen = Signal(str)
    cluster_entered = Signal(str)
    link_chosen = Signal(str, object)
    reclassify_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="feedbackDetail")
        self.info: triage.FeedbackInfo | None = None
        self._showing = False
        self.meta = named_label("", "mutedLabel", wrap=True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setObjectName("feedbackText")
        self.text.setReadOnly(True)
        self.text.setMinimumHeight(90)
        self.class_buttons: dict[str, QPushButton] = {}
        for value in CLASS_ORDER:
            label = f"{triage.CLASS_KEYS[value]} {triage.CLASS_LABELS[value]}"
            widget = button(label, tip=class_tip(value), name=f"class_{value}")
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            widget.clicked.connect(lambda _c=False, v=value: self.class_chosen.emit(v))
            self.class_buttons[value] = widget
        self.class_group = segments(self, *self.class_buttons.values())
        for widget in self.class_buttons.values():
            fit_checked_text(widget, 22)
        self.cluster = QLineEdit()
        self.cluster.setObjectName("feedbackCluster")
        self.cluster.setPlaceholderText("Failure cluster, e.g. refund policy hallucination")
        self.cluster.setToolTip(
            "The failure cluster this item belongs to (free text; completes from the clusters "
            "in use). Enter saves it. Ctrl+L puts the cursor here."
        )
        self.cluster.setMaxLength(200)
        self.completer = QCompleter(QStringListModel([], self), self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.cluster.setCompleter(self.completer)
        self.cluster.editingFinished.connect(self._on_cluster_editing_finished)
        self.link_combos: dict[str, QComboBox] = {}
        links = QGridLayout()
        links.setHorizontalSpacing(8)
        links.setVerticalSpacing(6)
        for n, (name, noun) in enumerate(triage.LINK_FIELDS.items()):
            combo = QComboBox()
            combo.setObjectName(f"link_{name}")
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            combo.setToolTip(f"The {noun} this feedback bears on")
            combo.currentIndexChanged.connect(lambda _i, f=name: self._on_link_changed(f))
            self.link_combos[name] = combo
            links.addWidget(named_label(noun.capitalize(), "formLabel"), n // 2, (n % 2) * 2)
            links.addWidget(combo, n // 2, (n % 2) * 2 + 1)
        links.setColumnStretch(1, 1)
        links.setColumnStretch(3, 1)
        self.triaged = named_label("", "mutedLabel")
        form = QGridLayout()
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(6)
        form.addLayout(hbox(*self.class_buttons.values(), 1, spacing=0), 0, 0, 1, 2)
        form.addWidget(named_label("Cluster", "formLabel"), 1, 0)
        form.addWidget(self.cluster, 1, 1)
        form.setColumnStretch(1, 1)
        self.item_page = panel(self.meta, (self.text, 1), form, links, self.triaged, spacing=8)
        self.selection_label = named_label("", "emptyState", wrap=True)
        self.selection_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reclassify_button = button(
            "Re-classify selection…",
            self.reclassify_requested.emit,
            name="primaryButton",
            tip="Put every selected item in one class (and cluster): one step of Edit ▸ Undo",
        )
        self.selection_page = panel(
            1, self.selection_label, hbox(1, self.reclassify_button, 1), 1, spacing=10
        )
        self.none_label = named_label(
            "Choose an item in the inbox to read and triage it.", "emptyState", wrap=True
        )
        self.none_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = stacked(self.none_label, self.item_page, self.selection_page)
        vbox(self.stack, margins=(0, 0, 0, 0), parent=self)

    # -- showing ----------------------------------------------------------------------------

    def set_choices(self, choices: dict[str, list[tuple[int, str]]], clusters: list[str]) -> None:
        """The records the link combos offer and the clusters the field completes."""
        self._showing = True
        try:
            for name, combo in self.link_combos.items():
                current = combo.currentData()
                combo.clear()
                combo.addItem(NO_LINK, None)
                for record_id, title in choices.get(name, []):
                    combo.addItem(title, record_id)
                combo.setCurrentIndex(max(combo.findData(current), 0))
        finally:
            self._showing = False
        model = self.completer.model()
        assert isinstance(model, QStringListModel)
        model.setStringList(clusters)

    def show_item(self, info: triage.FeedbackInfo | None) -> None:
        """Show one item (None: nothing chosen)."""
        self.info = info
        if info is None:
            self.stack.setCurrentWidget(self.none_label)
            return
        self._showing = True
        try:
            facts = [format_date(info.date), info.source or "no source", info.customer or ""]
            if info.tags:
                facts.append(f"tags: {info.tags}")
            self.meta.setText(" · ".join(f for f in facts if f) + f"   #{info.id}")
            self.text.setPlainText(info.text)
            for value, widget in self.class_buttons.items():
                widget.setChecked(value == info.triage_class)
            if not self.cluster.hasFocus():
                self.cluster.setText(info.cluster)
            for name, combo in self.link_combos.items():
                value = getattr(info, name)
                index = combo.findData(value) if value is not None else 0
                if index < 0:  # a record added since the choices were read
                    combo.addItem(info.links.get(name, f"#{value}"), value)
                    index = combo.count() - 1
                combo.setCurrentIndex(index)
            if info.triaged_at is not None:
                who = f" by {info.triaged_by}" if info.triaged_by else ""
                self.triaged.setText(f"Triaged{who}, {format_datetime(info.triaged_at)}")
            else:
                self.triaged.setText("Not triaged yet: press 1-5 to classify it.")
        finally:
            self._showing = False
        self.stack.setCurrentWidget(self.item_page)

    def show_selection(self, count: int) -> None:
        """Several items are selected: say how many; the keys and the button act on all."""
        self.info = None
        self.selection_label.setText(
            f"{count:,} items selected.\nPress 1-5 to put them all in one class, or "
            "re-classify them with a cluster."
        )
        self.stack.setCurrentWidget(self.selection_page)

    def focus_cluster(self) -> None:
        if self.info is not None:
            self.cluster.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.cluster.selectAll()

    def set_editable(self, editable: bool) -> None:
        widgets: Sequence[Any] = (
            *self.class_buttons.values(),
            self.cluster,
            *self.link_combos.values(),
            self.reclassify_button,
        )
        for widget in widgets:
            widget.setEnabled(editable)

    # -- slots ------------------------------------------------------------------------------

    def _on_cluster_editing_finished(self) -> None:
        info = self.info
        if info is None or self._showing:
            return
        text = " ".join(self.cluster.text().split())
        if text != info.cluster:
            self.cluster_entered.emit(text)

    def _on_link_changed(self, name: str) -> None:
        info = self.info
        if info is None or self._showing:
            return
        value = self.link_combos[name].currentData()
        if value != getattr(info, name):
            self.link_chosen.emit(name, value)
