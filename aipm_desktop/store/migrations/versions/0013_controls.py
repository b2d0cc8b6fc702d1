"""controls and evidence: catalogs, crosswalk, applicability and status, evidence files

Revision ID: 0013_controls
Revises: 0012_reports
Create Date: 2026-12-06

New tables: ``control_catalog`` and ``control`` (seeded with the built-in EU AI Act, NIST
AI RMF 1.0 and ISO/IEC 42001 Annex A catalogs), ``control_mapping`` (the crosswalk,
seeded), ``control_profile`` (a use case's EU AI Act role), ``control_status`` with its
links to risks, mitigation actions and launch checks, ``evidence_item`` with its links
to controls, and ``evidence_blob`` (evidence files by SHA-256). Existing rows are not
touched; the downgrade drops the new tables.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

# (A merge may renumber this revision together with the constant of its test.)
revision = "0013_controls"
down_revision = "0012_reports"
branch_labels = None
depends_on = None

#: Each new table's own columns, ``name:type`` (``?`` nullable): ``text`` (unbounded) or
#: ``textN`` (at most N characters), ``code`` (an enum value), ``int``, ``bool``,
#: ``date``, ``json``, ``bytes``. Entity tables also get id, timestamps and version.
_COLUMNS = {
    "control_catalog": "key:text60 name:text200 catalog_version:text40 published:date? "
    "source:text500 licence:text500 description:text built_in:bool",
    "control": "catalog_id:int ref:text60 title:text200 summary:text section:text200 "
    "priority:code roles:code scope:code applies_tiers:json applies_answers:json notes:text "
    "position:int",
    "control_profile": "use_case_id:int role:code",
    "control_mapping": "from_control_id:int to_control_id:int strength:code note:text500",
    "control_status": "control_id:int use_case_id:int? applicability:code justification:text "
    "status:code owner:text200 due_date:date? notes:text",
    "evidence_item": "title:text200 kind:code use_case_id:int? sha256:text64 "
    "file_name:text255 size_bytes:int? url:text1000 document_id:int? ticket:text100 "
    "added_by:text200 added_on:date valid_from:date? valid_until:date? reviewer:text200 "
    "reviewed_on:date? notes:text",
}
_TYPES = {"int": sa.Integer, "bool": sa.Boolean, "date": sa.Date, "json": sa.JSON}
_ROLES = ("provider", "deployer", "both")
#: Enum columns: table -> column -> allowed values (CHECK ``ck_<table>_<column>``).
_CHOICES = {
    "control": {"priority": ("high", "medium", "low"), "roles": _ROLES,
                "scope": ("use_case", "organisation")},
    "control_profile": {"role": _ROLES},
    "control_mapping": {"strength": ("equivalent", "related")},
    "control_status": {"applicability": ("applies", "not_applicable"),
                       "status": ("not_started", "in_progress", "implemented", "verified")},
    "evidence_item": {"kind": ("file", "url", "document", "ticket")},
}  # fmt: skip
#: References: table -> column -> (target table, on delete).
_REFERENCES = {
    "control": {"catalog_id": ("control_catalog", "CASCADE")},
    "control_profile": {"use_case_id": ("use_case", "CASCADE")},
    "control_mapping": {"from_control_id": ("control", "CASCADE"),
                        "to_control_id": ("control", "CASCADE")},
    "control_status": {"control_id": ("control", "CASCADE"),
                       "use_case_id": ("use_case", "CASCADE")},
    "evidence_item": {"document_id": ("document", "SET NULL"),
                      "use_case_id": ("use_case", "SET NULL")},
}  # fmt: skip
_UNIQUE: dict[str, list[sa.Constraint]] = {
    "control_catalog": [sa.UniqueConstraint("key", name="uq_control_catalog_key")],
    "control": [sa.UniqueConstraint("catalog_id", "ref", name="uq_control_ref")],
    "control_profile": [sa.UniqueConstraint("use_case_id")],
    "control_mapping": [
        sa.UniqueConstraint("from_control_id", "to_control_id", name="uq_control_mapping_pair"),
        sa.CheckConstraint("from_control_id <> to_control_id", name="ck_control_mapping_self"),
    ],
}
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


def _column(spec: str) -> sa.Column:
    name, _, kind = spec.partition(":")
    nullable = kind.endswith("?")
    kind = kind.rstrip("?")
    if kind == "code":
        col_type: sa.types.TypeEngine = sa.String(length=30)
    elif kind.startswith("text"):
        col_type = AutoString(length=int(kind[4:])) if kind[4:] else AutoString()
    else:
        col_type = _TYPES[kind]()
    return sa.Column(name, col_type, nullable=nullable)


def _entity_table(name: str) -> None:
    keys = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]
    checks = [
        sa.CheckConstraint(
            f"{column} IN ({', '.join(repr(v) for v in values)})", name=f"ck_{name}_{column}"
        )
        for column, values in _CHOICES.get(name, {}).items()
    ]
    references = [
        sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete)
        for column, (target, ondelete) in _REFERENCES.get(name, {}).items()
    ]
    op.create_table(
        name,
        *keys,
        *(_column(spec) for spec in _COLUMNS[name].split()),
        *checks,
        *references,
        sa.PrimaryKeyConstraint("id"),
        *_UNIQUE.get(name, []),
    )


def upgrade() -> None:
    for name in _COLUMNS:
        _entity_table(name)
    op.create_table(
        "evidence_blob",
        _column("sha256:text64"),
        _column("size_bytes:int"),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    for table, column in _INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
    for name, owner, target in _LINKS:
        op.create_table(
            name,
            _column(f"{owner}_id:int"),
            _column(f"{target}_id:int"),
            sa.ForeignKeyConstraint([f"{owner}_id"], [f"{owner}.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint([f"{target}_id"], [f"{target}.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint(f"{owner}_id", f"{target}_id"),
        )
        op.create_index(f"ix_{name}_{target}_id", name, [f"{target}_id"], unique=False)
    from aipm_desktop.services.controls.catalogs import seed_builtin

    seed_builtin(op.get_bind())


def downgrade() -> None:
    for name, _owner, target in _LINKS:
        op.drop_index(f"ix_{name}_{target}_id", table_name=name)
        op.drop_table(name)
    for table, column in reversed(_INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    op.drop_table("evidence_blob")
    for name in reversed(list(_COLUMNS)):
        op.drop_table(name)
