"""``aipm usecases``: list, rank, import, export and ranking stability of use cases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app
from .import_errors import (
    DryRunFlag,
    ErrorsOption,
    MatchOption,
    UnknownIdOption,
    import_records,
)

if TYPE_CHECKING:
    from ..store import Workspace

app = new_app(
    "Use cases and their scores: list, rank, import/export CSV or XLSX, and check how "
    "stable the ranking is when the weights move.",
)

_MODEL_HELP = "Scoring model by name (default: the workspace's active model)."
_FEED_HELP = (
    "Let each use case's open residual risk exposure in the risk register set the "
    "model's first risk criterion."
)


def _model_id(ws: Workspace, name: str | None) -> int:
    from ..services import scoring

    if name is None:
        return scoring.active_model_id(ws=ws)
    return scoring.model_by_name(ws=ws, name=name)


def _fmt_score(score: float | None) -> str:
    return "-" if score is None else f"{score:.1f}"


@command(app, "list")
def list_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """List use cases with their score and rank on the active model (by rank)."""
    from sqlalchemy import select

    from ..models import UseCase
    from ..services import scoring

    with common.reading(file) as ws:
        ranking = scoring.rank(ws=ws)
        u = UseCase.__table__  # type: ignore[attr-defined]
        with ws.session() as session:
            extra = {
                r[0]: (r[1], r[2])
                for r in session.execute(select(u.c.id, u.c.owner, u.c.area)).all()
            }
    items = [
        {
            "id": r.use_case_id,
            "title": r.title,
            "status": r.status,
            "owner": extra[r.use_case_id][0],
            "area": extra[r.use_case_id][1],
            "score": None if r.score is None else round(r.score, 2),
            "rank": r.rank,
            "complete": r.complete,
        }
        for r in ranking
    ]
    if common.echo_json_or_empty(items, as_json=as_json, empty="No use cases yet.", indent=None):
        return
    rows = [
        [
            str(i["id"]),
            common.clip(str(i["title"]), 40),
            str(i["status"]),
            common.clip(str(i["owner"]) or "-", 20),
            common.clip(str(i["area"]) or "-", 20),
            _fmt_score(i["score"]),
            "-" if i["rank"] is None else str(i["rank"]),
            "yes" if i["complete"] else "no",
        ]
        for i in items
    ]
    header = ["ID", "Title", "Status", "Owner", "Area", "Score", "Rank", "Complete"]
    typer.echo(common.table(header, rows, right={0, 5, 6}))


@command(app, "rank")
def rank_command(
    file: WorkspaceFile,
    model: str | None = typer.Option(None, "--model", help=_MODEL_HELP),
    risk_feed: bool = typer.Option(False, "--risk-from-register", help=_FEED_HELP),
    as_json: JsonFlag = False,
) -> None:
    """Rank use cases by a scoring model, with each criterion's contribution."""
    from ..services import scoring

    with common.reading(file) as ws:
        model_id = _model_id(ws, model)
        name = scoring.model_name(ws=ws, model_id=model_id)
        criteria = scoring.model_criteria(ws=ws, model_id=model_id)
        ranking = scoring.rank(ws=ws, model_id=model_id, risk_from_register=risk_feed)
    if as_json:
        payload: dict[str, Any] = {
            "model": {"id": model_id, "name": name},
            "criteria": [
                {
                    "id": c.id,
                    "key": c.key,
                    "name": c.name,
                    "group": c.group,
                    "direction": c.direction,
                    "weight_pct": round(c.weight_pct, 2),
                }
                for c in criteria
            ],
            "use_cases": [
                {
                    "id": r.use_case_id,
                    "title": r.title,
                    "status": r.status,
                    "score": None if r.score is None else round(r.score, 2),
                    "rank": r.rank,
                    "complete": r.complete,
                    "missing": [c.key for c in criteria if c.id in r.missing],
                    "from_risk_register": [c.key for c in criteria if c.id in r.fed],
                    "values": {c.key: r.values.get(c.id) for c in criteria},
                    "contributions": {
                        c.key: round(r.contributions[c.id], 2)
                        for c in criteria
                        if c.id in r.contributions
                    },
                }
                for r in ranking
            ],
        }
        common.echo_json(payload, indent=None)
        return
    typer.echo(f"Model: {name}")
    typer.echo(
        "Criteria: "
        + ", ".join(
            f"{c.key} {c.weight_pct:.0f}%{' (cost)' if c.direction == 'cost' else ''}"
            for c in criteria
        )
    )
    if not ranking:
        typer.echo("No use cases yet.")
        return
    # One short column per criterion: its points of the 0-100 score.
    header = ["Rank", "ID", "Title", "Score", *(f"C{i + 1}" for i in range(len(criteria)))]
    rows = []
    for r in ranking:
        row = [
            "-" if r.rank is None else str(r.rank),
            str(r.use_case_id),
            common.clip(r.title, 36),
            _fmt_score(r.score) if r.complete else "incomplete",
        ]
        row += [
            f"{r.contributions[c.id]:.1f}" if c.id in r.contributions else "?" for c in criteria
        ]
        rows.append(row)
    typer.echo("")
    typer.echo(common.table(header, rows, right={0, 1, 3, *range(4, 4 + len(criteria))}))
    typer.echo("")
    typer.echo("Columns C1.. give each criterion's points of the score ('?' = not scored):")
    for i, c in enumerate(criteria):
        typer.echo(f"  C{i + 1} = {c.name} ({c.key})")


@command(app, "import")
def import_command(
    file: WorkspaceFile,
    source: Path = typer.Argument(..., help="The CSV or XLSX file to import."),
    model: str | None = typer.Option(None, "--model", help=_MODEL_HELP),
    match: MatchOption = "id",
    on_unknown_id: UnknownIdOption = "reject",
    dry_run: DryRunFlag = False,
    errors: ErrorsOption = None,
) -> None:
    """Import use cases and scores from CSV/XLSX: add new ones, update those with an id.

    Every row is checked first; one bad row means nothing is written. A row with an id
    updates that use case (only the columns in the file); a row without one is added.
    Re-importing an export changes nothing. The import is one step for `aipm undo`.
    Columns (header names are case-insensitive): id, title, status, owner, area,
    tags, problem, target_users, value_hypothesis, metric_name, metric_baseline,
    metric_target, metric_unit, metric_date, decision, decision_rationale, cost_*,
    data_sources, data_availability, latency_requirement, safety_constraints,
    human_in_loop, and score:<criterion key> / rationale:<criterion key> per criterion.
    """
    from ..services import usecases

    import_records(
        file,
        lambda ws: usecases.preview_use_case_import(
            ws=ws,
            source=source,
            model_id=_model_id(ws, model),
            match=match,
            on_unknown_id=on_unknown_id,
        ),
        usecases.apply_use_case_import,
        "use case",
        dry_run=dry_run,
        errors=errors,
    )


@command(app, "export")
def export_command(
    file: WorkspaceFile,
    out: Path | None = typer.Option(None, "--out", help="The CSV or XLSX file to write."),
    force: ForceFlag = False,
    model: str | None = typer.Option(None, "--model", help=_MODEL_HELP),
) -> None:
    """Export use cases with score, rank and one column per criterion (formula-safe)."""
    from ..errors import UserError
    from ..services.usecases import export_use_cases

    if out is None:
        raise UserError("give the file to write with --out OUT.csv or OUT.xlsx.")
    with common.reading(file) as ws:
        written = export_use_cases(ws=ws, out=out, model_id=_model_id(ws, model), overwrite=force)
    typer.echo(f"Exported use cases of {file} to {written}")


@command(app, "stability")
def stability_command(
    file: WorkspaceFile,
    draws: int = typer.Option(2000, "--draws", help="Random weight draws."),
    spread: float = typer.Option(0.2, "--spread", help="Weight spread, e.g. 0.2 for ±20%."),
    top: int = typer.Option(3, "--top", help="N of 'stays in the top N'."),
    method: str = typer.Option("uniform", "--method", help="uniform or dirichlet."),
    seed: int = typer.Option(1234, "--seed", help="Random seed (same seed, same result)."),
    model: str | None = typer.Option(None, "--model", help=_MODEL_HELP),
    risk_feed: bool = typer.Option(False, "--risk-from-register", help=_FEED_HELP),
    limit: int = typer.Option(20, "--limit", help="Rows to print (table output)."),
    as_json: JsonFlag = False,
) -> None:
    """How often each use case stays in the top N when the weights are perturbed."""
    from ..services import scoring

    with common.reading(file) as ws:
        model_id = _model_id(ws, model)
        titles = {
            r.use_case_id: r.title
            for r in scoring.rank(ws=ws, model_id=model_id, risk_from_register=risk_feed)
        }
        result = scoring.stability(
            ws=ws,
            model_id=model_id,
            draws=draws,
            spread=spread,
            method=method,
            seed=seed,
            top_n=top,
            risk_from_register=risk_feed,
        )
    if as_json:
        common.echo_json(
            {
                "draws": result.draws,
                "spread": result.spread,
                "method": result.method,
                "seed": result.seed,
                "top_n": result.top_n,
                "use_cases": [
                    {
                        "id": uc,
                        "title": titles.get(uc, ""),
                        "baseline_rank": result.baseline_rank[uc],
                        "p_top_n": round(result.p_top_n[uc], 4),
                        "mean_rank": round(result.mean_rank[uc], 2),
                        "best_rank": result.best_rank[uc],
                        "worst_rank": result.worst_rank[uc],
                        "rank_counts": result.rank_counts[uc],
                    }
                    for uc in result.use_case_ids
                ],
            },
            indent=None,
        )
        return
    if not result.use_case_ids:
        typer.echo("No completely scored use cases to rank.")
        return
    typer.echo(
        f"{result.draws} draws, weights ±{result.spread:.0%} ({result.method}), seed {result.seed}"
    )
    rows = [
        [
            str(result.baseline_rank[uc]),
            str(uc),
            common.clip(titles.get(uc, ""), 36),
            f"{result.p_top_n[uc]:.0%}",
            f"{result.mean_rank[uc]:.1f}",
            f"{result.best_rank[uc]}-{result.worst_rank[uc]}",
        ]
        for uc in result.use_case_ids[: max(limit, 0)]
    ]
    header = ["Rank", "ID", "Title", f"P(top {result.top_n})", "Mean rank", "Range"]
    typer.echo(common.table(header, rows, right={0, 1, 3, 4, 5}))
    hidden = len(result.use_case_ids) - len(rows)
    if hidden > 0:
        typer.echo(f"(and {hidden} more; use --limit or --json)")
