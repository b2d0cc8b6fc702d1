"""``aipm roadmap``: roadmap items with their schedule state, and roadmap predictability."""

from __future__ import annotations

import typer

from . import common
from .common import JsonFlag, WorkspaceFile, command, new_app

app = new_app(
    "Roadmap items (dates, slip, dependencies, critical path) and predictability.",
    name="roadmap",
)


@command(app, "list")
def list_command(
    file: WorkspaceFile,
    start: str = typer.Option(None, "--from", help="Only items ending on or after this date."),
    end: str = typer.Option(None, "--to", help="Only items starting on or before this date."),
    as_json: JsonFlag = False,
) -> None:
    """Every roadmap item by start date: lane, kind, dates, slip against the plan, status,
    whether it is on the critical path, and its dependencies (violated ones flagged)."""
    from ..services import roadmap

    first = common.parse_date(start, "--from must be a date like 2026-07-01, not {value!r}.")
    last = common.parse_date(end, "--to must be a date like 2026-07-01, not {value!r}.")
    if first and last and last < first:
        from ..errors import UserError

        raise UserError("--to must not be before --from.")
    with common.reading(file) as ws:
        items, deps = roadmap.timeline(ws=ws, start=first, end=last)
    after: dict[int, list[int]] = {}
    violated: dict[int, list[int]] = {}
    for dep in deps:
        after.setdefault(dep.successor_id, []).append(dep.predecessor_id)
        if dep.violated:
            violated.setdefault(dep.successor_id, []).append(dep.predecessor_id)
    if as_json:
        rows = []
        for item in items:
            row = item.as_dict()
            row["depends_on"] = after.get(item.id, [])
            row["violated_dependencies"] = violated.get(item.id, [])
            rows.append(row)
        common.echo_json(rows)
        return
    if not items:
        typer.echo(
            "No roadmap items in this workspace."
            if not (first or last)
            else "No roadmap items in that period."
        )
        return
    typer.echo(
        f"{'id':>5}  {'title':<40} {'lane':<22} {'kind':<9} {'start':<10} {'end':<10} "
        f"{'slip':>5} {'status':<11} {'prog':>4}  {'crit':<4} depends on"
    )
    for item in items:
        slip = "-" if item.slip_days is None else f"{item.slip_days:+d}d"
        deps_text = ",".join(
            f"{p}!" if p in violated.get(item.id, []) else str(p) for p in after.get(item.id, [])
        )
        typer.echo(
            f"{item.id:>5}  {common.clip(item.title, 40):<40} {common.clip(item.lane, 22):<22} "
            f"{item.kind:<9} {item.start.isoformat():<10} {item.end.isoformat():<10} "
            f"{slip:>5} {item.status:<11} {item.progress:>3}%  {'*' if item.critical else '':<4} "
            f"{deps_text or '-'}"
        )
    broken = sum(1 for d in deps if d.violated)
    critical = sum(1 for i in items if i.critical)
    typer.echo(
        f"\n{len(items)} items, {len(deps)} dependencies ({broken} violated, marked !), "
        f"{critical} on the critical path (*)."
    )


@command(app, "predictability")
def predictability_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Roadmap predictability per quarter: items delivered on their planned dates out of
    the items planned to end in that quarter (cancelled items left out)."""
    from ..services import roadmap

    quarters = common.listed(
        file,
        roadmap.predictability,
        as_json=as_json,
        empty="No roadmap item with planned dates has come due yet.",
    )
    typer.echo(f"{'quarter':<8} {'planned':>7} {'on plan':>7} {'ratio':>6}")
    for q in quarters:
        ratio = "-" if q.ratio is None else f"{100 * q.ratio:.0f}%"
        typer.echo(f"{q.quarter:<8} {q.planned:>7} {q.on_plan:>7} {ratio:>6}")
