"""``aipm interviews``: candidate scores, feedback summaries and debriefs, the panel's
submitted ratings and agreement, and case packs, from a workspace file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common
from .common import ForceFlag, JsonFlag, WorkspaceFile, command, new_app

#: A candidate, by id or (part of the) name.
CandidateRef = Annotated[str, typer.Argument(help="Candidate id or name.")]
#: A report written to .md or .pdf.
ReportOut = Annotated[Path, typer.Option("--out", "-o", help="Output file: .md or .pdf.")]

#: Where a debrief goes: .md or .pdf, or markdown on stdout.
DebriefOut = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Output file: .md or .pdf (default: markdown on stdout)."),
]

app = new_app(
    "Interview case kit: scores, feedback, debriefs, panel agreement and case packs.",
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
        if s.blind_text():
            typer.echo(f"  blind scoring: {s.blind_text()}")
        if s.candidate.decision:
            typer.echo(
                f"  decision: {iv.decision_label(s.candidate.decision)} by "
                f"{s.candidate.decided_by or 'unknown'}: {s.candidate.decision_rationale}"
            )
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
    file: WorkspaceFile, candidate: CandidateRef, out: ReportOut, force: ForceFlag = False
) -> None:
    """Write a candidate's feedback summary for the hiring debrief (.md or .pdf)."""
    from ..services import feedback
    from ..services import interviews as iv

    with common.reading(file) as ws:
        candidate_id = iv.resolve_candidate(ws=ws, ref=candidate)
        written = feedback.export_candidate(ws=ws, candidate=candidate_id, out=out, overwrite=force)
    typer.echo(f"Wrote {written}")


# --------------------------------------------------------------------------- calibration


@command(app, "ratings")
def ratings(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """Every submitted rating: candidate, interviewer, case, dimension, level (blind rules:
    a candidate's ratings are listed once every evaluation of theirs is submitted)."""
    from ..services import interviews as iv
    from ..services.records import record_dict

    with common.reading(file) as ws:
        rows, withheld = iv.submitted_ratings(ws=ws)
    waiting = [{"candidate": name, "waiting_for": who} for name, who in withheld]
    if common.echo_json_or_empty(
        rows,
        as_json=as_json,
        empty="No submitted ratings in this workspace.",
        data={"ratings": [record_dict(r) for r in rows], "withheld": waiting},
    ):
        _echo_withheld(withheld, as_json=as_json)
        return
    header = ["Candidate", "Interviewer", "Case", "Dimension", "Level"]
    cells = [
        [r.candidate, r.interviewer, common.clip(r.case, 36), r.dimension, str(r.level)]
        for r in rows
    ]
    typer.echo(common.table(header, cells, right={4}))
    _echo_withheld(withheld)


def _echo_withheld(withheld: list[tuple[str, list[str]]], *, as_json: bool = False) -> None:
    if as_json or not withheld:
        return
    listed = "; ".join(
        f"{name} (waiting for {', '.join(who) or 'a submission'})" for name, who in withheld
    )
    typer.echo(f"Not listed until every evaluation is submitted: {listed}.")


@command(app, "agreement")
def agreement(
    file: WorkspaceFile,
    as_json: JsonFlag = False,
    resamples: int = typer.Option(
        1000, "--resamples", min=100, max=20000, help="Bootstrap resamples for alpha's CI."
    ),
) -> None:
    """Inter-rater agreement: Krippendorff's alpha (ordinal) and ICC(2,1) with 95% CIs
    per dimension and overall, each interviewer's offset, and the poor dimensions."""
    from ..services.interviews import agreement as ag

    with common.reading(file) as ws:
        result = ag.agreement(ws=ws, resamples=resamples)
    if as_json:
        common.echo_json(ag.agreement_dict(result))
        return
    if result.empty:
        typer.echo(
            "No candidate has been scored by two or more interviewers who all submitted; "
            "agreement needs at least that."
        )
        _echo_withheld(result.withheld)
        return
    typer.echo(
        f"Agreement over {common.plural(len(result.units), 'candidate')} scored by two or "
        f"more interviewers ({', '.join(result.interviewers)})."
    )
    rows = [
        [
            d.name + (" (poor)" if d.poor else ""),
            str(d.units),
            ag.figure_text(d.alpha, d.alpha_ci),
            ag.figure_text(d.icc, d.icc_ci),
        ]
        for d in [*result.dimensions, result.overall]
    ]
    header = ["Dimension", "Units", "Alpha, ordinal [95% CI]", "ICC(2,1) [95% CI]"]
    typer.echo(common.table(header, rows, right={1}))
    if result.poor:
        names = ", ".join(d.name for d in result.poor)
        typer.echo(f"Poor agreement (alpha < {ag.POOR_ALPHA}): {names}.")
    typer.echo("Offset from the panel (their rating minus the others' mean):")
    for o in result.offsets:
        typer.echo(
            f"  {o.interviewer}: {ag.offset_text(o.offset)} ({o.tendency}; "
            f"{common.plural(o.comparisons, 'comparison')})"
        )
    _echo_withheld(result.withheld)


@command(app, "debrief")
def debrief(
    file: WorkspaceFile, candidate: CandidateRef, out: DebriefOut = None, force: ForceFlag = False
) -> None:
    """A candidate's debrief: ratings and evidence side by side, disagreements first, red
    flags, recommendations and the decision."""
    from ..services import interviews as iv
    from ..services.interviews import debrief as db

    with common.reading(file) as ws:
        candidate_id = iv.resolve_candidate(ws=ws, ref=candidate)
        if out is None:
            typer.echo(db.debrief_markdown(db.debrief(ws=ws, candidate_id=candidate_id)), nl=False)
            return
        written = db.export_debrief(ws=ws, candidate=candidate_id, out=out, overwrite=force)
    typer.echo(f"Wrote {written}")


@command(app, "export-case")
def export_case(
    file: WorkspaceFile,
    case: Annotated[str, typer.Argument(help="Case exercise id or title.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The case pack to write (.zip).")],
    force: ForceFlag = False,
) -> None:
    """Write a case with its materials, sample answer and scorecard as a case pack (a zip
    with a manifest); never any candidate data."""
    from ..services.interviews import case_pack

    with common.reading(file) as ws:
        exercise_id = case_pack.find_case(ws=ws, ref=case)
        written = case_pack.export_pack(ws=ws, exercise_id=exercise_id, out=out, overwrite=force)
    typer.echo(f"Wrote {written}")


@command(app, "import-case")
def import_case(
    file: WorkspaceFile,
    pack: Path = typer.Argument(..., help="The case pack (.zip)."),
    on_clash: str = typer.Option(
        "rename",
        "--on-clash",
        help="A case or scorecard name already taken: rename (the imported one) or refuse.",
    ),
) -> None:
    """Import a case pack: checked whole first (manifest, checksums, every record), then
    written in one step, or not at all."""
    from ..services.interviews import case_pack

    case_pack.check_on_clash(on_clash)
    checked = case_pack.read_pack(pack)
    with common.writing(file) as ws:
        result = case_pack.import_pack(ws=ws, pack=checked, on_clash=on_clash)
    for message in result.messages:
        typer.echo(message)
