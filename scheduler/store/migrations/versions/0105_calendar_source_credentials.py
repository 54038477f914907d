"""Calendar sources: the CalDAV login name and the environment variable holding its password.

Revision ID: 0105
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0105"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("username", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("password_env", sa.String(length=100), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_sources", schema=None) as batch_op:
        batch_op.drop_column("password_env")
        batch_op.drop_column("username")
