"""Section builders of the assessment: executive summary, portfolio, risk register, EU AI
Act, KPI status, roadmap and launch readiness, recommendations.

Each builder is ``builder(ctx, title) -> Section | None`` and reads the workspace through
the area services (lists with SQLAlchemy Core, so a large workspace stays quick). Every
text the user wrote passes through ``ctx.profile``; every date is printed as ISO 8601
(a report never depends on this computer's date style).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from . import model as m
from .build import Context

DASH = "\u2013"
#: Rows of the ranking m.table and of the top-risk list at most.
TOP_USE_CASES = 50
TOP_RISKS = 10
#: Charts of more items than this would not be legible on one page.
MAX_MATRIX_USE_CASES = 60
MAX_ROADMAP_ITEMS = 60
MAX_SPARKLINES = 24
#: The score rationales of this many leading use cases are printed.
RATIONALE_USE_CASES = 3


def iso(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    return (day.date() if isinstance(day, dt.datetime) else day).isoformat()


def label(value: Any) -> str:
    text = str(getattr(value, "value", value) or "").replace("_", " ")
    return text[:1].upper() + text[1:]


def shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def scope_note(ctx: Context) -> list[m.Note]:
    if not ctx.chosen:
        return []
    return [m.Note("Covers the use cases " + ", ".join(t for _, t in ctx.use_cases) + ".")]


# -- summary ---------------------------------------------------------------------------------


def _document(ctx: Context, ref: str, title: str) -> tuple[str, str] | None:
    """``(title, body)`` of the document ``ref`` (id or title), or the one titled
    ``title`` when no ref is given."""
    from ...models import Document

    t = Document.__table__  # type: ignore[attr-defined]
    query = select(t.c.title, t.c.body)
    ref = ref.strip()
    if ref.isdigit():
        query = query.where(t.c.id == int(ref))
    else:
        query = query.where(func.lower(t.c.title) == (ref or title).lower())
    with ctx.ws.engine.connect() as conn:
        row = conn.execute(query.order_by(t.c.id)).first()
    if row is None and ref:
        from ...errors import UserError

        raise UserError(f"no document {ref!r} for the executive summary.")
    return None if row is None else (row[0], row[1] or "")


def key_figures(ctx: Context) -> m.KeyFigures:
    from ...models import Risk
    from .. import risks as risk_service

    figures = ctx.notes.setdefault("figures", {})
    t = Risk.__table__  # type: ignore[attr-defined]
    bands = risk_service.bands(ws=ctx.ws)
    method = risk_service.method_of(ws=ctx.ws)
    lik, imp = risk_service.cell_sql(residual=True)
    score = risk_service.score_sql(lik, imp, method)
    top_band = bands[-2].low if len(bands) > 1 else bands[-1].low
    live = t.c.status.in_(risk_service.ACTIVE_STATUSES)
    with ctx.ws.engine.connect() as conn:
        live_risks = conn.execute(select(func.count()).where(live)).scalar_one()
        severe = conn.execute(select(func.count()).where(live, score >= top_band)).scalar_one()
        overdue = conn.execute(
            select(func.count()).where(risk_service.overdue_sql(ctx.as_of))
        ).scalar_one()
    from .. import kpis

    statuses = kpis.status_all(ws=ctx.ws, today=ctx.as_of)
    on_target = sum(1 for s in statuses if s.status == "on_target")
    alerts = sum(1 for s in statuses if s.status in ("critical", "warning"))
    figures.update(live_risks=live_risks, severe=severe, overdue=overdue, alerts=alerts)
    return m.KeyFigures(
        (
            m.KeyFigure("Use cases", f"{len(ctx.use_cases):,}", "in scope"),
            m.KeyFigure(
                "Open risks",
                f"{live_risks:,}",
                f"{severe:,} high or above (residual)",
                "bad" if severe else "good",
            ),
            m.KeyFigure(
                "Overdue reviews",
                f"{overdue:,}",
                "risk reviews or acceptances",
                "warn" if overdue else "good",
            ),
            m.KeyFigure(
                "KPIs on target",
                f"{on_target} of {len(statuses)}",
                f"{alerts} in warning or critical",
                "warn" if alerts else "good",
            ),
        )
    )


def summary(ctx: Context, title: str) -> m.Section:
    section = m.Section("summary", title, new_page=False)
    section.add(*scope_note(ctx), key_figures(ctx))
    found = _document(ctx, ctx.options.summary_document, "Executive summary")
    if found is not None:
        from ..rendering import without_title

        text = ctx.profile.markdown(
            without_title(found[1], found[0]), "document paragraphs marked internal"
        )
        section.add(m.Markdown(text))
    return section


# -- portfolio -------------------------------------------------------------------------------


def portfolio(ctx: Context, title: str) -> m.Section | None:
    from .. import scoring

    model_id = scoring.active_model_id(ws=ctx.ws)
    criteria = scoring.model_criteria(ws=ctx.ws, model_id=model_id)
    ranked = scoring.rank(ws=ctx.ws, model_id=model_id, use_case_ids=ctx.use_case_ids)
    if not ranked:
        return None
    name = scoring.model_name(ws=ctx.ws, model_id=model_id)
    complete = [r for r in ranked if r.complete]
    shown = ranked[:TOP_USE_CASES]
    section = m.Section("portfolio", title).add(
        m.Paragraph(
            f"Use cases ranked by the scoring model “{name}” ({len(criteria)} criteria, "
            f"scores 0-100). {len(complete):,} of {len(ranked):,} use cases are fully scored"
            + (f"; the top {TOP_USE_CASES} are listed." if len(ranked) > TOP_USE_CASES else "."),
            "lead",
        ),
        m.Heading("Ranking"),
        m.table(
            ("Rank", "Use case", "Status", "Score"),
            [
                (
                    r.rank or DASH,
                    r.title,
                    label(r.status),
                    "incomplete" if r.score is None else f"{r.score:.1f}",
                )
                for r in shown
            ],
            align="rllr",
            widths=(1, 6, 2, 1.4),
        ),
    )
    ctx.notes["ranking"] = ranked
    ids = [r.use_case_id for r in complete]
    if 2 <= len(ids) <= MAX_MATRIX_USE_CASES:

        def matrix() -> Any:
            from ..charts import matrix as chart

            return chart.build_figure(ws=ctx.ws, model_id=model_id)

        if not ctx.chosen:
            section.add(
                m.Heading("Value and feasibility"),
                m.Chart("matrix", "Value against feasibility; bubble size by reach.", matrix),
            )
    if len(complete) >= 2 and not ctx.chosen:
        section.add(*_stability(ctx, model_id, {r.use_case_id: r.title for r in complete}))
    section.add(*_rationales(ctx, shown, criteria))
    return section


def _stability(ctx: Context, model_id: int, titles: dict[int, str]) -> list[Any]:
    from .. import scoring

    result = scoring.stability(ws=ctx.ws, model_id=model_id, draws=500, seed=1234, top_n=3)
    rows = [
        (
            titles.get(uc, str(uc)),
            result.baseline_rank[uc],
            f"{100 * result.p_top_n[uc]:.0f}%",
            f"{result.best_rank[uc]}{DASH}{result.worst_rank[uc]}",
        )
        for uc in result.use_case_ids[:10]
    ]
    return [
        m.Heading("Ranking stability"),
        m.Paragraph(
            f"How often each of the leading use cases stays in the top {result.top_n} when "
            f"every weight moves by up to ±{result.spread:.0%} ({result.draws} draws, "
            f"fixed seed {result.seed}).",
            "muted",
        ),
        m.table(
            ("Use case", "Rank", f"In top {result.top_n}", "Rank range"),
            rows,
            align="lrrr",
            widths=(6, 1, 1.6, 1.6),
        ),
    ]


def _rationales(ctx: Context, shown: Sequence[Any], criteria: Sequence[Any]) -> list[Any]:
    """The score rationales of the listed use cases (those marked internal left out in a
    client-safe report)."""
    from ...models import Score

    t = Score.__table__  # type: ignore[attr-defined]
    ids = [r.use_case_id for r in shown[:RATIONALE_USE_CASES]]
    names = {c.id: c.name for c in criteria}
    with ctx.ws.engine.connect() as conn:
        found = conn.execute(
            select(t.c.use_case_id, t.c.criterion_id, t.c.value, t.c.rationale)
            .where(t.c.use_case_id.in_(ids), t.c.criterion_id.in_(list(names)), t.c.rationale != "")
            .order_by(t.c.use_case_id, t.c.criterion_id)
        ).all()
    titles = {r.use_case_id: r.title for r in shown}
    order = {uc: i for i, uc in enumerate(ids)}
    rows = []
    for uc, crit, value, rationale in sorted(found, key=lambda r: (order[r[0]], r[1])):
        text = ctx.profile.text(rationale, "score rationales marked internal")
        if text:
            rows.append((titles[uc], names[crit], value, shorten(text, 220)))
    if not rows:
        return []
    return [
        m.Heading("Score rationales"),
        m.Paragraph(f"Why the {len(ids)} leading use cases score as they do.", "muted"),
        m.table(
            ("Use case", "Criterion", "Level", "Rationale"),
            rows,
            align="llrl",
            widths=(2.4, 2, 0.8, 6),
        ),
    ]


# -- risks -----------------------------------------------------------------------------------


def risks(ctx: Context, title: str) -> m.Section | None:
    from ...models import MitigationAction, Risk, RiskUseCaseLink
    from .. import risks as risk_service

    t = Risk.__table__  # type: ignore[attr-defined]
    acts = MitigationAction.__table__  # type: ignore[attr-defined]
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    bands = risk_service.bands(ws=ctx.ws)
    method = risk_service.method_of(ws=ctx.ws)
    lik, imp = risk_service.cell_sql(residual=True)
    residual = risk_service.score_sql(lik, imp, method)
    inherent = risk_service.score_sql(t.c.likelihood, t.c.impact, method)
    live = t.c.status.in_(risk_service.ACTIVE_STATUSES)
    scope = [live]
    if ctx.chosen:
        scope.append(
            t.c.id.in_(select(link.c.risk_id).where(link.c.use_case_id.in_(ctx.use_case_ids)))
        )
    with ctx.ws.engine.connect() as conn:
        by_level = dict(
            conn.execute(
                select(risk_service.level_sql(residual, bands), func.count())
                .where(*scope)
                .group_by(risk_service.level_sql(residual, bands))
            ).all()
        )
        top = conn.execute(
            select(t.c.id, t.c.title, t.c.owner, inherent, residual, t.c.status, t.c.category)
            .where(*scope)
            .order_by(residual.desc(), inherent.desc(), t.c.title, t.c.id)
            .limit(TOP_RISKS)
        ).all()
        actions: dict[int, list[str]] = {}
        for risk_id, action, owner, status in conn.execute(
            select(acts.c.risk_id, acts.c.action, acts.c.owner, acts.c.status)
            .where(acts.c.risk_id.in_([r[0] for r in top]))
            .order_by(acts.c.risk_id, acts.c.id)
        ):
            text = ctx.profile.text(action, "mitigations marked internal")
            if text:
                who = ctx.profile.person(owner)
                actions.setdefault(risk_id, []).append(
                    f"{text} ({label(status).lower()}{', ' + who if who else ''})"
                )
        overdue = conn.execute(
            select(t.c.title, t.c.owner, t.c.next_review, t.c.acceptance_expiry, t.c.status)
            .where(risk_service.overdue_sql(ctx.as_of), *scope[1:])
            .order_by(t.c.next_review, t.c.title)
            .limit(TOP_RISKS)
        ).all()
        overdue_total = conn.execute(
            select(func.count()).where(risk_service.overdue_sql(ctx.as_of), *scope[1:])
        ).scalar_one()
    total = sum(by_level.values())
    if not total and not overdue_total:
        return None
    section = m.Section("risks", title).add(
        m.Paragraph(
            f"{total:,} open risks in the register"
            + (" linked to the chosen use cases" if ctx.chosen else "")
            + ". Residual level: "
            + ", ".join(f"{b.name} {by_level.get(b.name, 0):,}" for b in reversed(bands))
            + ".",
            "lead",
        )
    )
    if not ctx.chosen:
        for residual_map in (False, True):

            def heat(residual_map: bool = residual_map) -> Any:
                from ..charts import heatmap

                return heatmap.build_figure(ws=ctx.ws, residual=residual_map, width=7, height=5)

            name = "Residual" if residual_map else "Inherent"
            section.add(
                m.Chart(
                    f"heatmap-{name.lower()}",
                    f"{name} risk: likelihood against impact.",
                    heat,
                    width=0.8,
                )
            )
    section.add(
        m.Heading("Top risks"),
        m.table(
            ("Risk", "Owner", "Inherent", "Residual", "Mitigations"),
            [
                (
                    r[1],
                    ctx.profile.person(r[2]),
                    r[3],
                    r[4],
                    "; ".join(actions.get(r[0], [])) or "none recorded",
                )
                for r in top
            ],
            align="llrrl",
            widths=(3.2, 1.6, 1, 1, 4.6),
        ),
    )
    if overdue_total:
        section.add(
            m.Heading("Overdue reviews"),
            m.Paragraph(
                f"{overdue_total:,} risks are past their review date or acceptance expiry"
                + (
                    f"; the {len(overdue)} longest overdue:"
                    if overdue_total > len(overdue)
                    else ":"
                ),
            ),
            m.table(
                ("Risk", "Owner", "Review due", "Acceptance expires"),
                [(r[0], ctx.profile.person(r[1]), iso(r[2]), iso(r[3])) for r in overdue],
                widths=(4, 2, 1.4, 1.6),
            ),
        )
    return section


# -- EU AI Act -------------------------------------------------------------------------------


def ai_act(ctx: Context, title: str) -> m.Section | None:
    from ...models import AiActAssessment, ComplianceObligation
    from .. import ai_act as act

    a = AiActAssessment.__table__  # type: ignore[attr-defined]
    o = ComplianceObligation.__table__  # type: ignore[attr-defined]
    titles = dict(ctx.use_cases)
    with ctx.ws.engine.connect() as conn:
        tiers = conn.execute(
            select(a.c.use_case_id, a.c.tier, a.c.assessed_on, a.c.assessor).where(
                a.c.use_case_id.in_(list(titles))
            )
        ).all()
        obligations = conn.execute(
            select(o.c.use_case_id, o.c.article, o.c.title, o.c.status, o.c.owner, o.c.due_date)
            .where(o.c.use_case_id.in_(list(titles)))
            .order_by(o.c.use_case_id, o.c.id)
        ).all()
    if not tiers:
        return None
    order = {"prohibited": 0, "high": 1, "limited": 2, "minimal": 3}
    tiers = sorted(tiers, key=lambda r: (order.get(r[1], 9), titles[r[0]].casefold()))
    section = m.Section("ai-act", title).add(
        m.Paragraph(
            f"{len(tiers)} of {len(titles)} use cases have a tier check under "
            "Regulation (EU) 2024/1689. Guidance, not legal advice: confirm each "
            "classification with legal counsel.",
            "lead",
        ),
        m.table(
            ("Use case", "Tier", "Assessed", "Assessor"),
            [
                (titles[r[0]], act.TIERS[r[1]][0], iso(r[2]), ctx.profile.person(r[3]))
                for r in tiers
            ],
            widths=(4, 1.6, 1.4, 2),
            highlight=[i for i, r in enumerate(tiers) if r[1] in ("prohibited", "high")],
        ),
    )
    by_case: dict[int, list[Any]] = {}
    for row in obligations:
        by_case.setdefault(row[0], []).append(row)
    for uc, _tier, *_ in tiers:
        rows = sorted(by_case.get(uc, []), key=lambda r: act.article_order(r[1]))
        if not rows:
            continue
        done = sum(1 for r in rows if str(r[3]) in ("done", "not_applicable"))
        section.add(
            m.Heading(f"{titles[uc]}: obligations ({done} of {len(rows)} met)", 2),
            m.table(
                ("Article", "Obligation", "Status", "Owner", "Due"),
                [(r[1], r[2], label(r[3]), ctx.profile.person(r[4]), iso(r[5])) for r in rows],
                widths=(1.1, 4, 1.3, 1.8, 1.4),
            ),
        )
    return section


# -- KPIs ------------------------------------------------------------------------------------


def kpis(ctx: Context, title: str) -> m.Section | None:
    from .. import kpis as kpi_service

    statuses = kpi_service.status_all(ws=ctx.ws, today=ctx.as_of)
    if ctx.chosen:
        wanted = set(ctx.use_case_ids)
        statuses = [s for s in statuses if s.use_case_id in wanted]
    if not statuses:
        return None
    statuses.sort(key=lambda s: (kpi_service.STATUS_ORDER.get(s.status, 99), s.name.casefold()))
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s.status] = counts.get(s.status, 0) + 1
    section = m.Section("kpis", title).add(
        m.Paragraph(
            ", ".join(
                f"{n} {kpi_service.STATUS_LABELS.get(k, k).lower()}" for k, n in counts.items()
            )
            + f" (as of {iso(ctx.as_of)}).",
            "lead",
        )
    )
    shown = statuses[:MAX_SPARKLINES]

    def grid() -> Any:
        import math

        from ..charts import kpi as chart
        from ..charts import new_figure

        start = ctx.as_of - dt.timedelta(weeks=26)
        items = [(s, *kpi_service.series(ws=ctx.ws, kpi_id=s.kpi_id, start=start)) for s in shown]
        cols = max(1, min(4, math.ceil(math.sqrt(len(items)))))
        rows = math.ceil(len(items) / cols)
        figure = new_figure(2.6 * cols + 0.3, 1.3 * rows + 0.1)
        chart.draw_sparklines(figure, items, columns=cols)
        return figure

    note = f" (the {len(shown)} most urgent)" if len(statuses) > len(shown) else ""
    section.add(
        m.Chart("kpi-grid", f"Last 26 weeks of each KPI{note}, coloured by status.", grid),
        m.table(
            ("KPI", "Latest", "Target", "Status", "Trend", "As of"),
            [
                (
                    s.name,
                    kpi_service.format_value(s.latest_value, s.unit),
                    kpi_service.format_value(s.target, s.unit),
                    kpi_service.STATUS_LABELS.get(s.status, s.status)
                    + (" (stale)" if s.stale else ""),
                    label(s.trend),
                    iso(s.latest_date),
                )
                for s in statuses[:TOP_USE_CASES]
            ],
            align="lrrlll",
            widths=(4, 1.5, 1.5, 1.8, 1.3, 1.5),
            highlight=[i for i, s in enumerate(statuses[:TOP_USE_CASES]) if s.status == "critical"],
        ),
    )
    return section


# -- roadmap and launch ----------------------------------------------------------------------


def roadmap(ctx: Context, title: str) -> m.Section | None:
    from .. import roadmap as roadmap_service
    from ..launch import release_list

    start, end = ctx.as_of - dt.timedelta(days=30), ctx.as_of + dt.timedelta(days=180)
    items, _ = roadmap_service.timeline(ws=ctx.ws, start=start, end=end)
    releases = release_list(ws=ctx.ws)
    if ctx.chosen:
        wanted = set(ctx.use_case_ids)
        items = [i for i in items if i.use_case_id in wanted]
        releases = [r for r in releases if r.use_case_id in wanted]
    if not items and not releases:
        return None
    section = m.Section("roadmap", title)
    if items and len(items) <= MAX_ROADMAP_ITEMS and not ctx.chosen:

        def chart() -> Any:
            from ..charts import roadmap as chart_module

            return chart_module.build_figure(ws=ctx.ws, start=start, end=end, today=ctx.as_of)

        section.add(
            m.Chart("roadmap", f"Roadmap from {iso(start)} to {iso(end)}; today marked.", chart)
        )
    elif items:
        section.add(
            m.Note(
                f"{len(items):,} roadmap items fall in the next six months; the milestones "
                "are listed below."
            )
        )
    milestones = [i for i in items if i.kind == "milestone" and i.end >= ctx.as_of][:20]
    if milestones:
        section.add(
            m.Heading("Milestones ahead"),
            m.table(
                ("Milestone", "Lane", "Due", "Status"),
                [(i.title, i.lane, iso(i.end), label(i.status)) for i in milestones],
                widths=(4, 2, 1.4, 1.4),
            ),
        )
    if releases:
        section.add(m.Heading("Launch readiness"), release_table(releases))
    return section


def release_table(releases: Sequence[Any]) -> Any:
    """Releases with their target, checklist progress and gate (no-go marked)."""
    return m.table(
        ("Release", "Use case", "Target", "Checklist", "Gate"),
        [
            (r.name, r.use_case, iso(r.target_date), f"{r.percent:.0f}%", r.state_text)
            for r in releases
        ],
        align="lllrl",
        widths=(3, 3, 1.4, 1.2, 1.2),
        highlight=[i for i, r in enumerate(releases) if r.state == "no-go"],
    )


# -- recommendations -------------------------------------------------------------------------


def recommendations(ctx: Context, title: str) -> m.Section | None:
    from ...models import UseCase

    section = m.Section("recommendations", title)
    found = _document(ctx, "", "Recommendations")
    if found is not None:
        from ..rendering import without_title

        section.add(
            m.Markdown(
                ctx.profile.markdown(
                    without_title(found[1], found[0]), "document paragraphs marked internal"
                )
            )
        )
    u = UseCase.__table__  # type: ignore[attr-defined]
    with ctx.ws.engine.connect() as conn:
        decided = conn.execute(
            select(u.c.id, u.c.title, u.c.decision, u.c.decision_rationale)
            .where(u.c.decision != "undecided", u.c.id.in_(ctx.use_case_ids))
            .order_by(u.c.title)
            .limit(TOP_USE_CASES)
        ).all()
    if decided:
        section.add(
            m.Heading("Build, partner or buy"),
            m.table(
                ("Use case", "Decision", "Rationale"),
                [
                    (
                        r[1],
                        label(r[2]),
                        shorten(ctx.profile.text(r[3], "decision rationales marked internal"), 300),
                    )
                    for r in decided
                ],
                widths=(3, 1.2, 6),
            ),
        )
    figures = ctx.notes.get("figures", {})
    todo = []
    if figures.get("overdue"):
        todo.append(f"Review the {figures['overdue']:,} risks whose review is overdue.")
    if figures.get("alerts"):
        todo.append(f"Act on the {figures['alerts']} KPIs in warning or critical.")
    if todo:
        section.add(
            m.Heading("Next steps from the data"), m.Markdown("\n".join(f"- {t}" for t in todo))
        )
    return section if section.blocks else None
