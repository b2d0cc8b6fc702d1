"""Control catalogs: the built-in ones, reading them, importing the user's, version diffs.

The built-in catalogs and crosswalk are reference data (``resources/data/
control_catalogs.json``); the EU AI Act's high-risk articles take their titles and
descriptions from the tier check's data (:data:`..ai_act.OBLIGATIONS`), so one text
serves both. A workspace holds its catalogs as rows (seeded when it is made, and by
migration ``0013_controls``); :func:`import_catalog` loads a user's catalog, or a newer
version of a stored one, from CSV or JSON, all or nothing, and :func:`catalog_diff`
says what a newer version adds, changes and removes and which statuses and evidence
that touches.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from ... import resources
from ...errors import NotFoundError, UserError, ValidationError
from ...models import (
    AiActRole,
    Control,
    ControlCatalog,
    ControlMapping,
    ControlPriority,
    ControlScope,
    ControlStatus,
    EvidenceItemControlLink,
    utcnow,
)
from ...models.common import table_of
from ...store import Workspace
from .. import records
from ..problems import ImportRefused, Problem, quote

CATALOG_T = table_of(ControlCatalog)
CONTROL_T = table_of(Control)
MAPPING_T = table_of(ControlMapping)
STATUS_T = table_of(ControlStatus)
EVIDENCE_LINK_T = table_of(EvidenceItemControlLink)

FORMAT = "aipm-control-catalogs"
#: The catalog fields a control row of an import may give, beside ``ref`` and ``title``.
CONTROL_FIELDS = (
    "ref",
    "title",
    "summary",
    "section",
    "priority",
    "roles",
    "scope",
    "applies_tiers",
    "applies_answers",
)
#: Fields whose change counts as a changed control in a version diff.
_COMPARED = ("title", "summary", "section", "priority", "roles", "scope")


# -- the built-in catalogs ---------------------------------------------------------------------


def _reference() -> dict[str, Any]:
    return dict(resources.load_json("control_catalogs"))


def builtin_catalogs() -> list[dict[str, Any]]:
    """The shipped catalogs, each ``{catalog fields..., "controls": [control dicts]}``,
    controls in catalog order with every field filled."""
    from ..ai_act import OBLIGATIONS

    tier_check = {article: (title, text) for article, title, text in OBLIGATIONS}
    out = []
    for raw in _reference()["catalogs"]:
        catalog = {k: v for k, v in raw.items() if k not in ("controls", "from_tier_check")}
        controls = []
        for position, item in enumerate(raw["controls"]):
            control = dict(item)
            if control["ref"] in raw.get("from_tier_check", ()):
                control["title"], control["summary"] = tier_check[control["ref"]]
            controls.append(_control_values(control, position))
        catalog["controls"] = controls
        out.append(catalog)
    return out


def builtin_crosswalk() -> list[tuple[tuple[str, str], tuple[str, str], str]]:
    """The shipped crosswalk: ``((catalog, ref), (catalog, ref), strength)`` lines."""
    return [
        (tuple(m["from"]), tuple(m["to"]), m["strength"])
        for m in _reference()["crosswalk"]["mappings"]
    ]


def _control_values(item: Mapping[str, Any], position: int) -> dict[str, Any]:
    return {
        "ref": str(item["ref"]).strip(),
        "title": str(item.get("title", "")).strip(),
        "summary": str(item.get("summary", "")),
        "section": str(item.get("section", "")),
        "priority": item.get("priority") or ControlPriority.MEDIUM.value,
        "roles": item.get("roles") or AiActRole.BOTH.value,
        "scope": item.get("scope") or ControlScope.USE_CASE.value,
        "applies_tiers": list(item.get("applies_tiers") or []),
        "applies_answers": list(item.get("applies_answers") or []),
        "position": position,
    }


def _stamped(values: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    return records.new_row(values, now)


def _catalog_row(catalog: Mapping[str, Any], built_in: bool) -> dict[str, Any]:
    published = catalog.get("published")
    return {
        "key": catalog["key"],
        "name": catalog["name"],
        "catalog_version": str(catalog["catalog_version"]),
        "published": records.parse_date(published),
        "source": catalog.get("source", ""),
        "licence": catalog.get("licence", ""),
        "description": catalog.get("description", ""),
        "built_in": built_in,
    }


def seed_builtin(conn: Any, now: dt.datetime | None = None) -> None:
    """Insert the shipped catalogs and crosswalk (on an open connection or session of a
    workspace that has none of them yet): a new workspace and migration 0013 call it."""
    now = now or utcnow()
    ids: dict[tuple[str, str], int] = {}
    for catalog in builtin_catalogs():
        catalog_id = records.insert_row(conn, CATALOG_T, _stamped(_catalog_row(catalog, True), now))
        rows = [
            _stamped({**control, "catalog_id": catalog_id, "notes": ""}, now)
            for control in catalog["controls"]
        ]
        conn.execute(insert(CONTROL_T), rows)
        for row in conn.execute(
            select(CONTROL_T.c.id, CONTROL_T.c.ref).where(CONTROL_T.c.catalog_id == catalog_id)
        ):
            ids[(catalog["key"], row.ref)] = row.id
    mappings = [
        _stamped(
            {"from_control_id": ids[a], "to_control_id": ids[b], "strength": s, "note": ""}, now
        )
        for a, b, s in builtin_crosswalk()
    ]
    if mappings:
        conn.execute(insert(MAPPING_T), mappings)


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogInfo(records.AsDict):
    id: int
    key: str
    name: str
    catalog_version: str
    published: dt.date | None
    source: str
    licence: str
    built_in: bool
    controls: int


@dataclass(frozen=True)
class ControlInfo(records.AsDict):
    id: int
    catalog: str
    ref: str
    title: str
    section: str
    priority: str
    roles: str
    scope: str
    summary: str = ""
    notes: str = ""
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


def catalogs(*, ws: Workspace) -> list[CatalogInfo]:
    """The workspace's catalogs with their control counts, by name."""
    counts = (
        select(CONTROL_T.c.catalog_id, func.count().label("n"))
        .group_by(CONTROL_T.c.catalog_id)
        .subquery()
    )
    query = (
        select(CATALOG_T, func.coalesce(counts.c.n, 0).label("controls"))
        .outerjoin(counts, counts.c.catalog_id == CATALOG_T.c.id)
        .order_by(CATALOG_T.c.name)
    )
    with ws.engine.connect() as conn:
        return [records.from_row(CatalogInfo, row) for row in conn.execute(query)]


find_catalog_id = records.RefFinder(CATALOG_T, "key", "catalog", list_names=True)


def find_catalog(*, ws: Workspace, ref: str | int) -> int:
    """The id of the catalog ``ref`` names: its id, key or name."""
    text = str(ref).strip()
    with ws.engine.connect() as conn:
        by_name = conn.execute(
            select(CATALOG_T.c.id).where(func.lower(CATALOG_T.c.name) == text.lower())
        ).all()
    if len(by_name) == 1:
        return int(by_name[0][0])
    return find_catalog_id(ws=ws, ref=text)


def controls(*, ws: Workspace, catalog_id: int | None = None) -> list[ControlInfo]:
    """The controls of one catalog (or all), in catalog order."""
    query = (
        select(CONTROL_T, CATALOG_T.c.key.label("catalog"))
        .join(CATALOG_T, CATALOG_T.c.id == CONTROL_T.c.catalog_id)
        .order_by(CATALOG_T.c.name, CONTROL_T.c.position, CONTROL_T.c.id)
    )
    if catalog_id is not None:
        query = query.where(CONTROL_T.c.catalog_id == catalog_id)
    with ws.engine.connect() as conn:
        return [records.from_row(ControlInfo, row) for row in conn.execute(query)]


def find_control(*, ws: Workspace, ref: str | int, catalog: str | int | None = None) -> int:
    """The id of the control ``ref`` names: an id, ``catalog:ref`` (``iso_42001:A.6.2.8``)
    or a ref alone (unique across catalogs, or within ``catalog``)."""
    text = str(ref).strip()
    catalog_ref = catalog
    if catalog_ref is None and ":" in text:
        catalog_ref, text = (part.strip() for part in text.split(":", 1))
    query = select(CONTROL_T.c.id, CATALOG_T.c.key).join(
        CATALOG_T, CATALOG_T.c.id == CONTROL_T.c.catalog_id
    )
    if catalog_ref is not None:
        query = query.where(CONTROL_T.c.catalog_id == find_catalog(ws=ws, ref=catalog_ref))
    with ws.engine.connect() as conn:
        if text.isdigit() and catalog_ref is None:
            hit = conn.execute(query.where(CONTROL_T.c.id == int(text))).first()
            if hit is not None:
                return int(hit.id)
        rows = conn.execute(query.where(func.lower(CONTROL_T.c.ref) == text.lower())).all()
    if len(rows) == 1:
        return int(rows[0].id)
    if rows:
        keys = ", ".join(f"{r.key}:{text}" for r in rows)
        raise UserError(f"Several catalogs have a control {text!r}; name one: {keys}.")
    raise NotFoundError(f"No control {quote(text)}; list them with `aipm controls list`.")


# -- importing a catalog -----------------------------------------------------------------------


@dataclass
class ParsedCatalog:
    """A catalog read from a file: its fields and its controls (checked)."""

    fields: dict[str, Any]
    controls: list[dict[str, Any]] = field(default_factory=list)


_CHOICES = {"priority": ControlPriority, "roles": AiActRole, "scope": ControlScope}


def _list_cell(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").replace(";", ",").split(",") if part.strip()]


def _check_controls(items: Sequence[tuple[int | str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Controls from ``(row, values)`` pairs, every problem named by row and column; an
    :class:`ImportRefused` when there is any."""
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    seen: dict[str, int | str] = {}
    for position, (row, values) in enumerate(items):
        unknown = sorted(set(values) - set(CONTROL_FIELDS) - {"notes"})
        for name in unknown:
            problems.append(Problem(row, name, "unknown column"))
        ref = str(values.get("ref") or "").strip()
        if not ref:
            problems.append(Problem(row, "ref", "a control needs its identifier"))
        elif len(ref) > 60:
            problems.append(Problem(row, "ref", "longer than 60 characters"))
        elif ref.casefold() in seen:
            problems.append(Problem(row, "ref", f"{quote(ref)} is also on {seen[ref.casefold()]}"))
        else:
            seen[ref.casefold()] = f"row {row}" if isinstance(row, int) else str(row)
        title = str(values.get("title") or "").strip()
        if not title:
            problems.append(Problem(row, "title", "a control needs a title"))
        elif len(title) > 200:
            problems.append(Problem(row, "title", "longer than 200 characters"))
        clean = dict(values)
        for name, enum_cls in _CHOICES.items():
            given = str(values.get(name) or "").strip().lower()
            if given and given not in {m.value for m in enum_cls}:
                choices = ", ".join(m.value for m in enum_cls)
                problems.append(Problem(row, name, f"{quote(given)} is not one of {choices}"))
            clean[name] = given
        clean["applies_tiers"] = _list_cell(values.get("applies_tiers"))
        clean["applies_answers"] = _list_cell(values.get("applies_answers"))
        control = _control_values(clean, position)
        control["notes"] = str(values.get("notes") or "")
        out.append(control)
    if problems:
        raise ImportRefused("The catalog cannot be imported", problems)
    return out


def _catalog_fields(raw: Mapping[str, Any], source: Path) -> dict[str, Any]:
    problems = []
    for name in ("key", "name", "catalog_version"):
        if not str(raw.get(name) or "").strip():
            problems.append(Problem("catalog", name, "required"))
    published = raw.get("published")
    try:
        records.parse_date(published)
    except ValueError:
        problems.append(Problem("catalog", "published", f"{quote(published)} is not YYYY-MM-DD"))
    if problems:
        raise ImportRefused(f"{source.name} cannot be imported", problems)
    return _catalog_row({**raw, "catalog_version": str(raw["catalog_version"]).strip()}, False)


def read_catalog_file(
    path: Path | str,
    *,
    key: str | None = None,
    name: str | None = None,
    catalog_version: str | None = None,
    published: str | None = None,
) -> ParsedCatalog:
    """A catalog from a JSON file (``{"key", "name", "catalog_version", "published",
    "controls": [...]}``) or a CSV/XLSX table (one control a row: ``ref``, ``title``,
    and optionally ``summary``, ``section``, ``priority``, ``roles``, ``scope``,
    ``applies_tiers``, ``applies_answers``, ``notes``; the catalog's key, name and version
    given as arguments). Every problem is reported by row and column; nothing is read
    half."""
    from ..tabular import SUFFIXES, read_rows

    path = Path(path).expanduser()
    overrides = {"key": key, "name": name, "catalog_version": catalog_version}
    overrides["published"] = published
    given = {k: v for k, v in overrides.items() if v is not None}
    if path.suffix.lower() == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise UserError(f"No such file: {path}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValidationError(f"{path.name} is not a JSON catalog: {error}") from error
        if not isinstance(doc, dict) or not isinstance(doc.get("controls"), list):
            raise ValidationError(f'{path.name} is not a catalog: it needs a "controls" list.')
        items: list[tuple[int | str, Mapping[str, Any]]] = []
        for index, item in enumerate(doc["controls"], start=1):
            if not isinstance(item, dict):
                raise ImportRefused(
                    f"{path.name} cannot be imported",
                    [Problem(f"control {index}", "", "not an object")],
                )
            items.append((f"control {index}", item))
        fields = _catalog_fields({**doc, **given}, path)
    elif path.suffix.lower() in SUFFIXES:
        rows = read_rows(path, required=("ref", "title"))
        items = [(row.number, {k: v for k, v in row.cells.items() if k}) for row in rows]
        if not rows:
            raise ValidationError(f"{path.name} has no controls below its header.")
        fields = _catalog_fields(given, path)
    else:
        raise UserError(f"{path.name}: a catalog is a .json, .csv or .xlsx file.")
    return ParsedCatalog(fields=fields, controls=_check_controls(items))
