"""The overview dashboard's data: what needs attention across the portfolio.

Sections (ask for the ones whose areas exist; a section not asked for is None):

- ``"kpis"``: KPIs in critical or warning (critical first), and stale KPIs (oldest first);
- ``"usecases"``: the top-ranked use cases of the active scoring model that a PM can
  still act on (not launched, parked or retired), each dot coloured by status family;
- ``"risks"``: the open risks with the highest residual score (dots in the workspace's
  risk level colours), and overdue risk reviews (or expired acceptances);
- ``"roadmap"``: milestones and releases due in the next :data:`UPCOMING_DAYS` days, and
  open blocking launch checks of releases not yet past their target date;
- ``"costs"``: cost models whose tracked KPI's latest actual is above their envelope
  (``costs.envelope_breaches``, largest excess first);
- ``"operations"``: the runbooks' rollback criteria met now on the KPIs' latest
  snapshots (``runbooks.met_criteria``), each offering to open an incident.

Each list holds at most ``limit`` items; :attr:`Dashboard.counts` has the full totals
under the section's list name (``kpi_alerts``, ``stale_kpis``, ...) beside the
workspace's record counts (by entity kind, as :func:`workspace.counts`).
:attr:`Dashboard.empty` says, per list, why it is empty and what to do (a new workspace
has no KPI to be "on target"), and :attr:`Dashboard.legends` what the dot colours of a
list mean. The use-case and
risk sections use ``services.scoring`` and ``services.risks``, imported when asked for.

The overview builds this at start-up, so it reads with SQLAlchemy Core only (the first
ORM read configures every mapper, ~20 ms), in few queries, and without numpy (~0.1 s to
import): the top use cases are ranked as ``scoring.rank`` ranks them, in plain Python.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, exc, func, or_, select, table

from ..errors import UserError
from ..models import (
    ChangeLog,
    LaunchCheck,
    Release,
    Risk,
    RoadmapItem,
    Score,
    UseCase,
    WorkspaceSettings,
)
from ..models.enums import CheckStatus, ItemKind, ItemStatus
from . import clock
from . import kpis as kpi_service
from .dates import format_date
from .scoring.ranking import PACK_BITS, pack_groups, packed_sums
from .workspace import COUNTED, ChangeEntry, change_entry, get_settings

if TYPE_CHECKING:
    from types import ModuleType

    from ..store import Workspace

SECTIONS: tuple[str, ...] = ("kpis", "usecases", "risks", "roadmap", "costs", "operations")
UPCOMING_DAYS = 60
RECENT_LIMIT = 10
SEVERITIES = ("critical", "warning", "info")
_DONE_CHECKS = (CheckStatus.DONE.value, CheckStatus.NOT_APPLICABLE.value)
_CLOSED_ITEMS = (ItemStatus.DONE.value, ItemStatus.CANCELLED.value)
#: Use cases a PM can no longer act on: left out of "top-ranked use cases".
SETTLED_USE_CASES = frozenset({"launched", "parked", "retired"})
#: Use-case status -> (family, dot colour) on the overview.
USE_CASE_FAMILIES: dict[str, tuple[str, str]] = {
    "idea": ("exploring", "#8e6ccf"),
    "discovery": ("exploring", "#8e6ccf"),
    "validated": ("validated", "#3b7ddd"),
    "pilot": ("in pilot", "#00897b"),
    "launched": ("live", "#2e7d32"),
    "parked": ("on hold", "#9aa5b1"),
    "retired": ("on hold", "#9aa5b1"),
}


@dataclass(frozen=True)
class DashboardItem:
    """One line of the dashboard; ``kind`` and ``entity_id`` say where a click goes."""

    kind: str
    entity_id: int
    title: str
    detail: str
    severity: str  # "critical" | "warning" | "info"
    day: dt.date | None = None
    #: The record to open in the area when it is not ``entity_id`` itself (a launch check
    #: opens its release).
    open_id: int | None = None
    #: The dot's colour (``#rrggbb``) when it is not the severity's: a risk's level colour,
    #: a use case's status family colour.
    color: str = ""
    #: What the dot means, in words (its tooltip): "high risk", "exploring", ...
    marker: str = ""


@dataclass
class Dashboard:
    kpi_alerts: list[DashboardItem] | None
    stale_kpis: list[DashboardItem] | None
    top_use_cases: list[DashboardItem] | None
    top_risks: list[DashboardItem] | None
    overdue_reviews: list[DashboardItem] | None
    upcoming: list[DashboardItem] | None
    recent: list[ChangeEntry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: Per list (attribute name): the line to show when it is empty.
    empty: dict[str, str] = field(default_factory=dict)
    #: Per list: what its dot colours mean, as ``[(label, "#rrggbb"), ...]``.
    legends: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    envelope_breaches: list[DashboardItem] | None = None
    rollback_breaches: list[DashboardItem] | None = None


def _optional(name: str) -> ModuleType | None:
    """``services.<name>`` if that area's services exist in this build."""
    try:
        return importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError:
        return None


#: The workspace settings the overview, the window title and the dashboard read.
_SETTINGS_COLUMNS = (
    "name",
    "client",
    "owner_name",
    "active_scoring_model_id",
    "risk_method",
    "risk_bands",
)


def settings_summary(*, ws: Workspace) -> Any:
    """The workspace's name, client, owner, active scoring model, risk method and risk
    bands (attributes named as on :class:`WorkspaceSettings`), in one Core query.

    The overview and the window title read these when a workspace opens; through the ORM
    the first read configures every mapper (~20 ms of start-up) before the overview can
    show. A file whose settings row is missing or older gets
    :func:`workspace.get_settings` and its fallbacks.
    """
    t = WorkspaceSettings.__table__  # type: ignore[attr-defined]
    query = select(*(t.c[name] for name in _SETTINGS_COLUMNS)).where(t.c.id == 1)
    try:
        with ws.engine.connect() as conn:
            row = conn.execute(query).first()
    except exc.OperationalError:  # an older file read without migrating
        row = None
    return row if row is not None else get_settings(ws=ws)


def _recent_changes(ws: Workspace, limit: int) -> list[ChangeEntry]:
    """The newest change-log entries, as :func:`workspace.recent_changes` (Core query)."""
    c = ChangeLog.__table__  # type: ignore[attr-defined]
    query = (
        select(c.c.at, c.c.who, c.c.entity, c.c.entity_id, c.c.action, c.c.label)
        .order_by(c.c.id.desc())
        .limit(limit)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [change_entry(row) for row in rows]


def _record_counts(ws: Workspace) -> dict[str, int]:
    """The workspace's record counts, as :func:`workspace.counts`, in one query."""
    counted = [
        select(func.count()).select_from(table(kind)).scalar_subquery().label(kind)
        for kind in COUNTED
    ]
    with ws.engine.connect() as conn:
        row = conn.execute(select(*counted)).one()
    return {kind: int(value) for kind, value in zip(COUNTED, row, strict=True)}


def _ago(days: int | None) -> str:
    if days is None:
        return "no snapshot yet"
    if days <= 0:
        return "today" if days == 0 else f"dated {-days} days ahead"
    return "yesterday" if days == 1 else f"{days} days ago"


def _kpi_sections(
    ws: Workspace, today: dt.date, limit: int, totals: dict[str, int]
) -> tuple[list[DashboardItem], list[DashboardItem]]:
    statuses = kpi_service.status_all(ws=ws, today=today)
    alerts = [s for s in statuses if s.status in ("critical", "warning")]
    alerts.sort(key=lambda s: (s.status != "critical", s.name.casefold(), s.kpi_id))
    stale = [s for s in statuses if s.stale]
    stale.sort(key=lambda s: (-(s.days_since or 0), s.name.casefold(), s.kpi_id))
    totals["kpi_alerts"] = len(alerts)
    totals["stale_kpis"] = len(stale)
    alert_items = []
    for s in alerts[:limit]:
        threshold = s.critical if s.status == "critical" else s.warning
        word = "critical" if s.status == "critical" else "warning"
        parts = [
            f"{kpi_service.format_value(s.latest_value, s.unit)} "
            f"({word} at {kpi_service.format_value(threshold, s.unit)})"
        ]
        if s.target is not None:
            parts.append(f"target {kpi_service.format_value(s.target, s.unit)}")
        if s.trend != "unknown":
            parts.append(kpi_service.TREND_LABELS[s.trend].lower())
        parts.append(_ago(s.days_since))
        alert_items.append(
            DashboardItem("kpi", s.kpi_id, s.name, " · ".join(parts), s.status, s.latest_date)
        )
    stale_items = [
        DashboardItem(
            "kpi",
            s.kpi_id,
            s.name,
            f"Last snapshot {_ago(s.days_since)} ({format_date(s.latest_date)}); "
            f"{kpi_service.FREQUENCY_LABELS.get(s.frequency, s.frequency).lower()}, "
            f"stale after {kpi_service.stale_after_days(s.frequency)} days",
            "warning",
            s.latest_date,
        )
        for s in stale[:limit]
        if s.latest_date is not None
    ]
    return alert_items, stale_items


def _use_case_section(
    ws: Workspace, scoring: Any, settings: Any, limit: int, totals: dict[str, int]
) -> tuple[list[DashboardItem], int]:
    """The top-ranked use cases still open to action, and how many are ranked at all."""
    # The active model as scoring.active_model_id chooses it: the one the settings name,
    # or else the first; none at all: nothing is ranked.
    models = [model[0] for model in scoring.list_models(ws=ws)]
    chosen = settings.active_scoring_model_id
    model_id = chosen if chosen in models else (models[0] if models else None)
    try:
        criteria = [] if model_id is None else scoring.model_criteria(ws=ws, model_id=model_id)
    except UserError:
        criteria = []
    ranked = _complete_ranking(ws, criteria, scoring.rank_key)
    open_ranked = [
        (rank, entry)
        for rank, entry in enumerate(ranked, start=1)
        if str(entry[3]) not in SETTLED_USE_CASES
    ]
    totals["top_use_cases"] = len(open_ranked)
    items = []
    for rank, (_key, use_case_id, title, status, score) in open_ranked[:limit]:
        family, color = USE_CASE_FAMILIES.get(str(status), ("", ""))
        label = str(status).replace("_", " ")
        items.append(
            DashboardItem(
                "use_case",
                use_case_id,
                title,
                f"#{rank} overall · score {score:.1f} · {label}",
                "info",
                color=color,
                marker=f"{label} ({family})" if family and family != label else label,
            )
        )
    return items, len(ranked)


def _complete_ranking(
    ws: Workspace, criteria: list[Any], rank_key: Any
) -> list[tuple[Any, int, str, str, float]]:
    """The complete use cases as ``(key, id, title, status, score)`` in rank order.

    The same scores and order as ``scoring.rank`` (criterion points added in criterion
    order, ties by ``rank_key``) without numpy, whose import (~0.1 s) would delay the
    overview at start-up: one Core query packs each use case's levels into integers
    (3 bits per criterion) and only use cases scored on every criterion come back.
    """
    if not criteria:
        return []
    u = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    ids = [c.id for c in criteria]
    weights = sum(c.weight for c in criteria) or 1.0
    points = [
        (0.0, *(100.0 * c.weight * c.utility(v) / weights for v in range(1, 6))) for c in criteria
    ]
    groups = pack_groups(ids)
    codes = packed_sums(s, groups)
    scored = func.count(case((s.c.criterion_id.in_(ids), 1))).label("scored")
    packed = select(s.c.use_case_id, scored, *codes).group_by(s.c.use_case_id).subquery()
    query = (
        select(u.c.id, u.c.title, u.c.status, *(packed.c[f"code{n}"] for n in range(len(groups))))
        .select_from(u.join(packed, packed.c.use_case_id == u.c.id))
        .where(packed.c.scored == len(ids))
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    ranked = []
    for row in rows:
        total = 0.0
        complete = True
        j = 0
        for n, group in enumerate(groups):
            code = row[3 + n] or 0
            for i in range(len(group)):
                level = (code >> (PACK_BITS * i)) & 7
                if not level:
                    complete = False
                    break
                total += points[j][level]
                j += 1
            if not complete:
                break
        if complete:
            ranked.append(
                (rank_key(total, row.title, row.id), row.id, row.title, row.status, total)
            )
    ranked.sort(key=lambda entry: entry[0])
    return ranked


def _risk_sections(
    ws: Workspace,
    risks: Any,
    settings: Any,
    today: dt.date,
    limit: int,
    totals: dict[str, int],
) -> tuple[list[DashboardItem], list[DashboardItem]]:
    t = Risk.__table__  # type: ignore[attr-defined]
    # As risks.bands and risks.method_of read them, from the settings read once.
    bands = risks.bands_from_settings(settings.risk_bands)
    method = settings.risk_method
    if method not in risks.METHODS:
        method = risks.DEFAULT_METHOD
    residual = risks.score_sql(*risks.cell_sql(residual=True), method)
    inherent = risks.score_sql(*risks.cell_sql(residual=False), method)
    active = t.c.status != "closed"
    columns = [t.c[c] for c in _RISK_COLUMNS]
    top_query = (
        select(*columns)
        .where(active)
        .order_by(residual.desc(), inherent.desc(), t.c.title, t.c.id)
        .limit(limit)
    )
    overdue_rule = risks.overdue_sql(today)
    # The date the risk fell due: the review date, or an earlier expired acceptance.
    expired = and_(
        t.c.status == "accepted",
        t.c.acceptance_expiry.is_not(None),
        t.c.acceptance_expiry < today,
        or_(t.c.next_review.is_(None), t.c.acceptance_expiry < t.c.next_review),
    )
    due = case((expired, t.c.acceptance_expiry), else_=t.c.next_review)
    overdue_query = select(*columns).where(overdue_rule).order_by(due, t.c.title, t.c.id)
    both_counts = select(func.count(case((active, 1))), func.count(case((overdue_rule, 1))))
    with ws.engine.connect() as conn:
        top_rows = conn.execute(top_query).all()
        open_count, overdue_count = conn.execute(both_counts.select_from(t)).one()
        overdue_rows = conn.execute(overdue_query.limit(limit)).all()
    totals["top_risks"] = int(open_count)
    totals["overdue_reviews"] = int(overdue_count)
    top = []
    for row in top_rows:
        result = risks.assess(row._mapping, bands=bands, method=method, today=today)
        level = result.residual_level.name
        severity = "critical" if level == bands[-1].name else "warning"
        if len(bands) > 1 and level not in (bands[-1].name, bands[-2].name):
            severity = "info"
        owner = f" · {row.owner}" if row.owner else ""
        score = f"{result.residual_score} ({level})"
        if result.residual_set:
            score = f"residual {score}"
        else:
            score += ", inherent: no residual assessment yet"
        top.append(
            DashboardItem(
                "risk",
                row.id,
                row.title,
                f"{score} · {str(row.status).replace('_', ' ')}{owner}",
                severity,
                color=result.residual_level.color,
                marker=f"{level} risk",
            )
        )
    assessed = [
        (risks.assess(row._mapping, bands=bands, method=method, today=today), row)
        for row in overdue_rows
    ]
    overdue = []
    for result, row in assessed:
        reason = result.overdue_reasons[0] if result.overdue_reasons else "Review overdue."
        owner = f" Owner: {row.owner}." if row.owner else ""
        overdue.append(
            DashboardItem(
                "risk",
                row.id,
                row.title,
                f"{reason}{owner}",
                "critical" if result.days_overdue > 30 else "warning",
                row.next_review,
            )
        )
    return top, overdue


_RISK_COLUMNS = (
    "id",
    "title",
    "owner",
    "status",
    "likelihood",
    "impact",
    "residual_likelihood",
    "residual_impact",
    "next_review",
    "acceptance_expiry",
)


def _roadmap_section(
    ws: Workspace, today: dt.date, limit: int, totals: dict[str, int]
) -> list[DashboardItem]:
    ri = RoadmapItem.__table__  # type: ignore[attr-defined]
    rel = Release.__table__  # type: ignore[attr-defined]
    lc = LaunchCheck.__table__  # type: ignore[attr-defined]
    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    linked = select(rel.c.roadmap_item_id).where(rel.c.roadmap_item_id.is_not(None))
    items_q = select(ri.c.id, ri.c.title, ri.c.kind, ri.c.end, ri.c.status, ri.c.owner).where(
        ri.c.kind.in_((ItemKind.MILESTONE.value, ItemKind.RELEASE.value)),
        ri.c.end >= today,
        ri.c.end <= horizon,
        ri.c.status.not_in(_CLOSED_ITEMS),
        ri.c.id.not_in(linked),
    )
    releases_q = select(rel.c.id, rel.c.name, rel.c.target_date, rel.c.feature_flag).where(
        rel.c.target_date >= today, rel.c.target_date <= horizon
    )
    open_checks = and_(lc.c.blocking.is_(True), lc.c.status.not_in(_DONE_CHECKS))
    checks_q = (
        select(
            lc.c.id,
            lc.c.release_id,
            lc.c.item,
            lc.c.function,
            lc.c.owner,
            lc.c.status,
            rel.c.name,
            rel.c.target_date,
        )
        .select_from(lc.join(rel, rel.c.id == lc.c.release_id))
        .where(open_checks, or_(rel.c.target_date.is_(None), rel.c.target_date >= today))
    )
    with ws.engine.connect() as conn:
        items = conn.execute(items_q).all()
        releases = conn.execute(releases_q).all()
        checks = conn.execute(checks_q).all()
        open_per_release: dict[int, int] = dict(
            conn.execute(
                select(lc.c.release_id, func.count()).where(open_checks).group_by(lc.c.release_id)
            ).all()
        )

    def days_to(day: dt.date) -> str:
        days = (day - today).days
        when = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
        return f"{format_date(day)} ({when})"

    # (sort key, item): by date, a release before its checks, blocked checks first.
    found: list[tuple[tuple[Any, ...], DashboardItem]] = []
    for row in items:
        kind = "Milestone" if row.kind == ItemKind.MILESTONE else "Release"
        owner = f" · {row.owner}" if row.owner else ""
        found.append(
            (
                (row.end, 0, row.title.casefold()),
                DashboardItem(
                    "roadmap_item",
                    row.id,
                    row.title,
                    f"{kind} {days_to(row.end)} · {row.status.replace('_', ' ')}{owner}",
                    "info",
                    row.end,
                ),
            )
        )
    for rel_row in releases:
        blocking = open_per_release.get(rel_row.id, 0)
        detail = f"Release {days_to(rel_row.target_date)}"
        if blocking:
            detail += f" · {blocking} open blocking check{'s' if blocking != 1 else ''}"
        found.append(
            (
                (rel_row.target_date, 0, rel_row.name.casefold()),
                DashboardItem(
                    "release",
                    rel_row.id,
                    rel_row.name,
                    detail,
                    "warning" if blocking else "info",
                    rel_row.target_date,
                ),
            )
        )
    for check in checks:
        blocked = check.status == CheckStatus.BLOCKED
        owner = f" · {check.owner}" if check.owner else ""
        when = days_to(check.target_date) if check.target_date else "no target date"
        found.append(
            (
                (check.target_date or dt.date.max, 1, not blocked, check.item.casefold()),
                DashboardItem(
                    "launch_check",
                    check.id,
                    f"{check.name}: {check.item}",
                    f"Blocking launch check, {check.status.replace('_', ' ')} · {check.function}"
                    f"{owner} · release {when}",
                    "critical" if blocked else "warning",
                    check.target_date,
                    check.release_id,
                ),
            )
        )
    found.sort(key=lambda pair: pair[0])
    totals["upcoming"] = len(found)
    return [item for _key, item in found[:limit]]


def _cost_section(
    ws: Workspace, costs: Any, limit: int, totals: dict[str, int]
) -> list[DashboardItem]:
    """Cost models whose tracked KPI is above their envelope (critical from 50 % over)."""
    from .dates import format_date

    breaches = costs.envelope_breaches(ws=ws)
    totals["envelope_breaches"] = len(breaches)
    items = []
    for b in breaches[:limit]:
        over = f" ({b.excess_share:.0%} over)" if b.excess_share is not None else ""
        unit = f" {b.unit}" if b.unit else ""
        items.append(
            DashboardItem(
                "cost_model",
                b.model_id,
                b.model_name,
                f"{b.kpi_name} {b.latest_value:g}{unit} on {format_date(b.latest_date)}, "
                f"above the envelope of {b.envelope:g}{unit}{over}",
                "critical" if (b.excess_share is None or b.excess_share >= 0.5) else "warning",
                b.latest_date,
            )
        )
    return items


def _operations_section(
    ws: Workspace, runbooks: Any, limit: int, totals: dict[str, int], empty: dict[str, str]
) -> list[DashboardItem]:
    """Rollback criteria met now (every one critical: the runbook says roll back)."""
    checked = runbooks.check(ws=ws)
    met = [r for r in checked if r.met]
    totals["rollback_breaches"] = len(met)
    empty["rollback_breaches"] = (
        "No rollback criterion is met on the latest KPI snapshots."
        if checked
        else "No rollback criteria yet. Write them in the runbooks under Operations; one met "
        "on the latest KPI snapshots shows here."
    )
    items = []
    for r in met[:limit]:
        latest = f"latest {r.latest:g}{r.unit if r.unit in ('%', '') else ' ' + r.unit}"
        items.append(
            DashboardItem(
                "rollback_criterion",
                r.criterion_id,
                f"{r.use_case or r.runbook}: {r.condition}",
                f"{latest} on {format_date(r.latest_date)} · {r.runbook} · "
                "click to open an incident",
                "critical",
                r.latest_date,
            )
        )
    return items


def dashboard(
    *,
    ws: Workspace,
    today: dt.date | None = None,
    limit: int = 5,
    sections: set[str] | frozenset[str] | None = None,
    recent_limit: int = RECENT_LIMIT,
) -> Dashboard:
    """What needs attention, section by section (``sections``: default all of them).

    A section not asked for, or whose area's services are not part of this build, is None.
    """
    wanted = set(SECTIONS) if sections is None else set(sections)
    unknown = wanted - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown dashboard section(s): {', '.join(sorted(unknown))}")
    today = today or clock.today()
    limit = max(int(limit), 0)
    totals = _record_counts(ws)
    settings = settings_summary(ws=ws) if wanted & {"usecases", "risks"} else None
    board = Dashboard(None, None, None, None, None, None)
    if "kpis" in wanted:
        board.kpi_alerts, board.stale_kpis = _kpi_sections(ws, today, limit, totals)
    ranked = 0
    if "usecases" in wanted and (scoring := _optional("scoring")) is not None:
        board.top_use_cases, ranked = _use_case_section(ws, scoring, settings, limit, totals)
        board.legends["top_use_cases"] = _families(
            s for s in USE_CASE_FAMILIES if s not in SETTLED_USE_CASES
        )
    if "risks" in wanted and (risks := _optional("risks")) is not None:
        board.top_risks, board.overdue_reviews = _risk_sections(
            ws, risks, settings, today, limit, totals
        )
        assert settings is not None  # read above whenever risks are asked for
        bands = risks.bands_from_settings(settings.risk_bands)
        board.legends["top_risks"] = [(band.name, band.color) for band in bands]
    if "roadmap" in wanted:
        board.upcoming = _roadmap_section(ws, today, limit, totals)
    if "costs" in wanted and (costs := _optional("costs")) is not None:
        board.envelope_breaches = _cost_section(ws, costs, limit, totals)
    board.empty = empty_texts(totals, ranked_use_cases=ranked)
    if "operations" in wanted and (runbooks := _optional("runbooks")) is not None:
        board.rollback_breaches = _operations_section(ws, runbooks, limit, totals, board.empty)
    board.recent = _recent_changes(ws, recent_limit)
    board.counts = totals
    return board


def _families(statuses: Any) -> list[tuple[str, str]]:
    """``[(family, colour), ...]`` of ``statuses``, each family once, in order."""
    seen: dict[str, str] = {}
    for status in statuses:
        family, color = USE_CASE_FAMILIES[status]
        seen.setdefault(family, color)
    return list(seen.items())


def empty_texts(counts: dict[str, int], *, ranked_use_cases: int = 0) -> dict[str, str]:
    """What each dashboard list says when it is empty, from the record ``counts`` (as
    :attr:`Dashboard.counts`): a list empty because nothing is tracked yet says so and
    where to start, rather than "all is well"."""
    kpis = counts.get("kpi", 0)
    snapshots = counts.get("kpi_snapshot", 0)
    risks = counts.get("risk", 0)
    if not kpis:
        alerts = (
            "No KPIs tracked yet. Add them under KPIs (from the catalogue) and record "
            "snapshots; those in warning or critical show here."
        )
        stale = "No KPIs tracked yet, so none can go stale."
    elif not snapshots:
        alerts = "No KPI has a snapshot yet: record values under KPIs to see how they stand."
        stale = "No KPI has a snapshot yet."
    else:
        alerts = "No KPI is in warning or critical."
        stale = "Every KPI has a recent snapshot."
    if not counts.get("use_case", 0):
        use_cases = "No use cases yet. Add them under Use cases and score them to rank them."
    elif not ranked_use_cases:
        use_cases = (
            "No use case is scored on every criterion of the active model yet: score them "
            "under Use cases to rank them."
        )
    else:
        use_cases = "Every ranked use case is launched, parked or retired: none left to act on."
    if not risks:
        top_risks = "No risks recorded yet. Add them under Risks to see the highest here."
        overdue = "No risks recorded yet, so no review is due."
    else:
        top_risks = "No open risks."
        overdue = "No review is overdue."
    if not counts.get("roadmap_item", 0) and not counts.get("release", 0):
        upcoming = "Nothing planned yet. Add milestones under Roadmap and releases under Launch."
    else:
        upcoming = f"Nothing due in the next {UPCOMING_DAYS} days."
    return {
        "kpi_alerts": alerts,
        "stale_kpis": stale,
        "top_use_cases": use_cases,
        "top_risks": top_risks,
        "overdue_reviews": overdue,
        "upcoming": upcoming,
    }
