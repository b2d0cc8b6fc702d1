"""roadmap lanes: the workspace's configurable roadmap swim lanes (default: the five lanes)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DEFAULT_LANES_JSON = (
    '["Data readiness", "Model iteration", "Product and UX", "Evaluation and safety",'
    ' "Launch and GTM"]'
)


def upgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "roadmap_lanes",
                sa.JSON(),
                server_default=DEFAULT_LANES_JSON,
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("roadmap_lanes")
