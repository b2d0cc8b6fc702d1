"""``aipm docs``: PRDs and the other deliverables: list, new, export, review, search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app

app = new_app(
    "Documents (AI PRDs and other deliverables): list, create, export, review, search.",
    name="docs",
)

FORMATS = ("md", "html", "pdf")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@command(app, "list")
def list_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Every document with its kind, status, use case and approval, by title."""
    from ..services import documents
    from ..services.dates import format_date

    with common.reading(file) as ws:
        rows = documents.list_documents(ws=ws)
    items = [
        {
            "id": r["id"],
            "title": r["title"],
            "kind": r["kind"],
            "kind_name": documents.kind_name(r["kind"]),
            "status": str(r["status"]),
            "use_case_id": r["use_case_id"],
            "use_case": r["use_case"],
            "approver": r["approver"] or "",
            "approved_on": _iso(r["approved_on"]),
            "updated_at": _iso(r["updated_at"]),
            "size": int(r["size"] or 0),
        }
        for r in rows
    ]
    if common.echo_json_or_empty(items, as_json=as_json, empty="No documents in this workspace."):
        return
    typer.echo(f"{'id':>5}  {'title':<44} {'kind':<28} {'status':<10} {'use case':<28} approved")
    for row, r in zip(rows, items, strict=True):
        approved = f"{format_date(row['approved_on'])} {r['approver']}" if r["approved_on"] else "-"
        typer.echo(
            f"{r['id']:>5}  {common.clip(r['title'], 44):<44} "
            f"{common.clip(r['kind_name'], 28):<28} {r['status'].replace('_', ' '):<10} "
            f"{common.clip(r['use_case'] or '-', 28):<28} {approved}"
        )
    typer.echo(f"\n{common.plural(len(items), 'document')}")


def _kinds_help() -> str:
    """The --kind help: every built-in deliverable kind (a user template's kind works too)."""
    from ..resources import load_json

    keys = ", ".join(k["key"] for k in load_json("deliverable_kinds"))
    return f"Deliverable kind: {keys}; or the kind of one of your own templates."


@command(app, "new")
def new_command(
    file: WorkspaceFile,
    kind: str = typer.Option(..., "--kind", help=_kinds_help()),
    title: str = typer.Option(..., "--title", help="The document's title."),
    use_case: int | None = typer.Option(None, "--use-case", help="Id of the use case."),
) -> None:
    """Create a document from its kind's template; prints the new id."""
    from ..services import documents

    with common.writing(file) as ws:
        doc_id, _changes = documents.new_document(
            ws=ws, kind=kind, title=title, use_case_id=use_case
        )
    typer.echo(
        f"Created document {doc_id}: {' '.join(title.split())} ({documents.kind_name(kind)})"
    )


@command(app, "export")
def export_command(
    file: WorkspaceFile,
    document_id: int = typer.Argument(..., metavar="ID", help="Document id."),
    fmt: str = typer.Option(..., "--format", "-f", help="md, html or pdf."),
    out: Path = typer.Option(..., "--out", "-o", help="The file to write."),
    force: ForceFlag = False,
) -> None:
    """Write one document as markdown, standalone HTML or PDF."""
    from ..errors import UserError
    from ..services import rendering

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"Unknown format {fmt!r}; choose md, html or pdf.")
    with common.reading(file) as ws:
        if fmt == "md":
            written = rendering.export_markdown(
                ws=ws, document_id=document_id, out=out, overwrite=force
            )
        elif fmt == "html":
            written = rendering.export_html(
                ws=ws, document_id=document_id, out=out, overwrite=force
            )
        else:
            from ..services.documents_pdf import export_pdf

            written = export_pdf(
                ws=ws, document_ids=[document_id], out=out.expanduser(), overwrite=force
            )
    typer.echo(f"Exported document {document_id} to {written}")


@command(app, "review")
def review_command(
    file: WorkspaceFile,
    document_id: int = typer.Argument(..., metavar="ID", help="Document id."),
    as_json: JsonFlag = False,
) -> None:
    """The review findings (line, rule, suggested fix) and the readiness score."""
    from ..services import documents
    from ..services.review import readiness

    with common.reading(file) as ws:
        doc = documents.get_document(ws=ws, document_id=document_id)
        high_risk = documents.is_high_risk(ws=ws, document_id=document_id)
        result = documents.review_document(ws=ws, document_id=document_id)
    ready = readiness(result)
    if as_json:
        data = {
            "id": document_id,
            "title": doc.title,
            "kind": doc.kind,
            "high_risk": high_risk,
            "score": result.score,
            "verdict": ready.verdict,
            "band": ready.band,
            "breakdown": result.breakdown,
            "findings": [
                {
                    "line": f.line,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                    "suggestion": f.suggestion,
                }
                for f in result.findings
            ],
        }
        common.echo_json(data)
        return
    risk = ", high-risk use case" if high_risk else ""
    lines = [
        f"Document {document_id}: {doc.title} ({documents.kind_name(doc.kind)}{risk})",
        f"Readiness: {result.score}/100, {ready.verdict.lower()}: {ready.summary}",
    ]
    for f in result.findings:
        lines.append(f"  line {f.line:>4}  {f.severity:<7} {f.message}")
        if f.suggestion:
            lines.append(f"{'':17}fix: {f.suggestion}")
    lost = {rule: points for rule, points in result.breakdown.items() if points}
    if lost:
        lines.append("Points lost: " + ", ".join(f"{r} {p}" for r, p in lost.items()))
    typer.echo("\n".join(lines))


@command(app, "search")
def search_command(
    file: WorkspaceFile,
    query: str = typer.Argument(..., help="Words that must all occur in a document."),
    as_json: JsonFlag = False,
    limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="Most hits to show."),
) -> None:
    """Full-text search over the titles and bodies of every document."""
    from ..services import documents

    with common.reading(file) as ws:
        hits = documents.search(ws=ws, query=query, limit=limit)
    if as_json:
        common.echo_json(hits)
        return
    if not hits:
        typer.echo(f"No document matches {query!r}.")
        return
    for h in hits:
        where = f"{h.document_id}:{h.line}" if h.line else f"{h.document_id}:title"
        typer.echo(f"{where:>10}  {common.clip(h.title, 36):<36}  {h.snippet}")
    typer.echo(f"\n{common.plural(len(hits), 'hit')}")
