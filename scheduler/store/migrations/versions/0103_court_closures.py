"""Court closures: days a court was closed, added by the firm (FRCP 6(a)(3), CCP 12b).

Revision ID: 0103
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0103"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "court_closures",
        sa.Column("jurisdiction", sa.String(length=16), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jurisdiction", "closed_on", name=op.f("pk_court_closures")),
    )


def downgrade() -> None:
    op.drop_table("court_closures")
