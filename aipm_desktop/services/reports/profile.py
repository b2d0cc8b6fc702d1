"""What a report may show: the client-safe profile and the report options.

A client-safe report leaves out

- internal notes (the ``notes`` of cost models and of incident actions) - always;
- texts marked internal: a free text (a score rationale, a decision rationale, a
  mitigation) or a Markdown paragraph that starts with ``[internal]`` or ``Internal:``;
- interview data - always, in every report (candidates, ratings and feedback are never a
  section of any report kind);
- optionally people's names (owners, approvers, authors): shown as "(name withheld)".

Every left-out item is counted by kind, and the report's appendix lists the counts
(:meth:`Profile.omitted`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ...errors import UserError

#: A text or a Markdown paragraph that starts with one of these is internal.
INTERNAL_MARK = re.compile(r"^\s*(\[internal\]|internal:)", re.I)
NAME_WITHHELD = "(name withheld)"
INTERVIEWS_LINE = "Interview data (candidates, ratings, feedback) is never part of a report."
PAGE_SIZES = ("a4", "letter")


@dataclass(frozen=True)
class ReportOptions:
    """What to report and how; saved as a named report (:mod:`.saved`) as :meth:`to_dict`.

    ``use_cases``: titles or ids (empty: every use case the kind covers); ``sections``:
    section keys in the order wanted (empty: the kind's default list); ``as_of``: the
    report's date (default: today), which also dates the PDF."""

    kind: str = "assessment"
    use_cases: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    client_safe: bool = False
    hide_names: bool = False
    as_of: dt.date | None = None
    page_size: str = "a4"
    title: str = ""
    engagement: str = ""
    author: str = ""
    version: str = "1.0"
    confidentiality: str = ""
    #: The document (title or id) whose text is the executive summary; default: the
    #: workspace's document titled "Executive summary", if any.
    summary_document: str = ""

    def __post_init__(self) -> None:
        if self.page_size not in PAGE_SIZES:
            raise UserError(f"page size {self.page_size!r}: use a4 or letter.")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["use_cases"] = list(self.use_cases)
        data["sections"] = list(self.sections)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportOptions:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["use_cases"] = tuple(str(u) for u in values.get("use_cases") or ())
        values["sections"] = tuple(str(s) for s in values.get("sections") or ())
        as_of = values.get("as_of")
        values["as_of"] = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        return cls(**values)


@dataclass
class Profile:
    """Filters every text a section builder takes from the workspace."""

    client_safe: bool = False
    hide_names: bool = False
    counts: Counter[str] = field(default_factory=Counter)

    def _drop(self, what: str) -> str:
        self.counts[what] += 1
        return ""

    def text(self, value: str | None, what: str) -> str:
        """``value``, or "" when the report is client-safe and the text is marked internal
        (counted under ``what``, e.g. "score rationales marked internal")."""
        value = (value or "").strip()
        if self.client_safe and INTERNAL_MARK.match(value):
            return self._drop(what)
        return value

    def notes(self, value: str | None, what: str) -> str:
        """An internal note: left out of every client-safe report."""
        value = (value or "").strip()
        if self.client_safe and value:
            return self._drop(what)
        return value

    def markdown(self, value: str | None, what: str) -> str:
        """Markdown without its paragraphs marked internal (client-safe only)."""
        value = value or ""
        if not self.client_safe:
            return value
        kept = []
        for block in re.split(r"\n\s*\n", value):
            if INTERNAL_MARK.match(block):
                self._drop(what)
            else:
                kept.append(block)
        return "\n\n".join(kept)

    def person(self, name: str | None) -> str:
        name = (name or "").strip()
        if self.hide_names and name:
            self.counts["people's names"] += 1
            return NAME_WITHHELD
        return name

    def omitted(self) -> list[str]:
        """One line per kind of left-out content, for the appendix."""
        lines = [f"{what[:1].upper()}{what[1:]}: {n}" for what, n in sorted(self.counts.items())]
        if self.client_safe and not self.counts:
            lines.append("Nothing in the chosen sections was marked internal.")
        return [*lines, INTERVIEWS_LINE]
