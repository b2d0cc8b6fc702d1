"""Building a :class:`~.model.Report` from a workspace: report kinds, their sections, the
build context, and the renderers by file suffix.

A kind (:data:`KINDS`) is a title and a default, ordered list of section keys; a section
key names a builder (:data:`SECTIONS`: ``"module:function"``, imported when used) that
takes the :class:`Context` and returns a :class:`~.model.Section`, or ``None`` when the
workspace has nothing for it (experiments in a workspace without any). The appendix is
built last, so it can list what the profile left out of every other section.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import UserError
from .. import clock
from .model import Report, ReportMeta, Section
from .profile import Profile, ReportOptions

if TYPE_CHECKING:
    from ...store import Workspace

Progress = Callable[[int, int, str], None]

_S = f"{__package__}.sections"
_R = f"{__package__}.rai"
_A = f"{__package__}.appendix"
_O = f"{__package__}.operations"
_C = f"{__package__}.controls"

#: Section key -> ``(default title, "module:function")``.
SECTIONS: dict[str, tuple[str, str]] = {
    "summary": ("Executive summary", f"{_S}:summary"),
    "portfolio": ("Portfolio", f"{_S}:portfolio"),
    "risks": ("Risk register", f"{_S}:risks"),
    "ai-act": ("EU AI Act", f"{_S}:ai_act"),
    "controls": ("Controls and evidence", f"{_C}:controls_section"),
    "trace": ("Traceability matrix", f"{_C}:trace"),
    "kpis": ("KPI status", f"{_S}:kpis"),
    "roadmap": ("Roadmap and launch readiness", f"{_S}:roadmap"),
    "releases": ("Releases and gates", f"{_O}:releases"),
    "evaluations": ("Evaluations", f"{_O}:evaluations"),
    "experiments": ("Experiments", f"{_O}:experiments"),
    "incidents": ("Incidents", f"{_O}:incidents"),
    "feedback": ("Feedback triage", f"{_C}:feedback"),
    "costs": ("Costs", f"{_O}:costs"),
    "decisions": ("Decisions needed", f"{_O}:decisions"),
    "recommendations": ("Recommendations", f"{_S}:recommendations"),
    "rai": ("Responsible-AI documentation", f"{_R}:rai_pack"),
    "appendix": ("Appendix: method and manifest", f"{_A}:appendix"),
}


_ASSESSMENT = (
    "summary", "portfolio", "risks", "ai-act", "controls", "kpis", "roadmap", "evaluations",
    "experiments", "incidents", "feedback", "costs", "recommendations", "appendix",
)  # fmt: skip


#: The kind written by :mod:`.model_card` (one use case, .md or .json; no sections).
MODEL_CARD = "model-card"


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    sections: tuple[str, ...]
    description: str


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "assessment",
            "Client AI assessment",
            _ASSESSMENT,
            "The portfolio, its risks and readiness, for a client.",
        ),
        Kind(
            "readout",
            "Executive readout",
            (
                "summary",
                "kpis",
                "releases",
                "incidents",
                "feedback",
                "costs",
                "decisions",
                "appendix",
            ),
            "Monthly business review: KPI trends, releases and gates, incidents and "
            "runbooks, feedback triage, costs, decisions needed.",
        ),
        Kind(
            "rai-pack",
            "Responsible-AI documentation pack",
            ("rai", "controls", "trace", "appendix"),
            "Per use case: intended use, data, evaluations, risks, limitations, "
            "disclosures, human oversight.",
        ),
        Kind(
            MODEL_CARD,
            "Model card",
            (),
            "One use case: a Hugging Face style model card (.md) or a CycloneDX 1.6 "
            "ML-BOM (.json).",
        ),
    )
}


@dataclass
class Context:
    """What a section builder reads: the workspace, the options, the profile (every text
    from the workspace goes through it), the report date and the chosen use cases."""

    ws: Workspace
    options: ReportOptions
    profile: Profile
    as_of: dt.date
    #: ``(id, title)`` of the chosen use cases (all of them when none were chosen).
    use_cases: list[tuple[int, str]]
    chosen: bool
    meta: ReportMeta | None = None
    #: Facts gathered while building, for the summary and the appendix.
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def use_case_ids(self) -> list[int]:
        return [i for i, _ in self.use_cases]

    def builder(self, key: str) -> Callable[[Context, str], Section | list[Section] | None]:
        module, _, name = SECTIONS[key][1].partition(":")
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return,unused-ignore]


def kind_of(key: str) -> Kind:
    found = KINDS.get(key)
    if found is None:
        raise UserError(f"unknown report kind {key!r}; use {', '.join(KINDS)}.")
    return found


def section_keys(options: ReportOptions) -> list[str]:
    """The sections of the report, in order (the kind's default when none were chosen);
    an unknown key is a clear error."""
    kind = kind_of(options.kind)
    if kind.key == MODEL_CARD and options.sections:
        raise UserError("a model card has no sections to choose; leave out --sections.")
    keys = list(options.sections) or list(kind.sections)
    unknown = [k for k in keys if k not in SECTIONS]
    if unknown:
        raise UserError(
            f"unknown section {', '.join(map(repr, unknown))}; sections: {', '.join(SECTIONS)}."
        )
    seen: set[str] = set()
    return [k for k in keys if not (k in seen or seen.add(k))]  # type: ignore[func-returns-value]


def _use_cases(ws: Workspace, refs: tuple[str, ...]) -> list[tuple[int, str]]:
    from .. import usecases

    every = usecases.titles(ws=ws)
    if not refs:
        return every
    by_title = {title.casefold(): (i, title) for i, title in every}
    by_id = {str(i): (i, title) for i, title in every}
    chosen: list[tuple[int, str]] = []
    for ref in refs:
        found = by_id.get(str(ref).strip()) or by_title.get(str(ref).strip().casefold())
        if found is None:
            raise UserError(f"no use case {ref!r} in this workspace.")
        if found not in chosen:
            chosen.append(found)
    return chosen


def _meta(ws: Workspace, options: ReportOptions, kind: Kind, ctx: Context) -> ReportMeta:
    from ..workspace import get_settings

    settings = get_settings(ws=ws)
    chosen = tuple(t for _, t in ctx.use_cases) if ctx.chosen else ()
    subtitle = ", ".join(chosen) if chosen and len(chosen) <= 3 else ""
    return ReportMeta(
        kind=kind.key,
        title=options.title or kind.title,
        client=settings.client or "",
        engagement=options.engagement or settings.name or ws.path.stem,
        author=ctx.profile.person(options.author or settings.owner_name or ""),
        as_of=ctx.as_of,
        version=options.version,
        confidentiality=options.confidentiality
        or ("Client confidential" if options.client_safe else "Confidential: internal"),
        page_size=options.page_size,  # type: ignore[arg-type]
        client_safe=options.client_safe,
        hide_names=options.hide_names,
        use_cases=chosen,
        subtitle=subtitle,
    )


def build_report(
    *, ws: Workspace, options: ReportOptions, progress: Progress | None = None
) -> Report:
    """The report ``options`` ask for, from ``ws`` (reads only)."""
    kind = kind_of(options.kind)
    if kind.key == MODEL_CARD:
        raise UserError("a model card is written as Markdown (.md) or CycloneDX (.json).")
    keys = section_keys(options)
    as_of = options.as_of or clock.today()
    profile = Profile(client_safe=options.client_safe, hide_names=options.hide_names)
    ctx = Context(
        ws=ws,
        options=options,
        profile=profile,
        as_of=as_of,
        use_cases=_use_cases(ws, options.use_cases),
        chosen=bool(options.use_cases),
    )
    ctx.meta = _meta(ws, options, kind, ctx)
    # The appendix is built last (it lists what the profile left out of the others) but
    # stays where the user put it.
    ordered = [k for k in keys if k != "appendix"] + (["appendix"] if "appendix" in keys else [])
    built: dict[str, list[Section]] = {}
    for step, key in enumerate(ordered):
        if progress is not None:
            progress(step, len(ordered), SECTIONS[key][0])
        found = ctx.builder(key)(ctx, SECTIONS[key][0])
        built[key] = [] if found is None else [found] if isinstance(found, Section) else found
    if progress is not None:
        progress(len(ordered), len(ordered), "Done")
    from .appendix import manifest

    return Report(
        meta=ctx.meta,
        sections=[section for key in keys for section in built[key]],
        omitted=profile.omitted() if options.client_safe or options.hide_names else [],
        manifest=manifest(ctx),
    )
