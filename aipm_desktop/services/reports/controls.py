"""Section builders for governance and the signals from users: controls and evidence
(coverage per catalog and use case, missing high-priority controls, evidence expiring
within 30 days) and feedback triage (items per class, the largest failure clusters).

Controls read :mod:`aipm_desktop.services.controls` (its gap analysis, as of the report's
date). A client-safe report shows evidence titles and file names (they are what the
client hands over) but never evidence notes; reviewers' and owners' names follow the
names option. A section whose area has nothing recorded is left out.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .build import Context
from .model import Heading, Paragraph, Section, table
from .sections import iso, shorten

MAX_ROWS = 25
#: Matrix lines shown per scope (the CLI's `aipm trace` writes them all).
MAX_TRACE_ROWS = 60
ORGANISATION = "Organisation-wide"
#: Months of failure clusters shown (the report's month and the ones before it).
CLUSTER_MONTHS = 3


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _catalog(rep: Any) -> str:
    """The catalog's name, with its version unless the name says it already."""
    version = rep.catalog_version
    return rep.catalog if not version or version in rep.catalog else f"{rep.catalog} ({version})"


def _short(catalog: str) -> str:
    """A catalog's name without its edition or kind: "ISO/IEC 42001:2023 Annex A" ->
    "ISO/IEC 42001", "EU AI Act obligations" -> "EU AI Act"."""
    return catalog.split(":")[0].removesuffix(" obligations").strip()


def _gap_reports(ctx: Context) -> list[Any]:
    """Every catalog's gap reports as of the report's date: the organisation-wide
    controls and each use case in scope with controls that apply."""
    from .. import controls

    chosen = set(ctx.use_case_ids)
    found = []
    for catalog in controls.catalogs(ws=ctx.ws):
        for rep in controls.gap_overview(ws=ctx.ws, catalog_id=catalog.id, today=ctx.as_of):
            if rep.use_case_id is None or not ctx.chosen or rep.use_case_id in chosen:
                found.append(rep)
    return found


def controls_section(ctx: Context, title: str) -> Section | None:
    reports = _gap_reports(ctx)
    if not reports:
        return None
    applicable = sum(r.applicable for r in reports)
    covered = sum(r.covered for r in reports)
    high = [(r, g) for r in reports for g in r.missing if g.priority == "high"]
    expiring = _expiring(ctx, reports)
    catalogs = len({r.catalog for r in reports})
    section = Section("controls", title).add(
        Paragraph(
            f"{applicable} controls apply across {catalogs} catalog"
            f"{'s' if catalogs != 1 else ''}; {covered} {'is' if covered == 1 else 'are'} covered "
            f"({_percent(covered, applicable)}): implemented or verified, with current "
            f"evidence. {len(high)} high-priority control{'s are' if len(high) != 1 else ' is'} "
            f"missing; {len(expiring)} evidence "
            f"{'items expire' if len(expiring) != 1 else 'item expires'} within 30 days.",
            "lead",
        ),
        Heading("Coverage per catalog and use case"),
        table(
            ("Catalog", "Scope", "Apply", "Covered", "Coverage", "Missing", "High"),
            [
                (
                    _catalog(r),
                    ORGANISATION if r.use_case_id is None else r.use_case,
                    r.applicable,
                    r.covered,
                    "n/a" if r.coverage_pct is None else f"{r.coverage_pct:.0f}%",
                    len(r.missing),
                    r.missing_by_priority()["high"],
                )
                for r in reports
            ],
            align="llrrrrr",
            widths=(2.6, 2.8, 0.9, 1.0, 1.1, 1.0, 0.8),
            highlight=[n for n, r in enumerate(reports) if r.missing_by_priority()["high"]],
        ),
    )
    if high:
        section.add(
            Heading("Missing high-priority controls"),
            table(
                ("Control", "Scope", "Owner", "Due", "Missing"),
                [
                    (
                        f"{_short(r.catalog)} {g.ref}: {g.title}",
                        ORGANISATION if r.use_case_id is None else r.use_case,
                        ctx.profile.person(g.owner),
                        iso(g.due_date),
                        g.missing[:1].upper() + g.missing[1:],
                    )
                    for r, g in high[:MAX_ROWS]
                ],
                widths=(4.2, 2.6, 1.6, 1.3, 2.0),
                caption=(
                    f"The first {MAX_ROWS} of {len(high)}; the rest in the workspace."
                    if len(high) > MAX_ROWS
                    else ""
                ),
            ),
        )
    if expiring:
        section.add(
            Heading("Evidence expiring within 30 days"),
            table(
                ("Evidence", "File or reference", "Scope", "Valid until", "Controls",
                 "Reviewer"),
                expiring,
                widths=(2.4, 2.3, 2.0, 1.9, 1.6, 1.6),
            ),
        )  # fmt: skip
    return section


def trace(ctx: Context, title: str) -> Section | None:
    """The traceability matrix (:func:`..controls.trace_rows`): per scope (organisation-wide
    first, then each chosen use case) the use case's KPIs, its controls with status,
    linked risks and mitigations, evidence and launch checks (lines without evidence
    highlighted), then the risks no control names with their mitigations."""
    from .. import controls

    if ctx.chosen:
        rows = [
            r
            for n, use_case_id in enumerate(ctx.use_case_ids)
            for r in controls.trace_rows(ws=ctx.ws, use_case_id=use_case_id)
            if n == 0 or r.use_case != controls.WORKSPACE_SCOPE
        ]
    else:
        rows = controls.trace_rows(ws=ctx.ws)
    if not rows:
        return None
    names = {c.key: _short(c.name) for c in controls.catalogs(ws=ctx.ws)}
    scopes: dict[str, list[Any]] = {}
    for r in rows:
        scopes.setdefault(r.use_case, []).append(r)
    lines = [r for r in rows if r.control]
    evidenced = sum(1 for r in lines if r.evidence)
    loose = len(rows) - len(lines)
    section = Section("trace", title).add(
        Paragraph(
            f"{len(lines)} control lines across {len(scopes)} scope"
            f"{'s' if len(scopes) != 1 else ''}, {evidenced} with evidence "
            f"({_percent(evidenced, len(lines))}); {loose} risk"
            f"{'s are' if loose != 1 else ' is'} named by no control. Each line follows a "
            "control that applies from the risks and mitigations linked to it to its "
            "evidence and launch checks; lines without evidence are highlighted.",
            "lead",
        )
    )
    for scope, found in scopes.items():
        section.add(Heading(ORGANISATION if scope == controls.WORKSPACE_SCOPE else scope))
        if found[0].kpis:
            section.add(Paragraph(f"KPIs: {found[0].kpis}.", "muted"))
        named = [r for r in found if r.control]
        if named:
            shown = named[:MAX_TRACE_ROWS]
            section.add(
                table(
                    ("Control", "Status", "Risks", "Mitigations", "Evidence", "Launch checks"),
                    [_trace_cells(ctx, names, r) for r in shown],
                    widths=(3.0, 1.3, 2.2, 2.4, 2.2, 1.7),
                    highlight=[n for n, r in enumerate(shown) if not r.evidence],
                    caption=_more(len(named), "control lines"),
                )
            )
        unnamed = [r for r in found if not r.control][:MAX_TRACE_ROWS]
        if unnamed:
            section.add(
                table(
                    ("Risk (no control linked)", "Mitigations"),
                    [
                        (
                            _risks(ctx, r),
                            shorten(_mitigations(ctx, r)),
                        )
                        for r in unnamed
                    ],
                    widths=(4.0, 8.0),
                    caption=_more(len(found) - len(named), "risks"),
                )
            )
    return section


def _more(count: int, what: str) -> str:
    if count <= MAX_TRACE_ROWS:
        return ""
    return (
        f"The first {MAX_TRACE_ROWS} of {count} {what}; the whole matrix: "
        "aipm trace FILE --out matrix.xlsx."
    )


def _risks(ctx: Context, r: Any) -> str:
    return ctx.profile.text(r.risks, "risk titles marked internal")


def _mitigations(ctx: Context, r: Any) -> str:
    return ctx.profile.text(r.mitigations, "mitigations marked internal")


def _trace_cells(ctx: Context, names: dict[str, str], r: Any) -> tuple[str, ...]:
    key, _, ref = r.control.partition(":")
    return (
        f"{names.get(key, key)} {ref}: {r.control_title}",
        r.status.replace("_", " ").capitalize(),
        shorten(_risks(ctx, r)),
        shorten(_mitigations(ctx, r)),
        shorten(r.evidence),
        shorten(r.launch_checks),
    )


def _expiring(ctx: Context, reports: list[Any]) -> list[tuple[str, ...]]:
    """One row per evidence item expiring soon, with every control it serves."""
    from .. import controls

    serves: dict[int, list[str]] = {}
    for r in reports:
        for e in r.expiring:
            refs = serves.setdefault(e.evidence_id, [])
            refs += [ref for ref in e.controls if ref not in refs]
    if not serves:
        return []
    items = {i.id: i for i in controls.evidence_items(ws=ctx.ws) if i.id in serves}
    rows: list[tuple[str, ...]] = []
    for evidence_id in sorted(serves, key=lambda i: (items[i].valid_until, i)):
        item = items[evidence_id]
        rows.append(
            (
                item.title,
                shorten(item.target, 60),
                item.use_case or ORGANISATION,
                f"{iso(item.valid_until)} ({_days(item.valid_until, ctx)})",
                ", ".join(serves[evidence_id]),
                ctx.profile.person(item.reviewer),
            )
        )
    return rows


def _days(day: Any, ctx: Context) -> str:
    left = (day - ctx.as_of).days
    return "today" if left == 0 else f"{left} day{'s' if left != 1 else ''}"


def feedback(ctx: Context, title: str) -> Section | None:
    """Feedback triage: items per class (untriaged last) and the largest failure
    clusters of the last months (workspace-wide: feedback links are optional)."""
    from ...models import FeedbackClass
    from .. import triage

    stats = triage.feedback_stats(ws=ctx.ws, period="month", count=CLUSTER_MONTHS, today=ctx.as_of)
    if not stats.total:
        return None
    per_class = Counter(stats.per_class)
    waiting = per_class.pop(triage.CLASS_LABELS[FeedbackClass.UNTRIAGED.value], 0)
    triaged = stats.total - waiting
    section = Section("feedback", title).add(
        Paragraph(
            f"{stats.total} feedback items; {triaged} triaged ({_percent(triaged, stats.total)})"
            f", {waiting} waiting.",
            "lead",
        )
    )
    if ctx.chosen:
        section.add(Paragraph("Counts cover every use case in the workspace.", "muted"))
    rows = [(name, n, _percent(n, stats.total)) for name, n in per_class.most_common() if n]
    if waiting:
        rows.append(("Untriaged", waiting, _percent(waiting, stats.total)))
    section.add(
        Heading("Items by class"),
        table(("Class", "Items", "Share"), rows, align="lrr", widths=(3, 1, 1)),
    )
    clusters = stats.by_cluster
    if clusters.series:
        months = [triage.period_label(start, "month") for start in clusters.starts]
        section.add(
            Heading("Largest failure clusters"),
            table(
                ("Cluster", *months, "Total"),
                [(s.label, *s.counts, sum(s.counts)) for s in clusters.series],
                align="l" + "r" * (len(months) + 1),
                widths=(3.2, *[1.2] * len(months), 1.0),
            ),
        )
    return section
