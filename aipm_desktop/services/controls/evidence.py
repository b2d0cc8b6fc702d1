"""Evidence items: files kept inside the workspace by their SHA-256, or references.

A file is read once, hashed, and stored in ``evidence_blob`` under its SHA-256 unless a
blob with that hash is already there (the same bytes are kept once). Adding a file whose
content is already evidence of the same use case links the controls to that item instead
of making a second one: evidence once, satisfies many. Files above the size limit (the
workspace's ``evidence_max_mb`` setting unless the caller gives another) are refused
before reading.
:func:`satisfied_controls` answers which controls an item satisfies, directly and through
the crosswalk; :func:`verify_blobs` recomputes every stored file's hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session

from ...errors import NotFoundError, UserError
from ...models import Control, Document, EvidenceBlob, EvidenceItem, EvidenceKind, UseCase
from ...models.common import table_of
from ...store import Workspace, audit
from .. import clock, records
from ..changes import Changes
from .catalogs import CATALOG_T, CONTROL_T, EVIDENCE_LINK_T, MAPPING_T

#: The default size limit of one evidence file.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
BLOB_T = table_of(EvidenceBlob)
EVIDENCE_T = table_of(EvidenceItem)
_USE_CASE_T = table_of(UseCase)


#: An evidence item's kind as the app names it.
KIND_LABELS: dict[str, str] = {
    EvidenceKind.FILE: "File",
    EvidenceKind.URL: "URL",
    EvidenceKind.DOCUMENT: "Document",
    EvidenceKind.TICKET: "Ticket",
}


def kind_label(kind: str) -> str:
    """``url`` → ``URL``: the kind of an evidence item as the Evidence tab shows it."""
    return KIND_LABELS.get(kind, str(kind))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_evidence_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of an evidence file, refused (before reading) above ``max_bytes``."""
    path = Path(path).expanduser()
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise UserError(f"{path} is a folder; give a file as evidence.")
        if size > max_bytes:
            raise UserError(
                f"{path.name} is {_megabytes(size)}, above the evidence size limit of "
                f"{_megabytes(max_bytes)}; store it elsewhere and add a reference (URL or "
                "ticket) instead, or raise the limit."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"No such file: {path}") from None
    except PermissionError:
        raise UserError(f"Cannot read {path}: permission denied.") from None


def _link(session: Session, evidence_id: int, control_ids: Iterable[int]) -> None:
    have = set(
        session.execute(
            select(EVIDENCE_LINK_T.c.control_id).where(
                EVIDENCE_LINK_T.c.evidence_item_id == evidence_id
            )
        ).scalars()
    )
    new = [c for c in dict.fromkeys(control_ids) if c not in have]
    for control_id in new:
        records.existing(session, Control, control_id)
    if new:
        session.execute(
            insert(EVIDENCE_LINK_T),
            [{"evidence_item_id": evidence_id, "control_id": c} for c in new],
        )


@dataclass(frozen=True)
class Added:
    """An evidence item added (or found: the same file was already evidence)."""

    id: int
    reused: bool
    sha256: str = ""
    changes: Changes | None = None


@dataclass(frozen=True)
class About:
    """What an evidence item records beside its content: the controls it satisfies, its
    use case (None: it serves every use case), a title (default: the file name or the
    reference), who added it (default: your user name), how long it is valid, who
    reviewed it and notes."""

    control_ids: tuple[int, ...] = ()
    use_case_id: int | None = None
    title: str = ""
    added_by: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    reviewer: str = ""
    notes: str = ""

    def values(self, default_title: str) -> dict[str, Any]:
        return {
            "title": self.title.strip() or default_title[:200],
            "use_case_id": self.use_case_id,
            "added_by": self.added_by or records.default_author(),
            "added_on": clock.today(),
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "reviewer": self.reviewer,
            "notes": self.notes,
        }


def add_file(
    *,
    ws: Workspace,
    path: Path | str,
    about: About = About(),
    max_bytes: int | None = None,
    who: str | None = None,
) -> Added:
    """Store a file as evidence (one undoable operation), refused above ``max_bytes``
    (default: the workspace's size limit)."""
    path = Path(path).expanduser()
    if max_bytes is None:
        from .housekeeping import MB, evidence_limit_mb

        max_bytes = evidence_limit_mb(ws=ws) * MB
    data = read_evidence_file(path, max_bytes=max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    use_case_id = about.use_case_id
    with ws.write(label=f"Add evidence {about.title or path.name}", who=who) as session:
        if use_case_id is not None:
            records.existing(session, UseCase, use_case_id)
        same = select(EVIDENCE_T.c.id).where(
            EVIDENCE_T.c.sha256 == digest, EVIDENCE_T.c.kind == EvidenceKind.FILE
        )
        same = same.where(
            EVIDENCE_T.c.use_case_id.is_(None)
            if use_case_id is None
            else EVIDENCE_T.c.use_case_id == use_case_id
        )
        existing = session.execute(same.order_by(EVIDENCE_T.c.id)).scalars().first()
        if existing is not None:
            _link(session, existing, about.control_ids)
            return Added(existing, True, digest, Changes("evidence_item", (existing,), "update"))
        stored = session.execute(select(BLOB_T.c.sha256).where(BLOB_T.c.sha256 == digest)).first()
        if stored is None:
            session.execute(insert(BLOB_T).values(sha256=digest, size_bytes=len(data), data=data))
        obj = records.validate_create(
            EvidenceItem,
            {
                **about.values(path.name),
                "kind": EvidenceKind.FILE,
                "sha256": digest,
                "file_name": path.name,
                "size_bytes": len(data),
            },
        )
        new_id, changes = records.add_row(session, obj)
        _link(session, new_id, about.control_ids)
    return Added(new_id, False, digest, changes)


def add_reference(
    *, ws: Workspace, kind: str, target: str, about: About = About(), who: str | None = None
) -> Added:
    """Add a reference as evidence: ``kind`` url (``target`` the URL), document (a
    document id of the workspace) or ticket (its id)."""
    chosen = records.choice_of(
        EvidenceKind,
        kind,
        what="evidence kind",
        field="kind",
        problem="unknown kind",
        options=[EvidenceKind.URL, EvidenceKind.DOCUMENT, EvidenceKind.TICKET],
    )
    if chosen == EvidenceKind.FILE:
        raise UserError("A file is added with add_file (aipm controls evidence add FILE).")
    values: dict[str, Any] = {"kind": chosen}
    with ws.write(who=who) as session:
        if chosen == EvidenceKind.DOCUMENT:
            text = str(target).strip()
            if not text.isdigit():
                raise UserError(f"A document is named by its id, not {text!r}.")
            document = records.existing(session, Document, int(text))
            values["document_id"] = document.id
            default_title = document.title
        else:
            values["url" if chosen == EvidenceKind.URL else "ticket"] = str(target).strip()
            default_title = str(target).strip()
        obj = records.validate_create(EvidenceItem, {**about.values(default_title), **values})
        session.info["label"] = f"Add evidence {obj.title}"
        new_id, changes = records.add_row(session, obj)
        _link(session, new_id, about.control_ids)
    return Added(new_id, False, "", changes)


def link_controls(
    *, ws: Workspace, evidence_id: int, control_ids: Iterable[int], who: str | None = None
) -> Changes:
    """Let an evidence item satisfy more controls."""
    with ws.write(who=who) as session:
        item = records.existing(session, EvidenceItem, evidence_id)
        session.info["label"] = f"Link evidence {item.title}"
        _link(session, evidence_id, control_ids)
    return Changes("evidence_item", (evidence_id,), "update")


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceInfo(records.AsDict):
    id: int
    title: str
    kind: str
    use_case: str
    target: str
    sha256: str
    size_bytes: int | None
    added_by: str
    added_on: dt.date
    valid_from: dt.date | None
    valid_until: dt.date | None
    reviewer: str
    controls: tuple[str, ...]


def _target(row: Any) -> str:
    if row.kind == EvidenceKind.FILE:
        return row.file_name
    if row.kind == EvidenceKind.DOCUMENT:
        return f"document #{row.document_id}"
    return row.url or row.ticket


def evidence_items(*, ws: Workspace, use_case_id: int | None = None) -> list[EvidenceInfo]:
    """Every evidence item (or those of one use case and the workspace-wide ones), with
    the controls it satisfies directly as ``catalog:ref``."""
    query = (
        select(EVIDENCE_T, func.coalesce(_USE_CASE_T.c.title, "").label("use_case"))
        .outerjoin(_USE_CASE_T, _USE_CASE_T.c.id == EVIDENCE_T.c.use_case_id)
        .order_by(EVIDENCE_T.c.id)
    )
    if use_case_id is not None:
        query = query.where(
            (EVIDENCE_T.c.use_case_id == use_case_id) | EVIDENCE_T.c.use_case_id.is_(None)
        )
    with ws.engine.connect() as conn:
        links: dict[int, list[str]] = {}
        for evidence_id, key, ref in conn.execute(
            select(EVIDENCE_LINK_T.c.evidence_item_id, CATALOG_T.c.key, CONTROL_T.c.ref)
            .join(CONTROL_T, CONTROL_T.c.id == EVIDENCE_LINK_T.c.control_id)
            .join(CATALOG_T, CATALOG_T.c.id == CONTROL_T.c.catalog_id)
            .order_by(CATALOG_T.c.key, CONTROL_T.c.position)
        ):
            links.setdefault(evidence_id, []).append(f"{key}:{ref}")
        return [
            records.from_row(
                EvidenceInfo, row, target=_target(row), controls=tuple(links.get(row.id, ()))
            )
            for row in conn.execute(query)
        ]


@dataclass(frozen=True)
class Satisfied(records.AsDict):
    """A control an evidence item satisfies: ``how`` is "direct", or "equivalent" /
    "related" with ``via`` the control it is linked to directly."""

    control_id: int
    control: str
    title: str
    how: str
    via: str = ""


def satisfied_controls(*, ws: Workspace, evidence_id: int) -> list[Satisfied]:
    """Which controls an evidence item satisfies: those linked to it directly, then those
    the crosswalk maps to them (``equivalent`` ones count as satisfied; ``related`` ones
    are listed as helped)."""
    with ws.engine.connect() as conn:
        found = conn.execute(select(EVIDENCE_T.c.id).where(EVIDENCE_T.c.id == evidence_id))
        if found.first() is None:
            raise NotFoundError(f"No evidence item with id {evidence_id}.")
        names = {
            row.id: (f"{row.key}:{row.ref}", row.title)
            for row in conn.execute(
                select(CONTROL_T.c.id, CONTROL_T.c.ref, CONTROL_T.c.title, CATALOG_T.c.key).join(
                    CATALOG_T, CATALOG_T.c.id == CONTROL_T.c.catalog_id
                )
            )
        }
        direct = list(
            conn.execute(
                select(EVIDENCE_LINK_T.c.control_id).where(
                    EVIDENCE_LINK_T.c.evidence_item_id == evidence_id
                )
            ).scalars()
        )
        mappings = conn.execute(
            select(MAPPING_T.c.from_control_id, MAPPING_T.c.to_control_id, MAPPING_T.c.strength)
            .where(MAPPING_T.c.from_control_id.in_(direct) | MAPPING_T.c.to_control_id.in_(direct))
            .order_by(MAPPING_T.c.id)
        ).all()
    out = [Satisfied(c, *names[c], "direct") for c in sorted(direct, key=lambda c: names[c])]
    seen = set(direct)
    for strength in ("equivalent", "related"):
        for a, b, s in mappings:
            if s != strength:
                continue
            base, other = (a, b) if a in direct else (b, a)
            if other in seen:
                continue
            seen.add(other)
            out.append(Satisfied(other, *names[other], strength, names[base][0]))
    return out


def blob(*, ws: Workspace, sha256: str) -> bytes:
    """The stored bytes of an evidence file."""
    with ws.engine.connect() as conn:
        data = conn.execute(select(BLOB_T.c.data).where(BLOB_T.c.sha256 == sha256)).scalar()
    if data is None:
        raise NotFoundError(f"No evidence file with SHA-256 {sha256}.")
    return bytes(data)


def verify_blobs(*, ws: Workspace) -> list[str]:
    """Problems of the stored evidence files: a blob whose bytes no longer hash to its
    key (changed outside the app), or an evidence item whose file is missing. Empty
    when every file checks out (see :func:`~aipm_desktop.store.audit.blob_problems`)."""
    with ws.engine.connect() as conn:
        return audit.blob_problems(conn)
