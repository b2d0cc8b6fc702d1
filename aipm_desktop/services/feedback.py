"""Candidate feedback summary for the hiring debrief, as markdown or PDF (no Qt).

Red flags come first, whatever the score; then the overall weighted score, each
interviewer's recommendation, the ratings per dimension (mean, spread, every
interviewer's rating and evidence), the ticked signals and the interviewers' notes.
The PDF is drawn with fpdf2 (:mod:`.pdf_doc`). Files are written whole or not at all.
Blind scoring applies: only the ratings the whole panel may see are in it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models.enums import SignalKind
from .dates import format_date
from .interviews import (
    SCALE,
    CandidateSummary,
    candidate_summary,
    recommendation_label,
)

if TYPE_CHECKING:
    from ..store import Workspace

EXPORT_SUFFIXES = (".md", ".pdf")


# --------------------------------------------------------------------------- formatting


def _mean_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _cell(text: Any) -> str:
    """Text safe inside a markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _date(value: dt.date | None) -> str:
    return format_date(value, "not set")


# --------------------------------------------------------------------------- markdown


def candidate_markdown(*, ws: Workspace, candidate_id: int) -> str:
    """The feedback summary of one candidate as markdown."""
    return summary_markdown(candidate_summary(ws=ws, candidate_id=candidate_id))


def summary_markdown(summary: CandidateSummary) -> str:
    cand = summary.candidate
    lines: list[str] = [f"# Feedback summary: {cand.name}", ""]
    lines.append(
        f"**Role level:** {cand.role_level or 'not set'} · "
        f"**Interview date:** {_date(cand.interview_date)} · "
        f"**Interviewers:** {cand.interviewers or 'not set'}"
    )
    lines.append("")

    flags = summary.red_flags
    if flags:
        lines += [f"## ⚠ Red flags ({len(flags)})", ""]
        for flag in flags:
            lines.append(f"- **{flag.text}** (ticked by {flag.interviewer}, {flag.exercise_title})")
        lines.append("")

    lines += ["## Overall", ""]
    complete = summary.complete_evaluations
    lines.append(
        f"- Weighted score: **{summary.score_text(empty='not scored')}**"
        + (f" over {len(complete)} complete evaluation(s)" if complete else "")
    )
    for ev in summary.incomplete_evaluations:
        lines.append(
            f"- Incomplete: {ev.interviewer} ({ev.exercise_title}) has not rated "
            f"{', '.join(ev.missing)}; not counted in the score."
        )
    if summary.disagreements:
        names = ", ".join(d.name for d in summary.disagreements)
        lines.append(f"- Interviewers disagree by 2+ levels on: {names}.")
    if summary.blind_text():
        lines.append(f"- {summary.blind_text()}.")
    if not summary.evaluations:
        lines.append("- No evaluations yet.")
    lines.append("")

    if summary.evaluations:
        lines += [
            "## Recommendations",
            "",
            f"| Interviewer | Case | Recommendation | Weighted score ({SCALE}) |",
            "|---|---|---|---|",
        ]
        for ev in summary.evaluations:
            score = ev.score_text(short=True) if ev.complete else "incomplete"
            lines.append(
                f"| {_cell(ev.interviewer)} | {_cell(ev.exercise_title)} | "
                f"{recommendation_label(ev.recommendation)} | {score} |"
            )
        lines.append("")

    if summary.dimensions:
        lines += [
            "## Ratings per dimension",
            "",
            "| Dimension | Weight | Mean | Spread | Ratings |",
            "|---|---:|---:|---:|---|",
        ]
        for dim in summary.dimensions:
            ratings = ", ".join(f"{r.interviewer}: {r.rating}" for r in dim.ratings) or "-"
            spread = "-" if dim.spread is None else str(dim.spread)
            if dim.disagreement:
                spread += " (disagreement)"
            lines.append(
                f"| {_cell(dim.name)} | {dim.weight_pct:.0f}% | {_mean_text(dim.mean)} | "
                f"{spread} | {_cell(ratings)} |"
            )
        lines.append("")
        lines += ["## Evidence", ""]
        for dim in summary.dimensions:
            lines += [f"### {dim.name}", ""]
            if not dim.ratings:
                lines += ["- Not rated.", ""]
                continue
            for r in dim.ratings:
                evidence = f": {r.evidence}" if r.evidence else ""
                lines.append(f"- **{r.interviewer}** rated {r.rating}{evidence}")
            lines.append("")

    strong = summary.signals(SignalKind.STRONG)
    weak = summary.signals(SignalKind.WEAK)
    if strong or weak:
        lines += ["## Signals", ""]
        for title, items in (("Strong signals", strong), ("Weak signals", weak)):
            if not items:
                continue
            lines += [f"### {title}", ""]
            lines += [f"- {signal.text} ({who})" for signal, who in items]
            lines.append("")

    notes = [ev for ev in summary.evaluations if ev.notes.strip()]
    if notes:
        lines += ["## Interviewer notes", ""]
        for ev in notes:
            lines.append(
                f"- **{ev.interviewer}** ({ev.exercise_title}): {' '.join(ev.notes.split())}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- PDF


def summary_pdf(summary: CandidateSummary) -> bytes:
    """The feedback summary as a PDF document (A4)."""
    from .pdf_doc import INK, MUTED, WARN, PdfDocument

    cand = summary.candidate
    doc = PdfDocument(f"Feedback summary: {cand.name}")
    heading, body = doc.heading, doc.body

    heading(f"Feedback summary: {cand.name}", 18)
    body(
        f"Role level: {cand.role_level or 'not set'}   ·   Interview date: "
        f"{_date(cand.interview_date)}   ·   Interviewers: {cand.interviewers or 'not set'}",
        colour=MUTED,
    )

    flags = summary.red_flags
    if flags:
        doc.flag_box(
            f"⚠ Red flags ({len(flags)})",
            [
                f"{flag.text} (ticked by {flag.interviewer}, {flag.exercise_title})"
                for flag in flags
            ],
        )

    heading("Overall")
    complete = summary.complete_evaluations
    body(
        f"Weighted score: {summary.score_text(empty='not scored')}"
        + (f" over {len(complete)} complete evaluation(s)" if complete else ""),
        style="B",
    )
    for ev in summary.incomplete_evaluations:
        body(
            f"Incomplete: {ev.interviewer} ({ev.exercise_title}) has not rated "
            f"{', '.join(ev.missing)}; not counted in the score.",
            colour=WARN,
        )
    if summary.disagreements:
        body(
            "Interviewers disagree by 2+ levels on: "
            + ", ".join(d.name for d in summary.disagreements)
            + ".",
            colour=WARN,
        )
    blind = summary.blind_text()
    if blind:
        body(blind + ".", colour=WARN)
    if not summary.evaluations:
        body("No evaluations yet.")

    if summary.evaluations:
        heading("Recommendations")
        recommendations = [("Interviewer", "Case", "Recommendation", f"Weighted score ({SCALE})")]
        recommendations += [
            (
                ev.interviewer,
                ev.exercise_title,
                recommendation_label(ev.recommendation),
                ev.score_text(short=True) if ev.complete else "incomplete",
            )
            for ev in summary.evaluations
        ]
        doc.table((30, 40, 25, 25), "LEFT", recommendations)

    if summary.dimensions:
        heading("Ratings per dimension")
        ratings = [("Dimension", "Weight", "Mean", "Spread", "Ratings")]
        for dim in summary.dimensions:
            spread = "-" if dim.spread is None else str(dim.spread)
            if dim.disagreement:
                spread += " ⚠"
            ratings.append(
                (
                    dim.name,
                    f"{dim.weight_pct:.0f}%",
                    _mean_text(dim.mean),
                    spread,
                    ", ".join(f"{r.interviewer}: {r.rating}" for r in dim.ratings) or "-",
                )
            )
        doc.table((38, 13, 10, 12, 39), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"), ratings)

        heading("Evidence")
        for dim in summary.dimensions:
            body(dim.name, style="B", size=10, colour=INK)
            if not dim.ratings:
                body("Not rated.", style="I")
            for r in dim.ratings:
                evidence = f": {r.evidence}" if r.evidence else ""
                body(f"• {r.interviewer} rated {r.rating}{evidence}")
            doc.pdf.ln(1.5)

    strong = summary.signals(SignalKind.STRONG)
    weak = summary.signals(SignalKind.WEAK)
    if strong or weak:
        heading("Signals")
        for title, items in (("Strong signals", strong), ("Weak signals", weak)):
            if not items:
                continue
            body(title, style="B", size=10, colour=INK)
            for signal, who in items:
                body(f"• {signal.text} ({who})")
            doc.pdf.ln(1.5)

    notes = [ev for ev in summary.evaluations if ev.notes.strip()]
    if notes:
        heading("Interviewer notes")
        for ev in notes:
            body(f"• {ev.interviewer} ({ev.exercise_title}): {' '.join(ev.notes.split())}")
    return doc.output()


# --------------------------------------------------------------------------- export


def export_candidate(
    *, ws: Workspace, candidate: int, out: Path | str, overwrite: bool = True
) -> Path:
    """Write candidate ``candidate``'s feedback summary to ``out`` (.md or .pdf), whole."""
    check_target(out, overwrite=overwrite)
    summary = candidate_summary(ws=ws, candidate_id=candidate)
    return write_summary(summary, out, overwrite=overwrite)


def check_target(out: Path | str, *, overwrite: bool = True) -> Path:
    """``out`` as a path, or a plain error when it cannot take a feedback summary."""
    from .outputs import check_target as check_output

    return check_output(out, overwrite=overwrite, suffixes=EXPORT_SUFFIXES, what="feedback")


def write_summary(summary: CandidateSummary, out: Path | str, *, overwrite: bool = True) -> Path:
    """Write an already read summary (plain data: safe in a worker thread), whole."""
    from .outputs import write_bytes

    out = check_target(out)
    if out.suffix.lower() == ".md":
        data = summary_markdown(summary).encode("utf-8")
    else:
        data = summary_pdf(summary)
    return write_bytes(out, data, overwrite=overwrite)
