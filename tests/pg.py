"""A PostgreSQL database of a test run's own, created on the test server and dropped after.

The server is ``SECRETARY_TEST_POSTGRES_URL`` (default: the local server, database ``test``).
When it cannot be reached the tests that need it are skipped, except under ``CI=true``, where
that is a failure: CI must exercise both backends.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_PG = "postgresql+psycopg://root@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class TempDatabase:
    url: str
    name: str
    admin: Engine  # an AUTOCOMMIT engine on the server's own database (CREATE DATABASE ...)


@contextmanager
def temporary_database(prefix: str) -> Iterator[TempDatabase]:
    admin_url = os.environ.get("SECRETARY_TEST_POSTGRES_URL", DEFAULT_PG)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is down or refuses us
        admin.dispose()
        message = f"PostgreSQL at {make_url(admin_url).render_as_string()} is unreachable: {error}"
        if IN_CI:
            pytest.fail(f"CI requires PostgreSQL tests to run. {message}", pytrace=False)
        pytest.skip(message)
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield TempDatabase(url, name, admin)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
