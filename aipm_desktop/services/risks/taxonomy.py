"""Risk taxonomies: the built-in and user taxonomies, the category and framework
choices they offer, adding a taxonomy and enabling or disabling one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select

from ...errors import NotFoundError, ValidationError
from ...models import RiskTaxonomy, RiskTaxonomyItem
from ...store import Workspace
from ..changes import Changes

#: Taxonomies whose items are framework references rather than risk categories.
FRAMEWORK_TAXONOMY_KEYS: frozenset[str] = frozenset({"nist_ai_rmf"})


# --------------------------------------------------------------------------- taxonomies


@dataclass(frozen=True)
class Taxonomy:
    """A risk taxonomy and its items ``(key, name, description)``."""

    id: int
    key: str
    name: str
    enabled: bool
    items: tuple[tuple[str, str, str], ...]
    source: str = ""

    @property
    def is_framework(self) -> bool:
        """True for a framework-reference taxonomy (NIST AI RMF), not risk categories."""
        return self.key in FRAMEWORK_TAXONOMY_KEYS


def taxonomies(*, ws: Workspace) -> list[Taxonomy]:
    """Every taxonomy of the workspace with its items, in the order they were added."""
    tax = RiskTaxonomy.__table__  # type: ignore[attr-defined]
    item = RiskTaxonomyItem.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        items: dict[int, list[tuple[str, str, str]]] = {}
        for row in conn.execute(
            select(item.c.taxonomy_id, item.c.key, item.c.name, item.c.description).order_by(
                item.c.id
            )
        ):
            items.setdefault(row[0], []).append((row[1], row[2], row[3]))
        return [
            Taxonomy(
                id=row.id,
                key=row.key,
                name=row.name,
                enabled=bool(row.enabled),
                items=tuple(items.get(row.id, ())),
                source=row.source,
            )
            for row in conn.execute(select(tax).order_by(tax.c.id))
        ]


def category_choices(*, ws: Workspace) -> list[str]:
    """Risk category names from the enabled taxonomies (framework references excluded)."""
    names: dict[str, None] = {}
    for taxonomy in taxonomies(ws=ws):
        if taxonomy.enabled and not taxonomy.is_framework:
            names.update((name, None) for _key, name, _desc in taxonomy.items)
    return list(names)


def framework_choices(*, ws: Workspace) -> list[str]:
    """Framework reference names (NIST AI RMF categories) from the enabled taxonomies."""
    names: dict[str, None] = {}
    for taxonomy in taxonomies(ws=ws):
        if taxonomy.enabled and taxonomy.is_framework:
            names.update((name, None) for _key, name, _desc in taxonomy.items)
    return list(names)


def _slug(text: str) -> str:
    return "_".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())[:50] or "item"


def add_taxonomy(
    *,
    ws: Workspace,
    name: str,
    items: Sequence[str | tuple[str, str]],
    who: str | None = None,
) -> tuple[int, Changes]:
    """Add a user taxonomy of risk categories; items are names or (name, description).

    Returns the new taxonomy's id and the changes. Undo with ``records.delete`` of the
    :class:`RiskTaxonomy` (its items go with it).
    """
    name = (name or "").strip()
    errors: list[tuple[str, str]] = []
    if not name:
        errors.append(("name", "a taxonomy needs a name"))
    parsed: list[tuple[str, str]] = []
    seen: set[str] = set()
    for position, entry in enumerate(items, start=1):
        item_name, description = (entry, "") if isinstance(entry, str) else entry
        item_name, description = (item_name or "").strip(), (description or "").strip()
        if not item_name:
            errors.append((f"item {position}", "an item needs a name"))
            continue
        if item_name.lower() in seen:
            errors.append((f"item {position}", f"{item_name!r} is listed twice"))
        seen.add(item_name.lower())
        parsed.append((item_name[:200], description))
    if not parsed and not errors:
        errors.append(("items", "a taxonomy needs at least one item"))
    if errors:
        text = "; ".join(f"{where}: {msg}" for where, msg in errors)
        raise ValidationError(f"Invalid taxonomy: {text}", errors)
    tax = RiskTaxonomy.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        keys = set(session.execute(select(tax.c.key)).scalars())
        base = f"custom_{_slug(name)}"
        key, counter = base, 2
        while key in keys:
            key, counter = f"{base}_{counter}", counter + 1
        taxonomy = RiskTaxonomy(key=key, name=name[:200], source="Added in this workspace")
        session.add(taxonomy)
        session.flush()
        item_keys: set[str] = set()
        rows = []
        for item_name, description in parsed:
            item_key, counter = _slug(item_name), 2
            while item_key in item_keys:
                item_key, counter = f"{_slug(item_name)}_{counter}", counter + 1
            item_keys.add(item_key)
            rows.append(
                {
                    "taxonomy_id": taxonomy.id,
                    "key": item_key,
                    "name": item_name,
                    "description": description,
                }
            )
        session.execute(insert(RiskTaxonomyItem.__table__), rows)  # type: ignore[attr-defined]
        new_id = int(taxonomy.id or 0)
    return new_id, Changes("risk_taxonomy", (new_id,), "create")


def set_taxonomy_enabled(
    *, ws: Workspace, taxonomy_id: int, enabled: bool, who: str | None = None
) -> tuple[Changes, bool]:
    """Offer (or stop offering) a taxonomy's items as choices; returns the old state."""
    with ws.write(who=who) as session:
        taxonomy = session.get(RiskTaxonomy, taxonomy_id)
        if taxonomy is None:
            raise NotFoundError(f"No risk taxonomy with id {taxonomy_id}.")
        old = bool(taxonomy.enabled)
        if old != bool(enabled):
            taxonomy.enabled = bool(enabled)
    return Changes("risk_taxonomy", (taxonomy_id,), "update"), old
