"""The responsible-AI documentation pack: one section per use case, with the domain
source's headings (intended and out-of-scope use, data sources and constraints,
evaluation results, risks and mitigations, known limitations, user disclosures, human
oversight).

What the use case record holds comes from its fields; the rest from the use case's own
documents (a PRD, a model behaviour spec): the text under a heading whose words match
(e.g. "Intended use and out-of-scope use", "Known limitations"). A topic no record or
document covers says so, so the gap is visible rather than silently missing.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from .build import Context
from .model import Heading, Markdown, Note, Section, facts, table
from .sections import iso, label

#: Topic -> words a document heading must contain (all of them, any case).
TOPICS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Intended and out-of-scope use": (("intended use",), ("out-of-scope",), ("out of scope",)),
    "Data sources and constraints": (("data sources",), ("data",)),
    "Known limitations": (("limitation",), ("fallback",)),
    "User disclosures": (("disclosure",), ("transparency",), ("persona",)),
    "Human oversight": (("human oversight",), ("human", "loop"), ("handoff",), ("escalation",)),
}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def document_sections(body: str) -> list[tuple[str, str]]:
    """``(heading, text)`` of every heading of a Markdown text (fenced code ignored), the
    text running to the next heading of the same or a higher level."""
    lines = body.splitlines()
    found: list[tuple[int, int, str]] = []  # (line, level, heading)
    fenced = False
    for n, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            found.append((n, len(match.group(1)), match.group(2)))
    result = []
    for index, (n, level, heading) in enumerate(found):
        end = next((m for m, lv, _ in found[index + 1 :] if lv <= level), len(lines))
        text = "\n".join(lines[n + 1 : end]).strip()
        if text:
            result.append((heading, text))
    return result


def _documents(ctx: Context, use_case_id: int) -> list[tuple[str, str]]:
    from ...models import Document

    t = Document.__table__  # type: ignore[attr-defined]
    with ctx.ws.engine.connect() as conn:
        return [
            (r[0], r[1] or "")
            for r in conn.execute(
                select(t.c.title, t.c.body).where(t.c.use_case_id == use_case_id).order_by(t.c.id)
            )
        ]


def _topic_text(docs: list[tuple[str, str]], patterns: tuple[tuple[str, ...], ...]) -> list[str]:
    """The texts under the first heading matching each pattern, in pattern order; one
    per document heading (a text found twice is kept once)."""
    kept: list[str] = []
    sections = [(doc, h, text) for doc, body in docs for h, text in document_sections(body)]
    for words in patterns:
        for doc, heading, text in sections:
            if all(w in heading.casefold() for w in words):
                entry = f"*From “{doc}”, {heading}:*\n\n{text}"
                if all(text not in k for k in kept):
                    kept.append(entry)
                break
        if kept:
            break
    return kept


#: Use cases a pack covers when none were chosen: those in front of users.
IN_USE = ("pilot", "launched")


def rai_pack(ctx: Context, title: str) -> list[Section] | None:
    """A section per chosen use case (none chosen: every use case in pilot or launched)."""
    from ...models import UseCase

    u = UseCase.__table__  # type: ignore[attr-defined]
    query = select(u).where(u.c.id.in_(ctx.use_case_ids))
    if not ctx.chosen:
        query = query.where(u.c.status.in_(IN_USE))
    with ctx.ws.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(query)}
    ordered = [rows[i] for i in ctx.use_case_ids if i in rows]
    if not ordered:
        return None
    return [
        Section(f"rai-{row.id}", f"{row.title}: {title[:1].lower()}{title[1:]}").add(
            *_use_case_blocks(ctx, row)
        )
        for row in ordered
    ]


def _use_case_blocks(ctx: Context, row: Any) -> list[Any]:
    from .. import ai_act

    profile = ctx.profile
    docs = [
        (t, profile.markdown(b, "document paragraphs marked internal"))
        for t, b in _documents(ctx, row.id)
    ]
    assessment = ai_act.get_assessment(ws=ctx.ws, use_case_id=row.id)
    tier = ai_act.TIERS[str(assessment.tier)][0] if assessment is not None else "not assessed"
    blocks: list[Any] = [
        facts(
            [
                ("Status", label(row.status)),
                ("Owner", profile.person(row.owner)),
                ("Area", row.area),
                ("Decision", label(row.decision)),
                ("EU AI Act tier", tier),
            ]
        ),
    ]

    def topic(name: str, own: list[tuple[str, str]]) -> None:
        blocks.append(Heading(name))
        kept = [(k, profile.text(v, "use case texts marked internal")) for k, v in own]
        kept = [(k, v) for k, v in kept if v]
        if kept:
            blocks.append(facts(kept))
        texts = _topic_text(docs, TOPICS[name]) if name in TOPICS else []
        blocks.extend(Markdown(t) for t in texts)
        if not kept and not texts:
            blocks.append(
                Note(
                    f"Not documented yet: no record or document of this use case "
                    f"covers “{name.lower()}”.",
                    "warning",
                )
            )

    topic(
        "Intended and out-of-scope use",
        [("Problem", row.problem), ("Users", row.target_users), ("Value", row.value_hypothesis)],
    )
    topic(
        "Data sources and constraints",
        [
            ("Sources", row.data_sources),
            ("Availability", row.data_availability),
            ("Latency", row.latency_requirement),
            ("Safety", row.safety_constraints),
        ],
    )
    blocks.append(Heading("Evaluation results"))
    blocks.extend(_evaluations(ctx, row.id))
    blocks.append(Heading("Risks and mitigations"))
    blocks.extend(_risks(ctx, row.id))
    topic("Known limitations", [])
    topic("User disclosures", [])
    topic("Human oversight", [("Human in the loop", row.human_in_loop)])
    return blocks


def _evaluations(ctx: Context, use_case_id: int) -> list[Any]:
    from .operations import evaluation_rows

    found = evaluation_rows(ctx, {use_case_id})
    if found is None:
        return [Note("No evaluation suite is recorded for this use case.", "warning")]
    return [found]


def _risks(ctx: Context, use_case_id: int) -> list[Any]:
    from ...models import MitigationAction, Risk, RiskUseCaseLink
    from .. import risks as risk_service

    t = Risk.__table__  # type: ignore[attr-defined]
    m = MitigationAction.__table__  # type: ignore[attr-defined]
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    method = risk_service.method_of(ws=ctx.ws)
    lik, imp = risk_service.cell_sql(residual=True)
    residual = risk_service.score_sql(lik, imp, method)
    with ctx.ws.engine.connect() as conn:
        found = conn.execute(
            select(t.c.id, t.c.title, t.c.status, residual, t.c.owner, t.c.next_review)
            .where(t.c.id.in_(select(link.c.risk_id).where(link.c.use_case_id == use_case_id)))
            .order_by(residual.desc(), t.c.title)
        ).all()
        actions: dict[int, list[str]] = {}
        for risk_id, action, status in conn.execute(
            select(m.c.risk_id, m.c.action, m.c.status)
            .where(m.c.risk_id.in_([r[0] for r in found]))
            .order_by(m.c.id)
        ):
            text = ctx.profile.text(action, "mitigations marked internal")
            if text:
                actions.setdefault(risk_id, []).append(f"{text} ({label(status).lower()})")
    if not found:
        return [Note("No risk in the register is linked to this use case.", "warning")]
    return [
        table(
            ("Risk", "Status", "Residual", "Owner", "Next review", "Mitigations"),
            [
                (
                    r[1],
                    label(r[2]),
                    r[3],
                    ctx.profile.person(r[4]),
                    iso(r[5]),
                    "; ".join(actions.get(r[0], [])) or "none recorded",
                )
                for r in found
            ],
            align="llrlll",
            widths=(3, 1.1, 1, 1.6, 1.4, 4),
        )
    ]
