"""``aipm feedback``: the feedback inbox: import tickets and feedback (CSV/XLSX), list and
search them, classify one (UX, data, model, policy, not AI) and read the counts per class
and failure cluster over time. (Interview candidate feedback is ``aipm interviews``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common
from .common import JsonFlag, WorkspaceFile, command, new_app
from .import_errors import DryRunFlag, ErrorsOption, refuse

app = new_app(
    "Feedback triage: import customer feedback and tickets, list and search them, classify "
    "them as UX, data, model, policy or not AI, and count them per class and cluster."
)

_SOURCE_HELP = (
    "CSV or XLSX with the columns text, date, source, customer and optional tags (and "
    "class, cluster when triaged elsewhere)."
)
_CLASSES = "ux, data, model, policy, not_ai or untriaged (or the keys 1-5, 0)"


@command(app, "import")
def import_command(
    file: WorkspaceFile,
    source: Annotated[Path, typer.Argument(help=_SOURCE_HELP)],
    dry_run: DryRunFlag = False,
    errors: ErrorsOption = None,
) -> None:
    """Import feedback items: every row is checked first; any problem means nothing is
    written. Rows already stored (same date, source, customer and text) are skipped."""
    from ..services import triage

    with common.for_import(file, dry_run) as ws:
        preview = triage.preview_import(ws=ws, source=source)
        typer.echo(f"{preview.source}: {preview.summary()}")
        for note in preview.notes():
            typer.echo(f"  {note}")
        if preview.rejected:
            raise refuse(preview.refusal().headline, preview.lines(), preview.problems, errors)
        if dry_run:
            typer.echo("Dry run: nothing written.")
            return
        _changes, added = triage.apply_import(ws=ws, preview=preview)
    path = file.expanduser()
    if not added:
        typer.echo(f"Nothing to import into {path.name}: every row is already stored.")
        return
    typer.echo(
        f"Imported {common.plural(added, 'feedback item')} into {path.name}; "
        f"SHA-256 of {preview.source}: {preview.sha256}."
    )


@command(app, "list")
def list_command(
    file: WorkspaceFile,
    triage_class: Annotated[
        str | None, typer.Option("--class", help=f"Only this class: {_CLASSES}.")
    ] = None,
    search: Annotated[
        str, typer.Option("--search", help="Only items containing every word (full text).")
    ] = "",
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many items.", min=1)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """List feedback items, newest first."""
    from ..services import triage
    from ..services.dates import format_date

    with common.reading(file) as ws:
        ids = triage.list_ids(ws=ws, triage_class=triage_class, source=source, search=search)
        shown = triage.items(ws=ws, ids=ids[:limit])
    if common.echo_json_or_empty(shown, as_json=as_json, empty="No feedback items match."):
        return
    rows = [
        [
            str(i.id),
            format_date(i.date),
            i.class_label,
            common.clip(" ".join(i.text.split()), 60),
            common.clip(i.cluster or "-", 24),
            common.clip(i.source or "-", 12),
            common.clip(i.customer or "-", 16),
        ]
        for i in shown
    ]
    header = ["ID", "Date", "Class", "Feedback", "Cluster", "Source", "Customer"]
    typer.echo(common.table(header, rows, right={0}))
    typer.echo("")
    more = f" (the first {len(shown):,} shown)" if len(ids) > len(shown) else ""
    typer.echo(common.plural(len(ids), "item") + more)


_Cluster = Annotated[
    str | None, typer.Option("--cluster", help='The failure cluster ("" clears it).')
]


@command(app, "classify")
def classify_command(
    file: WorkspaceFile,
    item_id: Annotated[int, typer.Argument(help="The feedback item's id.")],
    triage_class: Annotated[str, typer.Argument(help=f"The class: {_CLASSES}.")],
    cluster: _Cluster = None,
    who: common.WhoOption = None,
) -> None:
    """Classify one feedback item (one undoable step)."""
    from ..services import triage

    with common.writing(file) as ws:
        triage.classify(ws=ws, item_id=item_id, triage_class=triage_class, cluster=cluster, who=who)
        info = triage.item(ws=ws, item_id=item_id)
    cluster_text = f", cluster {info.cluster!r}" if info.cluster else ""
    typer.echo(f"Feedback #{item_id} is {info.class_label}{cluster_text}.")


_Periods = Annotated[
    int | None,
    typer.Option("--count", help="How many periods (default 6 months, 12 weeks; 0: all)."),
]


@command(app, "stats")
def stats_command(
    file: WorkspaceFile,
    period: Annotated[str, typer.Option("--period", help="week or month.")] = "month",
    count: _Periods = None,
    as_json: JsonFlag = False,
) -> None:
    """Counts per class and failure cluster over time, and the top clusters this month
    against last month."""
    from ..services import triage

    with common.reading(file) as ws:
        stats = triage.feedback_stats(ws=ws, period=period, count=count)
    if as_json:
        common.echo_json(stats.as_dict())
        return
    if not stats.total:
        typer.echo("No feedback items yet.")
        return
    typer.echo(f"{common.plural(stats.total, 'feedback item')}:")
    typer.echo("  " + ", ".join(f"{label} {count:,}" for label, count in stats.per_class.items()))
    for title, counts in (("By class", stats.by_class), ("By cluster", stats.by_cluster)):
        typer.echo("")
        typer.echo(f"{title}, per {counts.period}:")
        if not counts.series:
            typer.echo("  (none)")
            continue
        header = ["", *counts.labels]
        rows = [[s.label, *(f"{n:,}" for n in s.counts)] for s in counts.series]
        typer.echo(common.table(header, rows, right=set(range(1, len(header)))))
    top = stats.top
    typer.echo("")
    typer.echo(f"Top clusters, {top.this_month:%B %Y} against {top.last_month:%B %Y}:")
    if not top.rows:
        typer.echo("  (no clustered items in these two months)")
        return
    rows = [
        [r.cluster, f"{r.this_month:,}", f"{r.last_month:,}", f"{r.change:+,}"] for r in top.rows
    ]
    typer.echo(common.table(["Cluster", "This month", "Last month", "Change"], rows, {1, 2, 3}))
