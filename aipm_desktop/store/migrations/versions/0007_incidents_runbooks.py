"""incidents and runbooks: severity, status, category, timestamps, timeline, actions,
links; runbooks with escalation path, rollback criteria and communication templates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-21

The incident table is rebuilt. Every stored incident keeps its id, title, severity,
status, description, root cause, actions text, rollback flag and timestamps:
``occurred_on`` becomes ``detected_at`` (midnight UTC of that day) and ``resolved_on``
``resolved_at`` (midnight UTC), so KPI charts keep showing it on the same day; its
``use_case_id`` becomes a row of ``incident_use_case``. The severity definitions and
the failure categories start from ``resources/data/incident_reference.json``, and the
deliverable kind "Post-Incident Review" is added to the reference list.
"""

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from aipm_desktop.store.migrations.columns import row_columns as _row_columns

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMP = sqlmodel.sql.sqltypes.UTCDateTime

#: Columns of the 0006 incident kept under the same name and meaning.
_KEPT = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "title",
    "severity",
    "status",
    "description",
    "root_cause",
    "actions",
    "rolled_back",
)


def _incident_columns() -> list[sa.schema.SchemaItem]:
    return [
        *_row_columns(),
        sa.Column("title", _TEXT(length=200), nullable=False),
        sa.Column("severity", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("root_cause_class", sa.String(length=30), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("owner", _TEXT(length=200), nullable=False, server_default=""),
        sa.Column("customer_impact", _TEXT(), nullable=False, server_default=""),
        sa.Column("detected_at", _STAMP(), nullable=False),
        sa.Column("acknowledged_at", _STAMP(), nullable=True),
        sa.Column("mitigated_at", _STAMP(), nullable=True),
        sa.Column("resolved_at", _STAMP(), nullable=True),
        sa.Column("reviewed_at", _STAMP(), nullable=True),
        sa.Column("description", _TEXT(), nullable=False),
        sa.Column("root_cause", _TEXT(), nullable=False),
        sa.Column("actions", _TEXT(), nullable=False),
        sa.Column("rolled_back", sa.Boolean(), nullable=False),
        sa.Column("review_document_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "severity IN ('sev1', 'sev2', 'sev3', 'sev4')", name="ck_incident_severity"
        ),
        sa.CheckConstraint(
            "status IN ('open', 'mitigated', 'resolved', 'reviewed')", name="ck_incident_status"
        ),
        sa.CheckConstraint(
            "root_cause_class IS NULL OR root_cause_class IN ('ux', 'data', 'model', 'policy',"
            " 'infrastructure', 'vendor')",
            name="ck_incident_root_cause",
        ),
        sa.ForeignKeyConstraint(["category_id"], ["failure_category.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["review_document_id"], ["document.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _link(name: str, left: str, right: str) -> None:
    op.create_table(
        name,
        sa.Column(f"{left}_id", sa.Integer(), nullable=False),
        sa.Column(f"{right}_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint([f"{left}_id"], [f"{left}.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint([f"{right}_id"], [f"{right}.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(f"{left}_id", f"{right}_id"),
    )
    op.create_index(f"ix_{name}_{right}_id", name, [f"{right}_id"], unique=False)


def _create_reference_tables() -> tuple[sa.Table, sa.Table]:
    severities = op.create_table(
        "severity_definition",
        *_row_columns(),
        sa.Column("severity", sa.String(length=30), nullable=False),
        sa.Column("name", _TEXT(length=100), nullable=False),
        sa.Column("definition", _TEXT(), nullable=False),
        sa.Column("acknowledge_within_hours", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "severity IN ('sev1', 'sev2', 'sev3', 'sev4')", name="ck_severity_definition_severity"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("severity", name="uq_severity_definition_severity"),
    )
    categories = op.create_table(
        "failure_category",
        *_row_columns(),
        sa.Column("name", _TEXT(length=100), nullable=False),
        sa.Column("description", _TEXT(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_failure_category_name"),
    )
    return severities, categories


def _create_detail_tables() -> None:
    op.create_table(
        "incident_timeline_entry",
        *_row_columns(),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", _STAMP(), nullable=False),
        sa.Column("who", _TEXT(length=200), nullable=False),
        sa.Column("what", _TEXT(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_incident_timeline_entry_incident_id",
        "incident_timeline_entry",
        ["incident_id"],
        unique=False,
    )
    op.create_table(
        "incident_action",
        *_row_columns(),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("at", _STAMP(), nullable=False),
        sa.Column("who", _TEXT(length=200), nullable=False),
        sa.Column("notes", _TEXT(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('feature_flag_rollback', 'safe_mode', 'prompt_update', 'policy_filter',"
            " 'hotfix', 'data_exclusion', 'vendor_escalation', 'other')",
            name="ck_incident_action_kind",
        ),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_incident_action_incident_id", "incident_action", ["incident_id"], unique=False
    )
    _link("incident_use_case", "incident", "use_case")
    _link("incident_kpi", "incident", "kpi")
    _link("incident_risk", "incident", "risk")
    op.create_table(
        "runbook",
        *_row_columns(),
        sa.Column("title", _TEXT(length=200), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("owner", _TEXT(length=200), nullable=False),
        sa.Column("scope", _TEXT(), nullable=False),
        sa.Column("safe_mode", _TEXT(), nullable=False),
        sa.Column("notes", _TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_runbook_use_case_id", "runbook", ["use_case_id"], unique=False)
    op.create_index("ix_runbook_release_id", "runbook", ["release_id"], unique=False)
    op.create_table(
        "runbook_contact",
        *_row_columns(),
        sa.Column("runbook_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", _TEXT(length=200), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("reach", _TEXT(length=300), nullable=False),
        sa.ForeignKeyConstraint(["runbook_id"], ["runbook.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_runbook_contact_runbook_id", "runbook_contact", ["runbook_id"], unique=False
    )
    op.create_table(
        "rollback_criterion",
        *_row_columns(),
        sa.Column("runbook_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("op", sa.String(length=30), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("unit", _TEXT(length=20), nullable=False),
        sa.Column("consecutive", sa.Integer(), nullable=False),
        sa.Column("text", _TEXT(length=300), nullable=False),
        sa.CheckConstraint("op IN ('>', '>=', '<', '<=')", name="ck_rollback_criterion_op"),
        sa.ForeignKeyConstraint(["runbook_id"], ["runbook.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_rollback_criterion_runbook_id", "rollback_criterion", ["runbook_id"], unique=False
    )
    op.create_index("ix_rollback_criterion_kpi_id", "rollback_criterion", ["kpi_id"], unique=False)
    op.create_table(
        "communication_template",
        *_row_columns(),
        sa.Column("runbook_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("subject", _TEXT(length=300), nullable=False),
        sa.Column("body", _TEXT(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('internal', 'customer', 'status_page')",
            name="ck_communication_template_channel",
        ),
        sa.ForeignKeyConstraint(["runbook_id"], ["runbook.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("runbook_id", "channel", name="uq_communication_template_channel"),
    )
    op.create_index(
        "ix_communication_template_runbook_id",
        "communication_template",
        ["runbook_id"],
        unique=False,
    )


def reference_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The seeded severity definitions and failure categories (no id, no timestamps)."""
    from aipm_desktop import resources

    data = resources.load_json("incident_reference")
    severities = [
        {
            "severity": s["severity"],
            "name": s["name"],
            "definition": s["definition"],
            "acknowledge_within_hours": s.get("acknowledge_within_hours"),
        }
        for s in data["severities"]
    ]
    categories = [
        {"name": c["name"], "description": c.get("description", ""), "position": i}
        for i, c in enumerate(data["failure_categories"])
    ]
    return severities, categories


def _stamped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return [{"created_at": now, "updated_at": now, "version": 1, **row} for row in rows]


def _midnight(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _untyped(name: str, columns: list[str]) -> Any:
    """An INSERT passing values through as stored (timestamps as the text SQLite holds)."""
    return sa.table(name, *(sa.column(c) for c in columns)).insert()


def upgrade() -> None:
    severities, categories = _create_reference_tables()
    severity_rows, category_rows = reference_rows()
    op.bulk_insert(severities, _stamped(severity_rows))
    op.bulk_insert(categories, _stamped(category_rows))

    conn = op.get_bind()
    old_rows = conn.execute(sa.text("SELECT * FROM incident ORDER BY id")).mappings().all()
    op.drop_index("ix_incident_use_case_id", table_name="incident")
    op.drop_table("incident")
    op.create_table("incident", *_incident_columns())
    op.create_index("ix_incident_category_id", "incident", ["category_id"], unique=False)
    op.create_index("ix_incident_release_id", "incident", ["release_id"], unique=False)
    _create_detail_tables()
    if old_rows:
        target = sa.table(
            "incident",
            *(sa.column(name) for name in _KEPT),
            sa.column("detected_at", _STAMP()),
            sa.column("resolved_at", _STAMP()),
        )
        migrated = [
            {
                **{name: row[name] for name in _KEPT},
                "detected_at": _midnight(row["occurred_on"]),
                "resolved_at": _midnight(row["resolved_on"]),
            }
            for row in old_rows
        ]
        conn.execute(target.insert(), migrated)
        links = [
            {"incident_id": row["id"], "use_case_id": row["use_case_id"]}
            for row in old_rows
            if row["use_case_id"] is not None
        ]
        if links:
            conn.execute(_untyped("incident_use_case", ["incident_id", "use_case_id"]), links)
    known = conn.execute(
        sa.text("SELECT 1 FROM deliverable_kind WHERE key = 'post_incident_review'")
    ).first()
    if known is None:
        kinds = {k["key"]: k for k in _deliverable_kinds()}
        review = kinds["post_incident_review"]
        conn.execute(
            sa.text(
                "INSERT INTO deliverable_kind (key, name, description)"
                " SELECT :key, :name, :description WHERE EXISTS"
                " (SELECT 1 FROM deliverable_kind)"
            ),
            {"key": review["key"], "name": review["name"], "description": review["description"]},
        )


def _deliverable_kinds() -> list[dict[str, Any]]:
    from aipm_desktop import resources

    return list(resources.load_json("deliverable_kinds"))


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT * FROM incident ORDER BY id")).mappings().all()
    firsts = {
        int(r.incident_id): int(r.use_case_id)
        for r in conn.execute(
            sa.text(
                "SELECT incident_id, MIN(use_case_id) AS use_case_id FROM incident_use_case"
                " GROUP BY incident_id"
            )
        )
    }
    for name in (
        "communication_template",
        "rollback_criterion",
        "runbook_contact",
        "runbook",
        "incident_risk",
        "incident_kpi",
        "incident_use_case",
        "incident_action",
        "incident_timeline_entry",
    ):
        op.drop_table(name)
    op.drop_index("ix_incident_release_id", table_name="incident")
    op.drop_index("ix_incident_category_id", table_name="incident")
    op.drop_table("incident")
    op.create_table(
        "incident",
        *_row_columns(),
        sa.Column("title", _TEXT(length=200), nullable=False),
        sa.Column("severity", sa.String(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("description", _TEXT(), nullable=False),
        sa.Column("root_cause", _TEXT(), nullable=False),
        sa.Column("actions", _TEXT(), nullable=False),
        sa.Column("rolled_back", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "severity IN ('sev1', 'sev2', 'sev3', 'sev4')", name="ck_incident_severity"
        ),
        sa.CheckConstraint("status IN ('open', 'mitigated', 'resolved')", name="ck_incident_status"),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_use_case_id", "incident", ["use_case_id"], unique=False)
    table = sa.table(
        "incident",
        *(sa.column(c) for c in _KEPT if c not in ("created_at", "updated_at")),
        sa.column("created_at"),
        sa.column("updated_at"),
        sa.column("occurred_on", sa.Date()),
        sa.column("resolved_on", sa.Date()),
        sa.column("use_case_id"),
    )
    # Lossy: the new fields, the timeline, actions and runbooks are dropped; a reviewed
    # incident reads as resolved; the first affected use case is kept.
    restored = []
    for row in rows:
        values = {name: row[name] for name in _KEPT}
        if values["status"] == "reviewed":
            values["status"] = "resolved"
        values["occurred_on"] = _day(row["detected_at"])
        values["resolved_on"] = _day(row["resolved_at"])
        values["use_case_id"] = firsts.get(int(row["id"]))
        restored.append(values)
    if restored:
        conn.execute(table.insert(), restored)
    op.drop_table("failure_category")
    op.drop_table("severity_definition")
    # The kind goes unless a document (a review written since) still is of that kind.
    conn.execute(
        sa.text(
            "DELETE FROM deliverable_kind WHERE key = 'post_incident_review' AND NOT EXISTS"
            " (SELECT 1 FROM document WHERE kind = 'post_incident_review')"
        )
    )


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])
