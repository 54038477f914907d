"""Initial schema, with the database's own refusal of double booking.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attorneys",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("working_hours", sa.JSON(), nullable=False),
        sa.Column("practice_areas", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("office", sa.String(length=100), nullable=False),
        sa.Column("max_meetings_per_day", sa.Integer(), nullable=True),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attorneys")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "clients",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("reminder_offsets_minutes", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_tokens_token_hash")),
    )
    op.create_table(
        "firm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=400), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=False),
        sa.Column("reminder_offsets_minutes", sa.JSON(), nullable=False),
        sa.Column("tickler_court_days", sa.JSON(), nullable=False),
        sa.Column("min_notice_business_hours", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dedupe_key", sa.String(length=300), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "rooms",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("attorney_id", sa.String(length=64), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attorney_id"], ["attorneys.id"], name=op.f("fk_api_keys_attorney_id_attorneys")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_api_keys_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "calendar_sources",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("attorney_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("poll_minutes", sa.Integer(), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attorney_id"],
            ["attorneys.id"],
            name=op.f("fk_calendar_sources_attorney_id_attorneys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_sources")),
    )
    op.create_table(
        "holds",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("attorney_ids", sa.JSON(), nullable=False),
        sa.Column("room_id", sa.String(length=64), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_holds_client_id_clients")
        ),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_holds_room_id_rooms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holds")),
    )
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.create_index("ix_holds_expires", ["expires_at"], unique=False)

    op.create_table(
        "matters",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("jurisdiction", sa.String(length=16), nullable=False),
        sa.Column("practice_area", sa.String(length=100), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_matters_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matters")),
    )
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matters_client_id"), ["client_id"], unique=False)

    op.create_table(
        "time_off",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("attorney_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attorney_id"],
            ["attorneys.id"],
            name=op.f("fk_time_off_attorney_id_attorneys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_off")),
    )
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.create_index(
            "ix_time_off_attorney_starts", ["attorney_id", "starts_at"], unique=False
        )

    op.create_table(
        "adverse_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_adverse_parties_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matters.id"],
            name=op.f("fk_adverse_parties_matter_id_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_parties")),
    )
    with op.batch_alter_table("adverse_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adverse_parties_matter_id"), ["matter_id"], unique=False
        )

    op.create_table(
        "appointments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("room_id", sa.String(length=64), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("video_url", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_appointments_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_appointments_matter_id_matters")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_appointments_room_id_rooms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint(
            "id", "starts_at", "ends_at", "status", name="uq_appointments_time_key"
        ),
        sa.UniqueConstraint("uid", name=op.f("uq_appointments_uid")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointments_matter_id"), ["matter_id"], unique=False)
        batch_op.create_index("ix_appointments_room_starts", ["room_id", "starts_at"], unique=False)
        batch_op.create_index("ix_appointments_starts", ["starts_at"], unique=False)

    op.create_table(
        "busy_blocks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("attorney_id", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attorney_id"],
            ["attorneys.id"],
            name=op.f("fk_busy_blocks_attorney_id_attorneys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["calendar_sources.id"],
            name=op.f("fk_busy_blocks_source_id_calendar_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_busy_blocks")),
    )
    with op.batch_alter_table("busy_blocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_busy_blocks_attorney_starts", ["attorney_id", "starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_busy_blocks_source_id"), ["source_id"], unique=False)

    op.create_table(
        "matter_attorneys",
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("attorney_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attorney_id"],
            ["attorneys.id"],
            name=op.f("fk_matter_attorneys_attorney_id_attorneys"),
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matters.id"],
            name=op.f("fk_matter_attorneys_matter_id_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("matter_id", "attorney_id", name=op.f("pk_matter_attorneys")),
    )
    op.create_table(
        "matter_screens",
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("attorney_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["attorney_id"], ["attorneys.id"], name=op.f("fk_matter_screens_attorney_id_attorneys")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matters.id"],
            name=op.f("fk_matter_screens_matter_id_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("matter_id", "attorney_id", name=op.f("pk_matter_screens")),
    )
    op.create_table(
        "trigger_events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matters.id"],
            name=op.f("fk_trigger_events_matter_id_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trigger_events")),
    )
    with op.batch_alter_table("trigger_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trigger_events_matter_id"), ["matter_id"], unique=False
        )

    op.create_table(
        "appointment_attorneys",
        sa.Column("appointment_id", sa.String(length=64), nullable=False),
        sa.Column("attorney_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id", "starts_at", "ends_at", "status"],
            [
                "appointments.id",
                "appointments.starts_at",
                "appointments.ends_at",
                "appointments.status",
            ],
            name="fk_appointment_attorneys_appointment_time",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attorney_id"],
            ["attorneys.id"],
            name=op.f("fk_appointment_attorneys_attorney_id_attorneys"),
        ),
        sa.PrimaryKeyConstraint(
            "appointment_id", "attorney_id", name=op.f("pk_appointment_attorneys")
        ),
    )
    with op.batch_alter_table("appointment_attorneys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointment_attorneys_attorney_starts", ["attorney_id", "starts_at"], unique=False
        )

    op.create_table(
        "deadlines",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("trigger_id", sa.String(length=64), nullable=True),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=16), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matters.id"],
            name=op.f("fk_deadlines_matter_id_matters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trigger_id"],
            ["trigger_events.id"],
            name=op.f("fk_deadlines_trigger_id_trigger_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
    )
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_deadlines_due", ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_deadlines_matter_id"), ["matter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deadlines_trigger_id"), ["trigger_id"], unique=False)

    create_overlap_guards()


# The database refuses two overlapping active appointments for one attorney or one room.
# PostgreSQL: exclusion constraints over half-open time ranges (btree_gist gives "=" on text).
# SQLite: triggers that abort the write; write transactions are serialized (BEGIN IMMEDIATE).
ACTIVE = "status <> 'cancelled'"
SQLITE_GUARD = """
CREATE TRIGGER {name}_{op} BEFORE {event} ON {table}
WHEN NEW.status <> 'cancelled' AND NEW.{key} IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'appointment_overlap: {what}')
    WHERE EXISTS (
        SELECT 1 FROM {table} other
        WHERE other.{key} = NEW.{key}
          AND other.status <> 'cancelled'
          AND other.{self_key} <> NEW.{self_key}
          AND other.starts_at < NEW.ends_at
          AND NEW.starts_at < other.ends_at
    );
END
"""
GUARDS = (
    # (name, table, resource column, the row's own appointment column, what is double-booked)
    (
        "appointment_attorneys_no_overlap",
        "appointment_attorneys",
        "attorney_id",
        "appointment_id",
        "attorney",
    ),
    ("appointments_room_no_overlap", "appointments", "room_id", "id", "room"),
)


def create_overlap_guards() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for name, table, key, _self_key, _what in GUARDS:
            op.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT ex_{name} EXCLUDE USING gist "
                f"({key} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
                f"WHERE ({ACTIVE} AND {key} IS NOT NULL)"
            )
    elif bind.dialect.name == "sqlite":
        for name, table, key, self_key, what in GUARDS:
            for trigger_op, event in (("insert", "INSERT"), ("update", "UPDATE")):
                op.execute(
                    SQLITE_GUARD.format(
                        name=name,
                        op=trigger_op,
                        event=event,
                        table=table,
                        key=key,
                        self_key=self_key,
                        what=what,
                    )
                )
    else:  # pragma: no cover - make_engine refuses other backends
        raise RuntimeError(f"no overlap guard for {bind.dialect.name}")


def drop_overlap_guards() -> None:
    bind = op.get_bind()
    for name, table, _key, _self_key, _what in GUARDS:
        if bind.dialect.name == "postgresql":
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS ex_{name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_insert")
            op.execute(f"DROP TRIGGER IF EXISTS {name}_update")


def downgrade() -> None:
    drop_overlap_guards()
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadlines_trigger_id"))
        batch_op.drop_index(batch_op.f("ix_deadlines_matter_id"))
        batch_op.drop_index("ix_deadlines_due")

    op.drop_table("deadlines")
    with op.batch_alter_table("appointment_attorneys", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_attorneys_attorney_starts")

    op.drop_table("appointment_attorneys")
    with op.batch_alter_table("trigger_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trigger_events_matter_id"))

    op.drop_table("trigger_events")
    op.drop_table("matter_screens")
    op.drop_table("matter_attorneys")
    with op.batch_alter_table("busy_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_busy_blocks_source_id"))
        batch_op.drop_index("ix_busy_blocks_attorney_starts")

    op.drop_table("busy_blocks")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_starts")
        batch_op.drop_index("ix_appointments_room_starts")
        batch_op.drop_index(batch_op.f("ix_appointments_matter_id"))
        batch_op.drop_index(batch_op.f("ix_appointments_client_id"))

    op.drop_table("appointments")
    with op.batch_alter_table("adverse_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adverse_parties_matter_id"))

    op.drop_table("adverse_parties")
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.drop_index("ix_time_off_attorney_starts")

    op.drop_table("time_off")
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matters_client_id"))

    op.drop_table("matters")
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_index("ix_holds_expires")

    op.drop_table("holds")
    op.drop_table("calendar_sources")
    op.drop_table("api_keys")
    op.drop_table("rooms")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_subject_id"))
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox")
    op.drop_table("idempotency_keys")
    op.drop_table("firm")
    op.drop_table("feed_tokens")
    op.drop_table("clients")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    op.drop_table("attorneys")
