"""Versions of the rarely changing facts (for per-process caches) and rate-limit counters.

``cache_versions`` holds one row per kind of cached fact (the firm with its rooms and closed days,
attorneys, clients, matters with their attorneys, walls and adverse parties, API keys). Triggers
give a kind a new random version in the same transaction as any change to its tables, so a
process that reads the version first knows whether its copy is still the database's. Versions are
random rather than counted, so a table emptied and refilled never repeats an old version.

``rate_limits`` keeps one sliding-window counter per (kind, subject): an API key, a booking link.
It lives in the database so that every worker process, on every machine, counts the same hits.

Revision ID: 0110
Revises: 0109
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0110"
down_revision = "0109"
branch_labels = None
depends_on = None

# Which tables make up each cached kind.
CACHED = {
    "firm": ("firm", "rooms", "closed_days"),
    "attorneys": ("attorneys",),
    "clients": ("clients",),
    "matters": ("matters", "matter_attorneys", "matter_screens", "adverse_parties"),
    "api_keys": ("api_keys",),
}

PG_BUMP = """
CREATE OR REPLACE FUNCTION cache_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cache_versions (name, version)
    VALUES (TG_ARGV[0], 1 + floor(random() * 9000000000000000)::bigint)
    ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END
$$
"""

SQLITE_BUMP = """
CREATE TRIGGER cache_{table}_{op} AFTER {event} ON {table}
BEGIN
    INSERT OR REPLACE INTO cache_versions (name, version)
    VALUES ('{kind}', abs(random() % 9000000000000000) + 1);
END
"""


def upgrade() -> None:
    op.create_table(
        "cache_versions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_versions")),
    )
    op.create_table(
        "rate_limits",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("previous_hits", sa.Integer(), nullable=False),
        sa.Column("touched_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "subject", name=op.f("pk_rate_limits")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_BUMP)
        for kind, tables in CACHED.items():
            for table in tables:
                op.execute(
                    f"CREATE TRIGGER cache_{table}_change AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION cache_version_bump('{kind}')"
                )
                op.execute(
                    f"CREATE TRIGGER cache_{table}_truncate AFTER TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION cache_version_bump('{kind}')"
                )
        seed = "1 + floor(random() * 9000000000000000)::bigint"
    else:
        for kind, tables in CACHED.items():
            for table in tables:
                for trigger_op in ("insert", "update", "delete"):
                    op.execute(
                        SQLITE_BUMP.format(
                            table=table, op=trigger_op, event=trigger_op.upper(), kind=kind
                        )
                    )
        seed = "abs(random() % 9000000000000000) + 1"
    for kind in CACHED:
        op.execute(f"INSERT INTO cache_versions (name, version) VALUES ('{kind}', {seed})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for tables in CACHED.values():
        for table in tables:
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS cache_{table}_change ON {table}")
                op.execute(f"DROP TRIGGER IF EXISTS cache_{table}_truncate ON {table}")
            else:
                for trigger_op in ("insert", "update", "delete"):
                    op.execute(f"DROP TRIGGER IF EXISTS cache_{table}_{trigger_op}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cache_version_bump()")
    op.drop_table("rate_limits")
    op.drop_table("cache_versions")
