"""Room closures: times a room cannot be used (``reschedule-day --room ... --apply`` records one).

Revision ID: 0111
Revises: 0110
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0111"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_closures",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
            name=op.f("fk_room_closures_room_id_rooms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_closures")),
    )
    with op.batch_alter_table("room_closures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_room_closures_room_starts", ["room_id", "starts_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("room_closures")
