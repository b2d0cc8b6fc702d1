"""Section builders for what runs after launch: releases and gates, evaluations,
experiments, incidents, costs, decisions needed. A section whose area has nothing
recorded (or whose services are not in this build) is left out of the report."""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Any

from .build import Context
from .model import Chart, Heading, Markdown, Note, Paragraph, Section, Table, table
from .sections import DASH, iso, label, release_table, shorten

MAX_ROWS = 25


def _in_scope(ctx: Context, use_case_id: int | None) -> bool:
    return not ctx.chosen or use_case_id in set(ctx.use_case_ids)


def releases(ctx: Context, title: str) -> Section | None:
    from ..launch import readiness, release_list

    found = [r for r in release_list(ws=ctx.ws) if _in_scope(ctx, r.use_case_id)]
    if not found:
        return None
    section = Section("releases", title).add(release_table(found))
    for release in found:
        if release.state != "no-go":
            continue
        ready = readiness(ws=ctx.ws, release_id=release.id)
        lines = [f"- {reason}" for reason in ready.reasons_except("go", "launched")]
        if lines:
            section.add(Heading(f"{release.name}: why not yet", 2), Markdown("\n".join(lines)))
    return section


def _number(value: float) -> str:
    """Three significant digits and never an exponent from 100 up: 0.0213, 4.26, 721,
    1,863 (a latency in ms read as 1.86e+03 before)."""
    return f"{value:,.0f}" if abs(value) >= 99.95 else f"{value:.3g}"


def evaluation_rows(ctx: Context, use_case_ids: set[int] | None) -> Table | None:
    """The latest run of each evaluation suite (of ``use_case_ids``; None: all): each
    metric's value, 95% bootstrap interval, threshold and result. None when there is
    none, or when this build has no evaluations."""
    if importlib.util.find_spec(f"{__package__.rpartition('.')[0]}.evaluations") is None:
        return None
    from .. import evaluations as ev  # type: ignore[attr-defined,unused-ignore]

    rows: list[tuple[str, ...]] = []
    failing: list[int] = []
    for suite in ev.suites(ws=ctx.ws):
        if use_case_ids is not None and suite.use_case_id not in use_case_ids:
            continue
        runs = ev.runs(ws=ctx.ws, suite_id=suite.id)
        if not runs:
            continue
        report = ev.run_report(ws=ctx.ws, run_id=runs[-1].id, resamples=200, seed=1, slices=False)
        for result in report.metrics:
            if result.passed is False and result.spec.blocking:
                failing.append(len(rows))
            value = DASH if result.value is None else _number(result.value)
            low, high = result.low, result.high
            interval = "" if low is None or high is None else f"{_number(low)}{DASH}{_number(high)}"
            threshold = "" if result.spec.threshold is None else f"{result.spec.threshold:g}"
            verdict = {True: "pass", False: "fail", None: ""}[result.passed]
            rows.append(
                (suite.name, runs[-1].name, result.spec.name, value, interval, threshold, verdict)
            )
    if not rows:
        return None
    return table(
        ("Suite", "Run", "Metric", "Value", "95% CI", "Threshold", "Result"),
        rows,
        align="lllrrrl",
        widths=(2.6, 2, 2.4, 1, 1.6, 1.2, 1),
        highlight=failing,
        caption="The latest run of each suite: 95% bootstrap interval from 200 resamples "
        "(fixed seed); blocking metrics that miss their threshold are marked.",
    )


def evaluations(ctx: Context, title: str) -> Section | None:
    found = evaluation_rows(ctx, set(ctx.use_case_ids) if ctx.chosen else None)
    return None if found is None else Section("evaluations", title).add(found)


def experiments(ctx: Context, title: str) -> Section | None:
    from ..experiments import summaries

    titles = {t for _, t in ctx.use_cases}
    found = [e for e in summaries(ws=ctx.ws) if not ctx.chosen or e.use_case in titles]
    if not found:
        return None
    return Section("experiments", title).add(
        table(
            ("Experiment", "Use case", "Status", "Primary metric", "Start", "Decision"),
            [
                (
                    e.title,
                    e.use_case,
                    label(e.status),
                    e.primary_metric,
                    iso(e.start),
                    label(e.decision or ""),
                )
                for e in found[:MAX_ROWS]
            ],
            widths=(3, 2.4, 1.2, 2.2, 1.3, 1.3),
        )
    )


def incidents(ctx: Context, title: str) -> Section | None:
    from ..incidents import summaries

    titles = {t for _, t in ctx.use_cases}
    found = [
        i
        for i in summaries(ws=ctx.ws)
        if not ctx.chosen or titles.intersection(i.use_cases)
        if i.detected_at.date() <= ctx.as_of
    ]
    runbooks = _runbook_rows(ctx)
    if not found and not runbooks:
        return None
    open_ones = [i for i in found if i.is_open]
    section = Section("incidents", title).add(
        Paragraph(f"{len(found)} incidents recorded, {len(open_ones)} still open.", "lead")
    )
    if found and not ctx.chosen:

        def chart() -> Any:
            from ..charts import incidents as chart_module
            from ..charts import new_figure
            from ..incidents.quarterly import quarterly_stats

            figure = new_figure(10.0, 6.0)
            stats = quarterly_stats(ws=ctx.ws, count=4, today=ctx.as_of)
            chart_module.draw_incident_figures(figure, stats)
            return figure

        section.add(Chart("incidents", "Incidents of the last four quarters.", chart))
    if found:
        _incident_tables(ctx, section, found)
    if runbooks:
        section.add(
            Heading("Runbooks and rollback criteria"),
            Paragraph(
                "Each runbook's rollback criteria, judged on the latest KPI snapshots: "
                "a criterion met means roll back now.",
                "muted",
            ),
            table(
                ("Runbook", "Use case", "Owner", "Rollback criterion", "Now"),
                runbooks[:MAX_ROWS],
                widths=(2.4, 2.2, 1.5, 3.4, 1.1),
                highlight=[n for n, r in enumerate(runbooks[:MAX_ROWS]) if r[-1] == "Met"],
            ),
        )
    return section


def _runbook_rows(ctx: Context) -> list[tuple[str, ...]]:
    """One row per rollback criterion of the runbooks in scope (a runbook without any
    gets one row saying so)."""
    from .. import runbooks as runbook_service

    found = [r for r in runbook_service.load_runbooks(ws=ctx.ws) if _in_scope(ctx, r.use_case_id)]
    if not found:
        return []
    states = {
        c.criterion_id: c.state
        for c in runbook_service.check(ws=ctx.ws)
        if c.runbook_id in {r.id for r in found}
    }
    words = {
        runbook_service.MET: "Met",
        runbook_service.NOT_MET: "Not met",
        runbook_service.NO_DATA: "No data",
    }
    rows: list[tuple[str, ...]] = []
    for r in found:
        owner = ctx.profile.person(r.owner)
        rows += [
            (r.title, r.use_case, owner, c.text or c.condition, words[states[c.id]])
            for c in r.criteria
        ] or [(r.title, r.use_case, owner, "(none written)", "")]
    return rows


def _incident_tables(ctx: Context, section: Section, found: list[Any]) -> None:
    raw = _action_notes(ctx, [i.id for i in found])
    notes = [ctx.profile.notes(raw.get(i.id), "incident action notes") for i in found]
    section.add(
        table(
            ("Incident", "Severity", "Status", "Detected", "Resolved", "Owner"),
            [
                (
                    i.title,
                    i.severity.upper(),
                    label(i.status),
                    iso(i.detected_at),
                    iso(i.resolved_at),
                    ctx.profile.person(i.owner),
                )
                for i in found[:MAX_ROWS]
            ],
            widths=(4, 1.1, 1.3, 1.4, 1.4, 1.8),
            highlight=[n for n, i in enumerate(found[:MAX_ROWS]) if i.is_open],
        )
    )
    kept = [(i.title, n) for i, n in zip(found, notes, strict=True) if n]
    if kept:
        section.add(
            Heading("Mitigation notes", 2), table(("Incident", "Note"), kept, widths=(1, 3))
        )


def _action_notes(ctx: Context, incident_ids: list[int]) -> dict[int, str]:
    """The notes of each incident's mitigation actions, joined, by incident id."""
    from sqlalchemy import select

    from ...models import IncidentAction

    t = IncidentAction.__table__  # type: ignore[attr-defined]
    found: dict[int, list[str]] = {}
    with ctx.ws.engine.connect() as conn:
        for incident_id, notes in conn.execute(
            select(t.c.incident_id, t.c.notes)
            .where(t.c.incident_id.in_(incident_ids), t.c.notes != "")
            .order_by(t.c.at, t.c.id)
        ):
            found.setdefault(incident_id, []).append(notes.strip())
    return {key: " ".join(value) for key, value in found.items()}


def costs(ctx: Context, title: str) -> Section | None:
    from sqlalchemy import select

    from ...models import CostModel
    from ..costs import envelope_breaches, format_amount, summaries

    found = [c for c in summaries(ws=ctx.ws) if _in_scope(ctx, c.use_case_id)]
    if not found:
        return None
    t = CostModel.__table__  # type: ignore[attr-defined]
    with ctx.ws.engine.connect() as conn:
        notes: dict[int, str] = dict(conn.execute(select(t.c.id, t.c.notes)).all())
    section = Section("costs", title).add(
        table(
            (
                "Cost model",
                "Use case",
                "Per request",
                "Per successful task",
                "Monthly",
                "3 years",
                "Envelope",
            ),
            [
                (
                    c.name,
                    c.use_case,
                    format_amount(c.cost_per_request, c.currency),
                    format_amount(c.cost_per_successful_task, c.currency),
                    format_amount(c.monthly_cost, c.currency),
                    format_amount(c.three_year_cost, c.currency),
                    {True: "within", False: "over", None: DASH}[c.within_envelope],
                )
                for c in found[:MAX_ROWS]
            ],
            align="llrrrrl",
            widths=(2.6, 2.4, 1.3, 1.4, 1.4, 1.5, 1.1),
            highlight=[i for i, c in enumerate(found[:MAX_ROWS]) if c.within_envelope is False],
        )
    )
    breaches = [b for b in envelope_breaches(ws=ctx.ws) if _in_scope(ctx, b.use_case_id)]
    if breaches:
        section.add(
            Heading("Cost against envelope", 2),
            table(
                ("Cost model", "KPI", "Latest", "Envelope", "Over by"),
                [
                    (
                        b.model_name,
                        b.kpi_name,
                        f"{b.latest_value:g} {b.unit}".strip(),
                        f"{b.envelope:g}",
                        f"{b.excess:g}",
                    )
                    for b in breaches
                ],
                align="llrrr",
                widths=(3, 3, 1.4, 1.4, 1.4),
            ),
        )
    kept = [
        (c.name, text)
        for c in found
        if (text := ctx.profile.notes(notes.get(c.id), "cost model notes"))
    ]
    if kept:
        section.add(Heading("Notes", 2), table(("Cost model", "Note"), kept, widths=(1, 3)))
    return section


def decisions(ctx: Context, title: str) -> Section | None:
    """What leadership has to decide: use cases without a build/partner/buy decision that
    are past discovery, releases at no-go with a target date within 30 days, KPIs in
    critical."""
    from sqlalchemy import select

    from ...models import UseCase
    from .. import kpis as kpi_service
    from ..launch import release_list

    u = UseCase.__table__  # type: ignore[attr-defined]
    with ctx.ws.engine.connect() as conn:
        undecided = conn.execute(
            select(u.c.title, u.c.status)
            .where(
                u.c.decision == "undecided",
                u.c.status.in_(("validated", "pilot")),
                u.c.id.in_(ctx.use_case_ids),
            )
            .order_by(u.c.title)
            .limit(MAX_ROWS)
        ).all()
    soon = ctx.as_of + dt.timedelta(days=30)
    gates = [
        r
        for r in release_list(ws=ctx.ws)
        if r.state == "no-go" and r.target_date is not None and r.target_date <= soon
        if _in_scope(ctx, r.use_case_id)
    ]
    critical = [
        s
        for s in kpi_service.status_all(ws=ctx.ws, today=ctx.as_of)
        if s.status == "critical" and _in_scope(ctx, s.use_case_id)
    ]
    items = [
        *(f"Decide build, partner or buy for “{t}” ({label(s).lower()})." for t, s in undecided),
        *(
            f"Release “{r.name}” is at no-go with a target of {iso(r.target_date)}: "
            "hold the date or descope."
            for r in gates
        ),
        *(f"KPI “{s.name}” is critical: agree the response." for s in critical),
    ]
    section = Section("decisions", title, new_page=False)
    if not items:
        return section.add(Note("No open decision follows from the data in this workspace."))
    return section.add(Markdown("\n".join(f"- {shorten(i, 300)}" for i in items)))
