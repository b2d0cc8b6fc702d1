"""The audit trail: the hash-chained change log, read, filtered, verified and exported.

:func:`verify` recomputes the change log's hash chain (:mod:`aipm_desktop.store.audit`)
and every stored evidence file's SHA-256, and says where the first mismatch is.
:class:`LogFilter` narrows the log by actor, entity kind, UTC days and words; the CLI
(:func:`entries`, :func:`export_log`) and the GUI's list (:func:`audit_list_spec`) read
through the same conditions. No Qt.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, String, cast, func, inspect, or_, select

from ..errors import UserError
from ..models import ChangeLog, EntityKind
from ..models.common import table_of
from ..store import Workspace
from ..store import audit as chain
from . import records

if TYPE_CHECKING:
    from .listing import ListSpec

LOG_T = table_of(ChangeLog)
#: The columns of an exported log (CSV/XLSX), in order.
HEADER = (
    "id",
    "at_utc",
    "who",
    "entity",
    "entity_id",
    "action",
    "label",
    "changes",
    "operation",
    "entry_hash",
)


def entity_kind(text: str) -> str:
    """An entity kind as the log stores it ("use case" and "Use_Case" -> "use_case")."""
    kind = "_".join(str(text).strip().lower().replace("-", " ").split())
    if kind not in {k.value for k in EntityKind}:
        known = ", ".join(sorted(k.value for k in EntityKind)[:8])
        raise UserError(f"Unknown entity kind {text!r} (for example: {known}, ...).")
    return kind


@dataclass(frozen=True)
class LogFilter:
    """Which change-log entries to show: by ``actor`` (exact, any case), ``entity`` kind,
    the UTC days ``since``..``until`` (both included) and ``text`` (every word in the
    label, actor, kind or changed values)."""

    actor: str | None = None
    entity: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""

    def conditions(self) -> list[ColumnElement[bool]]:
        c = LOG_T.c
        out: list[ColumnElement[bool]] = []
        if self.actor and self.actor.strip():
            out.append(func.lower(c.who) == self.actor.strip().lower())
        if self.entity:
            out.append(c.entity == entity_kind(self.entity))
        if self.since is not None and self.until is not None and self.since > self.until:
            raise UserError(
                f"The date range ends ({self.until.isoformat()}) before it starts "
                f"({self.since.isoformat()})."
            )
        if self.since is not None:
            out.append(c.at >= dt.datetime.combine(self.since, dt.time(), tzinfo=dt.UTC))
        if self.until is not None:
            out.append(
                c.at
                < dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            )
        searched = [c.label, c.who, c.entity, c.action, cast(c.changes, String)]
        for word in self.text.split():
            out.append(or_(*(col.icontains(word, autoescape=True) for col in searched)))
        return out


@dataclass(frozen=True)
class LogEntry(records.AsDict):
    """One change-log entry as the audit trail shows it."""

    id: int
    at: dt.datetime
    who: str
    entity: str
    entity_id: int
    action: str
    label: str
    changes: dict[str, Any]
    op_id: int | None
    entry_hash: str | None

    def summary(self) -> str:
        """What changed, on one line: ``status: draft -> approved; owner: - -> Ana``."""
        return summarise(self.changes)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def summarise(changes: Any) -> str:
    """A change-log entry's ``{field: [old, new]}`` on one line."""
    if isinstance(changes, str):
        try:
            changes = json.loads(changes) if changes else {}
        except ValueError:
            return changes
    if not isinstance(changes, dict):
        return ""
    parts = []
    for key, pair in changes.items():
        if isinstance(pair, list) and len(pair) == 2:
            parts.append(f"{key}: {_shown(pair[0])} -> {_shown(pair[1])}")
        else:
            parts.append(f"{key}: {_shown(pair)}")
    return "; ".join(parts)


def _require_chain(conn: Any) -> None:
    names = {col["name"] for col in inspect(conn).get_columns("change_log")}
    if "entry_hash" not in names:
        raise UserError(
            "This workspace was made by an older version: its change log is not "
            "hash-chained yet. Open it for editing once (for example in the app) to "
            "upgrade it, then verify it."
        )


def entries(*, ws: Workspace, where: LogFilter = LogFilter()) -> Iterator[LogEntry]:
    """The change-log entries ``where`` selects, oldest first."""
    query = select(LOG_T).where(*where.conditions()).order_by(LOG_T.c.id)
    with ws.engine.connect() as conn:
        _require_chain(conn)
        for row in conn.execute(query):
            yield records.from_row(LogEntry, row, changes=dict(row.changes or {}))


def subject_of(*, ws: Workspace, entry_id: int) -> tuple[str, int] | None:
    """The record change-log entry ``entry_id`` is about, as ``(entity kind, id)``; None
    when there is no such entry."""
    query = select(LOG_T.c.entity, LOG_T.c.entity_id).where(LOG_T.c.id == entry_id)
    with ws.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else (str(row[0]), int(row[1]))


def export_log(
    *, ws: Workspace, out: Path | str, where: LogFilter = LogFilter(), overwrite: bool = True
) -> Path:
    """Write the entries ``where`` selects to a CSV or XLSX file (formula-safe)."""
    from .tabular import write_rows

    def rows() -> Iterator[list[Any]]:
        for e in entries(ws=ws, where=where):
            changes = json.dumps(e.changes, ensure_ascii=False, sort_keys=True)
            yield [
                e.id,
                chain.utc_iso(e.at),
                e.who,
                e.entity,
                e.entity_id,
                e.action,
                e.label,
                changes,
                e.op_id,
                e.entry_hash,
            ]

    return write_rows(out, HEADER, rows(), overwrite=overwrite)


def actors(*, ws: Workspace) -> list[str]:
    """Everyone who appears in the change log, by name."""
    with ws.engine.connect() as conn:
        found = conn.execute(select(LOG_T.c.who).distinct().order_by(LOG_T.c.who)).scalars()
        return [w for w in found if w]


def entity_kinds(*, ws: Workspace) -> list[str]:
    """The entity kinds that appear in the change log."""
    with ws.engine.connect() as conn:
        found = conn.execute(select(LOG_T.c.entity).distinct().order_by(LOG_T.c.entity))
        return [str(k) for k in found.scalars() if k]


def audit_list_spec() -> ListSpec:
    """The change log as a list (newest first), for the audit view: its text filter
    searches the columns :class:`LogFilter` searches (see :mod:`.audit_list`, loaded
    here so ``aipm audit verify`` does not import the list machinery)."""
    from .audit_list import change_log_spec

    return change_log_spec()


@dataclass(frozen=True)
class AuditReport(records.AsDict):
    """What :func:`verify` found. ``ok``: the chain holds, every evidence file matches
    and (when one was given) the recorded head hash is in the chain."""

    entries: int
    head: str
    broken: dict[str, Any] | None
    broken_text: str
    evidence_problems: tuple[str, ...]
    head_problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.evidence_problems and not self.head_problem

    def as_dict(self) -> dict[str, Any]:
        return {**records.record_dict(self), "ok": self.ok}


def verify(*, ws: Workspace, expect_head: str | None = None) -> AuditReport:
    """Recompute the change log's chain and every evidence file's SHA-256; with
    ``expect_head`` (a head hash recorded earlier), check it is still in the chain (an
    entry removed from the end, or a chain rewritten since, is then detected)."""
    with ws.engine.connect() as conn:
        _require_chain(conn)
        report = chain.verify_chain(conn)
        blob_problems = chain.blob_problems(conn)
        head_problem = ""
        wanted = (expect_head or "").strip().lower()
        if wanted and wanted not in chain.chain_hashes(conn):
            head_problem = (
                f"the recorded head {wanted[:16]}… is not in the chain: entries were removed "
                "or the chain was rewritten since it was recorded"
            )
    broken = report.broken
    return AuditReport(
        entries=report.entries,
        head=report.head,
        broken=None if broken is None else records.record_dict(broken),
        broken_text="" if broken is None else broken.describe(),
        evidence_problems=tuple(blob_problems),
        head_problem=head_problem,
    )
