"""``aipm risks``: the responsible-AI risk register and the EU AI Act tier check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

app = new_app(
    "Responsible-AI risk register: list, import, export; EU AI Act tier per use case.",
    name="risks",
)


def _list_item(row: dict[str, Any]) -> dict[str, Any]:
    review = row.get("next_review")
    return {
        "id": row["id"],
        "title": row["title"],
        "category": row["category"],
        "status": str(row["status"]),
        "owner": row["owner"],
        "inherent_score": row["inherent_score"],
        "inherent_level": row["inherent_level"],
        "residual_score": row["residual_score"],
        "residual_level": row["residual_level"],
        "next_review": review.isoformat() if review is not None else None,
        "overdue": row["overdue"] == "yes",
        "days_overdue": row["days_overdue"],
        "use_case_ids": row["use_case_ids"],
    }


@command(app, "list")
def list_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Every risk with its inherent and residual score and level, by residual score."""
    from ..services import risks

    with common.reading(file) as ws:
        rows = [_list_item(row) for row in risks.export_rows(ws=ws)]
    rows.sort(key=lambda r: (-r["residual_score"], -r["inherent_score"], r["id"]))
    if common.echo_json_or_empty(rows, as_json=as_json, empty="No risks in this workspace."):
        return
    typer.echo(
        f"{'id':>5}  {'title':<44} {'category':<24} {'status':<10} {'owner':<16} "
        f"{'inherent':<14} {'residual':<14} {'next review':<11} use cases"
    )
    for r in rows:
        inherent = f"{r['inherent_score']:>2} {r['inherent_level']}"
        residual = f"{r['residual_score']:>2} {r['residual_level']}"
        review = r["next_review"] or "-"
        if r["overdue"]:
            review += " OVERDUE"
        links = ",".join(map(str, r["use_case_ids"])) or "-"
        typer.echo(
            f"{r['id']:>5}  {common.clip(r['title'], 44):<44} {common.clip(r['category'], 24):<24} "
            f"{r['status']:<10} {common.clip(r['owner'], 16):<16} {inherent:<14} {residual:<14} "
            f"{review:<11} {links}"
        )
    overdue = sum(r["overdue"] for r in rows)
    typer.echo(f"\n{common.plural(len(rows), 'risk')}, {overdue} overdue for review")


@command(app, "import")
def import_command(
    file: WorkspaceFile,
    source: Path = typer.Argument(..., help="Spreadsheet of risks (.csv or .xlsx)."),
    match: MatchOption = "id",
    on_unknown_id: UnknownIdOption = "reject",
    dry_run: DryRunFlag = False,
    errors: ErrorsOption = None,
) -> None:
    """Import risks: add new ones, update those with an id (every row checked first).

    A row with an id updates that risk (only the columns in the file; a use_cases or
    use_case_ids column sets its links); a row without one is added. One bad row means
    nothing is written; re-importing an export changes nothing; `aipm undo` takes the
    whole import back.
    """
    from ..services import risks

    import_records(
        file,
        lambda ws: risks.preview_risk_import(
            ws=ws, source=source, match=match, on_unknown_id=on_unknown_id
        ),
        risks.apply_risk_import,
        "risk",
        dry_run=dry_run,
        errors=errors,
    )


@command(app, "export")
def export_command(
    file: WorkspaceFile,
    out: Path = typer.Option(..., "--out", "-o", help="The file to write: .csv or .xlsx."),
    force: ForceFlag = False,
) -> None:
    """Write the register with derived scores and levels to a spreadsheet."""
    from ..services import risks

    with common.reading(file) as ws:
        written = risks.export_risks(ws=ws, out=out, overwrite=force)
    typer.echo(f"Exported the risks of {file} to {written}")


@command(app, "tier")
def tier_command(
    file: WorkspaceFile,
    use_case: str = typer.Argument(..., help="Use case id or title."),
    as_json: JsonFlag = False,
) -> None:
    """The stored EU AI Act tier check of a use case: tier, reasons, obligations."""
    from ..errors import UserError
    from ..services import ai_act

    with common.reading(file) as ws:
        use_case_id = ai_act.resolve_use_case(ws=ws, ref=use_case)
        assessment = ai_act.get_assessment(ws=ws, use_case_id=use_case_id)
        items = ai_act.obligations(ws=ws, use_case_id=use_case_id)
    if assessment is None:
        raise UserError(
            f"use case {use_case_id} has no EU AI Act tier check yet; run it in the app "
            "(Risks, AI Act tier)."
        )
    data: dict[str, Any] = {
        "use_case_id": use_case_id,
        "tier": assessment.tier,
        "tier_label": ai_act.TIERS[assessment.tier][0],
        "reasons": list(assessment.reasons),
        "assessor": assessment.assessor,
        "assessed_on": assessment.assessed_on.isoformat(),
        "answers": dict(assessment.answers),
        "obligations": [
            {
                "article": o.article,
                "title": o.title,
                "status": str(o.status),
                "owner": o.owner,
                "due_date": o.due_date.isoformat() if o.due_date else None,
            }
            for o in items
        ],
        "disclaimer": ai_act.DISCLAIMER,
    }
    if as_json:
        common.echo_json(data)
        return
    by = f" by {assessment.assessor}" if assessment.assessor else ""
    lines = [
        f"Use case {use_case_id}: {data['tier_label']} (assessed {data['assessed_on']}{by})",
        ai_act.TIERS[assessment.tier][1],
        "",
        "Why:",
        *(f"  - {reason}" for reason in assessment.reasons),
    ]
    if items:
        lines += ["", "Obligations:"]
        for o in data["obligations"]:
            extra = ", ".join(
                part
                for part in (o["owner"], f"due {o['due_date']}" if o["due_date"] else "")
                if part
            )
            status = o["status"].replace("_", " ")
            lines.append(
                f"  {o['article']:<8} {o['title']:<44} {status}{f' ({extra})' if extra else ''}"
            )
    lines += ["", ai_act.DISCLAIMER]
    typer.echo("\n".join(lines))
