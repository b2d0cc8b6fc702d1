"""The debrief of one candidate: the panel's ratings and evidence side by side (no Qt).

Dimensions where the interviewers are two or more levels apart come first (the ones to
talk about), then the rest in scorecard order; then the red flags, each interviewer's
recommendation and notes, and the decision with its rationale and who made it. Blind
scoring applies (:mod:`.blind`): until every evaluation is submitted, or a lead compared
early, the debrief says who it waits for and shows no ratings. As markdown or PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..dates import format_date, format_datetime
from .blind import decision_label
from .evaluations import CandidateInfo, EvaluationScore
from .scores import SCALE, recommendation_label
from .summaries import CandidateSummary, RedFlag, candidate_summary

if TYPE_CHECKING:
    from ...store import Workspace

EXPORT_SUFFIXES = (".md", ".pdf")


@dataclass(frozen=True)
class DebriefCell:
    rating: int | None
    evidence: str


@dataclass(frozen=True)
class DebriefRow:
    key: str
    name: str
    weight_pct: float
    cells: tuple[DebriefCell, ...]  # one per column of the debrief
    spread: int | None
    disagreement: bool


@dataclass
class Debrief:
    summary: CandidateSummary
    #: One column per visible evaluation: the interviewer (and the case when several).
    columns: list[str]
    rows: list[DebriefRow]

    @property
    def candidate(self) -> CandidateInfo:
        return self.summary.candidate

    @property
    def evaluations(self) -> list[EvaluationScore]:
        return self.summary.evaluations

    @property
    def red_flags(self) -> list[RedFlag]:
        return self.summary.red_flags

    @property
    def disagreements(self) -> list[DebriefRow]:
        return [r for r in self.rows if r.disagreement]

    def status_text(self) -> str:
        """Whether the panel's ratings can be discussed yet."""
        panel = self.summary.panel
        if not panel:
            return "No evaluations yet."
        blind = self.summary.blind_text()
        if not self.summary.open:
            names = ", ".join(self.summary.waiting_for) or "the panel"
            return (
                f"Waiting for {names} to submit: ratings stay hidden until every evaluation "
                "is submitted, or a lead compares now."
            )
        if blind:
            return blind + "."
        return f"All {len(panel)} evaluation{'s' if len(panel) != 1 else ''} submitted."

    def decision_text(self) -> str:
        cand = self.candidate
        if not cand.decision:
            return "No decision yet."
        when = format_datetime(cand.decided_at, "") if cand.decided_at else ""
        who = f"decided by {cand.decided_by}" if cand.decided_by else "decided"
        return f"{decision_label(cand.decision)} ({who}{', ' + when if when else ''})"


def debrief(*, ws: Workspace, candidate_id: int) -> Debrief:
    """The debrief of a candidate as the whole panel sees it (blind rules apply)."""
    summary = candidate_summary(ws=ws, candidate_id=candidate_id)
    evs = summary.evaluations
    cases = {e.exercise_id for e in evs}
    columns = [
        e.interviewer if len(cases) == 1 else f"{e.interviewer} ({e.exercise_title})" for e in evs
    ]
    rows = []
    for dim in summary.dimensions:
        given = {(r.interviewer, r.exercise_title): r for r in dim.ratings}
        cells = []
        for ev in evs:
            found = given.get((ev.interviewer, ev.exercise_title))
            cells.append(
                DebriefCell(found.rating if found else None, found.evidence if found else "")
            )
        rows.append(
            DebriefRow(
                dim.key, dim.name, dim.weight_pct, tuple(cells), dim.spread, dim.disagreement
            )
        )
    rows.sort(key=lambda r: not r.disagreement)  # stable: scorecard order within each part
    return Debrief(summary, columns, rows)


# --------------------------------------------------------------------------- markdown


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _rating(cell: DebriefCell) -> str:
    return "-" if cell.rating is None else str(cell.rating)


def debrief_markdown(d: Debrief) -> str:
    cand = d.candidate
    lines = [f"# Debrief: {cand.name}", ""]
    lines += [
        f"**Role level:** {cand.role_level or 'not set'} · "
        f"**Interview date:** {format_date(cand.interview_date, 'not set')} · "
        f"**Panel:** {cand.interviewers or ', '.join(d.columns) or 'not set'}",
        "",
        d.status_text(),
        "",
        "## Decision",
        "",
        f"**{d.decision_text()}**",
    ]
    if cand.decision and cand.decision_rationale:
        lines += ["", cand.decision_rationale]
    lines.append("")
    if d.red_flags:
        lines += [f"## ⚠ Red flags ({len(d.red_flags)})", ""]
        lines += [f"- **{f.text}** (ticked by {f.interviewer})" for f in d.red_flags]
        lines.append("")
    if d.rows and d.evaluations:
        if d.disagreements:
            lines += ["## Disagreements first (2+ levels apart)", ""]
            for row in d.disagreements:
                lines += [f"### {row.name} (spread {row.spread})", ""]
                for column, cell in zip(d.columns, row.cells, strict=True):
                    evidence = f": {cell.evidence}" if cell.evidence else ""
                    lines.append(f"- **{column}** rated {_rating(cell)}{evidence}")
                lines.append("")
        lines += [f"## Ratings side by side ({SCALE})", ""]
        lines.append("| Dimension | " + " | ".join(_cell(c) for c in d.columns) + " | Spread |")
        lines.append("|---|" + "---:|" * len(d.columns) + "---:|")
        for row in d.rows:
            mark = " ⚠" if row.disagreement else ""
            cells = " | ".join(_rating(c) for c in row.cells)
            spread = "-" if row.spread is None else f"{row.spread}{mark}"
            lines.append(f"| {_cell(row.name)} | {cells} | {spread} |")
        lines += ["", "## Evidence", ""]
        for row in d.rows:
            if row.disagreement:
                continue
            lines += [f"### {row.name}", ""]
            for column, cell in zip(d.columns, row.cells, strict=True):
                evidence = f": {cell.evidence}" if cell.evidence else ""
                lines.append(f"- **{column}** rated {_rating(cell)}{evidence}")
            lines.append("")
    if d.evaluations:
        lines += ["## Recommendations", ""]
        for column, ev in zip(d.columns, d.evaluations, strict=True):
            notes = f": {' '.join(ev.notes.split())}" if ev.notes.strip() else ""
            state = "" if ev.submitted else " (not submitted)"
            lines.append(f"- **{column}**{state}: {recommendation_label(ev.recommendation)}{notes}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- PDF


def debrief_pdf(d: Debrief) -> bytes:
    from ..pdf_doc import INK, MUTED, WARN, PdfDocument

    cand = d.candidate
    doc = PdfDocument(f"Debrief: {cand.name}")
    doc.heading(f"Debrief: {cand.name}", 18)
    doc.body(
        f"Role level: {cand.role_level or 'not set'}   ·   Interview date: "
        f"{format_date(cand.interview_date, 'not set')}   ·   Panel: "
        f"{cand.interviewers or ', '.join(d.columns) or 'not set'}",
        colour=MUTED,
    )
    doc.pdf.ln(1.5)
    doc.body(d.status_text(), colour=MUTED if d.summary.open else WARN)
    doc.heading("Decision")
    doc.body(d.decision_text(), style="B", colour=INK)
    if cand.decision and cand.decision_rationale:
        doc.body(cand.decision_rationale)
    if d.red_flags:
        doc.flag_box(
            f"⚠ Red flags ({len(d.red_flags)})",
            [f"{f.text} (ticked by {f.interviewer})" for f in d.red_flags],
        )
    if d.rows and d.evaluations:
        doc.heading(f"Ratings side by side ({SCALE})")
        if d.disagreements:
            doc.body(
                "Amber rows: interviewers 2 or more levels apart; they come first.", colour=MUTED
            )
            doc.pdf.ln(1)
        share = max(8, min(14, 66 // max(len(d.columns), 1)))
        widths = (40, *([share] * len(d.columns)), 10)
        table = [("Dimension", *d.columns, "Spread")]
        table += [
            (r.name, *(_rating(c) for c in r.cells), "-" if r.spread is None else str(r.spread))
            for r in d.rows
        ]
        marked = {i for i, r in enumerate(d.rows, start=1) if r.disagreement}
        aligns = ("LEFT", *(["CENTER"] * len(d.columns)), "RIGHT")
        doc.table(widths, aligns, table, highlight=marked)
        doc.heading("Evidence")
        for row in d.rows:
            title = row.name + (f"  (spread {row.spread}: discuss)" if row.disagreement else "")
            doc.body(title, style="B", size=10, colour=WARN if row.disagreement else INK)
            for column, cell in zip(d.columns, row.cells, strict=True):
                evidence = f": {cell.evidence}" if cell.evidence else ""
                doc.body(f"• {column} rated {_rating(cell)}{evidence}")
            doc.pdf.ln(1.5)
    if d.evaluations:
        doc.heading("Recommendations")
        recs = [("Interviewer", "Recommendation", "Notes")]
        recs += [
            (
                column + ("" if ev.submitted else " (not submitted)"),
                recommendation_label(ev.recommendation),
                " ".join(ev.notes.split()) or "-",
            )
            for column, ev in zip(d.columns, d.evaluations, strict=True)
        ]
        doc.table((30, 28, 64), "LEFT", recs)
    return doc.output()


# --------------------------------------------------------------------------- export


def check_target(out: Path | str, *, overwrite: bool = True) -> Path:
    from ..outputs import check_target as check_output

    return check_output(out, overwrite=overwrite, suffixes=EXPORT_SUFFIXES, what="debrief")


def write_debrief(d: Debrief, out: Path | str, *, overwrite: bool = True) -> Path:
    """Write an already read debrief (plain data: safe in a worker thread), whole."""
    from ..outputs import write_bytes

    out = check_target(out, overwrite=overwrite)
    data = debrief_markdown(d).encode("utf-8") if out.suffix.lower() == ".md" else debrief_pdf(d)
    return write_bytes(out, data, overwrite=overwrite)


def export_debrief(
    *, ws: Workspace, candidate: int, out: Path | str, overwrite: bool = True
) -> Path:
    """Write candidate ``candidate``'s debrief to ``out`` (.md or .pdf), whole."""
    check_target(out, overwrite=overwrite)
    return write_debrief(debrief(ws=ws, candidate_id=candidate), out, overwrite=overwrite)
