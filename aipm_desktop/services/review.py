"""The document review: findings with a line and a suggested fix, and a readiness score.

The rules and their weights live in one data file a team can tune,
``aipm_desktop/resources/data/review_rules.json`` (its ``_doc`` key explains every
entry). :func:`review` reads markdown text only (no workspace), so the editor can run it
as the user types; text inside HTML comments (the templates' prompts) and code blocks is
ignored. Rules:

* ``required_section_missing`` / ``required_section_empty``: the sections the kind's
  template marks as required (see :mod:`aipm_desktop.services.templates`);
* ``model_metric_goal``: goals stated only as model metrics (accuracy, F1, BLEU, ...)
  with no user or business outcome;
* ``metric_without_target``: a success metric without a number, a unit or a date;
* ``guardrail_without_threshold``: a guardrail without a number;
* ``no_fallback_plan``: no rollback, fallback or safe-mode plan;
* ``no_monitoring``: no monitoring plan, or no real trigger: a statement naming a metric,
  a threshold and the action taken when it is crossed ("hallucination rate above 4% on
  the weekly sample: pause the rollout", "input drift above 0.2 PSI for 7 days triggers
  retraining", or a table row with a number under a *Threshold* column and an action).
  Inside a monitoring section (a heading with one of the rule's ``anchor_headings`` or
  "trigger", "alert" ...) a stated condition before an action is enough ("any
  cross-tenant citation: turn the feature flag off"). Extra action words can be given as
  the rule's ``action_patterns``; a stated trigger counts as a monitoring plan;
* ``no_out_of_scope``: no out-of-scope use;
* ``no_human_in_loop``: no human-in-the-loop statement, for high-risk use cases only;
* ``vague_language``: "smarter", "seamless", "best-in-class", ... (one per occurrence).

Readiness score: ``100 - sum(min(max_points, weight * findings))`` over the rules,
never below 0. :func:`readiness` turns a result into a band and a verdict, capped by the
worst finding: any error is "Not ready" (red) whatever the score, a warning "Almost ready"
(amber) at best.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .templates import section_name, section_terms

SEVERITIES = ("error", "warning", "info")
_SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s*)?(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^\s*[^|\s][^|]*\|.*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPTY_MARK = re.compile(r"^(?:[-*+]|\d+[.)])(?:\s+\[[ xX]?\])?$")
_TABLE_PUNCT = re.compile(r"^[|:\-\s]*$")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Finding:
    """One problem: which rule, how serious, the 1-based line, what and how to fix it."""

    rule: str
    severity: str
    line: int
    message: str
    suggestion: str


@dataclass(frozen=True)
class ReviewResult:
    """The findings (by line), the 0-100 readiness score and the points each rule lost
    (every rule that applies to the kind, 0 when it passed)."""

    findings: tuple[Finding, ...]
    score: int
    breakdown: dict[str, int] = field(default_factory=dict)

    def count(self, severity: str) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def worst(self) -> str | None:
        """The most serious severity found (``error`` first), None without findings."""
        found = {f.severity for f in self.findings}
        return next((s for s in SEVERITIES if s in found), None)


#: Readiness bands, best first: the badge colour (``good`` green, ``fair`` amber,
#: ``poor`` red).
BANDS = ("good", "fair", "poor")
#: The best band a document can reach with a finding of each severity: an error is never
#: green, and not amber either (it has to be fixed); a warning caps it at amber.
_BAND_CAP = {"error": "poor", "warning": "fair", "info": "good"}


@dataclass(frozen=True)
class Readiness:
    """What the readiness score means: the band (badge colour) and the words for it."""

    score: int
    band: str
    verdict: str  # "Ready", "Almost ready", "Not ready"
    summary: str  # e.g. "2 errors, 1 warning to fix."


def score_band(score: int) -> str:
    """The band of a bare score: ``good`` (80+), ``fair`` (50-79) or ``poor``."""
    if score >= 80:
        return "good"
    if score >= 50:
        return "fair"
    return "poor"


def readiness(result: ReviewResult) -> Readiness:
    """The band and verdict of a review: the score's band, capped by the worst finding
    (any error: ``poor`` and "Not ready", whatever the score; a warning: ``fair`` at best)."""
    band = score_band(result.score)
    if result.worst is not None:
        band = max(band, _BAND_CAP.get(result.worst, "good"), key=BANDS.index)
    verdict = {"good": "Ready", "fair": "Almost ready", "poor": "Not ready"}[band]
    counts = [(s, result.count(s)) for s in SEVERITIES]
    parts = [f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts if n]
    if not parts:
        summary = "No findings: this document passes every review rule."
    elif result.count("error") or result.count("warning"):
        summary = f"{', '.join(parts)} to fix."
    else:
        summary = f"{', '.join(parts)} to consider."
    summary = summary[0].upper() + summary[1:]
    return Readiness(result.score, band, verdict, summary)


def load_rules() -> dict[str, Any]:
    """The review rules from ``review_rules.json``, with ``required_sections`` filled in
    from the built-in templates' front matter for every kind the file does not list."""
    from ..resources import load_json
    from .templates import built_in_templates

    rules: dict[str, Any] = load_json("review_rules")
    required = dict(rules.get("required_sections") or {})
    for template in built_in_templates():
        required.setdefault(template.kind, list(template.required_sections))
    rules["required_sections"] = required
    return rules


_default_rules: dict[str, Any] | None = None


def _defaults() -> dict[str, Any]:
    global _default_rules
    if _default_rules is None:
        _default_rules = load_rules()
    return _default_rules


# --- the parsed document ------------------------------------------------------------------


@dataclass
class _Heading:
    index: int  # 0-based line index
    level: int
    text: str
    end: int = 0  # exclusive line index where the section (with its subsections) ends


@dataclass
class _Doc:
    lines: list[str]  # comments and code blanked, same line count as the text
    headings: list[_Heading]
    heading_lines: set[int]

    def section_lines(self, heading: _Heading) -> range:
        return range(heading.index + 1, heading.end)


def _parse(text: str) -> _Doc:
    masked = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    lines = masked.split("\n")
    fence: str | None = None
    headings: list[_Heading] = []
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            lines[i] = ""
            continue
        if m:
            fence = m.group(1)
            lines[i] = ""
            continue
        h = _HEADING.match(line)
        if h:
            headings.append(_Heading(i, len(h.group(1)), h.group(2).strip()))
    for pos, heading in enumerate(headings):
        heading.end = len(lines)
        for later in headings[pos + 1 :]:
            if later.level <= heading.level:
                heading.end = later.index
                break
    return _Doc(lines, headings, {h.index for h in headings})


def _terms_regex(terms: Iterable[str], *, whole: bool = False) -> re.Pattern[str] | None:
    """Case-insensitive match of any term at a word start (``whole``: also at a word end)."""
    parts = [re.escape(t.strip().lower()) for t in terms if t and t.strip()]
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    tail = r"(?![\w-])" if whole else ""
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + ")" + tail, re.I)


def _patterns_regex(patterns: Iterable[str]) -> re.Pattern[str] | None:
    parts = [p for p in patterns if p]
    if not parts:
        return None
    return re.compile("|".join(f"(?:{p})" for p in parts), re.I)


def _meaningful(doc: _Doc, i: int) -> bool:
    """A line that holds content (not blank, a bare list mark, table punctuation or a
    table's header row)."""
    s = doc.lines[i].strip()
    if not s or i in doc.heading_lines:
        return False
    if _TABLE_PUNCT.match(s) or _EMPTY_MARK.match(s):
        return False
    is_header = "|" in s and i + 1 < len(doc.lines) and _TABLE_SEPARATOR.match(doc.lines[i + 1])
    return not is_header


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


# --- triggers (rule no_monitoring) --------------------------------------------------------

#: A threshold: a comparison followed by a number ("above 4%", "down 5 points", "> 0.2"),
#: or a number followed by "or more / or higher / or lower / or less".
_THRESHOLD = re.compile(
    r"(?:(?<![\w-])(?:above|below|over|under|beyond|outside|exceed(?:s|ed|ing)?"
    r"|(?:more|less|fewer|greater|higher|lower|worse|better) than|at (?:least|most)"
    r"|(?:drop|fall|rise|climb|reach|cross|increase|decrease|grow)(?:s|es|ed|ing)?"
    r"|fell|rose|down|up|no (?:lower|higher|more|less) than)"
    r"|[<>]=?|[≥≤])\s*(?:by\s+)?(?:[a-z]+\s+){0,2}?[-+]?[$€£]?\d"
    r"|\d[\d.,]*\s*(?:%|pp|points?|pts|ms|s|x)?\s+or\s+(?:more|higher|lower|less|worse|above|below)",
    re.I,
)
#: What someone does when a threshold is crossed.
_ACTION = re.compile(
    r"(?<![\w-])(?:paus(?:e|es|ed|ing)|stop(?:s|ped|ping)?|halt(?:s|ed)?|freeze[sn]?"
    r"|roll(?:s|ed|ing)?[ -]back|revert(?:s|ed)?|re-?train(?:s|ed|ing)?"
    r"|re-?evaluat\w*|re-?run\w*|re-?calibrat\w*|re-?tun\w*|fine-?tun\w*"
    r"|refresh(?:es)? the model|(?:full|offline|new|complete)\s+(?:\w+\s+)?evaluation"
    r"|alert(?:s|ed|ing)?|pag(?:e|es|ed|ing) (?:the |an? )?(?:on-?call|owner|team|engineer)"
    r"|notif(?:y|ies|ied)|escalat(?:e|es|ed|ing)|investigat(?:e|es|ed|ing)"
    r"|(?:open|declare|raise|file)(?:s|ed)? (?:an? |the )?(?:incident|ticket)|sev ?\d"
    r"|(?:turn|switch)(?:s|ed)? (?:\w+ ){0,3}off|disabl(?:e|es|ed)|kill[ -]switch"
    r"|fall(?:s)? back|block(?:s|ed)? (?:the )?(?:release|rollout|launch|deploy\w*)"
    r"|hold (?:the )?(?:rollout|release|launch)|trigger(?:s|ed)?)(?![\w-])",
    re.I,
)
#: Headings (besides the rule's anchor headings) whose sections are monitoring plans.
_MONITORING_HEADINGS = ("trigger", "alert", "observab", "post-launch", "after launch")
#: A stated condition before the action: "X: action", "X -> action", "if/when X, action".
_CONDITION = re.compile(r"\S\s*(?::|→|->|=>)\s*\S|(?<![\w-])(?:if|when|whenever|once)\s", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_THRESHOLD_COLUMN = re.compile(r"threshold|trigger|limit|alert|when|condition", re.I)
_ACTION_COLUMN = re.compile(r"action|response|then|what we do|owner action|next step", re.I)


@dataclass(frozen=True)
class _Statement:
    """A sentence of a paragraph or list item, or a table row (with its header)."""

    line: int  # 0-based index of the first line
    text: str
    header: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


def _statements(doc: _Doc) -> list[_Statement]:
    """The document's statements outside headings, comments and code (a paragraph or
    list item spread over several lines is one text, split into sentences)."""
    out: list[_Statement] = []
    current: list[str] = []
    start = 0
    header: list[str] = []

    def flush() -> None:
        if current:
            joined = " ".join(part.strip() for part in current)
            out.extend(_Statement(start, s) for s in _SENTENCE_END.split(joined) if s.strip())
            current.clear()

    for i, raw in enumerate(doc.lines):
        s = raw.strip()
        if i in doc.heading_lines or not s:
            flush()
            header = []
            continue
        if "|" in s and _TABLE_ROW.match(s):
            flush()
            if _TABLE_SEPARATOR.match(s):
                continue
            if i + 1 < len(doc.lines) and _TABLE_SEPARATOR.match(doc.lines[i + 1]):
                header = _cells(s)
                continue
            cells = _cells(s)
            # each cell read with its column name: "Draft acceptance rate Alert below 40%"
            names = [*header[1:], *[""] * len(cells)]
            pairs = zip(names, cells[1:], strict=False)
            named = [cells[0], *(f"{h} {c}".strip() for h, c in pairs if c)]
            text = " ".join(c for c in named if c)
            out.append(_Statement(i, text, tuple(header), tuple(cells)))
            continue
        item = _LIST_ITEM.match(raw)
        if item:
            flush()
            start = i
            current.append(item.group(1))
            continue
        if not current:
            start = i
        current.append(s)
    flush()
    return out


def is_trigger(
    text: str, *, in_monitoring: bool = False, action: re.Pattern[str] = _ACTION
) -> bool:
    """True when ``text`` states a trigger: a metric crossing a threshold and what is done
    then ("hallucination rate above 4% on the weekly sample: pause the rollout").

    Inside a monitoring section a stated condition with an action is enough, as in
    "any cross-tenant citation: turn the feature flag off" (an event is the threshold).
    """
    act = action.search(text)
    if act is None:
        return False
    threshold = _THRESHOLD.search(text)
    if threshold is not None and re.search(r"[A-Za-z]{2,}", text[: threshold.start()]):
        return True  # a named metric before its threshold
    if not in_monitoring:
        return False
    condition = _CONDITION.search(text)
    return condition is not None and condition.start() < act.start()


def _table_trigger(statement: _Statement, action: re.Pattern[str] = _ACTION) -> bool:
    """A table row of a trigger table: a number under a threshold column and an action
    (in an action column, or anywhere in the row)."""
    if not statement.header:
        return False
    threshold = acted = False
    for name, cell in zip(statement.header, statement.cells, strict=False):
        if not cell:
            continue
        if _THRESHOLD_COLUMN.search(name) and _DIGIT.search(cell):
            threshold = True
        if _ACTION_COLUMN.search(name) or action.search(cell):
            acted = True
    return threshold and acted


# --- rules --------------------------------------------------------------------------------


class _Run:
    """One review: the document, the rules, and the findings collected so far."""

    def __init__(self, text: str, kind: str, high_risk: bool, rules: dict[str, Any]) -> None:
        self.doc = _parse(text)
        self.kind = kind
        self.high_risk = high_risk
        self.rules = rules
        self.defs: dict[str, dict[str, Any]] = rules.get("rules", {})
        self.findings: list[Finding] = []
        # headings that name sections (a lone level-1 title is not a section)
        levels = [h.level for h in self.doc.headings]
        self.sections = [
            h for h in self.doc.headings if h.level > 1 or not any(lv > 1 for lv in levels)
        ]
        self.content_text = "\n".join(
            line for i, line in enumerate(self.doc.lines) if i not in self.doc.heading_lines
        )

    # helpers

    def applies(self, rule: str) -> bool:
        spec = self.defs.get(rule)
        if not spec:
            return False
        kinds = spec.get("kinds", ["*"])
        return "*" in kinds or self.kind in kinds

    def add(self, rule: str, line: int, **values: Any) -> None:
        spec = self.defs[rule]
        message = str(spec.get("message", rule)).format_map(_Blank(values))
        suggestion = str(spec.get("suggestion", "")).format_map(_Blank(values))
        severity = spec.get("severity", "warning")
        if severity not in _SEVERITY_ORDER:
            severity = "warning"
        self.findings.append(Finding(rule, severity, line, message, suggestion))

    def headings_matching(self, terms: Sequence[str]) -> list[_Heading]:
        regex = _terms_regex(terms)
        if regex is None:
            return []
        return [h for h in self.sections if regex.search(h.text)]

    def lines_under(self, headings: Iterable[_Heading]) -> list[int]:
        seen: set[int] = set()
        for h in headings:
            seen.update(self.doc.section_lines(h))
        return sorted(i for i in seen if i not in self.doc.heading_lines)

    def anchor(self, rule: str) -> int:
        found = self.headings_matching(self.defs[rule].get("anchor_headings", []))
        return found[0].index + 1 if found else 1

    # rules

    def required_sections(self) -> None:
        specs = (self.rules.get("required_sections") or {}).get(self.kind) or []
        missing_on = self.applies("required_section_missing")
        empty_on = self.applies("required_section_empty")
        for spec in specs:
            name = section_name(spec)
            matches = self.headings_matching(section_terms(spec))
            if not matches:
                if missing_on:
                    self.add("required_section_missing", 1, section=name)
                continue
            if empty_on and not any(
                _meaningful(self.doc, i) for h in matches for i in self.doc.section_lines(h)
            ):
                self.add("required_section_empty", matches[0].index + 1, section=name)

    def model_metric_goal(self) -> None:
        if not self.applies("model_metric_goal"):
            return
        metric_re = _terms_regex(self.rules.get("model_metric_words", []), whole=True)
        outcome_re = _terms_regex(self.rules.get("outcome_words", []))
        if metric_re is None:
            return
        goals = self.headings_matching(self.rules.get("goal_headings", []))
        if goals:
            indexes = self.lines_under(goals)
        else:
            indexes = [i for i in range(len(self.doc.lines)) if i not in self.doc.heading_lines]
        words: list[str] = []
        first = 0
        for i in indexes:
            line = self.doc.lines[i]
            if outcome_re is not None and outcome_re.search(line):
                return
            for m in metric_re.finditer(line):
                if not words:
                    first = i + 1
                if m.group(0).lower() not in words:
                    words.append(m.group(0).lower())
        if words:
            self.add("model_metric_goal", first, words=", ".join(words))

    def metrics_and_guardrails(self) -> None:
        metric_on = self.applies("metric_without_target")
        guard_on = self.applies("guardrail_without_threshold")
        if not (metric_on or guard_on):
            return
        unit_re = re.compile(self.rules.get("unit_pattern") or r"%", re.I)
        date_re = re.compile(self.rules.get("date_pattern") or r"\b\d{4}\b", re.I)
        guard_words = _terms_regex(self.rules.get("guardrail_words", ["guardrail"]))
        guard_heads = {
            h.index for h in self.headings_matching(self.rules.get("guardrail_headings", []))
        }
        metric_heads = {
            h.index for h in self.headings_matching(self.rules.get("metric_headings", []))
        }
        in_metric: set[int] = set()
        in_guard: set[int] = set()
        for h in self.sections:
            if h.index in metric_heads:
                in_metric.update(self.doc.section_lines(h))
            if h.index in guard_heads:
                in_guard.update(self.doc.section_lines(h))
        lines = self.doc.lines

        def has_number(text: str) -> bool:
            return bool(_DIGIT.search(date_re.sub(" ", text)))

        def check_metric(i: int, text: str, context: str) -> None:
            missing = []
            if not has_number(text):
                missing.append("a number")
            if not unit_re.search(text) and not unit_re.search(context):
                missing.append("a unit")
            if not date_re.search(text) and not date_re.search(context):
                missing.append("a date")
            if missing:
                self.add("metric_without_target", i + 1, missing=_join(missing))

        def check_guard(i: int, text: str) -> None:
            if not _DIGIT.search(text):
                self.add("guardrail_without_threshold", i + 1)

        header: list[str] = []
        for i, raw in enumerate(lines):
            if i in self.doc.heading_lines:
                header = []
                continue
            s = raw.strip()
            if not s:
                header = []
                continue
            is_table = "|" in s and bool(_TABLE_ROW.match(s))
            if is_table:
                if _TABLE_SEPARATOR.match(s):
                    continue
                if i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]):
                    header = [c.lower() for c in _cells(s)]
                    continue
                cells = _cells(s)
                if not any(cells):
                    continue
                guard_cols = {
                    n for n, name in enumerate(header) if guard_words and guard_words.search(name)
                }
                if 0 in guard_cols:  # a table of guardrails: the first column names them
                    if guard_on:
                        check_guard(i, " ".join(cells))
                    continue
                if guard_on:
                    for n in guard_cols:
                        if n < len(cells) and cells[n]:
                            check_guard(i, cells[n])
                rest = " ".join(c for n, c in enumerate(cells) if n not in guard_cols and c)
                if not rest:
                    continue
                if i in in_guard and i not in in_metric:
                    if guard_on:
                        check_guard(i, rest)
                elif i in in_metric and metric_on:
                    check_metric(
                        i, rest, " ".join(h for n, h in enumerate(header) if n not in guard_cols)
                    )
                elif guard_on and guard_words and not guard_cols and guard_words.search(rest):
                    check_guard(i, rest)
                continue
            m = _LIST_ITEM.match(raw)
            if not m or not m.group(1).strip():
                continue
            text = m.group(1).strip()
            mentions_guard = bool(guard_words and guard_words.search(text))
            if mentions_guard or (i in in_guard and i not in in_metric):
                if guard_on:
                    check_guard(i, text)
            elif i in in_metric and metric_on:
                check_metric(i, text, "")

    def presence(self, rule: str, *, needs: bool = True) -> None:
        if not needs or not self.applies(rule):
            return
        spec = self.defs[rule]
        regex = _patterns_regex(spec.get("patterns", []))
        found = regex is None or bool(regex.search(self.content_text))
        if rule == "no_monitoring":
            has_trigger = self.has_trigger(spec)
            missing = []
            if not (found or has_trigger):  # a stated trigger is a monitoring plan
                missing.append("monitoring plan")
            if not has_trigger:
                missing.append("drift or retraining trigger")
            if missing:
                self.add(rule, self.anchor(rule), missing=" and no ".join(missing))
            return
        if not found:
            self.add(rule, self.anchor(rule))

    def has_trigger(self, spec: dict[str, Any]) -> bool:
        """True when some statement is a real trigger (see :func:`is_trigger`)."""
        action = _ACTION
        extra = _patterns_regex(spec.get("action_patterns", []))
        if extra is not None:
            action = re.compile(f"{_ACTION.pattern}|{extra.pattern}", re.I)
        terms = [*spec.get("anchor_headings", []), *_MONITORING_HEADINGS]
        watched = {i for h in self.headings_matching(terms) for i in self.doc.section_lines(h)}
        return any(
            is_trigger(unit.text, in_monitoring=unit.line in watched, action=action)
            or _table_trigger(unit, action)
            for unit in _statements(self.doc)
        )

    def vague(self) -> None:
        if not self.applies("vague_language"):
            return
        words: dict[str, str] = {
            k.lower(): v for k, v in (self.rules.get("vague_words") or {}).items()
        }
        regex = _terms_regex(words, whole=True)
        if regex is None:
            return
        for i, line in enumerate(self.doc.lines):
            for m in regex.finditer(line):
                word = m.group(0)
                self.add("vague_language", i + 1, word=word, fix=words.get(word.lower(), ""))

    def run(self) -> ReviewResult:
        self.required_sections()
        self.model_metric_goal()
        self.metrics_and_guardrails()
        self.presence("no_fallback_plan")
        self.presence("no_monitoring")
        self.presence("no_out_of_scope")
        self.presence("no_human_in_loop", needs=self.high_risk)
        self.vague()
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        breakdown: dict[str, int] = {}
        for rule, spec in self.defs.items():
            if not self.applies(rule):
                continue
            if rule == "no_human_in_loop" and not self.high_risk:
                continue
            weight = _number(spec.get("weight", 0))
            cap = _number(spec.get("max_points", weight * counts.get(rule, 0)))
            breakdown[rule] = round(min(cap, weight * counts.get(rule, 0)))
        score = max(0, min(100, 100 - sum(breakdown.values())))
        findings = sorted(
            self.findings, key=lambda f: (f.line, _SEVERITY_ORDER.get(f.severity, 9), f.rule)
        )
        return ReviewResult(tuple(findings), score, breakdown)


class _Blank(dict):
    """``format_map`` helper: unknown placeholders stay as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _number(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return 0.0


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def review(
    text: str,
    *,
    kind: str = "ai_prd",
    high_risk: bool = False,
    rules: dict[str, Any] | None = None,
) -> ReviewResult:
    """Review markdown ``text`` of a document of ``kind``; ``high_risk`` turns on the
    human-in-the-loop rule. ``rules`` defaults to :func:`load_rules` (read once)."""
    return _Run(text or "", kind, high_risk, rules if rules is not None else _defaults()).run()
