"""Import error reports: one summariser for every importer, and user text quoted safely.

An import checks every row first and refuses the whole file when any row is bad. The
refusal lists problems grouped by kind (the message with its quoted values and numbers
left out): per kind the first rows, then ``… and 1,020 more rows with the same problem``,
at most :data:`MAX_LISTED` rows in all (every kind shows at least one). The full list goes
to a file with :func:`write_problems` (CSV or XLSX: row, column, problem).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ValidationError

#: How many rows a summary lists (the total is always given).
MAX_LISTED = 20
_QUOTE_LIMIT = 60
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_BRACKETED = re.compile(r"\s*\([^()]*\)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def quote(value: object, limit: int = _QUOTE_LIMIT) -> str:
    """User text as a message shows it: ``repr`` escaping (no raw control characters,
    bidi controls or lone surrogates reach a terminal), shortened past ``limit``."""
    text = repr(value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def check_format_version(version: object, current: int, *, name: str, what: str) -> None:
    """Refuse the ``format_version`` of a file ``name`` (a ``what``: "dump", "case pack")
    unless it is ``current``: a newer one says to update the app."""
    if isinstance(version, int) and not isinstance(version, bool) and version > current:
        raise ValidationError(
            f"{name} uses {what} format {version}, written by a newer version of AIPM Desktop; "
            f"this version reads format {current}. Update the app to import it."
        )
    if version != current:
        raise ValidationError(f'{name} has an invalid "format_version": {version!r}.')


class RejectedRows:
    """What every import preview says of its ``rejected`` rows, ``(row number, message)``."""

    rejected: tuple[tuple[int, str], ...]

    @property
    def ok(self) -> bool:
        return not self.rejected

    def rejected_lines(self, limit: int | None = None) -> list[str]:
        shown = self.rejected if limit is None else self.rejected[:limit]
        return [f"row {number}: {message}" for number, message in shown]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of an import: where (a row number or a label), the column, the message."""

    row: int | str
    column: str
    message: str

    @property
    def place(self) -> str:
        """``row 12`` or the label given (``table risk, record 4``)."""
        return f"row {self.row}" if isinstance(self.row, int) else self.row

    @property
    def where(self) -> str:
        """``row 12: status`` (or just ``row 12`` for the whole row)."""
        return f"{self.place}: {self.column}" if self.column else self.place

    def line(self) -> str:
        return f"{self.where}: {self.message}"

    def kind(self) -> str:
        """What groups problems: the message without its quoted values and numbers."""
        label = "" if isinstance(self.row, int) else _NUMBER.sub("N", self.row)
        text = _BRACKETED.sub("", _QUOTED.sub("'…'", self.message))
        return f"{label}|{self.column}|{_NUMBER.sub('N', text)}"


def summarise(problems: Sequence[Problem], *, limit: int = MAX_LISTED) -> list[str]:
    """The lines of a summary: grouped by kind, in order of first appearance."""
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.kind(), []).append(problem)
    lines: list[str] = []
    budget = limit
    shown_groups = 0
    for members in groups.values():
        if shown_groups >= limit:
            break
        shown_groups += 1
        count = max(1, min(len(members), budget))
        budget -= count
        lines.extend(p.line() for p in members[:count])
        more = len(members) - count
        if more:
            lines.append(f"… and {more:,} more row{'s' if more != 1 else ''} with the same problem")
    hidden = list(groups.values())[shown_groups:]
    if hidden:
        rest = sum(len(m) for m in hidden)
        lines.append(f"… and {rest:,} more problem(s) of {len(hidden):,} other kind(s)")
    return lines


def count_rows(problems: Iterable[Problem]) -> int:
    return len({p.row for p in problems})


_ROW_LABEL = re.compile(r"row (\d+)(?:[:,] (.*))?", re.DOTALL)


def from_pairs(pairs: Iterable[tuple[str, str]]) -> list[Problem]:
    """Problems from ``(where, message)`` pairs, ``where`` as ``row 12``, ``row 12: status``
    or ``row 12, status`` (a ``record`` column means the whole row)."""
    found: list[Problem] = []
    for where, message in pairs:
        match = _ROW_LABEL.fullmatch(where)
        if match is None:
            found.append(Problem(where, "", message))
            continue
        column = (match.group(2) or "").strip()
        found.append(Problem(int(match.group(1)), "" if column == "record" else column, message))
    return found


class ImportRefused(ValidationError):
    """An import refused for problems in its rows: ``problems`` holds every one of them,
    the message a summary (:func:`summarise`), ``detail`` the summary one line each."""

    def __init__(self, headline: str, problems: Sequence[Problem]) -> None:
        lines = summarise(problems)
        super().__init__(
            f"{headline}: {'; '.join(lines)}", [(p.where, p.message) for p in problems]
        )
        self.headline = headline
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.lines = lines
        self.detail = "\n".join(lines)


class ProblemSummary:
    """What an import preview says of its ``problems`` (mix it into the preview class,
    which has ``source``, ``problems``, ``problem_count`` and ``row_count``)."""

    source: str
    problems: tuple[Problem, ...]
    problem_count: int
    row_count: int

    def lines(self, limit: int = MAX_LISTED) -> list[str]:
        """The problems summarised (grouped by kind, ``limit`` rows listed)."""
        return summarise(self.problems, limit=limit)

    def refusal(self) -> ImportRefused:
        """The error an apply raises for this preview (nothing is written)."""
        return ImportRefused(
            f"{self.source}: nothing imported, {self.problem_count:,} problem(s) in "
            f"{self.row_count:,} rows",
            self.problems,
        )


ERRORS_HEADER = ("row", "column", "problem")


def write_problems(path: Path | str, problems: Iterable[Problem]) -> Path:
    """Write every problem to a CSV or XLSX file (by suffix): row, column, problem."""
    from .tabular import write_rows

    return write_rows(path, ERRORS_HEADER, ((p.row, p.column, p.message) for p in problems))
