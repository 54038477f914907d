"""The README documents every command, and its two quick-start commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from scheduler.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def all_commands() -> list[str]:
    group = typer.main.get_group(app)
    names: list[str] = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            names.extend(f"{name} {sub}" for sub in subcommands)
        else:
            names.append(name)
    return sorted(names)


def test_every_command_is_in_the_readme() -> None:
    missing = [c for c in all_commands() if f"secretary {c}" not in README]
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    test_command = next(c for c in commands if "pytest" in c and "[test]" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
