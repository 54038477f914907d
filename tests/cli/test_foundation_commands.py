"""The command line: help, the demo firm, API keys, and the exit-status contract."""

from __future__ import annotations

import json

from scheduler.store import Store, make_engine
from tests.cli.conftest import Run


def test_help_lists_the_commands(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("demo", "serve", "keys", "db"):
        assert command in result.output


def test_every_command_has_help_with_an_example(run: Run) -> None:
    import typer.main

    from scheduler.cli import app

    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        for leaf_name, leaf in (subcommands or {name: command}).items():
            assert leaf.help and "Example:" in leaf.help, f"{name} {leaf_name} has no example"


def test_demo_creates_the_firm_and_refuses_to_overwrite(run: Run, database_url: str) -> None:
    result = run("demo", "--start", "2026-12-07", "--json", db=database_url)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["attorneys"] == 12 and summary["appointments"] >= 140
    assert summary["secretary_key"].startswith("lsk_")
    store = Store(make_engine(database_url))
    with store.unit_of_work(readonly=True) as uow:
        assert len(uow.attorneys.list()) == 12
        assert len(uow.matters.list()) == 60
    store.dispose()

    again = run("demo", "--start", "2026-12-07", db=database_url)
    assert again.exit_code == 1
    assert "already holds a firm" in again.output
    assert "Traceback" not in again.output
    assert run("demo", "--if-empty", db=database_url).exit_code == 0


def test_demo_defaults_to_the_sqlite_file_in_the_working_directory(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run("demo", "--start", "2026-12-07")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "secretary.db").exists()


def test_bad_input_exits_2_with_a_one_line_message(run: Run, sqlite_url: str) -> None:
    result = run("demo", "--start", "7 Dec", db=sqlite_url)
    assert result.exit_code == 2
    assert "--start" in result.output and "YYYY-MM-DD" in result.output
    result = run("keys", "create", "--role", "janitor", db=sqlite_url)
    assert result.exit_code == 2 and "--role" in result.output
    result = run("keys", "create", "--role", "client", db=sqlite_url)
    assert result.exit_code == 2 and "--client" in result.output


def test_keys_create_and_revoke(run: Run, sqlite_url: str) -> None:
    assert run("demo", "--start", "2026-12-07", db=sqlite_url).exit_code == 0
    created = run(
        "keys", "create", "--role", "client", "--client", "cli-004", "--json", db=sqlite_url
    )
    assert created.exit_code == 0, created.output
    key = json.loads(created.stdout)
    assert set(key) == {"id", "key", "role"} and key["role"] == "client"
    listed = run("keys", "list", "--json", db=sqlite_url)
    assert key["key"] not in listed.stdout
    assert key["id"] in listed.stdout
    assert run("keys", "revoke", key["id"], db=sqlite_url).exit_code == 0
    assert run("keys", "revoke", "key-nope", db=sqlite_url).exit_code == 1


def test_unknown_database_backend_is_bad_input(run: Run) -> None:
    result = run("db", "upgrade", "--db", "mysql://localhost/x")
    assert result.exit_code == 2
    assert "database_url" in result.output
