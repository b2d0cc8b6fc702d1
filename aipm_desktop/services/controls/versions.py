"""Loading a catalog into a workspace: a new one, or a newer version of a stored one.

:func:`catalog_diff` compares a catalog read from a file (or the shipped version of a
built-in one) with the stored version: controls added, changed (which fields) and
removed, and the use-case statuses and evidence links each changed or removed control
carries. :func:`load_catalog` applies it in one undoable operation; removing controls
that carry statuses or evidence needs ``allow_removals`` (their statuses and evidence
links go with them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from ...errors import ValidationError
from ...models import UseCase, utcnow
from ...models.common import table_of
from ...store import Workspace
from .. import records
from ..changes import Changes
from .catalogs import (
    _COMPARED,
    CATALOG_T,
    CONTROL_T,
    EVIDENCE_LINK_T,
    STATUS_T,
    ParsedCatalog,
    builtin_catalogs,
)


@dataclass(frozen=True)
class Affected(records.AsDict):
    """A status or evidence link a changed or removed control carries."""

    ref: str
    change: str
    use_case: str
    status: str
    evidence: int


@dataclass(frozen=True)
class CatalogDiff(records.AsDict):
    key: str
    name: str
    old_version: str | None
    new_version: str
    added: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    removed: tuple[str, ...] = ()
    affected: tuple[Affected, ...] = field(default_factory=tuple)

    @property
    def is_new(self) -> bool:
        return self.old_version is None

    @property
    def unchanged(self) -> bool:
        return (
            not self.is_new
            and self.old_version == self.new_version
            and not (self.added or self.changed or self.removed)
        )


def _stored(conn: Any, key: str) -> tuple[Any, dict[str, dict[str, Any]]]:
    catalog = conn.execute(select(CATALOG_T).where(CATALOG_T.c.key == key)).first()
    if catalog is None:
        return None, {}
    rows = conn.execute(select(CONTROL_T).where(CONTROL_T.c.catalog_id == catalog.id))
    return catalog, {row.ref.casefold(): dict(row._mapping) for row in rows}


def catalog_diff(*, ws: Workspace, parsed: ParsedCatalog) -> CatalogDiff:
    """What loading ``parsed`` would change, and what it touches."""
    key = parsed.fields["key"]
    with ws.engine.connect() as conn:
        catalog, stored = _stored(conn, key)
        new = {c["ref"].casefold(): c for c in parsed.controls}
        added = tuple(c["ref"] for k, c in new.items() if k not in stored)
        removed_ids = {row["id"]: row["ref"] for k, row in stored.items() if k not in new}
        changed: list[tuple[str, tuple[str, ...]]] = []
        changed_ids: dict[int, str] = {}
        for k, control in new.items():
            old = stored.get(k)
            if old is None:
                continue
            fields = tuple(f for f in _COMPARED if str(old[f] or "") != str(control[f] or ""))
            if fields:
                changed.append((control["ref"], fields))
                changed_ids[old["id"]] = control["ref"]
        affected = _affected(conn, removed_ids, changed_ids)
    return CatalogDiff(
        key=key,
        name=parsed.fields["name"],
        old_version=None if catalog is None else catalog.catalog_version,
        new_version=parsed.fields["catalog_version"],
        added=added,
        changed=tuple(changed),
        removed=tuple(removed_ids.values()),
        affected=affected,
    )


def _affected(conn: Any, removed: dict[int, str], changed: dict[int, str]) -> tuple[Affected, ...]:
    ids = [*removed, *changed]
    if not ids:
        return ()
    evidence = {
        row[0]: row[1]
        for row in conn.execute(
            select(EVIDENCE_LINK_T.c.control_id, func.count())
            .where(EVIDENCE_LINK_T.c.control_id.in_(ids))
            .group_by(EVIDENCE_LINK_T.c.control_id)
        )
    }
    out: list[Affected] = []
    seen: set[int] = set()
    use_cases = table_of(UseCase)
    query = (
        select(STATUS_T.c.control_id, STATUS_T.c.status, use_cases.c.title)
        .outerjoin(use_cases, use_cases.c.id == STATUS_T.c.use_case_id)
        .where(STATUS_T.c.control_id.in_(ids))
        .order_by(STATUS_T.c.control_id, STATUS_T.c.id)
    )
    for row in conn.execute(query):
        change = "removed" if row.control_id in removed else "changed"
        ref = removed.get(row.control_id) or changed[row.control_id]
        count = 0 if row.control_id in seen else evidence.get(row.control_id, 0)
        seen.add(row.control_id)
        out.append(Affected(ref, change, row.title or "(workspace)", row.status, count))
    for control_id, count in evidence.items():
        if control_id not in seen:
            change = "removed" if control_id in removed else "changed"
            ref = removed.get(control_id) or changed[control_id]
            out.append(Affected(ref, change, "", "", count))
    return tuple(out)


def load_catalog(
    *,
    ws: Workspace,
    parsed: ParsedCatalog,
    allow_removals: bool = False,
    who: str | None = None,
) -> tuple[CatalogDiff, Changes]:
    """Store ``parsed``: a new catalog, or the new version of the stored one with the same
    key (added controls inserted, changed ones updated, their notes kept unless the file
    gives some; removed ones deleted). One undoable operation; nothing is written when the
    removals would drop statuses or evidence links and ``allow_removals`` is not set."""
    diff = catalog_diff(ws=ws, parsed=parsed)
    dropping = [a for a in diff.affected if a.change == "removed"]
    if dropping and not allow_removals:
        refs = ", ".join(sorted({a.ref for a in dropping}))
        raise ValidationError(
            f"Version {diff.new_version} of {diff.name} removes controls that carry statuses "
            f"or evidence ({refs}); review the diff and load it with removals allowed."
        )
    now = utcnow()
    label = f"Load catalog {diff.name} {diff.new_version}"
    with ws.write(label=label, who=who) as session:
        conn = session.connection()
        catalog, stored = _stored(conn, diff.key)
        if catalog is None:
            catalog_id = records.insert_row(conn, CATALOG_T, records.new_row(parsed.fields, now))
        else:
            catalog_id = catalog.id
            values = {k: v for k, v in parsed.fields.items() if k != "built_in"}
            conn.execute(
                update(CATALOG_T)
                .where(CATALOG_T.c.id == catalog_id)
                .values(**values, updated_at=now, version=catalog.version + 1)
            )
        _write_controls(conn, catalog_id, parsed, stored, now)
    action = "create" if catalog is None else "update"
    return diff, Changes("control_catalog", (catalog_id,), action)


def _write_controls(
    conn: Any,
    catalog_id: int,
    parsed: ParsedCatalog,
    stored: dict[str, dict[str, Any]],
    now: dt.datetime,
) -> None:
    new_rows = []
    keep: set[str] = set()
    for control in parsed.controls:
        key = control["ref"].casefold()
        old = stored.get(key)
        if old is None:
            new_rows.append(records.new_row({**control, "catalog_id": catalog_id}, now))
            continue
        keep.add(key)
        values = {k: v for k, v in control.items() if k != "notes" or v}
        if any(old[k] != v for k, v in values.items()):
            conn.execute(
                update(CONTROL_T)
                .where(CONTROL_T.c.id == old["id"])
                .values(**values, updated_at=now, version=old["version"] + 1)
            )
    gone = [row["id"] for key, row in stored.items() if key not in keep]
    if gone:
        conn.execute(delete(CONTROL_T).where(CONTROL_T.c.id.in_(gone)))
    if new_rows:
        conn.execute(insert(CONTROL_T), new_rows)


def builtin_updates(*, ws: Workspace) -> list[CatalogDiff]:
    """For each shipped catalog, its diff against the workspace's stored version (new
    ones included): what updating the built-in catalogs would do."""
    diffs = []
    for catalog in builtin_catalogs():
        fields = {k: v for k, v in catalog.items() if k != "controls"}
        fields["published"] = records.parse_date(fields.get("published"))
        fields["built_in"] = True
        parsed = ParsedCatalog(
            fields=fields,
            controls=[{**c, "notes": ""} for c in catalog["controls"]],
        )
        diffs.append(catalog_diff(ws=ws, parsed=parsed))
    return diffs


# -- the GUI's import flow ---------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogPreview:
    """A catalog file read and compared with the stored version, before it is loaded:
    what the import dialog shows (its ``source``, :meth:`summary`, the ``diff``) and
    :func:`apply_preview` writes. Nothing is rejected here (a bad file is refused while
    it is read); ``to_write`` is 0 when loading it would change nothing."""

    source: str
    parsed: ParsedCatalog
    diff: CatalogDiff
    rejected: int = 0

    @property
    def to_write(self) -> int:
        if self.diff.unchanged:
            return 0
        return len(self.diff.added) + len(self.diff.changed) + len(self.diff.removed) or 1

    @property
    def drops_records(self) -> bool:
        """Whether removed controls carry statuses or evidence (loading needs consent)."""
        return any(a.change == "removed" for a in self.diff.affected)

    def summary(self) -> str:
        diff = self.diff
        if diff.is_new:
            return f"a new catalog, {diff.name} {diff.new_version}, with {len(diff.added)} controls"
        if diff.unchanged:
            return f"{diff.name} {diff.new_version} is already loaded, unchanged"
        return (
            f"{diff.name} {diff.old_version} \u2192 {diff.new_version}: {len(diff.added)} added, "
            f"{len(diff.changed)} changed, {len(diff.removed)} removed; "
            f"{len(diff.affected)} status or evidence record(s) affected"
        )


def preview_catalog(
    *,
    ws: Workspace,
    path: Any,
    key: str | None = None,
    name: str | None = None,
    catalog_version: str | None = None,
) -> CatalogPreview:
    """Read a catalog file (see :func:`~.catalogs.read_catalog_file`) and its diff
    against the stored version."""
    from pathlib import Path

    from .catalogs import read_catalog_file

    parsed = read_catalog_file(path, key=key, name=name, catalog_version=catalog_version)
    return CatalogPreview(Path(path).name, parsed, catalog_diff(ws=ws, parsed=parsed))


def apply_preview(
    *,
    ws: Workspace,
    preview: CatalogPreview,
    allow_removals: bool = False,
    progress: Any = None,
    who: str | None = None,
) -> tuple[Changes, int]:
    """Load a previewed catalog (one undoable operation); with the count of controls it
    added, changed or removed."""
    diff, changes = load_catalog(
        ws=ws, parsed=preview.parsed, allow_removals=allow_removals, who=who
    )
    if progress is not None:
        progress(preview.to_write, preview.to_write)
    return changes, len(diff.added) + len(diff.changed) + len(diff.removed)
