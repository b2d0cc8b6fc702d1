"""How the Operations area works the incident log: the list it shows and the status moves
it offers.

:func:`incident_log_spec` is the log as a lazy list: title, severity, status, failure
category, when it was opened (detected) and the hours it took to mitigate, the
unresolved incidents first (open, then mitigated), newest detected first within each
status. :func:`allowed_moves` says which status changes an incident in a status can take
(forward along open -> mitigated -> resolved -> reviewed, or reopened), each a call of
:func:`~.data.set_status`. :data:`OPEN_STATUSES` are the statuses the "Not resolved"
filter keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ColumnElement, case, extract, func, literal, select

from ...models import IncidentStatus, Severity
from ..listing import ListColumn, ListSpec, figure_column, moment_column
from .data import _CAT, _I, _KPI, _REL, _RISK, _UC

if TYPE_CHECKING:
    from ...store import Workspace

#: The statuses of an incident not yet resolved.
OPEN_STATUSES = (IncidentStatus.OPEN.value, IncidentStatus.MITIGATED.value)
#: How each status is called on screen.
STATUS_LABELS = {
    IncidentStatus.OPEN.value: "Open",
    IncidentStatus.MITIGATED.value: "Mitigated",
    IncidentStatus.RESOLVED.value: "Resolved",
    IncidentStatus.REVIEWED.value: "Reviewed",
}
#: A severity as it is written everywhere: ``SEV2``.
SEVERITY_LABELS = {s.value: s.value.upper() for s in Severity}
#: Seconds between the epoch and the newest detection a workspace can hold, and more:
#: what the status rank is multiplied by so that it sorts before the detection time.
_RANK_STEP = 10**11


@dataclass(frozen=True)
class StatusMove:
    """A status change offered as a button: where to, its caption, what it does."""

    status: str
    label: str
    tip: str


_FORWARD = {
    IncidentStatus.MITIGATED.value: StatusMove(
        "mitigated",
        "Mitigated",
        "The harm is stopped (rolled back, safe mode, a filter): stamps the time mitigated",
    ),
    IncidentStatus.RESOLVED.value: StatusMove(
        "resolved", "Resolved", "The cause is fixed for good: stamps the time resolved"
    ),
    IncidentStatus.REVIEWED.value: StatusMove(
        "reviewed",
        "Reviewed",
        "The post-incident review is complete: stamps the time reviewed",
    ),
}
_REOPEN = StatusMove(
    "open", "Reopen", "The failure is back: the incident is open again (its timestamps stay)"
)


#: The statuses an incident moves on to from each one (forward; "Reopen" is added).
_NEXT = {
    IncidentStatus.OPEN.value: ("mitigated", "resolved"),
    IncidentStatus.MITIGATED.value: ("resolved",),
    IncidentStatus.RESOLVED.value: ("reviewed",),
    IncidentStatus.REVIEWED.value: (),
}


def allowed_moves(status: str) -> tuple[StatusMove, ...]:
    """The moves from ``status``: the next steps of open -> mitigated -> resolved ->
    reviewed (open may go straight to resolved), and "Reopen" from any status but open;
    none for an unknown status."""
    current = str(status)
    if current not in _NEXT:
        return ()
    moves = [_FORWARD[s] for s in _NEXT[current]]
    if current != IncidentStatus.OPEN.value:
        moves.append(_REOPEN)
    return tuple(moves)


#: What an incident links to, by name: the table and the column naming a row.
_LINKABLE = {
    "use_case": (_UC, "title"),
    "release": (_REL, "name"),
    "kpi": (_KPI, "name"),
    "risk": (_RISK, "title"),
}


def choices(*, ws: Workspace, kind: str) -> list[tuple[int, str]]:
    """``(id, name)`` of every use case, release, KPI or risk (``kind``), by name: what
    an incident's pickers offer (one Core query)."""
    table, column = _LINKABLE[kind]
    query = select(table.c.id, table.c[column]).order_by(func.lower(table.c[column]), table.c.id)
    with ws.engine.connect() as conn:
        return [(int(i), str(n)) for i, n in conn.execute(query)]


def _hours_between(start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[Any]:
    """Hours from ``start`` to ``end`` in portable SQL (NULL while ``end`` is empty)."""
    return (extract("epoch", end) - extract("epoch", start)) / 3600.0


def _open_first() -> ColumnElement[Any]:
    """The log's order: by status (open first), newest detected first within one."""
    ranks = {s.value: i for i, s in enumerate(IncidentStatus)}
    rank = case(ranks, value=_I.c.status, else_=len(ranks))
    # a 64-bit step: PostgreSQL multiplies two integers in 32 bits
    return rank * literal(_RANK_STEP, BigInteger()) - extract("epoch", _I.c.detected_at)


def incident_log_spec() -> ListSpec:
    """The incident log of the Operations area (see the module docstring)."""
    return ListSpec.of(
        _I,
        ListColumn("title", "Title", _I.c.title, width=30),
        ListColumn(
            "severity",
            "Severity",
            _I.c.severity,
            width=5,
            formatter="upper",
            tooltip="SEV1 (critical) to SEV4 (low), as the workspace defines them",
        ),
        ListColumn(
            "status",
            "Status",
            _I.c.status,
            width=8,
            formatter="enum",
            sort_expr=_open_first(),
            tooltip="Open and mitigated incidents first, newest first within a status",
        ),
        ListColumn("category", "Category", _CAT.c.name, width=14),
        moment_column(
            "opened", "Opened", _I.c.detected_at, tooltip="When the incident was detected"
        ),
        figure_column(
            "to_mitigate",
            "To mitigate",
            _hours_between(_I.c.detected_at, _I.c.mitigated_at),
            width=7,
            formatter="hours",
            tooltip="Time from detection to mitigation",
            empty_tooltip="Not mitigated yet",
        ),
        ListColumn("owner", "Owner", _I.c.owner, width=14),
        source=_I.outerjoin(_CAT, _CAT.c.id == _I.c.category_id),
        empty_text=(
            "No incidents. Press Ctrl+Shift+N (or \u201cNew incident\u201d) to log one when "
            "an AI feature misbehaves."
        ),
        default_sort="status",
    )
