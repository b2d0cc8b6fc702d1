"""The review panel: the readiness score and the findings of the AI PRD check.

Refreshed ``REVIEW_DELAY_MS`` after typing pauses. The badge's colour and the caption
above the summary come from :func:`~aipm_desktop.services.review.readiness`: the worst
finding caps them, so a document with an error is "Not ready" (red) whatever its score.
Each finding shows its severity icon, its line, the message and the suggested fix;
activating one (click, Enter) asks the editor to move its cursor to that line.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QListWidget, QListWidgetItem, QStyle, QWidget

from ...services import review
from ..widgets.builders import NO_MARGINS, hbox, vbox
from ..widgets.debounce import Debouncer
from ..widgets.page_header import named_label

REVIEW_DELAY_MS = 400
LINE_ROLE = Qt.ItemDataRole.UserRole
RULE_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class ReviewPanel(QWidget):
    """Score badge above the list of findings.

    Signals:
        line_requested(int): the user activated a finding; carries its 1-based line.
        reviewed(object): a new :class:`~aipm_desktop.services.review.ReviewResult`.
    """

    line_requested = Signal(int)
    reviewed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.result: review.ReviewResult | None = None
        self._text: str | None = None
        self._kind = "ai_prd"
        self._high_risk = False

        self.badge = named_label("—", "readinessBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setMinimumSize(72, 56)
        self.badge.setToolTip("Readiness score 0-100: 100 minus the points each finding costs")
        self.summary = named_label("", "reviewSummary", wrap=True)
        self.readiness: review.Readiness | None = None
        self.caption = named_label("Readiness", "sectionTitle")
        caption = self.caption
        head = QFrame()
        head.setObjectName("reviewHead")
        head_text = vbox(caption, (self.summary, 1), spacing=2)
        hbox(self.badge, (head_text, 1), margins=(10, 8, 10, 8), parent=head)

        self.findings = QListWidget()
        self.findings.setObjectName("findingsList")
        self.findings.setWordWrap(True)
        self.findings.setAlternatingRowColors(False)
        self.findings.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.findings.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.findings.setSpacing(0)
        self.findings.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.findings.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.findings.setIconSize(QSize(20, 20))

        vbox(head, (self.findings, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self._timer = Debouncer(self, REVIEW_DELAY_MS, self.review_now)
        self.findings.itemClicked.connect(self._on_findings_item_activated)
        self.findings.itemActivated.connect(self._on_findings_item_activated)

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def set_text(
        self,
        text: str,
        *,
        kind: str | None = None,
        high_risk: bool | None = None,
        immediate: bool = False,
    ) -> None:
        """Review ``text`` (as a document of ``kind``) after the pause, or at once."""
        self._text = text
        if kind is not None:
            self._kind = kind
        if high_risk is not None:
            self._high_risk = high_risk
        self._timer.request(immediate)

    def clear_review(self) -> None:
        self._timer.stop()
        self._text = None
        self.result = None
        self.findings.clear()
        self.readiness = None
        self.badge.setText("—")
        self._set_band("")
        self.caption.setText("Readiness")
        self.summary.setText("No document open.")

    def review_now(self) -> None:
        self._timer.stop()
        if self._text is None:
            return
        result = review.review(self._text, kind=self._kind, high_risk=self._high_risk)
        self.result = result
        ready = review.readiness(result)
        self.readiness = ready
        self.badge.setText(str(result.score))
        self._set_band(ready.band)
        self.caption.setText(ready.verdict)
        text = ready.summary
        if result.findings:
            text += " Click a finding to jump to its line."
        self.summary.setText(text)
        self.badge.setToolTip(
            f"Readiness {result.score}/100 ({ready.verdict.lower()}): 100 minus the points "
            "each finding costs; any error keeps a document from being ready."
        )
        self._fill(result)
        self.reviewed.emit(result)

    def _set_band(self, band: str) -> None:
        self.badge.setProperty("band", band)
        self.badge.style().unpolish(self.badge)
        self.badge.style().polish(self.badge)

    def _fill(self, result: review.ReviewResult) -> None:
        self.findings.clear()
        style = self.style()
        ordered = sorted(
            result.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.line, f.rule)
        )
        for finding in ordered:
            where = f"Line {finding.line}" if finding.line > 0 else "Whole document"
            text = f"{where} · {finding.message}"
            if finding.suggestion:
                text += f"\nFix: {finding.suggestion}"
            icon = style.standardIcon(SEVERITY_ICONS.get(finding.severity, SEVERITY_ICONS["info"]))
            item = QListWidgetItem(icon, text)
            item.setData(LINE_ROLE, finding.line)
            item.setData(RULE_ROLE, finding.rule)
            item.setToolTip(f"{finding.severity.capitalize()} ({finding.rule})")
            self.findings.addItem(item)
        self._size_items()

    def _size_items(self) -> None:
        """Give every finding the height its wrapped text needs at the list's width."""
        metrics = self.findings.fontMetrics()
        width = max(80, self.findings.viewport().width() - self.findings.iconSize().width() - 28)
        flags = int(Qt.TextFlag.TextWordWrap)
        for row in range(self.findings.count()):
            item = self.findings.item(row)
            rect = metrics.boundingRect(QRect(0, 0, width, 10_000), flags, item.text())
            item.setSizeHint(QSize(width, rect.height() + 14))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size_items()

    def rules_shown(self) -> list[str]:
        """The rule of every finding on screen, in list order."""
        return [self.findings.item(i).data(RULE_ROLE) for i in range(self.findings.count())]

    def _on_findings_item_activated(self, item: QListWidgetItem) -> None:
        line = item.data(LINE_ROLE)
        if isinstance(line, int) and line > 0:
            self.line_requested.emit(line)
