"""Overview page (the home page): a dashboard of what needs attention in the portfolio.

KPIs in critical or warning, stale KPIs, the top-ranked use cases still open to action,
the highest residual risks and overdue risk reviews, upcoming milestones and gates, cost
envelopes exceeded, rollback criteria met (each offering to open an incident from the
breach), blocking evaluation metrics the latest run of their suite fails, recent
changes, and a compact line of counts. Each item's dot carries meaning: severity for
alerts, the risk level's colour for risks, the status family for use cases; a legend
under a card's title says what the colours mean and each dot's tooltip says it in words.
An empty card says why (nothing tracked yet, and where to start) rather than "all well".
A section appears only when the area it belongs to is registered
(``aipm_desktop.ui.areas.AREAS``), so there are no empty placeholders for areas the app
does not have. Every item is clickable: the page emits :attr:`OverviewPage.navigate_requested`
and the main window switches to the item's area.

This page is built at start-up: it must not import matplotlib.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..services import workspace as workspace_service
from ..services.changes import Changes
from ..services.workspace import COUNTED, ChangeEntry
from .context import AppContext
from .widgets.builders import vbox

#: Kinds every new workspace already holds from the built-in reference data.
BUILT_IN_KINDS = frozenset({"scoring_model", "case_exercise"})
RECENT_LIMIT = 10
SECTION_LIMIT = 5
TWO_COLUMNS_FROM = 900  # page width (px) from which the cards sit side by side

_VERBS = {"create": "added", "update": "updated", "delete": "deleted", "restore": "restored"}
#: A dot's tooltip when its colour is the item's severity.
SEVERITY_WORDS = {"critical": "critical", "warning": "needs attention", "info": "for information"}

EMPTY_TEXT = (
    "<b>This workspace is still empty.</b> The built-in reference data is loaded: "
    "the use-case scoring models, the KPI catalogue and the interview case exercises. "
    "Start under <i>Workspace settings</i>: name the workspace and the client it is for. "
    "To see what a full portfolio looks like, choose "
    "<i>File ▸ Open Sample Workspace</i>."
)

#: Dashboard sections (the service's names) -> the area that must exist to show them.
SECTION_AREAS = {
    "kpis": "kpis",
    "usecases": "usecases",
    "risks": "risks",
    "roadmap": "roadmap",
    "costs": "costs",
    "operations": "operations",
}

#: Entity kind (dashboard items and change log) -> the area that shows it.
KIND_AREAS = {
    "kpi": "kpis",
    "kpi_snapshot": "kpis",
    "use_case": "usecases",
    "scoring_model": "usecases",
    "risk": "risks",
    "risk_review": "risks",
    "risk_action": "risks",
    "mitigation": "risks",
    "roadmap_item": "roadmap",
    "milestone": "roadmap",
    "release": "launch",
    "gate": "launch",
    "launch_gate": "launch",
    "launch_check": "launch",
    "rollout_stage": "launch",
    "settings": "settings",
    "cost_model": "costs",
    "model_price": "costs",
    "incident": "operations",
    "eval_metric": "evaluations",
}
#: Dashboard items that open a dialog rather than their record: kind -> the area it needs.
#: A met rollback criterion offers to open an incident from the breach.
OFFER_AREAS = {"rollback_criterion": "operations"}
#: Kinds shown in the Launch area through the release they belong to.
OWNED_BY_RELEASE = frozenset({"launch_check", "rollout_stage"})

#: The card of failing blocking metrics (built by the Evaluations area's own reader, in a
#: worker, after the page's first paint: loading the evaluation models and services the
#: first time costs a few hundred ms, which start-up does not wait for).
EVAL_CARD = "failing_metrics"
EVAL_TITLE = "Failing blocking metrics"
EVAL_CHECKING = "Checking the latest run of each evaluation suite…"
EVAL_DELAY_MS = 200

#: Cards: (key, title, dashboard attribute, section that provides it, empty text).
CARDS = (
    (
        "rollback_breaches",
        "Rollback criteria met",
        "rollback_breaches",
        "operations",
        "No rollback criterion is met on the latest KPI snapshots.",
    ),
    (
        "kpi_alerts",
        "KPIs in critical or warning",
        "kpi_alerts",
        "kpis",
        "No KPI is in warning or critical.",
    ),
    ("stale_kpis", "Stale KPIs", "stale_kpis", "kpis", "Every KPI has a recent snapshot."),
    ("top_use_cases", "Top-ranked use cases", "top_use_cases", "usecases", "No use cases yet."),
    ("top_risks", "Highest residual risks", "top_risks", "risks", "No open risks."),
    (
        "overdue_reviews",
        "Overdue risk reviews",
        "overdue_reviews",
        "risks",
        "No review is overdue.",
    ),
    ("upcoming", "Upcoming milestones and gates", "upcoming", "roadmap", "Nothing planned soon."),
    (
        "envelope_breaches",
        "Cost envelopes exceeded",
        "envelope_breaches",
        "costs",
        "No tracked cost is above its envelope.",
    ),
)


def describe_change(entry: ChangeEntry) -> str:
    """``2026-11-26 10:04 · alice · updated use case 'Summarise cases'``."""
    what = "workspace settings" if entry.entity == "settings" else entry.entity.replace("_", " ")
    verb = _VERBS.get(entry.action, entry.action)
    label = f" '{entry.label}'" if entry.label else ""
    who = entry.who or "someone"
    return f"{entry.at} · {who} · {verb} {what}{label}"


def _lower_first(label: str) -> str:
    """``Use cases`` -> ``use cases``; ``KPI snapshots`` stays as it is."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def registered_areas() -> list[str]:
    """The names of the areas of the app (read when asked: others register theirs)."""
    from .areas import AREAS

    return [area.name for area in AREAS]


def area_for(kind: str) -> str:
    """The area showing entity ``kind`` ("" when none is known)."""
    if kind in KIND_AREAS:
        return KIND_AREAS[kind]
    for prefix, area in (("kpi", "kpis"), ("risk", "risks"), ("use_case", "usecases")):
        if kind.startswith(prefix):
            return area
    return ""


class DashboardItem(QFrame):
    """One clickable line: a severity dot, a title and a detail.

    Signals:
        activated(): clicked, or Enter / Space pressed while focused.
    """

    activated = Signal()

    def __init__(
        self,
        title: str,
        detail: str = "",
        severity: str = "",
        *,
        clickable: bool = True,
        color: str = "",
        marker: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardItem")
        self.clickable = clickable
        # Children are made with their parent: reparenting each when the layout takes it
        # (and showing a parentless label, which makes it a window for a moment) made
        # building the overview's items at start-up ~1/3 slower.
        self.dot = QLabel(self)
        self.dot.setObjectName("severityDot")
        self.dot.setProperty("severity", severity or "none")
        self.dot.setFixedSize(10, 10)
        self.color = color
        if color:  # a colour with a meaning of its own (a risk level, a status family)
            self.dot.setStyleSheet(dot_style(color))
        self.dot.setToolTip(marker or SEVERITY_WORDS.get(severity, ""))
        self.title = QLabel(title, self)
        self.title.setObjectName("dashboardItemTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.detail = QLabel(detail, self)
        self.detail.setObjectName("dashboardItemDetail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        if not detail:
            self.detail.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 5, 8, 5)
        layout.setSpacing(8)
        layout.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        text = QVBoxLayout()
        layout.addLayout(text, 1)
        text.setSpacing(0)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setToolTip("Open in its area")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.clickable and event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.clickable and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Space,
        ):
            self.activated.emit()
            return
        super().keyPressEvent(event)


def dot_style(color: str) -> str:
    """The style of a severity dot drawn in ``color``."""
    return f"background: {color}; border-radius: 5px;"


def legend_html(entries: list[tuple[str, str]]) -> str:
    """``● low  ● medium ...`` with each dot in its colour (rich text)."""
    return "&nbsp;&nbsp;".join(
        f'<span style="color:{html.escape(color)}">\u25cf</span>&nbsp;{html.escape(label)}'
        for label, color in entries
    )


class DashboardCard(QFrame):
    """A titled card of dashboard items with a line shown when it has none, and a legend
    of its dot colours when they need one."""

    def __init__(self, key: str, title: str, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("dashboardCard")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.heading = QLabel(title)
        self.heading.setObjectName("dashboardCardTitle")
        self.count = QLabel()
        self.count.setObjectName("mutedLabel")
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("mutedLabel")
        self.empty.setWordWrap(True)
        self.legend = QLabel()
        self.legend.setObjectName("dashboardLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setVisible(False)
        self.legend_entries: list[tuple[str, str]] = []
        self.items: list[DashboardItem] = []
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.count)
        self._list = QVBoxLayout()
        self._list.setSpacing(0)
        vbox(
            top,
            self.legend,
            self.empty,
            self._list,
            margins=(12, 10, 12, 10),
            spacing=4,
            parent=self,
        )

    def set_legend(self, entries: list[tuple[str, str]]) -> None:
        """Show what the dot colours mean (hidden when ``entries`` is empty)."""
        self.legend_entries = list(entries)
        self.legend.setText(legend_html(entries) if entries else "")
        self.legend.setToolTip("What the dot colours mean")

    def set_empty_text(self, text: str) -> None:
        self.empty.setText(text)

    def set_items(self, items: list[DashboardItem], total: int | None = None) -> None:
        for old in self.items:
            self._list.removeWidget(old)
            old.deleteLater()
        self.items = items
        for item in items:
            self._list.addWidget(item)
        self.empty.setVisible(not items)
        self.legend.setVisible(bool(items) and bool(self.legend.text()))
        total = len(items) if total is None else total
        shown = f"{len(items)} of {total}" if total > len(items) else str(total)
        self.count.setText(shown if items else "")

    def titles(self) -> list[str]:
        return [item.title.text() for item in self.items]


class OverviewPage(QWidget):
    """The workspace at a glance; refreshes itself when anything changes.

    ``areas``: the names of the areas the window has (default: the registered ones); a
    dashboard section shows only when its area is among them.

    Signals:
        navigate_requested(str, int): show area ``name`` with entity ``id`` chosen
            (``id`` 0: just the area). The main window acts on it.
    """

    navigate_requested = Signal(str, int)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        areas: Iterable[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("overviewPage")
        self._areas = list(areas) if areas is not None else None
        self.breach_dialog: QWidget | None = None
        self._dirty = True
        self._columns = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self._painted = False
        self._eval_task: QObject | None = None
        self._eval_timer = QTimer(self)
        self._eval_timer.setSingleShot(True)
        self._eval_timer.setInterval(EVAL_DELAY_MS)
        self._eval_timer.timeout.connect(self._on_eval_timer_timeout)

        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle.setWordWrap(True)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("countsSummary")
        self.counts_label.setWordWrap(True)
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)

        self.empty_hint = QLabel(EMPTY_TEXT)
        self.empty_hint.setObjectName("hintBox")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setTextFormat(Qt.TextFormat.RichText)

        self.cards: dict[str, DashboardCard] = {}
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(14)
        self._grid.setVerticalSpacing(14)
        self.recent = DashboardCard(
            "recent", "Recent changes", "No edits yet. Changes you make appear here."
        )

        content = QWidget()
        content.setObjectName("pageContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.counts_label)
        layout.addSpacing(4)
        layout.addWidget(self.empty_hint)
        layout.addLayout(self._grid)
        layout.addWidget(self.recent)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        ctx.changed.connect(self._on_ctx_changed)
        self.refresh()

    # -- sections -------------------------------------------------------------------------

    def area_names(self) -> list[str]:
        return list(self._areas) if self._areas is not None else registered_areas()

    def sections(self) -> set[str]:
        """The dashboard sections whose area exists."""
        names = set(self.area_names())
        return {section for section, area in SECTION_AREAS.items() if area in names}

    # -- refreshing -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read names, the dashboard and recent changes from the workspace again."""
        ws = self.ctx.workspace
        if ws is None:
            return
        from ..services import dashboard as dashboard_service

        self._dirty = False
        settings = dashboard_service.settings_summary(ws=ws)
        self.title.setText(settings.name)
        parts = [settings.client] if settings.client else []
        if settings.owner_name:
            parts.append(f"owner {settings.owner_name}")
        parts.append(str(ws.path))
        self.subtitle.setText("  ·  ".join(parts))

        board = dashboard_service.dashboard(ws=ws, limit=SECTION_LIMIT, sections=self.sections())
        numbers = board.counts or workspace_service.counts(ws=ws)
        self.counts = numbers
        shown = [
            f"<b>{numbers.get(kind, 0):,}</b> {_lower_first(label)}"
            for kind, label in COUNTED.items()
            if numbers.get(kind, 0) and kind not in BUILT_IN_KINDS
        ]
        self.counts_label.setText(" · ".join(shown))
        self.counts_label.setVisible(bool(shown))
        self.empty_hint.setVisible(not shown)

        names = set(self.area_names())
        wanted = []
        for key, title, attribute, _section, empty_text in CARDS:
            items = getattr(board, attribute, None)
            if items is None:
                continue
            card = self.cards.get(key)
            if card is None:
                card = DashboardCard(key, title, empty_text)
                self.cards[key] = card
            card.set_empty_text(board.empty.get(attribute, empty_text))
            card.set_legend(board.legends.get(attribute, []))
            card.set_items(
                [self._item_widget(item, names) for item in items], board.counts.get(attribute)
            )
            wanted.append(key)
        if "evaluations" in names:
            self._evaluations_card()
            wanted.append(EVAL_CARD)
            # A launch blocker: right after the rollback breaches, not at the end.
            order = [key for key in self.cards if key != EVAL_CARD]
            order.insert(1 if order[:1] == ["rollback_breaches"] else 0, EVAL_CARD)
            self.cards = {key: self.cards[key] for key in order}
        for key in list(self.cards):
            if key not in wanted:
                card = self.cards.pop(key)
                self._grid.removeWidget(card)
                card.deleteLater()
        self._arrange_cards(self._columns or 2, force=True)

        recent = []
        for entry in board.recent[:RECENT_LIMIT]:
            area = area_for(entry.entity)
            clickable = area in names and entry.action != "delete"
            row = DashboardItem(describe_change(entry), clickable=clickable)
            row.setToolTip(f"{entry.entity} #{entry.entity_id}")
            if clickable:
                row.activated.connect(
                    lambda a=area, k=entry.entity, i=entry.entity_id: self._open_change(a, k, i)
                )
            recent.append(row)
        self.recent.set_items(recent)

    def _evaluations_card(self) -> None:
        """The card of failing blocking metrics: made now, filled by a worker once the page
        has been painted (loading the evaluation models and services costs a few hundred
        ms the first time)."""
        if EVAL_CARD not in self.cards:
            card = DashboardCard(EVAL_CARD, EVAL_TITLE, EVAL_CHECKING)
            card.set_items([])
            self.cards[EVAL_CARD] = card
        if self._painted:
            self._eval_timer.start()

    def _on_eval_timer_timeout(self) -> None:
        ws = self.ctx.workspace
        if ws is None or EVAL_CARD not in self.cards:
            return
        from .evaluations.overview_card import card_content

        task = self.ctx.tasks.run(card_content, ws=ws, limit=SECTION_LIMIT)
        self._eval_task = task
        task.finished.connect(self._on_eval_task_finished)
        task.failed.connect(self._on_eval_task_failed)

    def _on_eval_task_finished(self, content: object) -> None:
        card = self.cards.get(EVAL_CARD)
        if self.sender() is not self._eval_task or card is None:
            return  # a newer one runs, or the card is gone
        self._eval_task = None
        names = set(self.area_names())
        card.set_empty_text(content.empty)  # type: ignore[attr-defined]
        items = [self._item_widget(i, names) for i in content.items]  # type: ignore[attr-defined]
        card.set_items(items, content.total)  # type: ignore[attr-defined]

    def _on_eval_task_failed(self, error: object) -> None:
        card = self.cards.get(EVAL_CARD)
        if self.sender() is self._eval_task and card is not None:
            self._eval_task = None
            card.set_empty_text(f"The evaluation suites could not be read: {error}")
            card.set_items([])

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:  # the first paint: now the slower cards may be filled
            self._painted = True
            if EVAL_CARD in self.cards:
                self._eval_timer.start()

    def _item_widget(self, item, names: set[str]) -> DashboardItem:
        area = OFFER_AREAS.get(item.kind) or area_for(item.kind)
        clickable = area in names
        row = DashboardItem(
            item.title,
            item.detail,
            item.severity,
            clickable=clickable,
            color=item.color,
            marker=item.marker,
        )
        row.setProperty("kind", item.kind)
        row.setProperty("entity_id", item.entity_id)
        if clickable and item.kind in OFFER_AREAS:
            row.setToolTip("Open an incident from this breach")
            row.activated.connect(lambda i=item.entity_id: self.offer_incident(int(i)))
        elif clickable:
            row.activated.connect(
                lambda a=area, i=item.open_id or item.entity_id: self.navigate_requested.emit(
                    a, int(i)
                )
            )
        return row

    def offer_incident(self, criterion_id: int) -> QWidget | None:
        """Offer to open an incident pre-filled from a met rollback criterion; once it is
        open, show it in Operations."""
        from .operations.breach import offer_incident

        return offer_incident(
            self.ctx,
            self,
            criterion_id,
            lambda incident_id: self.navigate_requested.emit("operations", int(incident_id)),
        )

    def _open_change(self, area: str, kind: str, entity_id: int) -> None:
        """Open the record a change-log line names: a launch check or a rollout stage
        opens its release (the Launch area shows releases)."""
        ws = self.ctx.workspace
        if kind in OWNED_BY_RELEASE and ws is not None:
            from ..services import launch

            release_id = launch.release_of(ws=ws, kind=kind, entity_id=int(entity_id))
            if release_id is None:
                return  # removed since
            entity_id = release_id
        self.navigate_requested.emit(area, int(entity_id))

    def card_titles(self, key: str) -> list[str]:
        """The item titles of card ``key`` as shown ([] when the card is absent)."""
        card = self.cards.get(key)
        return card.titles() if card is not None else []

    def recent_lines(self) -> list[str]:
        """The recent-changes lines as shown, newest first."""
        return self.recent.titles()

    def _on_ctx_changed(self, _changes: Changes) -> None:
        # Any write can change the dashboard or the change log: refresh once, when visible.
        self._dirty = True
        if self.isVisible():
            self._refresh_timer.start()

    def _on_refresh_timer_timeout(self) -> None:
        if self._dirty:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # -- layout ---------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_cards(2 if event.size().width() >= TWO_COLUMNS_FROM else 1)

    def _arrange_cards(self, columns: int, *, force: bool = False) -> None:
        if columns == self._columns and not force:
            return
        self._columns = columns
        for card in self.cards.values():
            self._grid.removeWidget(card)
        for index, card in enumerate(self.cards.values()):
            self._grid.addWidget(card, index // columns, index % columns, Qt.AlignmentFlag.AlignTop)
        for column in range(2):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
