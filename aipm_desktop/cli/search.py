"""``aipm search``: find any record of a workspace by title, as the app's Ctrl+K palette
does (the same index and fuzzy matching, :mod:`aipm_desktop.services.search`)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import JsonFlag, WorkspaceFile, clip, command, echo_json, reading, table

_Kind = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        help="Only records of this kind (use_case, risk, document, kpi, control…); repeat "
        "for several.",
        metavar="K",
    ),
]
_Limit = Annotated[int, typer.Option("--limit", help="At most this many results.", min=1)]


def register(app: typer.Typer) -> None:
    """Add ``aipm search`` to the root app."""

    @command(app, "search")
    def search_command(
        file: WorkspaceFile,
        query: str = typer.Argument(..., help="Words of the title, or its letters in order."),
        kind: _Kind = None,
        limit: _Limit = 20,
        as_json: JsonFlag = False,
    ) -> None:
        """Find records by title across every area (use cases, risks, documents, KPIs,
        roadmap items, releases, experiments, evaluation suites, incidents, runbooks,
        controls, evidence, cost models, candidates, interview cases), best match first.

        Matching ignores case and accents; the letters of the query must appear in the
        title in order ("rsr" finds "Route support requests")."""
        from ..services import search

        kinds = None if not kind else [search.parse_kind(k) for k in kind]
        with reading(file) as ws:
            hits = search.search(ws=ws, query=query, kinds=kinds, limit=limit)
        if as_json:
            echo_json([hit.as_dict() for hit in hits])
            return
        if not hits:
            typer.echo(f"Nothing matches {query!r}.")
            return
        rows = [
            [hit.label, str(hit.id), clip(hit.title, 60), clip(hit.context, 30)] for hit in hits
        ]
        typer.echo(table(["Kind", "Id", "Title", "Context"], rows, right={1}))
