"""``secretary links create | list | revoke`` from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from typer.testing import CliRunner, Result

from scheduler.cli import app
from scheduler.clock import FixedClock, SystemClock
from scheduler.store import Store
from tests.web.conftest import pick

Run = Callable[..., Result]


@pytest.fixture
def run(demo: Store, demo_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setattr(SystemClock, "now", lambda self: clock.now())
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        env = {"SECRETARY_DATABASE_URL": demo_url, "SECRETARY_BASE_URL": "https://firm.example"}
        return runner.invoke(app, list(args), env=env)

    return invoke


def test_create_list_and_revoke(run: Run, demo: Store) -> None:
    chosen = pick(demo, spanish=False)
    created = run(
        "links", "create", "--client", chosen.client.id, "--matter", chosen.matter.id,
        "--duration", "60", "--attorney", chosen.attorney, "--deadline", "2026-12-11", "--json",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    data = json.loads(created.stdout)
    assert {"url", "token", "expires"} <= set(data)
    assert data["url"] == f"https://firm.example/book/{data['token']}"
    assert data["expires"] == "2026-12-12T05:00:00+00:00"  # the end of 11 December in New York

    plain = run(
        "links", "create", "--client", chosen.client.id, "--matter", chosen.matter.id,
        "--duration", "30", "--room", "--title", "Signing",
    )  # fmt: skip
    assert plain.exit_code == 0 and "https://firm.example/book/" in plain.stdout
    assert "shown only this once" in plain.stdout

    listed = json.loads(run("links", "list", "--json").stdout)
    assert len(listed) == 2 and data["token"] not in json.dumps(listed)
    first = next(item for item in listed if item["id"] == data["id"])
    assert (first["status"], first["deadline"], first["attorneys"]) == (
        "open",
        "2026-12-11",
        [chosen.attorney],
    )
    second = next(item for item in listed if item["id"] != data["id"])
    assert (second["needs_room"], second["title"]) == (True, "Signing")
    table = run("links", "list", "--client", chosen.client.id)
    assert table.exit_code == 0 and data["id"] in table.stdout

    revoked = run("links", "revoke", data["id"])
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    after = {item["id"]: item for item in json.loads(run("links", "list", "--json").stdout)}
    assert after[data["id"]]["status"] == "revoked"
    assert run("links", "revoke", "lnk-nothere").exit_code == 1


def test_bad_input_exits_2_with_the_field(run: Run, demo: Store) -> None:
    chosen = pick(demo, spanish=False)
    base = ["links", "create", "--client", chosen.client.id, "--matter", chosen.matter.id]
    short = run(*base, "--duration", "2")
    assert short.exit_code == 2 and "duration_minutes" in short.output
    bad_day = run(*base, "--duration", "30", "--deadline", "next week")
    assert bad_day.exit_code == 2 and "--deadline" in bad_day.output
    too_long = run(*base, "--duration", "30", "--expires-in", "400")
    assert too_long.exit_code == 2 and "1 to 90 days" in too_long.output
    assert run("links", "create", "--client", "cli-nobody", "--matter", "mat-001",
               "--duration", "30").exit_code == 1  # fmt: skip
