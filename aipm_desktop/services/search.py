"""Go anywhere: every entity of the workspace by title, fuzzy-matched.

A :class:`SearchIndex` holds the kind, id, title and context (area, category, lane…) of
every record a user would look for by name: use cases, risks, documents, KPIs, roadmap
items, releases, experiments, evaluation suites, incidents, runbooks, controls, evidence,
candidates, interview case exercises and cost models. It is built once from one
``SELECT id, title, context`` per kind (:data:`SOURCES`) and then kept current from the
:class:`~aipm_desktop.services.changes.Changes` of each write (:meth:`SearchIndex.apply`):
only the records a write names are read again.

Matching (:meth:`SearchIndex.search`) is case- and accent-insensitive. A query matches a
title when each of its words is a subsequence of the title; results are ranked by tier
(:data:`TIERS`: the title starts with the query, the query starts a word, the query is
inside a word, the query is the initials of consecutive words, a scattered subsequence),
then, among scattered matches, by a score for contiguous runs and word starts
(:func:`scatter_score`; letters strewn so far apart that the score is not positive are no
match, and only the :data:`SCORED_AT_MOST` shortest scattered titles are scored), then
shorter titles first. Only the best ``limit`` are ordered, tier by tier, so a query
that fills them from the first tiers never looks at the others. Typing on (a query that
extends the last one) narrows the last query's candidates instead of the whole index.

Feedback clusters are not indexed (they are free text on feedback items, opened from
the inbox).
"""

from __future__ import annotations

import functools
import gc
import heapq
import importlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, literal, select

from ..models.common import table_of
from ..store import Workspace
from .changes import Changes


@dataclass(frozen=True)
class Source:
    """How one kind of entity is indexed: ``kind`` (an ``EntityKind`` value, also the
    table name), ``label`` for people, the ``model`` class, its ``title`` column, an
    optional ``context`` column (shown beside the title) and a ``prefix`` column written
    before the title (a control's reference, ``Art. 9``).

    ``shows`` says how a stored context value is shown, the way the kind's own view shows
    it: a formatter of :data:`aipm_desktop.services.listing.FORMATTERS` (``"upper"``:
    ``sev2`` → ``SEV2``) or a ``"module:function"`` (a document's kind ``ai_prd`` →
    ``AI PRD``); empty: as stored."""

    kind: str
    label: str
    model: str
    title: str
    context: str = ""
    prefix: str = ""
    #: ``(table, foreign key column, column)``: take the context from a parent row.
    context_from: tuple[str, str, str] | None = None
    shows: str = ""

    def context_text(self, value: Any) -> str:
        """A stored context value as people read it (see ``shows``)."""
        if value is None or value == "":
            return ""
        return _shown_by(self.shows)(value) if self.shows else str(value)

    def table(self) -> Any:
        from .. import models

        return table_of(getattr(models, self.model))

    def query(self) -> Select[Any]:
        """``SELECT id, title, context`` over every row of this kind."""
        t = self.table()
        from_: FromClause = t
        context: ColumnElement[Any] | Any
        if self.context_from is not None:
            parent_name, fk, column = self.context_from
            parent = t.metadata.tables[parent_name]
            from_ = t.outerjoin(parent, t.c[fk] == parent.c.id)
            context = parent.c[column]
        elif self.context:
            context = t.c[self.context]
        else:
            context = literal("")
        title: ColumnElement[Any] = t.c[self.title]
        if self.prefix:
            title = t.c[self.prefix] + " " + title
        return select(t.c.id, title, context).select_from(from_)


@functools.cache
def _shown_by(name: str) -> Callable[[Any], str]:
    if ":" in name:
        module, _, attribute = name.partition(":")
        found: Callable[[Any], str] = getattr(importlib.import_module(module), attribute)
        return found
    from .listing import FORMATTERS

    return FORMATTERS[name]


def minutes(value: Any) -> str:
    """A time box in minutes, as the case library shows it: ``45 min``."""
    return f"{value} min"


_HERE = "aipm_desktop.services."
#: Every kind the index holds, in the order results of equal rank are listed.
SOURCES: tuple[Source, ...] = (
    Source("use_case", "Use case", "UseCase", "title", "area"),
    Source("risk", "Risk", "Risk", "title", "category"),
    Source(
        "document", "Document", "Document", "title", "kind", shows=f"{_HERE}documents:kind_name"
    ),
    Source("kpi", "KPI", "Kpi", "name", "category", shows="enum"),
    Source("roadmap_item", "Roadmap item", "RoadmapItem", "title", "lane"),
    Source("release", "Release", "Release", "name", "feature_flag"),
    Source("experiment", "Experiment", "Experiment", "title", "status", shows="enum"),
    Source("eval_suite", "Evaluation suite", "EvalSuite", "name", "dataset"),
    Source("incident", "Incident", "Incident", "title", "severity", shows="upper"),
    Source("runbook", "Runbook", "Runbook", "title", "owner"),
    Source(
        "control",
        "Control",
        "Control",
        "title",
        prefix="ref",
        context_from=("control_catalog", "catalog_id", "name"),
    ),
    Source(
        "evidence_item",
        "Evidence",
        "EvidenceItem",
        "title",
        "kind",
        shows=f"{_HERE}controls.evidence:kind_label",
    ),
    Source("cost_model", "Cost model", "CostModel", "name", "option_label"),
    Source("candidate", "Candidate", "Candidate", "name", "role_level"),
    Source(
        "case_exercise",
        "Interview case",
        "CaseExercise",
        "title",
        "time_box_minutes",
        shows=f"{_HERE}search:minutes",
    ),
)
SOURCE_BY_KIND = {source.kind: source for source in SOURCES}
_KIND_ORDER = {source.kind: i for i, source in enumerate(SOURCES)}


def kind_order(kind: str) -> int:
    """Where ``kind`` comes among results of equal rank (kinds not indexed come last)."""
    return _KIND_ORDER.get(kind, len(SOURCES))


#: The match tiers, best first.
TIERS = ("prefix", "word start", "inside a word", "initials", "scattered")
PREFIX, WORD_START, INSIDE, INITIALS, SCATTERED = range(5)
DEFAULT_LIMIT = 50
#: At most this many scattered matches (the shortest titles) are scored per query.
SCORED_AT_MOST = 600


@dataclass(frozen=True)
class Record:
    """A record as go-anywhere lists it: its ``kind`` and ``id``, ``title`` and
    ``context`` (a category, lane, catalog…) and the ``label`` of its kind."""

    kind: str
    id: int
    title: str
    context: str

    @property
    def label(self) -> str:
        source = SOURCE_BY_KIND.get(self.kind)
        return self.kind if source is None else source.label

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "id": self.id,
            "title": self.title,
            "context": self.context,
        }


@dataclass(frozen=True)
class Hit(Record):
    """One search result and why it matched (``tier``, ``score``)."""

    tier: int
    score: int

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "match": TIERS[self.tier]}


def fold(text: str) -> str:
    """``text`` for matching: accents dropped, case folded (``Évaluer`` → ``evaluer``)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


_WORD = re.compile(r"[^\W_]+")


def initials(folded: str) -> str:
    """The first letter of each word: ``route support requests`` → ``rsr``."""
    return "".join(word[0] for word in _WORD.findall(folded))


_SEPARATORS = re.compile(r"[\W_]+")


def spaced(folded: str) -> str:
    """``folded`` with a space before every word and one space for each run of
    separators: ``art. 4 (b)`` → `` art 4 b ``, so ``" " + word in spaced`` says a word
    starts with ``word``."""
    return " " + _SEPARATORS.sub(" ", folded)


def _subsequence(token: str) -> re.Pattern[str]:
    """A pattern true when ``token`` is a subsequence of a string: each character found
    after the previous one, atomically (no backtracking: the first occurrence suffices)."""
    return re.compile("".join(f"(?>[^{re.escape(ch)}]*){re.escape(ch)}" for ch in token))


def _word_start(token: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|(?<=[\W_]))" + re.escape(token))


def scatter_score(token: str, folded: str) -> int:
    """Points for a scattered match, higher is better: each character matched scores 1,
    plus 8 when it starts a word and 6 when it follows the previous match directly; each
    skipped character between matches costs 1. Characters are matched left to right,
    preferring the next word start when one holds the character."""
    score = 0
    pos = 0
    last = -2
    for ch in token:
        found = folded.find(ch, pos)
        if found < 0:
            return -(10**6)
        if found != last + 1:  # not contiguous: a later word start is worth the jump
            start = found
            while start > 0 and folded[start - 1].isalnum():
                start = folded.find(ch, start + 1)
            if start >= 0:
                found = start
        score += 1
        if found == 0 or not folded[found - 1].isalnum():
            score += 8
        if found == last + 1:
            score += 6
        elif last >= 0:
            score -= found - last - 1
        last = found
        pos = found + 1
    return score


class SearchIndex:
    """Every entity's (kind, id, title, context), for fuzzy lookup by title.

    Slots are parallel lists; a removed entity leaves an empty slot (its folded title is
    ``""``, which no query matches) until :meth:`build` compacts them.
    """

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self._keys: list[tuple[str, int]] = []
        self._titles: list[str] = []
        self._contexts: list[str] = []
        self._folded: list[str] = []
        self._initials: list[str] = []
        self._spaced: list[str] = []
        self._lengths: list[int] = []
        self._slot: dict[tuple[str, int], int] = {}
        self._last: tuple[tuple[str, ...], tuple[str, ...] | None, list[tuple[int, int]]] | None = (
            None
        )

    def __len__(self) -> int:
        return len(self._slot)

    # -- building and keeping current -----------------------------------------------------

    def build(self, *, ws: Workspace, kinds: Iterable[str] | None = None) -> SearchIndex:
        """Read every entity (of ``kinds``; default all) from the workspace, afresh."""
        wanted = [SOURCE_BY_KIND[k] for k in kinds] if kinds is not None else list(SOURCES)
        self._clear()
        with ws.engine.connect() as conn:
            for source in wanted:
                for row in conn.execute(source.query()):
                    self._put(source.kind, row[0], row[1], source.context_text(row[2]))
        # Tens of thousands of new long-lived objects (and the old index's garbage) would
        # make the interpreter's next full collection land on a keystroke (45-60 ms on
        # the large workspace); pay it here, where the build is waited for anyway.
        gc.collect()
        return self

    def apply(self, changes: Changes, *, ws: Workspace) -> None:
        """Bring the index up to date after a write: the records ``changes`` names are
        read again (gone ones dropped); a kind it touched without naming ids is reloaded;
        ``workspace`` (an import, undo of many) rebuilds everything."""
        if changes.kind == "workspace":
            self.build(ws=ws)
            return
        touched = {k.value for k in changes.kinds} | {changes.kind}
        with ws.engine.connect() as conn:
            for kind in touched & SOURCE_BY_KIND.keys():
                source = SOURCE_BY_KIND[kind]
                if kind == changes.kind and changes.ids:
                    self._reload(conn, source, changes.ids)
                else:
                    self._reload_kind(conn, source)
        self._last = None

    def _reload(self, conn: Any, source: Source, ids: Sequence[int]) -> None:
        t = source.table()
        found = {row[0]: row for row in conn.execute(source.query().where(t.c.id.in_(ids)))}
        for id in ids:
            row = found.get(id)
            if row is None:
                self._drop((source.kind, id))
            else:
                self._put(source.kind, row[0], row[1], source.context_text(row[2]))

    def _reload_kind(self, conn: Any, source: Source) -> None:
        rows = {row[0]: row for row in conn.execute(source.query())}
        for key in [key for key in self._slot if key[0] == source.kind and key[1] not in rows]:
            self._drop(key)
        for row in rows.values():
            self._put(source.kind, row[0], row[1], source.context_text(row[2]))

    def add(self, kind: str, id: int, title: str, context: str = "") -> None:
        """Add (or replace) one entry by hand, e.g. the menu commands (any ``kind``)."""
        self._put(kind, id, title, context)

    def _put(self, kind: str, id: int, title: Any, context: Any) -> None:
        title = str(title or "")
        context = "" if context is None else str(context)
        folded = fold(title)
        key = (kind, id)
        slot = self._slot.get(key)
        if slot is None:
            self._slot[key] = len(self._keys)
            self._keys.append(key)
            self._titles.append(title)
            self._contexts.append(context)
            self._folded.append(folded)
            self._initials.append(initials(folded))
            self._spaced.append(spaced(folded))
            self._lengths.append(len(folded))
        else:
            self._titles[slot] = title
            self._contexts[slot] = context
            self._folded[slot] = folded
            self._initials[slot] = initials(folded)
            self._spaced[slot] = spaced(folded)
            self._lengths[slot] = len(folded)
        self._last = None

    def _drop(self, key: tuple[str, int]) -> None:
        slot = self._slot.pop(key, None)
        if slot is not None:
            self._titles[slot] = self._contexts[slot] = ""
            self._folded[slot] = self._initials[slot] = self._spaced[slot] = ""
            self._last = None

    def title_of(self, kind: str, id: int) -> str | None:
        slot = self._slot.get((kind, id))
        return None if slot is None else self._titles[slot]

    # -- searching ------------------------------------------------------------------------

    def _candidates(self, tokens: tuple[str, ...], kinds: tuple[str, ...] | None) -> list[int]:
        """The slots whose title holds every token as a subsequence. When this query
        extends the last one, only the last query's candidates are looked at, and only
        for the letters added: each candidate keeps where its last token's (leftmost)
        match ended, so a letter typed is one ``str.find`` from there."""
        folded = self._folded
        last = self._last
        pairs: list[tuple[int, int]]
        if last is not None and last[1] == kinds and _extends(tokens, last[0]):
            previous, pairs = last[0], last[2]
            k = len(previous) - 1
            for ch in tokens[k][len(previous[k]) :]:
                pairs = [(i, p + 1) for i, end in pairs if (p := folded[i].find(ch, end)) >= 0]
            added = tokens[k + 1 :]
        else:
            pool: Iterable[int] = range(len(folded))
            if kinds is not None:
                wanted, keys = set(kinds), self._keys
                pool = [i for i in pool if keys[i][0] in wanted]
            pairs = [(i, 0) for i in pool]
            added = tokens
        for token in added:
            if len(token) == 1:
                pairs = [(i, p + 1) for i, _ in pairs if (p := folded[i].find(token)) >= 0]
            else:
                match = _subsequence(token).match
                pairs = [(i, m.end()) for i, _ in pairs if (m := match(folded[i]))]
        self._last = (tokens, kinds, pairs)
        return [i for i, _ in pairs]

    def search(
        self, query: str, *, kinds: Iterable[str] | None = None, limit: int = DEFAULT_LIMIT
    ) -> list[Hit]:
        """The best ``limit`` entities for ``query`` (of ``kinds``), best first."""
        tokens = tuple(fold(query).split())
        if not tokens or limit <= 0:
            return []
        kind_filter = tuple(sorted(set(kinds))) if kinds is not None else None
        found = self._candidates(tokens, kind_filter)
        folded, keys = self._folded, self._keys
        by_length = self._lengths.__getitem__
        ranked: list[tuple[int, int, int, int, int]] = []  # tier, -score, length, kind, slot
        # Tier by tier, best first, and only until ``limit`` results are in: the first
        # tiers cost one str method per title; only scattered matches are scored (the
        # shortest SCORED_AT_MOST of them).
        groups = (
            self._groups(tokens[0], found) if len(tokens) == 1 else self._groups_of(tokens, found)
        )
        for tier, slots in groups:
            room = limit - len(ranked)
            if tier == SCATTERED:
                if len(slots) > SCORED_AT_MOST:
                    slots = sorted(slots, key=by_length)[:SCORED_AT_MOST]
                rows = []
                for i in slots:
                    scores = [scatter_score(t, folded[i]) for t in tokens]
                    if min(scores) > 0:  # letters strewn far apart are no match
                        rows.append((tier, -sum(scores), len(folded[i]), kind_order(keys[i][0]), i))
            else:
                rows = [
                    (tier, 0, len(folded[i]), kind_order(keys[i][0]), i)
                    for i in heapq.nsmallest(room, slots, key=by_length)
                ]
            ranked.extend(heapq.nsmallest(room, rows))
            if len(ranked) >= limit:
                break
        return [self._hit(row) for row in ranked]

    def _groups(self, token: str, found: list[int]) -> Iterator[tuple[int, list[int]]]:
        """The slots of ``found`` by tier for one ``token``, best tier first, each group
        worked out only when asked for."""
        folded, letters = self._folded, self._initials
        inside = [i for i in found if token in folded[i]]
        yield PREFIX, [i for i in inside if folded[i].startswith(token)]
        later = [i for i in inside if not folded[i].startswith(token)]
        if _WORD.fullmatch(token):
            spaced, marked = self._spaced, " " + token
            at_start = [i for i in later if marked in spaced[i]]
        else:
            starts = self._starts_word(token)
            at_start = [i for i in later if starts(i)]
        yield WORD_START, at_start
        taken = set(at_start)
        yield INSIDE, [i for i in later if i not in taken]
        outside = [i for i in found if token not in folded[i]]
        yield INITIALS, [i for i in outside if token in letters[i]]
        yield SCATTERED, [i for i in outside if token not in letters[i]]

    def _groups_of(
        self, tokens: tuple[str, ...], found: list[int]
    ) -> Iterator[tuple[int, list[int]]]:
        """:meth:`_groups` for several tokens: a slot's tier is its worst token's."""
        remaining = found
        for tier in range(SCATTERED):
            test = self._within(tier, tokens)
            in_tier = [i for i in remaining if test(i)]
            taken = set(in_tier)
            remaining = [i for i in remaining if i not in taken]
            yield tier, in_tier
        yield SCATTERED, remaining

    def _starts_word(self, token: str) -> Callable[[int], bool]:
        """A test of a slot: does ``token`` start a word of its title? A plain substring
        test on the title with every run of separators turned into one space."""
        if _WORD.fullmatch(token):
            spaced, marked = self._spaced, " " + token
            return lambda i: marked in spaced[i]
        starts, folded = _word_start(token).search, self._folded
        return lambda i: starts(folded[i]) is not None

    def _within(self, tier: int, tokens: tuple[str, ...]) -> Callable[[int], bool]:
        """A test of a slot: does every token match its title at ``tier`` or better?"""
        folded, letters = self._folded, self._initials

        def test_of(token: str) -> Callable[[int], bool]:
            if tier == WORD_START:
                return self._starts_word(token)

            def test(i: int) -> bool:
                title = folded[i]
                if tier == PREFIX:
                    return title.startswith(token)
                return token in title or (tier == INITIALS and token in letters[i])

            return test

        tests = [test_of(token) for token in tokens]
        return lambda i: all(test(i) for test in tests)

    def _hit(self, row: tuple[int, int, int, int, int]) -> Hit:
        tier, negative, _length, _kind, slot = row
        kind, id = self._keys[slot]
        return Hit(kind, id, self._titles[slot], self._contexts[slot], tier, -negative)


def _extends(tokens: tuple[str, ...], previous: tuple[str, ...]) -> bool:
    """True when every match of ``tokens`` also matches ``previous`` (the new query only
    adds characters to the last word or adds words)."""
    if len(tokens) < len(previous) or not previous:
        return False
    head = previous[:-1]
    return tokens[: len(head)] == head and tokens[len(head)].startswith(previous[-1])


def search(
    *, ws: Workspace, query: str, kinds: Iterable[str] | None = None, limit: int = DEFAULT_LIMIT
) -> list[Hit]:
    """One lookup (``aipm search``): build the index of ``kinds`` and search it."""
    kinds = list(kinds) if kinds is not None else None
    return SearchIndex().build(ws=ws, kinds=kinds).search(query, kinds=kinds, limit=limit)


def describe(*, ws: Workspace, kind: str, id: int) -> str | None:
    """The title of record ``id`` of ``kind`` as the index shows it (None: no such
    record, or a kind not indexed)."""
    source = SOURCE_BY_KIND.get(kind)
    if source is None:
        return None
    with ws.engine.connect() as conn:
        row = conn.execute(source.query().where(source.table().c.id == id)).first()
    return None if row is None else str(row[1])


def parse_kind(text: str) -> str:
    """The kind named ``text`` (``use_case``, ``use case``, ``Use case``, ``risk``…)."""
    from ..errors import UserError

    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    for source in SOURCES:
        if wanted in (source.kind, source.label.lower().replace(" ", "_")):
            return source.kind
    names = ", ".join(source.kind for source in SOURCES)
    raise UserError(f"Unknown kind {text!r}; choose one of {names}.")
