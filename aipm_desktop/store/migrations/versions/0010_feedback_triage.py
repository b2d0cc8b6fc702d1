"""feedback triage: imported feedback items with their class, failure cluster and links,
the import batches, and a full-text index over the items

Revision ID: 0010_feedback_triage
Revises: 0009
Create Date: 2027-01-25

New tables: ``feedback_import`` (one row per imported file: name, SHA-256, rows) and
``feedback_item`` (text, date, source, customer, tags; class, failure cluster, links to a
use case, risk, incident and roadmap item; who triaged it and when). Indexes serve the
inbox at 200,000 items. When this SQLite has FTS5 (every current Python build does), the
external-content index ``feedback_fts`` over text, customer, source, tags and cluster is
kept by triggers; without FTS5 the search falls back to LIKE. The downgrade drops it all.
"""

import sqlalchemy as sa
from alembic import op

from aipm_desktop.store.migrations.columns import STAMP as _STAMP
from aipm_desktop.store.migrations.columns import TEXT as _TEXT
from aipm_desktop.store.migrations.columns import row_columns as _row_columns

revision = "0010_feedback_triage"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The records an item links to (``<name>_id`` columns).
_LINKS = ("use_case", "risk", "incident", "roadmap_item")
_FTS = "feedback_fts"
_FTS_COLUMNS = "text, customer, source, tags, cluster"
_OLD = ", ".join(f"old.{c.strip()}" for c in _FTS_COLUMNS.split(","))
_NEW = ", ".join(f"new.{c.strip()}" for c in _FTS_COLUMNS.split(","))
#: An update re-indexes an item only when an indexed value really changed (an undo that
#: writes every column back as it was leaves the index alone).
_CHANGED = " OR ".join(f"old.{c.strip()} IS NOT new.{c.strip()}" for c in _FTS_COLUMNS.split(","))
_FTS_DDL = (
    f"CREATE VIRTUAL TABLE {_FTS} USING fts5({_FTS_COLUMNS}, content='feedback_item', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {_FTS}_ai AFTER INSERT ON feedback_item BEGIN "
    f"INSERT INTO {_FTS}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END",
    f"CREATE TRIGGER {_FTS}_ad AFTER DELETE ON feedback_item BEGIN "
    f"INSERT INTO {_FTS}({_FTS}, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD}); END",
    f"CREATE TRIGGER {_FTS}_au AFTER UPDATE OF {_FTS_COLUMNS} ON feedback_item "
    f"WHEN {_CHANGED} BEGIN "
    f"INSERT INTO {_FTS}({_FTS}, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, {_OLD}); "
    f"INSERT INTO {_FTS}(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END",
    f"INSERT INTO {_FTS}({_FTS}) VALUES ('rebuild')",
)


def _has_fts5(conn: sa.Connection) -> bool:
    try:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.aipm_fts5_probe USING fts5(x)")
    except sa.exc.OperationalError:
        return False
    conn.exec_driver_sql("DROP TABLE temp.aipm_fts5_probe")
    return True


def upgrade() -> None:
    op.create_table(
        "feedback_import",
        *_row_columns(),
        sa.Column("file_name", _TEXT(length=300), nullable=False),
        sa.Column("sha256", _TEXT(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_import_sha256", "feedback_import", ["sha256"])
    op.create_table(
        "feedback_item",
        *_row_columns(),
        sa.Column("text", _TEXT(length=20000), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("source", _TEXT(length=100), nullable=False),
        sa.Column("customer", _TEXT(length=200), nullable=False),
        sa.Column("tags", _TEXT(length=500), nullable=False),
        sa.Column("triage_class", sa.String(length=30), nullable=False),
        sa.Column("cluster", _TEXT(length=200), nullable=False),
        *(sa.Column(f"{name}_id", sa.Integer(), nullable=True) for name in _LINKS),
        sa.Column("triaged_at", _STAMP(), nullable=True),
        sa.Column("triaged_by", _TEXT(length=200), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "triage_class IN ('untriaged', 'ux', 'data', 'model', 'policy', 'not_ai')",
            name="ck_feedback_item_triage_class",
        ),
        *(
            sa.ForeignKeyConstraint([f"{name}_id"], [f"{name}.id"], ondelete="SET NULL")
            for name in _LINKS
        ),
        sa.ForeignKeyConstraint(["import_id"], ["feedback_import.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_item_import_id", "feedback_item", ["import_id"])
    # Links and clusters indexed only where set (an import of untriaged items adds
    # nothing to them); the inbox's order (date descending, then id) read from an index.
    for column in (f"{name}_id" for name in _LINKS):
        op.create_index(
            f"ix_feedback_item_{column}",
            "feedback_item",
            [column],
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
        )
    op.create_index("ix_feedback_item_date", "feedback_item", [sa.text("date DESC")])
    op.create_index(
        "ix_feedback_item_class_date", "feedback_item", ["triage_class", sa.text("date DESC")]
    )
    op.create_index(
        "ix_feedback_item_source_date", "feedback_item", ["source", sa.text("date DESC")]
    )
    op.create_index(
        "ix_feedback_item_date_class_cluster", "feedback_item", ["date", "triage_class", "cluster"]
    )
    op.create_index(
        "ix_feedback_item_cluster",
        "feedback_item",
        ["cluster"],
        sqlite_where=sa.text("cluster <> ''"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite" and _has_fts5(conn):
        for statement in _FTS_DDL:
            conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for trigger in ("ai", "ad", "au"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_FTS}_{trigger}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_FTS}")
    op.drop_table("feedback_item")
    op.drop_table("feedback_import")
