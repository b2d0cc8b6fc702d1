"""Evidence housekeeping: the workspace's size limit of one file, removing evidence (and
its file when nothing else names it), and pruning files no evidence item names.

A file's blob goes in the same operation as the last evidence item that names it, so
undoing the removal brings both back. Blobs left behind by older versions, or by records
removed another way (a use case deleted with its evidence), are listed by
:func:`orphan_blobs` and removed by :func:`prune_blobs`, one undoable operation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select
from sqlmodel import Session

from ...errors import NotFoundError, UserError
from ...models import EvidenceItem, EvidenceKind, WorkspaceSettings
from ...models.common import table_of
from ...models.workspace import DEFAULT_EVIDENCE_MAX_MB, MAX_EVIDENCE_MAX_MB
from ...store import Workspace
from .. import records
from ..changes import Changes
from .evidence import BLOB_T, EVIDENCE_T

MB = 1024 * 1024
_SETTINGS_T = table_of(WorkspaceSettings)


def limit_mb(conn: Connection | Session) -> int:
    """The workspace's size limit of one evidence file, in MB."""
    found = conn.execute(
        select(_SETTINGS_T.c.evidence_max_mb).order_by(_SETTINGS_T.c.id).limit(1)
    ).scalar()
    return int(found or DEFAULT_EVIDENCE_MAX_MB)


def evidence_limit_mb(*, ws: Workspace) -> int:
    """The workspace's size limit of one evidence file, in MB."""
    with ws.engine.connect() as conn:
        return limit_mb(conn)


def set_evidence_limit(*, ws: Workspace, mb: int, who: str | None = None) -> Changes:
    """Set the workspace's size limit of one evidence file (1 to 2048 MB)."""
    if not 1 <= int(mb) <= MAX_EVIDENCE_MAX_MB:
        raise UserError(f"The evidence size limit is 1 to {MAX_EVIDENCE_MAX_MB} MB, not {mb}.")
    with ws.engine.connect() as conn:
        settings_id = conn.execute(select(_SETTINGS_T.c.id).order_by(_SETTINGS_T.c.id)).scalar()
    if settings_id is None:
        raise NotFoundError("This workspace has no settings row.")
    data = {"evidence_max_mb": int(mb)}
    return records.update(ws=ws, model=WorkspaceSettings, id=settings_id, data=data, who=who)[1]


@dataclass(frozen=True)
class Removed(records.AsDict):
    """What a removal or prune took away: evidence items, stored files and their bytes."""

    items: int
    files: int
    bytes: int


def _unused(session: Session, hashes: Iterable[str] | None = None) -> list[tuple[str, int]]:
    """Blobs (SHA-256, size) no file evidence item names (among ``hashes`` if given)."""
    named = select(EVIDENCE_T.c.sha256).where(EVIDENCE_T.c.kind == EvidenceKind.FILE)
    query = select(BLOB_T.c.sha256, BLOB_T.c.size_bytes).where(BLOB_T.c.sha256.not_in(named))
    if hashes is not None:
        query = query.where(BLOB_T.c.sha256.in_(list(hashes)))
    return [(str(s), int(n)) for s, n in session.execute(query.order_by(BLOB_T.c.sha256))]


def _drop_blobs(session: Session, blobs: list[tuple[str, int]]) -> None:
    if blobs:
        session.execute(delete(BLOB_T).where(BLOB_T.c.sha256.in_([s for s, _n in blobs])))


def remove_evidence(
    *, ws: Workspace, evidence_ids: Iterable[int], who: str | None = None
) -> tuple[Removed, Changes]:
    """Remove evidence items (their control links go with them) and, in the same
    operation, every stored file no remaining item names. One undo step."""
    ids = list(dict.fromkeys(int(i) for i in evidence_ids))
    if not ids:
        raise UserError("Choose the evidence to remove.")
    with ws.write(who=who) as session:
        found = session.execute(
            select(EVIDENCE_T.c.id, EVIDENCE_T.c.title, EVIDENCE_T.c.sha256).where(
                EVIDENCE_T.c.id.in_(ids)
            )
        ).all()
        missing = sorted(set(ids) - {row.id for row in found})
        if missing:
            raise NotFoundError(f"No evidence item with id {missing[0]}.")
        session.info["label"] = (
            f"Remove evidence {found[0].title}"
            if len(found) == 1
            else f"Remove {len(found)} evidence items"
        )
        for item_id in ids:
            session.delete(records.existing(session, EvidenceItem, item_id))
        session.flush()
        unused = _unused(session, {row.sha256 for row in found if row.sha256})
        _drop_blobs(session, unused)
    removed = Removed(len(ids), len(unused), sum(n for _s, n in unused))
    return removed, Changes("evidence_item", tuple(ids), "delete")


def orphan_blobs(*, ws: Workspace) -> Removed:
    """The stored files no evidence item names (how many, and their bytes)."""
    with Session(ws.engine) as session:
        unused = _unused(session)
    return Removed(0, len(unused), sum(n for _s, n in unused))


def prune_blobs(*, ws: Workspace, who: str | None = None) -> Removed:
    """Remove every stored file no evidence item names (one undoable operation)."""
    with ws.write(label="Remove unused evidence files", who=who) as session:
        unused = _unused(session)
        _drop_blobs(session, unused)
    return Removed(0, len(unused), sum(n for _s, n in unused))
