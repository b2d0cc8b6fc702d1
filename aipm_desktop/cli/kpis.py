"""``aipm kpis``: list tracked KPIs, show their status, import and export snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app
from .import_errors import DryRunFlag, ErrorsOption, refuse

app = new_app(
    "KPIs and their snapshots: list them, show status against thresholds, trend and "
    "staleness, and import or export snapshots as CSV or XLSX.",
)

MAX_LISTED_REJECTIONS = 50

_Catalog = Annotated[
    bool,
    typer.Option("--catalog", help="List the built-in KPI catalog instead of the tracked KPIs."),
]
_Today = Annotated[
    str | None,
    typer.Option(
        help="Judge staleness as of this date (YYYY-MM-DD; default today).", show_default=False
    ),
]


#: What ``list --catalog`` shows of each catalog entry, in order.
_CATALOG = (
    "key",
    "name",
    "category",
    "unit",
    "direction",
    "frequency",
    "what",
    "why",
    "example_target",
)


@command(app, "list")
def list_command(
    file: WorkspaceFile,
    as_json: JsonFlag = False,
    catalog: _Catalog = False,
) -> None:
    """List the KPIs the workspace tracks (or, with --catalog, the KPI catalog)."""
    from ..services import kpis

    with common.reading(file) as ws:
        if catalog:
            entries = [{name: getattr(e, name) for name in _CATALOG} for e in kpis.catalog(ws=ws)]
        else:
            items = kpis.kpi_rows(ws=ws)
    if catalog:
        if as_json:
            common.echo_json(entries, indent=None)
            return
        rows = [
            [
                e["key"],
                common.clip(e["name"], 36),
                e["category"],
                e["unit"],
                e["direction"],
                e["frequency"],
            ]
            for e in entries
        ]
        typer.echo(
            common.table(["Key", "Name", "Category", "Unit", "Direction", "Frequency"], rows, set())
        )
        return
    if common.echo_json_or_empty(
        items,
        as_json=as_json,
        empty="No KPIs tracked yet; `aipm kpis list FILE --catalog` shows the catalog.",
        indent=None,
    ):
        return

    def number(value: Any) -> str:
        return "-" if value is None else kpis.format_number(value)

    rows = [
        [
            str(i["id"]),
            common.clip(i["name"], 36),
            i["unit"] or "-",
            "lower" if i["direction"] == "lower_is_better" else "higher",
            i["frequency"],
            number(i["baseline"]),
            number(i["target"]),
            number(i["warning"]),
            number(i["critical"]),
            common.clip(i["use_case"] or "-", 28),
            common.clip(i["owner"] or "-", 20),
        ]
        for i in items
    ]
    header = [
        "ID",
        "Name",
        "Unit",
        "Better",
        "Frequency",
        "Baseline",
        "Target",
        "Warning",
        "Critical",
        "Use case",
        "Owner",
    ]
    typer.echo(common.table(header, rows, right={0, 5, 6, 7, 8}))


@command(app, "status")
def status_command(
    file: WorkspaceFile,
    as_json: JsonFlag = False,
    today: _Today = None,
) -> None:
    """Per KPI: latest value, target, status, trend and whether it is stale."""
    from ..services import kpis

    day = common.parse_date(today, "--today {value!r} is not a date; use YYYY-MM-DD.")
    with common.reading(file) as ws:
        statuses = kpis.status_all(ws=ws, today=day)
    statuses.sort(key=lambda s: (kpis.STATUS_ORDER.get(s.status, 99), s.name.casefold()))
    if common.echo_json_or_empty(
        statuses,
        as_json=as_json,
        empty="No KPIs tracked yet.",
        indent=None,
    ):
        return
    rows = [
        [
            str(s.kpi_id),
            common.clip(s.name, 36),
            kpis.format_value(s.latest_value, s.unit) if s.latest_value is not None else "-",
            s.latest_date.isoformat() if s.latest_date else "-",
            kpis.format_value(s.target, s.unit) if s.target is not None else "-",
            kpis.STATUS_LABELS[s.status],
            kpis.TREND_LABELS[s.trend],
            "stale" if s.stale else "",
        ]
        for s in statuses
    ]
    header = ["ID", "KPI", "Latest", "Date", "Target", "Status", "Trend", "Stale"]
    typer.echo(common.table(header, rows, right={0, 2, 4}))
    alerts = sum(s.status in ("critical", "warning") for s in statuses)
    stale = sum(s.stale for s in statuses)
    typer.echo(f"\n{len(statuses)} KPIs · {alerts} in warning or critical · {stale} stale")


@command(app, "import")
def import_command(
    file: WorkspaceFile,
    source: Path = typer.Argument(
        ..., help="CSV or XLSX with columns kpi, date, value and optional use_case, note."
    ),
    on_duplicate: str = typer.Option(
        "replace",
        "--on-duplicate",
        help="When a KPI already has a snapshot on that date: replace it or skip the row.",
    ),
    dry_run: DryRunFlag = False,
    errors: ErrorsOption = None,
) -> None:
    """Import KPI snapshots: every row is checked first; one bad row means nothing is written."""
    from ..services import kpis

    if on_duplicate not in kpis.DUPLICATE_CHOICES:
        raise UserError(
            f"--on-duplicate must be one of {', '.join(kpis.DUPLICATE_CHOICES)}, "
            f"not {on_duplicate!r}."
        )
    path = file.expanduser()
    if dry_run:
        ws, _info = common.open_for_reading(path)
    else:
        ws = common.open_for_writing(path)
    try:
        preview = kpis.preview_import(ws=ws, source=source, on_duplicate=on_duplicate)
        typer.echo(f"{preview.source}: {preview.summary()}")
        if preview.rejected:
            raise refuse(
                f"{preview.source}: nothing imported; fix the {len(preview.rejected):,} "
                "rejected row(s) and try again",
                preview.rejected_summary(),
                preview.problems(),
                errors,
            )
        if dry_run:
            typer.echo("Dry run: nothing written.")
            return
        _changes, written = kpis.apply_import(ws=ws, preview=preview)
    finally:
        ws.close()
    typer.echo(f"Imported {written:,} snapshot(s) into {path.name}.")


@command(app, "export")
def export_command(
    file: WorkspaceFile,
    out: Path = typer.Option(..., "--out", "-o", help="The CSV or XLSX file to write."),
    force: ForceFlag = False,
    kpi: list[str] = typer.Option(
        None, "--kpi", help="Only this KPI (name, catalog key or id); repeat for several."
    ),
) -> None:
    """Export KPI snapshots (kpi, date, value, use_case, note): the import format."""
    from ..services import kpis

    with common.reading(file) as ws:
        ids = [kpis.find_kpi(ws=ws, ref=ref) for ref in kpi] if kpi else None
        written = kpis.export_snapshots(ws=ws, out=out, kpi_ids=ids, overwrite=force)
    typer.echo(f"Wrote {written}")
