"""A new database gets its firm's settings from `secretary firm set` (and the API)."""

from __future__ import annotations

import json

from tests.cli.conftest import Run


def test_a_new_firm_is_set_up_from_the_command_line(run: Run, sqlite_url: str) -> None:
    missing = run("firm", "show", db=sqlite_url)
    assert missing.exit_code == 1 and "No firm settings" in missing.output
    partial = run("firm", "set", "--name", "Okafor Law", db=sqlite_url)
    assert partial.exit_code == 2 and "--timezone" in partial.output
    made = run(
        "firm",
        "set",
        "--name",
        "Okafor Law PLLC",
        "--timezone",
        "America/Chicago",
        "--address",
        "1 Wacker Drive, Chicago",
        "--email",
        "desk@okafor.example",
        "--json",
        db=sqlite_url,
    )
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["reminder_offsets_minutes"] == [1440, 120]
    changed = run("firm", "set", "--reminders", "2880,60", "--json", db=sqlite_url)
    assert json.loads(changed.stdout)["reminder_offsets_minutes"] == [2880, 60]
    assert run("firm", "set", "--timezone", "Mars/Olympus", db=sqlite_url).exit_code == 2
    assert run("firm", "set", "--reminders", "soon", db=sqlite_url).exit_code == 2
    shown = json.loads(run("firm", "show", "--json", db=sqlite_url).stdout)
    assert shown["name"] == "Okafor Law PLLC" and shown["timezone"] == "America/Chicago"
