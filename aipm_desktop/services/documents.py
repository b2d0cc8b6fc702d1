"""Documents: create from a template, save with revisions, status, diff, restore, search.

Every write runs in one transaction, records a :class:`~aipm_desktop.models.ChangeLog`
row and returns :class:`Changes` (kind ``"document"``) plus what undo needs (the old
body, the old status). Revisions are immutable copies of a document's title and body:
the first one is written with the document, then one per :func:`save_body` that changes
the body. Lists and search read through SQLAlchemy Core.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import String, TypeDecorator, and_, case, func, or_, select, type_coerce
from sqlalchemy.sql import operators

from ..errors import NotFoundError, ValidationError
from ..models import (
    AiActAssessment,
    Document,
    DocumentRevision,
    UseCase,
    utcnow,
)
from ..models.enums import DocumentStatus
from ..store import Workspace
from . import clock
from .changes import Changes
from .dates import format_datetime
from .listing import ListColumn, ListSpec, change_columns, enum_column
from .records import record_dict, touch, validation_error

KIND = "document"
#: EU AI Act tiers for which a document counts as high-risk in the review.
HIGH_RISK_TIERS = ("high", "prohibited")
SNIPPET_WIDTH = 160


# --- kinds ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _built_in_kinds() -> tuple[tuple[str, str], ...]:
    from ..resources import load_json

    return tuple((k["key"], k["name"]) for k in load_json("deliverable_kinds"))


def known_kinds() -> dict[str, str]:
    """Deliverable kind key -> display name, the built-in kinds of the domain source."""
    return dict(_built_in_kinds())


def kind_name(kind: str) -> str:
    """``"ai_prd"`` -> ``"AI PRD"``; an unknown kind reads as its key in words."""
    return known_kinds().get(kind) or kind.replace("_", " ").capitalize()


def _check_kind(kind: str, template_kind: str | None, user_dir: Path | None = None) -> str:
    kind = (kind or "").strip()
    if kind in known_kinds() or (template_kind is not None and kind == template_kind):
        return kind
    from .templates import templates

    if any(t.kind == kind for t in templates(user_dir=user_dir)):
        return kind
    choices = ", ".join(known_kinds())
    raise ValidationError(
        f"Unknown document kind {kind!r}; choose one of: {choices}.", [("kind", "unknown kind")]
    )


# --- writes --------------------------------------------------------------------------------


def _size(text: str) -> str:
    return f"{len(text):,} characters"


def new_document(
    *,
    ws: Workspace,
    kind: str,
    title: str,
    use_case_id: int | None = None,
    template_key: str | None = None,
    who: str | None = None,
    user_dir: Path | None = None,
) -> tuple[int, Changes]:
    """Create a document of ``kind`` whose body comes from a template (``template_key``,
    else the kind's template, else empty) and store its first revision. ``user_dir``
    overrides the folder of the user's templates."""
    from .templates import fill, template_for

    template = None
    if template_key:
        template = template_for(template_key, user_dir=user_dir)
        if template is None:
            raise NotFoundError(f"No template {template_key!r}.")
    kind = _check_kind(kind, template.kind if template else None, user_dir)
    if template is None:
        template = template_for(kind, user_dir=user_dir)
    with ws.write(who=who) as session:
        use_case_title = ""
        if use_case_id is not None:
            use_case = session.get(UseCase, use_case_id)
            if use_case is None:
                raise NotFoundError(f"No use case with id {use_case_id}.")
            use_case_title = use_case.title
        try:
            data = Document.model_validate(
                {"kind": kind, "title": title, "use_case_id": use_case_id}
            )
        except pydantic.ValidationError as error:
            raise validation_error(error, "document") from error
        body = fill(template.body, title=data.title, use_case=use_case_title) if template else ""
        data.body = body
        session.add(data)
        session.flush()
        assert data.id is not None
        doc_id = data.id
        session.add(
            DocumentRevision(
                document_id=doc_id,
                created_at=data.created_at,
                title=data.title,
                body=body,
                note="Created from " + (template.name if template else "an empty page"),
            )
        )
    return doc_id, Changes(KIND, (doc_id,), "create")


def save_body(
    *, ws: Workspace, document_id: int, body: str, who: str | None = None, note: str = ""
) -> tuple[Changes, str]:
    """Store a new body and a revision of it; returns the changes and the OLD body (undo is
    ``save_body(old)``). Nothing is written when the body is unchanged. An approved
    document that is edited goes back to draft (its approval date is cleared; the
    approver's name stays)."""
    body = body if body is not None else ""
    with ws.write(who=who) as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"No document with id {document_id}; it may have been deleted.")
        old = doc.body
        if old == body:
            return Changes(KIND, (document_id,), "update"), old
        changes: dict[str, Any] = {"body": [_size(old), _size(body)]}
        if doc.status == DocumentStatus.APPROVED:
            changes["status"] = [str(doc.status), DocumentStatus.DRAFT.value]
            changes["approved_on"] = [doc.approved_on, None]
            doc.status = DocumentStatus.DRAFT
            doc.approved_on = None
        now = utcnow()
        doc.body = body
        touch(doc, now)
        session.add(
            DocumentRevision(
                document_id=document_id,
                created_at=now,
                title=doc.title,
                body=body,
                note=(note or "")[:300],
            )
        )
    return Changes(KIND, (document_id,), "update"), old


def set_status(
    *,
    ws: Workspace,
    document_id: int,
    status: str,
    approver: str | None = None,
    who: str | None = None,
    approved_on: dt.date | None = None,
) -> tuple[Changes, dict[str, Any]]:
    """Move a document through draft -> in review -> approved.

    Approving needs an approver (``approver``, or the one already on the document) and
    sets ``approved_on`` to today (or ``approved_on``, which undo uses to put back the
    original date); any other status clears the date. ``approver`` given with another
    status just records the name. Returns the changes and the OLD ``{"status",
    "approver", "approved_on"}`` (undo: ``set_status(**old)``)."""
    try:
        new_status = DocumentStatus(str(status).strip().lower().replace(" ", "_"))
    except ValueError:
        choices = ", ".join(s.value for s in DocumentStatus)
        raise ValidationError(
            f"Unknown document status {status!r}; choose one of: {choices}.",
            [("status", "unknown status")],
        ) from None
    with ws.write(who=who) as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"No document with id {document_id}; it may have been deleted.")
        old = {
            "status": str(doc.status),
            "approver": doc.approver,
            "approved_on": doc.approved_on,
        }
        name = " ".join((approver if approver is not None else doc.approver or "").split())
        if len(name) > 200:
            raise ValidationError("The approver's name is too long (200 characters at most).")
        if new_status == DocumentStatus.APPROVED:
            if not name:
                raise ValidationError(
                    "An approved document needs an approver; give the approver's name.",
                    [("approver", "required")],
                )
            day = approved_on or clock.today()
        else:
            day = None
        new = {"status": new_status.value, "approver": name, "approved_on": day}
        diff = {k: [old[k], v] for k, v in new.items() if old[k] != v}
        if diff:
            doc.status = new_status
            doc.approver = name
            doc.approved_on = day
            touch(doc)
    return Changes(KIND, (document_id,), "update"), old


# --- revisions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisionInfo:
    """One revision in a history list: when, the note, the body's size in characters."""

    id: int
    created_at: dt.datetime
    note: str
    size: int
    title: str


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def revisions(*, ws: Workspace, document_id: int) -> list[RevisionInfo]:
    """The document's revisions, newest first."""
    t = DocumentRevision.__table__  # type: ignore[attr-defined]
    stmt = (
        select(t.c.id, t.c.created_at, t.c.note, func.length(t.c.body), t.c.title)
        .where(t.c.document_id == document_id)
        .order_by(t.c.created_at.desc(), t.c.id.desc())
    )
    with ws.engine.connect() as conn:
        return [
            RevisionInfo(int(r[0]), _aware(r[1]), r[2] or "", int(r[3] or 0), r[4])
            for r in conn.execute(stmt)
        ]


def revision_body(*, ws: Workspace, revision_id: int) -> str:
    """The body stored in one revision."""
    t = DocumentRevision.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        body = conn.execute(select(t.c.body).where(t.c.id == revision_id)).scalar()
    if body is None:
        raise NotFoundError(f"No revision with id {revision_id}.")
    return body


def restore_revision(
    *, ws: Workspace, document_id: int, revision_id: int, who: str | None = None
) -> tuple[Changes, str]:
    """Make a revision's body the document's body again (as a new revision); returns the
    changes and the OLD body (undo: ``save_body(old)``)."""
    t = DocumentRevision.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(t.c.body, t.c.created_at).where(
                t.c.id == revision_id, t.c.document_id == document_id
            )
        ).first()
    if row is None:
        raise NotFoundError(f"Document {document_id} has no revision with id {revision_id}.")
    when = format_datetime(_aware(row[1]))
    return save_body(
        ws=ws, document_id=document_id, body=row[0], who=who, note=f"Restored revision of {when}"
    )


def diff_unified(old: str, new: str, *, old_label: str = "", new_label: str = "") -> str:
    """A unified diff of two bodies (three lines of context)."""
    lines = difflib.unified_diff(
        old.splitlines(),
        new.splitlines(),
        fromfile=old_label or "before",
        tofile=new_label or "after",
        lineterm="",
    )
    return "\n".join(lines)


def diff_side_by_side(old: str, new: str) -> list[tuple[str, int | None, str, int | None, str]]:
    """Rows of a side-by-side diff: (tag, old line number, old text, new line number, new
    text), tags ``"equal"``, ``"replace"``, ``"delete"``, ``"insert"``; line numbers are
    1-based and None on the side that has no line."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[tuple[str, int | None, str, int | None, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [
                ("equal", i + 1, a[i], j + 1, b[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
        elif tag == "delete":
            rows += [("delete", i + 1, a[i], None, "") for i in range(i1, i2)]
        elif tag == "insert":
            rows += [("insert", None, "", j + 1, b[j]) for j in range(j1, j2)]
        else:
            for i, j in itertools.zip_longest(range(i1, i2), range(j1, j2)):
                if i is not None and j is not None:
                    rows.append(("replace", i + 1, a[i], j + 1, b[j]))
                elif i is not None:
                    rows.append(("delete", i + 1, a[i], None, ""))
                else:
                    rows.append(("insert", None, "", j + 1, b[j]))
    return rows


# --- reading -------------------------------------------------------------------------------


def get_document(*, ws: Workspace, document_id: int) -> Document:
    """The document (an ORM object, detached)."""
    with ws.session() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"No document with id {document_id}.")
        return doc


def is_high_risk(*, ws: Workspace, document_id: int) -> bool:
    """True when the document's use case is assessed as EU AI Act high-risk (or
    prohibited): the review then asks for a human-in-the-loop statement."""
    d = Document.__table__  # type: ignore[attr-defined]
    a = AiActAssessment.__table__  # type: ignore[attr-defined]
    stmt = (
        select(a.c.tier)
        .select_from(d.join(a, a.c.use_case_id == d.c.use_case_id))
        .where(d.c.id == document_id)
    )
    with ws.engine.connect() as conn:
        tier = conn.execute(stmt).scalar()
    return tier is not None and str(tier) in HIGH_RISK_TIERS


def review_document(*, ws: Workspace, document_id: int) -> Any:
    """The :class:`~aipm_desktop.services.review.ReviewResult` of a stored document."""
    from .review import review

    doc = get_document(ws=ws, document_id=document_id)
    return review(doc.body, kind=doc.kind, high_risk=is_high_risk(ws=ws, document_id=document_id))


def document_ids(*, ws: Workspace, use_case_id: int | None = None) -> list[int]:
    """Ids of all documents (or one use case's), by kind order of the domain source, then
    title: the order of a combined export."""
    t = Document.__table__  # type: ignore[attr-defined]
    order = case({k: i for i, k in enumerate(known_kinds())}, value=t.c.kind, else_=99)
    stmt = select(t.c.id).order_by(order, func.lower(t.c.title), t.c.id)
    if use_case_id is not None:
        stmt = stmt.where(t.c.use_case_id == use_case_id)
    with ws.engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(stmt)]


def list_documents(*, ws: Workspace) -> list[dict[str, Any]]:
    """Every document without its body: id, title, kind, status, use case, approver,
    approved_on, updated_at and size (characters), by title."""
    t = Document.__table__  # type: ignore[attr-defined]
    uc = UseCase.__table__  # type: ignore[attr-defined]
    stmt = (
        select(
            t.c.id,
            t.c.title,
            t.c.kind,
            t.c.status,
            t.c.use_case_id,
            uc.c.title.label("use_case"),
            t.c.approver,
            t.c.approved_on,
            t.c.updated_at,
            func.length(t.c.body).label("size"),
        )
        .select_from(t.outerjoin(uc, uc.c.id == t.c.use_case_id))
        .order_by(func.lower(t.c.title), t.c.id)
    )
    with ws.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


# --- the list ------------------------------------------------------------------------------


class _KindText(TypeDecorator):
    """The kind column: stores the key, shows the kind's name."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else kind_name(value)


class _UseCaseTitle(TypeDecorator):
    """The use-case column: shows the title, filters by id (``== 7``, ``in_``, ``None``)."""

    impl = String
    cache_ok = True

    class comparator_factory(String.Comparator):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            column = Document.__table__.c.use_case_id  # type: ignore[attr-defined]
            if op is operators.eq:
                return column.is_(None) if other[0] is None else column == other[0]
            if op is operators.in_op:
                return column.in_(list(other[0]))
            if op is operators.is_:
                return column.is_(other[0])
            return super().operate(op, *other, **kwargs)


def document_list_spec() -> ListSpec:
    """The document list: title, kind, status, use case, approver, updated.

    Filters (``query_ids(filters=...)``): ``kind`` (a kind key, or a list of keys),
    ``status`` (a status value or list), ``use_case`` (a use case id, a list of ids, or
    None for documents without one). The text filter looks at the title, the kind key,
    the use case's title and the approver (search the bodies with :func:`search`).
    """
    t = Document.__table__  # type: ignore[attr-defined]
    uc = UseCase.__table__  # type: ignore[attr-defined]
    names = known_kinds()
    return ListSpec(
        kind=KIND,
        source=t.outerjoin(uc, uc.c.id == t.c.use_case_id),
        id_column=t.c.id,
        noun=("document", "documents"),
        empty_text=(
            "No documents yet. Start an AI PRD, an evaluation plan or another deliverable "
            "from its template."
        ),
        columns=(
            ListColumn("title", "Title", t.c.title, width=40),
            ListColumn(
                "kind",
                "Kind",
                type_coerce(t.c.kind, _KindText()),
                width=22,
                sort_expr=case(names, value=t.c.kind, else_=t.c.kind) if names else t.c.kind,
            ),
            enum_column("status", "Status", t.c.status, DocumentStatus, width=10),
            ListColumn("use_case", "Use case", type_coerce(uc.c.title, _UseCaseTitle()), width=28),
            ListColumn("approver", "Approver", t.c.approver, width=16),
            *change_columns(t),
        ),
        default_sort="updated",
        default_descending=True,
    )


# --- search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One matching line of a document (``line`` is 1-based; 0 for a title-only match);
    ``spans`` are (start, end) offsets in ``snippet`` to highlight."""

    document_id: int
    title: str
    kind: str
    line: int
    snippet: str
    spans: tuple[tuple[int, int], ...]

    def as_dict(self) -> dict[str, Any]:
        return record_dict(self)


def _spans(text: str, regex: re.Pattern[str]) -> tuple[tuple[int, int], ...]:
    spans = sorted((m.start(), m.end()) for m in regex.finditer(text) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _snippet(line: str, regex: re.Pattern[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    text = " ".join(line.split())
    if len(text) > SNIPPET_WIDTH:
        m = regex.search(text)
        first = m.start() if m else 0
        start = max(0, min(first - SNIPPET_WIDTH // 3, len(text) - SNIPPET_WIDTH))
        end = start + SNIPPET_WIDTH
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return text, _spans(text, regex)


def search(
    *, ws: Workspace, query: str, limit: int = 200, per_document: int = 3
) -> list[SearchHit]:
    """Full-text search over the titles and bodies of all documents.

    Every word of ``query`` must occur (case-insensitively) in the document's title or
    body. Documents whose title holds every word come first, then the most recently
    updated. Each document gives up to ``per_document`` lines, those holding the most
    words first (then in line order); a document that matches only through its title
    gives one hit with line 0. At most ``limit`` hits.
    """
    words = list(dict.fromkeys(w.lower() for w in (query or "").split()))
    if not words or limit <= 0:
        return []
    t = Document.__table__  # type: ignore[attr-defined]
    in_title = and_(*(t.c.title.icontains(w, autoescape=True) for w in words))
    stmt = (
        select(t.c.id, t.c.title, t.c.kind, t.c.body)
        .where(
            *(
                or_(t.c.title.icontains(w, autoescape=True), t.c.body.icontains(w, autoescape=True))
                for w in words
            )
        )
        .order_by(case((in_title, 0), else_=1), t.c.updated_at.desc(), t.c.id.desc())
    )
    regex = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    hits: list[SearchHit] = []
    with ws.engine.connect() as conn:
        for doc_id, title, kind, body in conn.execute(stmt):
            found: list[tuple[int, int, str]] = []
            for number, line in enumerate((body or "").split("\n"), start=1):
                lowered = line.lower()
                count = sum(1 for w in words if w in lowered)
                if count:
                    found.append((-count, number, line))
            if found:
                best = sorted(found)[:per_document]
                for _neg, number, line in sorted(best, key=lambda item: item[1]):
                    snippet, spans = _snippet(line, regex)
                    hits.append(SearchHit(doc_id, title, kind, number, snippet, spans))
            else:
                snippet, spans = _snippet(title, regex)
                hits.append(SearchHit(doc_id, title, kind, 0, snippet, spans))
            if len(hits) >= limit:
                return hits[:limit]
    return hits


def export_records(*, ws: Workspace, document_ids: list[int]) -> list[dict[str, Any]]:
    """What an export prints of each document, in the order asked: id, title, kind,
    status, use case title, approver, approval date and body (one Core query)."""
    d = Document.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    stmt = (
        select(
            d.c.id,
            d.c.title,
            d.c.kind,
            d.c.status,
            u.c.title.label("use_case"),
            d.c.approver,
            d.c.approved_on,
            d.c.body,
        )
        .select_from(d.outerjoin(u, d.c.use_case_id == u.c.id))
        .where(d.c.id.in_(document_ids))
    )
    with ws.engine.connect() as conn:
        rows = {r.id: dict(r._mapping) for r in conn.execute(stmt)}
    missing = [i for i in document_ids if i not in rows]
    if missing:
        raise NotFoundError(f"No document with id {missing[0]}.")
    return [rows[i] for i in document_ids]
