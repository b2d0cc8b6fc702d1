"""The appendix: how the figures were made, which reference data they rest on, the
manifest (workspace content hash, app version, reference-data versions, options) and what
the client-safe profile left out.

The content hash covers what a report can show: every row of every table but the
history (change log, operations), the saved reports and the schema version, in primary
key order, without the bookkeeping columns (timestamps, row versions). Editing a record
and changing it back gives the same hash; saving a report does not change it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import inspect

from .build import Context
from .model import Heading, Paragraph, Section, Table, table

#: Tables that say how the file was edited, not what it holds.
_NOT_CONTENT = frozenset(
    {"alembic_version", "change_log", "operation", "operation_row", "saved_report"}
)
_BOOKKEEPING = frozenset({"created_at", "updated_at", "version"})
#: Reference data files the report's figures rest on (resources/data/<name>.json).
REFERENCE_DATA = (
    "scoring_models",
    "risk_levels",
    "risk_taxonomies",
    "ai_act",
    "kpi_catalog",
    "launch_checklist",
    "model_prices",
    "incident_reference",
)


def content_hash(ws: Any) -> str:
    """SHA-256 of the workspace's content (see the module docstring). Rows are read as
    the database holds them (no type conversion: ~200,000 rows in about a second); the
    tables' columns and keys come from the inspector (a full reflection costs ~0.2 s)."""
    digest = hashlib.sha256()
    quote = ws.engine.dialect.identifier_preparer.quote
    with ws.engine.connect() as conn:
        found = inspect(conn)
        for name in sorted(found.get_table_names()):
            if name in _NOT_CONTENT or name.startswith("sqlite_"):
                continue
            columns = [
                quote(c["name"]) for c in found.get_columns(name) if c["name"] not in _BOOKKEEPING
            ]
            keys = found.get_pk_constraint(name).get("constrained_columns") or []
            order = [quote(c) for c in keys] or columns
            digest.update(f"\x00{name}\x00".encode())
            cursor = conn.exec_driver_sql(
                f"SELECT {', '.join(columns)} FROM {quote(name)} ORDER BY {', '.join(order)}"
            )
            while rows := cursor.fetchmany(5000):
                digest.update(repr([tuple(r) for r in rows]).encode())
    return digest.hexdigest()


def reference_versions() -> list[tuple[str, str]]:
    """``(name, version)`` of each reference data file: its own date or regulation where it
    names one, and the first 12 hex digits of its SHA-256 (what this build ships)."""
    from ... import resources

    found = []
    for name in REFERENCE_DATA:
        try:
            text = resources.read_text(f"data/{name}.json")
        except FileNotFoundError:
            continue
        data = json.loads(text)
        own = ""
        if isinstance(data, dict):
            own = str(data.get("as_of") or data.get("regulation") or "")
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        found.append((name.replace("_", " "), f"{own} · sha256 {digest}" if own else digest))
    return found


def manifest(ctx: Context) -> dict[str, Any]:
    """The manifest of a report (computed once per report)."""
    if "manifest" not in ctx.notes:
        from ... import __version__
        from ...store.migrate import head_revision

        ctx.notes["manifest"] = {
            "workspace_content_sha256": content_hash(ctx.ws),
            "app_version": __version__,
            "schema": head_revision(),
            "reference_data": dict(reference_versions()),
            "options": ctx.options.to_dict(),
        }
    return ctx.notes["manifest"]  # type: ignore[no-any-return,unused-ignore]


def appendix(ctx: Context, title: str) -> Section:
    from .. import risks as risk_service
    from .. import scoring

    found = manifest(ctx)
    model_id = scoring.active_model_id(ws=ctx.ws)
    criteria = scoring.model_criteria(ws=ctx.ws, model_id=model_id)
    method = risk_service.scoring_method(risk_service.method_of(ws=ctx.ws))
    bands = risk_service.bands(ws=ctx.ws)
    section = Section("appendix", title).add(
        Heading("Method"),
        Paragraph(
            f"Use cases are scored 1-5 on each criterion of the scoring model "
            f"“{scoring.model_name(ws=ctx.ws, model_id=model_id)}”; a score is the weighted "
            "mean of the criteria's utilities on a 0-100 scale (cost criteria inverted). "
            f"Risks are scored from likelihood and impact (1-5 each) with the method "
            f"“{method.label}” and banded by the workspace's risk appetite: "
            + ", ".join(b.label for b in bands)
            + ". Residual scores use the residual likelihood and impact where set. KPI "
            "status compares the latest snapshot with the KPI's warning and critical "
            "thresholds; a KPI is stale when its last snapshot is older than its cadence "
            f"allows. All dates are as of {found['options']['as_of'] or ctx.as_of.isoformat()}."
        ),
        table(
            ("Criterion", "Group", "Weight", "Direction"),
            [
                (c.name, c.group.replace("_", " "), f"{c.weight_pct:.0f}%", c.direction)
                for c in criteria
            ],
            align="llrl",
            widths=(4, 2, 1, 1.4),
        ),
        Heading("Manifest"),
        _manifest_table(
            [
                ("Workspace content (SHA-256)", found["workspace_content_sha256"]),
                ("App version", f"AIPM Desktop {found['app_version']}"),
                ("Schema", found["schema"]),
                ("Report", f"{ctx.options.kind}, as of {ctx.as_of.isoformat()}"),
                ("Profile", _profile_text(ctx)),
                (
                    "Reference data",
                    "; ".join(f"{name}: {v}" for name, v in found["reference_data"].items()),
                ),
            ]
        ),
    )
    if ctx.options.client_safe or ctx.options.hide_names:
        section.add(
            Heading("Left out of this report"),
            table((), [(line,) for line in ctx.profile.omitted()], widths=(1,)),
        )
    return section


def _manifest_table(pairs: list[tuple[str, str]]) -> Table:
    """The manifest as a key/value table whose value column holds a SHA-256 on one line
    (the usual 1.4 : 3 split broke the hash before its last two digits)."""
    return table((), [(k, v) for k, v in pairs if v], align="ll", widths=(1.0, 3.6))


def _profile_text(ctx: Context) -> str:
    parts = ["client-safe" if ctx.options.client_safe else "internal (full)"]
    if ctx.options.hide_names:
        parts.append("names withheld")
    return ", ".join(parts)
