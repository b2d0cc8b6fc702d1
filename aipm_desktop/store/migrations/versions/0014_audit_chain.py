"""audit chain: a hash chain over the change log, and the evidence file size limit

Revision ID: 0014_audit_chain
Revises: 0013_controls
Create Date: 2026-12-06

``change_log`` gets ``op_id`` (the operation that wrote the entry: filled in for the
entries whose operation is still in the undo history, matched by its time) and
``entry_hash`` (see ``aipm_desktop/store/audit.py``); every existing entry is sealed in
id order. ``workspace_settings`` gets ``evidence_max_mb`` (default 50). The downgrade
drops the three columns.
"""

import sqlalchemy as sa
from alembic import op

from aipm_desktop.store import audit

revision = "0014_audit_chain"
down_revision = "0013_controls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("op_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evidence_max_mb", sa.Integer(), nullable=False, server_default="50")
        )
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE change_log SET op_id = "
            "(SELECT min(operation.id) FROM operation WHERE operation.at = change_log.at)"
        )
    )
    audit.seal(conn)


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("evidence_max_mb")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("op_id")
