"""The experiment design document: a Document of kind ``experiment_design`` written from
the built-in template and filled from the experiment (hypothesis, metrics, guardrails,
variants, sample size and duration from its plan, decision rules), then kept in sync with
the experiment until its author edits it.

How the link and the sync work, with no field added to the schema: every body this
module writes is stored as a revision of the document whose note is
``"Generated from experiment #<id>"`` (:func:`marker`). The experiment's design
document is the document of its latest such revision, and that revision's body is
exactly what was generated last. While the document's body is still that text, the
document is *kept in sync*: :func:`sync_design_document` rewrites it whenever the
experiment's text changes. Once the body differs (the author edited it in Documents), it
is *edited by hand* and left alone; :func:`write_design_document` with ``new=True`` then
writes a fresh one beside it. Deleting the document ends the link (its revisions go
with it).

Each write is one undoable operation; called inside another operation (an edit of the
experiment), it joins that one, so the edit and the document's update are one step.
Everything here reads through the open write's connection when there is one, so it sees
the edit it follows. No Qt.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ...errors import UserError
from ...models import Document, DocumentRevision
from .. import records
from ..changes import Changes
from .data import DECISION_LABELS, ExperimentDetail, detail_from_connection

if TYPE_CHECKING:
    from ...store import Workspace
    from .design import Plan

#: The deliverable kind (and built-in template) of the design document.
DOC_KIND = "experiment_design"
#: The longest document title (the model's limit).
TITLE_LIMIT = 300

_D = Document.__table__  # type: ignore[attr-defined]
_REV = DocumentRevision.__table__  # type: ignore[attr-defined]
_HEADING = re.compile(r"^(## .+)$", re.MULTILINE)
_PROMPT = re.compile(r"\s*<!--.*?-->\s*", re.S)

KIND_LABELS = {"proportion": "conversion rate", "mean": "mean per unit"}
PEEKING_TEXT = {
    "none": "Read once, at the planned end (a fixed-horizon test): no decision before it.",
    "msprt": (
        "Looked at while running with an always-valid (mSPRT) interval: the test may stop "
        "as soon as the interval excludes no effect, without inflating the error rate."
    ),
    "obf": (
        "Looked at weekly against O'Brien-Fleming group-sequential boundaries: early looks "
        "need very strong evidence, the final look is close to the fixed-horizon test."
    ),
}
CORRECTION_TEXT = {
    "holm": "Holm's step-down correction over the treatments",
    "bonferroni": "Bonferroni's correction over the treatments",
    "none": "no correction for several treatments",
}


def marker(experiment_id: int) -> str:
    """The revision note of every body generated for experiment ``experiment_id``."""
    return f"Generated from experiment #{experiment_id}"


def document_title(info: ExperimentDetail) -> str:
    return f"Experiment design: {info.title}"[:TITLE_LIMIT]


# -- the body -----------------------------------------------------------------------------------


def figure(value: float | None, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, thousands separated, no exponent:
    1234.5 -> "1,235", 0.0523 -> "0.0523"; "-" for none, "∞" for infinity."""
    if value is None:
        return "-"
    if not math.isfinite(value):
        return str(value) if math.isnan(value) else ("∞" if value > 0 else "-∞")
    if value == 0:
        return "0"
    if abs(value) >= 10 ** (digits - 1):
        return f"{round(value):,}"
    places = digits - 1 - math.floor(math.log10(abs(value)))
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def share(value: float | None, digits: int = 3) -> str:
    """0.1234 -> "12.3%"; "-" for none."""
    return "-" if value is None else f"{figure(value * 100, digits)}%"


#: How :func:`amount` words a guardrail's margin and a minimum detectable effect: after a
#: relative change, after a rate's points, after a mean's units.
MARGIN_WORDS = ("of the control's value", "points", "")
EFFECT_WORDS = ("relative to the baseline", "percentage points", " in the metric's units")


def amount(value: float, kind: str, relative: bool, words: Sequence[str] = MARGIN_WORDS) -> str:
    """A change of a metric of ``kind`` in words (see :data:`MARGIN_WORDS`): a share of a
    reference when ``relative``, else a rate's in points or a mean's in its units."""
    of, points, units = words
    if relative:
        return f"{share(value)} {of}"
    if kind == "proportion":
        return f"{figure(value * 100)} {points}"
    return f"{figure(value)}{units}"


def margin_text(guardrail: Any) -> str:
    """A guardrail's worst acceptable change in words (``GuardrailInfo`` or
    ``MetricInfo``)."""
    if guardrail.margin is None:
        return "no margin: reported, not judged"
    return amount(guardrail.margin, guardrail.kind, guardrail.relative)


def _cell(text: str) -> str:
    return " ".join(str(text).replace("|", "\\|").split()) or "-"


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "not set"


def _effect_text(info: ExperimentDetail) -> str:
    if info.mde is None:
        return "not set yet"
    return amount(info.mde, info.primary_kind, info.mde_relative, EFFECT_WORDS)


def _hypothesis(info: ExperimentDetail) -> str:
    if info.hypothesis.strip():
        return info.hypothesis.strip()
    return (
        "_Not written yet. Write it as: we believe <the change> will change <the metric> "
        "for <these users> because <the reason>._"
    )


def _success(info: ExperimentDetail) -> str:
    if not info.primary_metric:
        return "_No primary metric named yet._"
    better = "higher is better" if info.primary_higher_is_better else "lower is better"
    kind = KIND_LABELS.get(info.primary_kind, info.primary_kind)
    lines = [f"- **Primary metric:** {info.primary_metric} ({kind}, {better})"]
    if info.baseline is not None:
        baseline = (
            share(info.baseline) if info.primary_kind == "proportion" else figure(info.baseline)
        )
        sd = f", standard deviation {figure(info.sd)}" if info.sd is not None else ""
        lines.append(f"- **Baseline:** {baseline}{sd}")
    lines.append(f"- **Minimum detectable effect:** {_effect_text(info)}")
    if info.kpi:
        lines.append(f"- **Tracked KPI:** {info.kpi}")
    if info.use_case:
        lines.append(f"- **Use case:** {info.use_case}")
    return "\n".join(lines)


def _guardrails(info: ExperimentDetail) -> str:
    if not info.guardrails:
        return "_No guardrail metrics defined._"
    rows = ["| Metric | Kind | Worst acceptable change | Better when |", "|---|---|---|---|"]
    for g in info.guardrails:
        margin = margin_text(g)
        direction = "higher" if g.higher_is_better else "lower"
        kind = KIND_LABELS.get(g.kind, g.kind)
        rows.append(f"| {_cell(g.name)} | {kind} | {margin} | {direction} |")
    rows += [
        "",
        "A guardrail is breached when its interval lies wholly beyond its margin in the "
        "bad direction; inconclusive when the interval reaches past the margin.",
    ]
    return "\n".join(rows)


def _design(info: ExperimentDetail, plan: Plan | None, problem: str) -> str:
    lines = [
        f"- **Randomisation unit:** {info.randomisation_unit or 'not set'}",
        f"- **Eligible:** {' '.join(info.eligibility.split()) or 'not described yet'}",
        "",
        "| Variant | Role | Weight | Share of units |",
        "|---|---|---|---|",
    ]
    for v in info.variants:
        role = "control" if v.is_control else "treatment"
        lines.append(f"| {_cell(v.name)} | {role} | {figure(v.weight)} | {share(v.share)} |")
    lines.append("")
    lines.append(
        f"Two-sided significance level {figure(info.alpha)}, power {share(info.power)}, "
        f"{CORRECTION_TEXT.get(info.correction, info.correction)}."
    )
    if plan is not None:
        lines += [
            "",
            f"- **Sample size:** {plan.n_control:,} units in the control, "
            f"{plan.n_treatment:,} in each treatment, {plan.n_total:,} in all",
            "",
            plan.message,
        ]
    else:
        lines += ["", problem]
    if info.design.strip():
        lines += ["", info.design.strip()]
    return "\n".join(lines)


def _duration(info: ExperimentDetail, plan: Plan | None) -> str:
    lines = [f"- **Start:** {_day(info.start)}", f"- **Planned end:** {_day(info.planned_end)}"]
    if info.daily_units is not None:
        lines.append(f"- **Eligible units a day:** {figure(info.daily_units)}")
    if plan is not None and plan.days is not None:
        run = plan.run_days or plan.days
        lines.append(f"- **Needed:** {plan.days:,} days; run {run:,} days (whole weeks)")
        if info.start is not None and info.planned_end is not None:
            planned = (info.planned_end - info.start).days + 1
            if planned < plan.days:
                lines.append(
                    f"- **Warning:** the planned {planned} days are fewer than the {plan.days:,} "
                    "the sample size needs."
                )
    lines += ["", PEEKING_TEXT.get(info.peeking, info.peeking)]
    return "\n".join(lines)


def _decision(info: ExperimentDetail) -> str:
    lines = [
        "- **Ship** when the primary metric improves with an adjusted p-value below the "
        "significance level and no guardrail is breached.",
        "- **Iterate** when the result is inconclusive or a guardrail is inconclusive.",
        "- **Stop** when the primary metric gets worse or a guardrail is breached.",
        "- The readout is not trusted while the sample-ratio check fails (p < 0.001).",
    ]
    links = []
    if info.kpi:
        links.append(f"the decision records a snapshot of the KPI {info.kpi}")
    if info.roadmap_item:
        links.append(f"it moves the roadmap item {info.roadmap_item}")
    if links:
        lines += ["", "On deciding, " + " and ".join(links) + "."]
    if info.owner:
        lines += ["", f"Owner: {info.owner}."]
    if info.decision:
        label = DECISION_LABELS.get(info.decision, info.decision)  # type: ignore[call-overload]
        who = f" by {info.decided_by}" if info.decided_by else ""
        when = f" on {info.decided_at.date().isoformat()}" if info.decided_at else ""
        lines += ["", f"**Decision: {label}**{who}{when}."]
        if info.rationale.strip():
            lines += ["", info.rationale.strip()]
    return "\n".join(lines)


def sections(info: ExperimentDetail) -> dict[str, str]:
    """The generated text of each section of the design document, by heading."""
    from .readout import plan_of

    plan, problem = plan_of(info)
    return {
        "Hypothesis": _hypothesis(info),
        "Success metrics": _success(info),
        "Guardrail metrics": _guardrails(info),
        "Design and sample": _design(info, plan, problem),
        "Duration": _duration(info, plan),
        "Decision rules": _decision(info),
    }


def document_body(info: ExperimentDetail, template_body: str | None = None) -> str:
    """The design document of ``info``: the template (default: the built-in
    ``experiment_design``) with its title filled and each section it knows replaced by
    the experiment's text (its prompt comment dropped); other sections stay as written."""
    from ..templates import fill, template_for

    if template_body is None:
        template = template_for(DOC_KIND)
        template_body = template.body if template is not None else "# {{title}}\n"
    text = fill(template_body, title=document_title(info), use_case=info.use_case)
    filled = sections(info)
    pieces = _HEADING.split(text)
    out = [pieces[0]]
    for heading, rest in zip(pieces[1::2], pieces[2::2], strict=True):
        generated = filled.get(heading[3:].strip())
        out.append(heading)
        out.append(f"\n\n{generated}\n\n" if generated is not None else rest)
    return "".join(out).rstrip() + "\n"


# -- the link and the state ---------------------------------------------------------------------


@dataclass(frozen=True)
class DesignDocStatus:
    """An experiment's design document: ``document_id`` None when there is none;
    ``in_sync`` while its body is exactly what was generated last (else it was edited by
    hand and is left alone); ``current`` when that body also matches the experiment
    now (an in-sync document that is not current is rewritten by the next sync)."""

    experiment_id: int
    document_id: int | None = None
    title: str = ""
    in_sync: bool = False
    current: bool = False

    @property
    def edited(self) -> bool:
        return self.document_id is not None and not self.in_sync

    def message(self) -> str:
        """The state in a sentence, for the GUI and the command line."""
        if self.document_id is None:
            return "No design document yet."
        if not self.in_sync:
            return "Edited by hand; no longer kept in sync."
        if not self.current:
            return "Kept in sync with the experiment; out of date until the next update."
        return "Kept in sync with the experiment."

    def as_dict(self) -> dict[str, Any]:
        return {**records.record_dict(self), "edited": self.edited, "message": self.message()}


def _linked(conn: Any, experiment_id: int) -> tuple[int, str, str, str] | None:
    """(document id, its title, its body, the body generated last) of the experiment's
    design document, or None."""
    row = conn.execute(
        select(_REV.c.document_id, _REV.c.body, _D.c.title, _D.c.body.label("doc_body"))
        .select_from(_REV.join(_D, _D.c.id == _REV.c.document_id))
        .where(_REV.c.note == marker(experiment_id))
        .order_by(_REV.c.created_at.desc(), _REV.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return int(row.document_id), str(row.title), str(row.doc_body), str(row.body)


def _status_on(conn: Any, experiment_id: int) -> tuple[DesignDocStatus, ExperimentDetail, str]:
    info = detail_from_connection(conn, experiment_id)
    body = document_body(info)
    found = _linked(conn, experiment_id)
    if found is None:
        return DesignDocStatus(experiment_id), info, body
    document_id, title, doc_body, generated = found
    in_sync = doc_body == generated
    status = DesignDocStatus(
        experiment_id, document_id, title, in_sync, in_sync and doc_body == body
    )
    return status, info, body


def design_doc_status(*, ws: Workspace, experiment_id: int) -> DesignDocStatus:
    """Whether the experiment has a design document and whether it is kept in sync."""
    with ws.engine.connect() as conn:
        return _status_on(conn, experiment_id)[0]


# -- writing ------------------------------------------------------------------------------------


def _rewrite(
    ws: Workspace, status: DesignDocStatus, info: ExperimentDetail, body: str, who: str | None
) -> Changes:
    from ..documents import save_body

    assert status.document_id is not None
    title = document_title(info)
    if status.title != title:
        records.update(ws=ws, model=Document, id=status.document_id, data={"title": title}, who=who)
    changes, _old = save_body(
        ws=ws, document_id=status.document_id, body=body, who=who, note=marker(info.id)
    )
    return changes


def write_design_document(
    *, ws: Workspace, experiment_id: int, new: bool = False, who: str | None = None
) -> tuple[int, Changes]:
    """Write the experiment's design document (one operation) and return its id: create
    it when there is none (or, with ``new``, always), bring it up to date while it is kept
    in sync. A document edited by hand is refused (it is left alone) unless ``new``."""
    from ..documents import new_document, save_body

    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        session.flush()
        status, info, body = _status_on(session.connection(), experiment_id)
        if status.document_id is not None and not new:
            if not status.in_sync:
                raise UserError(
                    f"The design document of {info.title!r} (document {status.document_id}) "
                    "was edited by hand, so it is no longer kept in sync and is left alone. "
                    "Write a new one to start again from the experiment."
                )
            session.info["label"] = f"Update the design document of {info.title}"
            return status.document_id, _rewrite(ws, status, info, body, who)
        session.info["label"] = f"Write the design document of {info.title}"
        document_id, _created = new_document(
            ws=ws,
            kind=DOC_KIND,
            title=document_title(info),
            use_case_id=info.use_case_id,
            template_key=DOC_KIND,
            who=who,
        )
        save_body(ws=ws, document_id=document_id, body=body, who=who, note=marker(info.id))
    return document_id, Changes("document", (document_id,), "create")


def sync_design_document(
    *, ws: Workspace, experiment_id: int, who: str | None = None
) -> Changes | None:
    """Bring the experiment's design document up to date when it is kept in sync and
    out of date (one operation, or part of the one it is called in); None when there is
    nothing to write (no document, edited by hand, or already current)."""
    with ws.operation(None, who=who) as op:
        session = op.session
        assert session is not None
        session.flush()
        status, info, body = _status_on(session.connection(), experiment_id)
        if status.document_id is None or not status.in_sync or status.current:
            return None
        session.info.setdefault("label", f"Update the design document of {info.title}")
        return _rewrite(ws, status, info, body, who)
