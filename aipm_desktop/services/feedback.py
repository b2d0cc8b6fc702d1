"""Candidate feedback summary for the hiring debrief, as markdown or PDF (no Qt).

Red flags come first, whatever the score; then the overall weighted score, each
interviewer's recommendation, the ratings per dimension (mean, spread, every
interviewer's rating and evidence), the ticked signals and the interviewers' notes.
The PDF is drawn with fpdf2 in DejaVu Sans (shipped with matplotlib), so any text
prints. Files are written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def summary_pdf(summary: CandidateSummary) -> bytes:
    """The feedback summary as a PDF document (A4)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    cand = summary.candidate
    pdf = FPDF(format="A4")
    pdf.set_title(f"Feedback summary: {cand.name}")
    pdf.set_creator("AIPM Desktop")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float = 13) -> None:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(31, 41, 51)
        pdf.multi_cell(width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def body(text: str, style: str = "", size: float = 9.5, colour=(50, 63, 75)) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")

    heading(f"Feedback summary: {cand.name}", 18)
    body(
        f"Role level: {cand.role_level or 'not set'}   ·   Interview date: "
        f"{_date(cand.interview_date)}   ·   Interviewers: {cand.interviewers or 'not set'}",
        colour=(97, 110, 124),
    )

    flags = summary.red_flags
    if flags:
        pdf.ln(3)
        pdf.set_fill_color(253, 236, 234)
        pdf.set_draw_color(198, 40, 40)
        pdf.set_text_color(150, 24, 24)
        pdf.set_font("DejaVu", "B", 11)
        text = f"⚠ Red flags ({len(flags)})"
        pdf.multi_cell(
            width,
            7,
            text,
            border="LTR",
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
            padding=(1, 3, 0, 3),
            align="L",
        )
        pdf.set_font("DejaVu", "", 9.5)
        for index, flag in enumerate(flags):
            last = index == len(flags) - 1
            pdf.multi_cell(
                width,
                5,
                f"• {flag.text} (ticked by {flag.interviewer}, {flag.exercise_title})",
                border="LRB" if last else "LR",
                fill=True,
                align="L",
                new_x="LMARGIN",
                new_y="NEXT",
                padding=(0, 3, 2 if last else 0, 3),
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
            colour=(122, 75, 0),
        )
    if summary.disagreements:
        body(
            "Interviewers disagree by 2+ levels on: "
            + ", ".join(d.name for d in summary.disagreements)
            + ".",
            colour=(122, 75, 0),
        )
    if not summary.evaluations:
        body("No evaluations yet.")

    # The red-flag box above leaves its colours set; the tables start from neutral ones.
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(203, 210, 217)
    header_style = FontFace(emphasis="BOLD", color=(31, 41, 51), fill_color=(238, 241, 245))

    def table(
        widths: tuple[int, ...], align: str | tuple[str, ...], rows: Sequence[Sequence[str]]
    ) -> None:
        """A table of ``rows``, the first its headings."""
        with pdf.table(
            col_widths=widths,
            text_align=align,
            headings_style=header_style,
            line_height=5.5,
            padding=1.5,
            borders_layout="HORIZONTAL_LINES",
        ) as grid:
            for cells in rows:
                row = grid.row()
                for text in cells:
                    row.cell(text)

    if summary.evaluations:
        heading("Recommendations")
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(50, 63, 75)
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
        table((30, 40, 25, 25), "LEFT", recommendations)

    if summary.dimensions:
        heading("Ratings per dimension")
        pdf.set_font("DejaVu", "", 9)
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
        table((38, 13, 10, 12, 39), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"), ratings)

        heading("Evidence")
        for dim in summary.dimensions:
            body(dim.name, style="B", size=10, colour=(31, 41, 51))
            if not dim.ratings:
                body("Not rated.", style="I")
            for r in dim.ratings:
                evidence = f": {r.evidence}" if r.evidence else ""
                body(f"• {r.interviewer} rated {r.rating}{evidence}")
            pdf.ln(1.5)

    strong = summary.signals(SignalKind.STRONG)
    weak = summary.signals(SignalKind.WEAK)
    if strong or weak:
        heading("Signals")
        for title, items in (("Strong signals", strong), ("Weak signals", weak)):
            if not items:
                continue
            body(title, style="B", size=10, colour=(31, 41, 51))
            for signal, who in items:
                body(f"• {signal.text} ({who})")
            pdf.ln(1.5)

    notes = [ev for ev in summary.evaluations if ev.notes.strip()]
    if notes:
        heading("Interviewer notes")
        for ev in notes:
            body(f"• {ev.interviewer} ({ev.exercise_title}): {' '.join(ev.notes.split())}")
    return bytes(pdf.output())


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
