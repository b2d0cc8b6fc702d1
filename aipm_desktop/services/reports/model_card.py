"""The model / system card of one use case: Markdown in the Hugging Face model-card layout
(``.md``) and a CycloneDX 1.6 ML-BOM (``.json``, :mod:`.cyclonedx`).

Everything is read from the workspace through the report's own section builders and the
same profile (a client-safe card leaves out what a client-safe report leaves out):

- the use case record (problem, users, value, outcome metric, data, latency, safety,
  human oversight, decision, owner), its EU AI Act tier;
- the use case's documents: the text under headings about intended use, out-of-scope
  use, data, limitations, disclosures and human oversight (as in the RAI pack);
- its risks and their mitigations, the latest evaluation runs, experiments, KPIs and
  cost models, where the workspace has them.

A topic nothing in the workspace covers says so ("Not documented in the workspace"), so a
reader sees the gap rather than an empty heading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ...errors import UserError
from .build import MODEL_CARD, Context, _meta, _use_cases, kind_of
from .model import ReportMeta, Section, Table
from .profile import Profile, ReportOptions
from .rai import _documents, _risks, _topic_text
from .sections import label

if TYPE_CHECKING:
    from ...store import Workspace

KIND = kind_of(MODEL_CARD)
SUFFIXES = (".md", ".json")
GAP = "Not documented in the workspace."
#: Document headings (all words, any case) whose text fills a part of the card.
TOPICS: dict[str, tuple[tuple[str, ...], ...]] = {
    "direct": (("intended use",), ("direct use",), ("use case",)),
    "out_of_scope": (("out-of-scope",), ("out of scope",), ("not for",)),
    "data": (("data sources",), ("training data",), ("data",)),
    "limitations": (("limitation",), ("fallback",)),
    "disclosures": (("disclosure",), ("transparency",), ("persona",)),
    "oversight": (("human oversight",), ("human", "loop"), ("handoff",), ("escalation",)),
    "evaluation": (("evaluation",), ("quality bar",), ("metric",)),
}


@dataclass
class ModelCard:
    """What a card shows, gathered once (Markdown and CycloneDX both read it)."""

    meta: ReportMeta
    use_case_id: int
    title: str
    facts: list[tuple[str, str]]
    texts: dict[str, str]  # use case fields (problem, target_users ...), profile-filtered
    topics: dict[str, list[str]]  # topic -> Markdown texts from the use case's documents
    risks: Table | None
    tables: dict[str, list[Table]] = field(default_factory=dict)  # evaluations, kpis ...
    manifest: dict[str, Any] = field(default_factory=dict)
    omitted: list[str] = field(default_factory=list)


def build_card(*, ws: Workspace, options: ReportOptions) -> ModelCard:
    """The card of the one use case ``options.use_cases`` names (reads only)."""
    if len(options.use_cases) != 1:
        raise UserError("a model card is of one use case: name it with --use-case X.")
    profile = Profile(client_safe=options.client_safe, hide_names=options.hide_names)
    ctx = Context(
        ws=ws,
        options=options,
        profile=profile,
        as_of=options.as_of or _today(),
        use_cases=_use_cases(ws, options.use_cases),
        chosen=True,
    )
    ctx.meta = _meta(ws, options, KIND, ctx)
    use_case_id, title = ctx.use_cases[0]
    row = _use_case(ws, use_case_id)
    texts = {
        name: profile.text(getattr(row, name), "use case texts marked internal")
        for name in (
            "problem", "target_users", "value_hypothesis", "data_sources", "data_availability",
            "latency_requirement", "safety_constraints", "human_in_loop",
        )
    }  # fmt: skip
    texts["decision_rationale"] = profile.text(
        row.decision_rationale, "decision rationales marked internal"
    )
    docs = [
        (t, profile.markdown(b, "document paragraphs marked internal"))
        for t, b in _documents(ctx, use_case_id)
    ]
    card = ModelCard(
        meta=ctx.meta,
        use_case_id=use_case_id,
        title=title,
        facts=_facts(ctx, row),
        texts=texts,
        topics={name: _topic_text(docs, patterns) for name, patterns in TOPICS.items()},
        risks=next((b for b in _risks(ctx, use_case_id) if isinstance(b, Table)), None),
    )
    card.tables = _tables(ctx)
    from .appendix import manifest

    card.manifest = manifest(ctx)
    card.omitted = profile.omitted() if options.client_safe or options.hide_names else []
    return card


def _today() -> dt.date:
    from .. import clock

    return clock.today()


def _use_case(ws: Workspace, use_case_id: int) -> Any:
    from ...models import UseCase

    t = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        return conn.execute(select(t).where(t.c.id == use_case_id)).one()


def _facts(ctx: Context, row: Any) -> list[tuple[str, str]]:
    from .. import ai_act

    assessment = ai_act.get_assessment(ws=ctx.ws, use_case_id=row.id)
    tier = ai_act.TIERS[str(assessment.tier)][0] if assessment is not None else "not assessed"
    metric = ""
    if row.metric_name:
        start = "" if row.metric_baseline is None else f"from {row.metric_baseline:g} "
        by = f" by {row.metric_date.isoformat()}" if row.metric_date else ""
        metric = f"{row.metric_name}: {start}to {row.metric_target:g} {row.metric_unit}{by}"
    pairs = [
        ("Developed by", ctx.meta.client if ctx.meta else ""),
        ("Owner", ctx.profile.person(row.owner)),
        ("Status", label(row.status)),
        ("Area", row.area),
        ("Build, partner or buy", label(row.decision)),
        ("EU AI Act tier", tier),
        ("Outcome metric", metric),
        ("Tags", row.tags),
    ]
    return [(k, str(v)) for k, v in pairs if v]


def _tables(ctx: Context) -> dict[str, list[Table]]:
    """The tables of the report sections about this use case (evaluations, experiments,
    KPIs, costs), by section key; a section with nothing recorded is left out."""
    from .operations import costs, evaluation_rows, experiments
    from .sections import kpis

    found: dict[str, list[Table]] = {}
    evaluated = evaluation_rows(ctx, set(ctx.use_case_ids))
    if evaluated is not None:
        found["evaluations"] = [evaluated]
    for key, builder in (("experiments", experiments), ("kpis", kpis), ("costs", costs)):
        section: Section | None = builder(ctx, key)
        if section is not None:
            tables = [b for b in section.blocks if isinstance(b, Table)]
            if tables:
                found[key] = tables
    return found


# -- Markdown ---------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split()) or " "


def markdown_table(block: Table) -> str:
    """A GitHub pipe table (a key/value table as a bullet list of "**key:** value")."""
    if not block.header:
        return "\n".join(
            f"- **{_cell(row[0])}:** {_cell(row[1]) if len(row) > 1 else ''}".rstrip()
            for row in block.rows
        )
    marks = {"left": ":--", "right": "--:", "center": ":-:"}
    lines = [
        "| " + " | ".join(_cell(h) for h in block.header) + " |",
        "| " + " | ".join(marks[block.alignment(c)] for c in range(block.columns)) + " |",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
    if block.caption:
        lines += ["", f"*{block.caption}*"]
    return "\n".join(lines)


def _part(*texts: str) -> str:
    kept = [t.strip() for t in texts if t and t.strip()]
    return "\n\n".join(kept) if kept else f"*{GAP}*"


def _field(name: str, text: str) -> str:
    return f"**{name}:** {text}" if text else ""


#: Parts of the card made of use case fields ("**label:** text") and document topics.
_FILLED: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "Direct use": (
        (("Intended users", "target_users"), ("Value", "value_hypothesis")),
        ("direct",),
    ),
    "Known limitations": ((), ("limitations",)),
    "Recommendations": (
        (("Human oversight", "human_in_loop"), ("Safety constraints", "safety_constraints")),
        ("oversight", "disclosures"),
    ),
    "Training data": (
        (("Data sources", "data_sources"), ("Availability", "data_availability")),
        ("data",),
    ),
    "Testing data, factors and metrics": ((), ("evaluation",)),
    "Technical specifications": ((("Latency requirement", "latency_requirement"),), ()),
}
#: Parts of the card made of the tables of a report section.
_TABLES = {
    "Results": "evaluations",
    "Experiments": "experiments",
    "Monitoring in production (KPIs)": "kpis",
    "Environmental impact and costs": "costs",
}


def _filled(card: ModelCard, title: str, level: int = 3) -> list[str]:
    """A card part: its heading and its text (or the gap)."""
    if title in _TABLES:
        body = _part(*(markdown_table(t) for t in card.tables.get(_TABLES[title], [])))
    else:
        fields, topics = _FILLED[title]
        body = _part(
            *(_field(name, card.texts[key]) for name, key in fields),
            *(text for topic in topics for text in card.topics[topic]),
        )
    return [f"{'#' * level} {title}", body]


def card_markdown(card: ModelCard) -> str:
    """The card as Markdown, in the Hugging Face model-card layout."""
    meta, texts, direct = card.meta, card.texts, card.topics["direct"]
    out_of_scope = [t for t in card.topics["out_of_scope"] if t not in direct]
    tags = [t.strip() for t in dict(card.facts).get("Tags", "").split(",") if t.strip()]
    front = ["---", "tags:", "- aipm-desktop", *(f"- {t}" for t in tags), "---"]
    parts = [
        "\n".join(front),
        f"# Model card for {card.title}",
        _part(texts["value_hypothesis"] or texts["problem"]),
        "## Model details",
        "### Model description",
        _part(texts["problem"]),
        markdown_table(Table((), tuple(card.facts))),
        _field("Why this decision", texts["decision_rationale"]),
        "## Uses",
        *_filled(card, "Direct use"),
        "### Out-of-scope use",
        _part(*out_of_scope)
        if out_of_scope or not direct
        else "*See Direct use: the use case's documents cover both under one heading.*",
        "## Bias, risks, and limitations",
        markdown_table(card.risks) if card.risks is not None else f"*{GAP}*",
        *_filled(card, "Known limitations"),
        *_filled(card, "Recommendations"),
        "## Training details",
        *_filled(card, "Training data"),
        "## Evaluation",
        *_filled(card, "Testing data, factors and metrics"),
        *_filled(card, "Results"),
        *_filled(card, "Experiments"),
        *_filled(card, "Monitoring in production (KPIs)"),
        *_filled(card, "Environmental impact and costs", 2),
        *_filled(card, "Technical specifications", 2),
        "## Model card authors",
        _part(meta.author),
        "## Model card contact",
        _part(dict(card.facts).get("Owner", "")),
        "## More information",
        markdown_table(Table((), tuple(_provenance(card)))),
    ]
    if card.omitted:
        parts += ["### Left out of this card", "\n".join(f"- {line}" for line in card.omitted)]
    return "\n\n".join(p for p in parts if p) + "\n"


def _provenance(card: ModelCard) -> list[tuple[str, str]]:
    meta = card.meta
    found = card.manifest
    return [
        ("Card date", meta.as_of.isoformat()),
        ("Card version", meta.version),
        ("Confidentiality", meta.confidentiality),
        ("Workspace content (SHA-256)", str(found.get("workspace_content_sha256", ""))),
        ("Made with", f"AIPM Desktop {found.get('app_version', '')}".strip()),
    ]


# -- export -----------------------------------------------------------------------------


def export_model_card(
    *, ws: Workspace, options: ReportOptions, out: Path | str, overwrite: bool = True
) -> Path:
    """Write the card of ``options``' use case to ``out``: ``.md`` (Markdown) or ``.json``
    (CycloneDX 1.6 ML-BOM); whole or not at all."""
    from ..outputs import check_target, write_bytes

    target = check_target(out, overwrite=overwrite, suffixes=SUFFIXES, what="a model card")
    card = build_card(ws=ws, options=options)
    if target.suffix.lower() == ".json":
        from .cyclonedx import bom_json

        data = bom_json(card)
    else:
        data = card_markdown(card).encode()
    return write_bytes(target, data, overwrite=overwrite)
