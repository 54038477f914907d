from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from scheduler.cli import app

Run = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Run:  # type: ignore[no-untyped-def]
    """Invoke ``secretary`` with arguments; the database is given per call or by env."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, db: str | None = None) -> Result:
        env = {"SECRETARY_DATABASE_URL": db} if db else {}
        return runner.invoke(app, list(args), env=env)

    return invoke
