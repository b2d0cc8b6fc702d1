"""controls and evidence: catalogs, crosswalk, applicability and status, evidence files

Revision ID: 0013_controls
Revises: 0009
Create Date: 2026-12-06

New tables: ``control_catalog`` and ``control`` (seeded with the built-in EU AI Act, NIST
AI RMF 1.0 and ISO/IEC 42001 Annex A catalogs), ``control_mapping`` (the crosswalk,
seeded), ``control_profile`` (a use case's EU AI Act role), ``control_status`` with its
links to risks, mitigation actions and launch checks, ``evidence_item`` with its links
to controls, and ``evidence_blob`` (evidence files by SHA-256). Existing rows are not
touched; the downgrade drops the new tables.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMP = sqlmodel.sql.sqltypes.UTCDateTime

# The lead may renumber this revision at a merge, with the constant of its test.
revision = "0013_controls"
down_revision = "0009"
branch_labels = None
depends_on = None


def _row_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", _STAMP(), nullable=False),
        sa.Column("updated_at", _STAMP(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _enum(name: str, table: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{name} IN ({listed})", name=f"ck_{table}_{name}")


def _fk(column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete)


_ROLES = ("provider", "deployer", "both")
#: The link tables: (name, owner table, target table).
_LINKS = (
    ("control_status_mitigation_action", "control_status", "mitigation_action"),
    ("control_status_risk", "control_status", "risk"),
    ("evidence_item_control", "evidence_item", "control"),
    ("control_status_launch_check", "control_status", "launch_check"),
)
#: Indexes of the entity tables: (table, column).
_INDEXES = (
    ("control", "catalog_id"),
    ("control_mapping", "from_control_id"),
    ("control_mapping", "to_control_id"),
    ("control_status", "control_id"),
    ("control_status", "use_case_id"),
    ("evidence_item", "sha256"),
    ("evidence_item", "use_case_id"),
)


def _create_tables() -> None:
    op.create_table(
        "control_catalog",
        *_row_columns(),
        sa.Column("key", _TEXT(length=60), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("catalog_version", _TEXT(length=40), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("source", _TEXT(length=500), nullable=False),
        sa.Column("licence", _TEXT(length=500), nullable=False),
        sa.Column("description", _TEXT(), nullable=False),
        sa.Column("built_in", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name="uq_control_catalog_key"),
    )
    op.create_table(
        "evidence_blob",
        sa.Column("sha256", _TEXT(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "control",
        *_row_columns(),
        sa.Column("catalog_id", sa.Integer(), nullable=False),
        sa.Column("ref", _TEXT(length=60), nullable=False),
        sa.Column("title", _TEXT(length=200), nullable=False),
        sa.Column("summary", _TEXT(), nullable=False),
        sa.Column("section", _TEXT(length=200), nullable=False),
        sa.Column("priority", sa.String(length=30), nullable=False),
        sa.Column("roles", sa.String(length=30), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("applies_tiers", sa.JSON(), nullable=False),
        sa.Column("applies_answers", sa.JSON(), nullable=False),
        sa.Column("notes", _TEXT(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _enum("priority", "control", ("high", "medium", "low")),
        _enum("roles", "control", _ROLES),
        _enum("scope", "control", ("use_case", "organisation")),
        _fk("catalog_id", "control_catalog"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("catalog_id", "ref", name="uq_control_ref"),
    )
    op.create_table(
        "control_profile",
        *_row_columns(),
        sa.Column("use_case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        _enum("role", "control_profile", _ROLES),
        _fk("use_case_id", "use_case"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("use_case_id"),
    )
    op.create_table(
        "control_mapping",
        *_row_columns(),
        sa.Column("from_control_id", sa.Integer(), nullable=False),
        sa.Column("to_control_id", sa.Integer(), nullable=False),
        sa.Column("strength", sa.String(length=30), nullable=False),
        sa.Column("note", _TEXT(length=500), nullable=False),
        _enum("strength", "control_mapping", ("equivalent", "related")),
        sa.CheckConstraint("from_control_id <> to_control_id", name="ck_control_mapping_self"),
        _fk("from_control_id", "control"),
        _fk("to_control_id", "control"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("from_control_id", "to_control_id", name="uq_control_mapping_pair"),
    )
    op.create_table(
        "control_status",
        *_row_columns(),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("applicability", sa.String(length=30), nullable=False),
        sa.Column("justification", _TEXT(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("owner", _TEXT(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("notes", _TEXT(), nullable=False),
        _enum("applicability", "control_status", ("applies", "not_applicable")),
        _enum(
            "status", "control_status", ("not_started", "in_progress", "implemented", "verified")
        ),
        _fk("control_id", "control"),
        _fk("use_case_id", "use_case"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "evidence_item",
        *_row_columns(),
        sa.Column("title", _TEXT(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("sha256", _TEXT(length=64), nullable=False),
        sa.Column("file_name", _TEXT(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("url", _TEXT(length=1000), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("ticket", _TEXT(length=100), nullable=False),
        sa.Column("added_by", _TEXT(length=200), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("reviewer", _TEXT(length=200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("notes", _TEXT(), nullable=False),
        _enum("kind", "evidence_item", ("file", "url", "document", "ticket")),
        _fk("document_id", "document", "SET NULL"),
        _fk("use_case_id", "use_case", "SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    for table, column in _INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
    for name, owner, target in _LINKS:
        op.create_table(
            name,
            sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
            sa.Column(f"{target}_id", sa.Integer(), nullable=False),
            _fk(f"{owner}_id", owner),
            _fk(f"{target}_id", target),
            sa.PrimaryKeyConstraint(f"{owner}_id", f"{target}_id"),
        )
        op.create_index(f"ix_{name}_{target}_id", name, [f"{target}_id"], unique=False)


def upgrade() -> None:
    _create_tables()
    from aipm_desktop.services.controls.catalogs import seed_builtin

    seed_builtin(op.get_bind())


def downgrade() -> None:
    for name, _owner, target in _LINKS:
        op.drop_index(f"ix_{name}_{target}_id", table_name=name)
        op.drop_table(name)
    for table, column in reversed(_INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    for table in (
        "evidence_item",
        "control_status",
        "control_mapping",
        "control_profile",
        "control",
        "evidence_blob",
        "control_catalog",
    ):
        op.drop_table(table)
