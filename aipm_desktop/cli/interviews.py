"""``aipm interviews``: candidate scores and feedback summaries from a workspace file."""

from __future__ import annotations

from pathlib import Path

import typer

from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app

app = new_app(
    "Interview case kit: candidate scores and feedback summaries.",
    name="interviews",
)


@command(app, "candidates")
def candidates(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Per candidate: weighted score, per-dimension means and spread, red flags."""
    from ..services import interviews as iv
    from ..services.dates import format_date

    summaries = common.listed(
        file,
        iv.candidate_summaries,
        as_json=as_json,
        empty="No candidates in this workspace.",
        data=lambda items: [iv.summary_dict(s) for s in items],
    )
    for index, s in enumerate(summaries):
        if index:
            typer.echo("")
        score = s.score_text(empty="not scored")
        date = format_date(s.candidate.interview_date, "no date")
        typer.echo(f"{s.name} (id {s.id}, {s.candidate.role_level or 'no role level'}, {date})")
        typer.echo(f"  weighted score: {score}")
        for flag in s.red_flags:
            typer.echo(f"  RED FLAG: {flag.text} (ticked by {flag.interviewer})")
        for ev in s.incomplete_evaluations:
            typer.echo(
                f"  incomplete: {ev.interviewer} ({ev.exercise_title}) missing "
                f"{', '.join(ev.missing)}"
            )
        for dim in s.dimensions:
            mean = "-" if dim.mean is None else f"{dim.mean:.1f}"
            spread = "-" if dim.spread is None else str(dim.spread)
            mark = "  DISAGREEMENT" if dim.disagreement else ""
            typer.echo(
                f"  {dim.name:<32} {dim.weight_pct:>4.0f}%  mean {mean:>3}  spread {spread}{mark}"
            )
        for ev in s.evaluations:
            typer.echo(f"  {ev.interviewer}: {iv.recommendation_label(ev.recommendation)}")


@command(app, "export")
def export(
    file: WorkspaceFile,
    candidate: str = typer.Argument(..., help="Candidate id or name."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .md or .pdf."),
    force: ForceFlag = False,
) -> None:
    """Write a candidate's feedback summary for the hiring debrief (.md or .pdf)."""
    from ..services import feedback
    from ..services import interviews as iv

    with common.reading(file) as ws:
        candidate_id = iv.resolve_candidate(ws=ws, ref=candidate)
        written = feedback.export_candidate(ws=ws, candidate=candidate_id, out=out, overwrite=force)
    typer.echo(f"Wrote {written}")
