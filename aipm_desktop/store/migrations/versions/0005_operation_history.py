"""operation history: every write recorded as an undoable operation with before-images

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('do', 'undo', 'redo')", name="ck_operation_kind"),
        sa.CheckConstraint(
            "state IN ('active', 'undone', 'redone', 'closed')", name="ck_operation_state"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_operation_state", "operation", ["state"], unique=False)
    op.create_table(
        "operation_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("op_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("tbl", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("pk", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("head", sa.Boolean(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["op_id"], ["operation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_operation_row_op_id", "operation_row", ["op_id"], unique=False)
    op.create_index("ix_operation_row_tbl_pk", "operation_row", ["tbl", "pk"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_operation_row_tbl_pk", table_name="operation_row")
    op.drop_index("ix_operation_row_op_id", table_name="operation_row")
    op.drop_table("operation_row")
    op.drop_index("ix_operation_state", table_name="operation")
    op.drop_table("operation")
