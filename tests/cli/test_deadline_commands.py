"""The deadline commands: answers, JSON shape, exit codes, and the docket of a demo matter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run
from tests.scheduler.test_deadline_cases import CASES


def test_deadline_answers_with_steps(run: Run) -> None:
    result = run("deadline", "--jurisdiction", "US-FED", "--trigger", "2026-03-02", "--days", "21")
    assert result.exit_code == 0, result.output
    assert "Monday 23 March 2026" in result.output
    assert "Count 21 days after Monday 2 March 2026" in result.output


def test_deadline_json_has_due_steps_and_citations(run: Run) -> None:
    result = run(
        "deadline",
        "--jurisdiction",
        "US-CA",
        "--trigger",
        "2026-04-17",
        "--days",
        "16",
        "--court-days",
        "--before",
        "--service",
        "mail",
        "--json",
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["due"] == "2026-03-20"
    assert isinstance(body["steps"], list) and body["steps"]
    assert "Code Civ. Proc. 1005(b)" in body["citations"]


def test_a_period_in_hours(run: Run) -> None:
    args = ["deadline", "-j", "US-FED", "--trigger", "2026-03-06T17:00", "--hours", "48"]
    answer = run(*args, "--tz", "America/New_York", "--json")
    assert answer.exit_code == 0, answer.output
    body = json.loads(answer.stdout)
    assert body["trigger"] == "2026-03-06T17:00:00-05:00" and body["hours"] == 48
    assert body["due"] == "2026-03-09T18:00:00-04:00"
    readable = run(*args, "--tz", "America/New_York")
    assert "Monday 9 March 2026 at 18:00 EDT" in readable.output
    for extra, flag in (
        (["--days", "3"], "--days"),
        (["--before"], "--hours"),
        (["--tz", "Eastern"], "--tz"),
    ):
        refused = run(*args, *extra)
        assert refused.exit_code == 2 and flag in refused.output, (extra, refused.output)
    date_only = run("deadline", "-j", "US-FED", "--trigger", "2026-03-06", "--hours", "24")
    assert date_only.exit_code == 2 and "--trigger" in date_only.output


def test_the_command_answers_every_hand_worked_case(run: Run) -> None:
    """The single-period command, as a user runs it, over the whole table of hand-worked cases
    (tests/scheduler/test_deadline_cases.py)."""
    wrong = []
    for jurisdiction, trigger, days, court_days, before, service, expected, why in CASES:
        args = ["deadline", "--jurisdiction", jurisdiction.value, "--trigger", trigger]
        args += ["--days", str(days), "--service", service.value, "--json"]
        args += ["--court-days"] * court_days + ["--before"] * before
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        body = json.loads(result.stdout)
        if body["due"] != expected or not body["steps"] or not body["citations"]:
            wrong.append((args, body["due"], expected, why))
    assert wrong == []


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--jurisdiction", "US-XX", "--trigger", "2026-03-02", "--days", "21"], "--jurisdiction"),
        (["--jurisdiction", "US-FED", "--trigger", "03/02/2026", "--days", "21"], "--trigger"),
        (["--jurisdiction", "US-FED", "--trigger", "2026-03-02", "--days", "-1"], "--days"),
        (["--jurisdiction", "US-FED", "--trigger", "2026-03-02", "--days", "99999"], "--days"),
        (["--jurisdiction", "US-FED", "--trigger", "2019-03-02", "--days", "21"], "--trigger"),
        (
            [
                "--jurisdiction",
                "US-FED",
                "--trigger",
                "2026-03-02",
                "--days",
                "2",
                "--service",
                "x",
            ],
            "--service",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_flag(
    run: Run, args: list[str], flag: str
) -> None:
    result = run("deadline", *args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and flag in lines[0]
    assert "Traceback" not in result.output


def test_deadlines_chain_and_bad_event(run: Run) -> None:
    result = run(
        "deadlines",
        "--jurisdiction",
        "US-CA",
        "--event",
        "hearing-set",
        "--date",
        "2026-04-17",
        "--json",
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [d["due"] for d in body["deadlines"]] == ["2026-03-25", "2026-04-06", "2026-04-10"]
    bad = run("deadlines", "--jurisdiction", "US-CA", "--event", "nope", "--date", "2026-04-17")
    assert bad.exit_code == 2 and "--event" in bad.output
    bad_date = run(
        "deadlines", "--jurisdiction", "US-NY", "--event", "pleading-served", "--date", "2026-13-01"
    )
    assert bad_date.exit_code == 2 and "--date" in bad_date.output


def test_rules_lists_events_and_rules(run: Run) -> None:
    result = run("rules", "--jurisdiction", "US-NY", "--json")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert sum(len(e["rules"]) for e in body) >= 5
    assert run("rules").exit_code == 0
    assert run("rules", "--jurisdiction", "XX").exit_code == 2


def test_docket_of_a_demo_matter(run: Run, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'firm.db'}"
    assert run("demo", "--start", "2026-12-07", "--json", db=db).exit_code == 0
    added = run(
        "docket",
        "add",
        "--matter",
        "mat-001",
        "--event",
        "trial-set",
        "--date",
        "2027-09-13",
        "--json",
        db=db,
    )
    assert added.exit_code == 0, added.output
    body = json.loads(added.stdout)
    trigger_id = body["trigger"]["id"]
    due = {d["rule"]: d["due"] for d in body["deadlines"]}
    # 90 and 30 days before Mon Sep 13 2027: Tue Jun 15 and Sat Aug 14 -> back to Fri Aug 13.
    assert due == {"FED-EXPERT-DISCLOSURE": "2027-06-15", "FED-PRETRIAL-DISCLOSURE": "2027-08-13"}
    assert all(d["ticklers"] for d in body["deadlines"])

    moved = run("docket", "move", trigger_id, "--date", "2027-09-20", "--json", db=db)
    assert moved.exit_code == 0, moved.output
    due = {d["rule"]: d["due"] for d in json.loads(moved.stdout)["deadlines"]}
    assert due == {"FED-EXPERT-DISCLOSURE": "2027-06-22", "FED-PRETRIAL-DISCLOSURE": "2027-08-20"}

    shown = run("docket", "show", "--matter", "mat-001", "--json", db=db)
    assert trigger_id in shown.stdout
    upcoming = run("docket", "upcoming", "--from", "2027-06-01", "--to", "2027-08-31", db=db)
    assert upcoming.exit_code == 0 and "mat-001" in upcoming.output

    assert run("docket", "remove", trigger_id, db=db).exit_code == 0
    assert trigger_id not in run("docket", "show", "--matter", "mat-001", "--json", db=db).stdout
    missing = run("docket", "remove", trigger_id, db=db)
    assert missing.exit_code == 1 and "was found" in missing.output
    no_matter = run(
        "docket",
        "add",
        "--matter",
        "mat-999",
        "--event",
        "trial-set",
        "--date",
        "2027-09-13",
        db=db,
    )
    assert no_matter.exit_code == 1
    bad_event = run(
        "docket",
        "add",
        "--matter",
        "mat-001",
        "--event",
        "hearing",
        "--date",
        "2027-09-13",
        db=db,
    )
    assert bad_event.exit_code == 2 and "--event" in bad_event.output


def test_court_closures_commands(run: Run, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'firm.db'}"
    assert run("demo", "--start", "2026-12-07", "--json", db=db).exit_code == 0
    added = run(
        "docket",
        "add",
        "--matter",
        "mat-001",
        "--event",
        "trial-set",
        "--date",
        "2027-09-13",
        "--json",
        db=db,
    )
    assert added.exit_code == 0
    # FED-EXPERT-DISCLOSURE (90 days before trial) falls on Tue Jun 15 2027; a closure that day
    # moves this backward period to the court day before, Mon Jun 14 (the earlier date).
    closed = run(
        "closures", "add", "-j", "US-FED", "--date", "2027-06-15", "--reason", "flood", db=db
    )
    assert closed.exit_code == 0, closed.output
    assert "1 docketed deadline moved" in " ".join(closed.output.split())
    listed = json.loads(run("closures", "list", "--json", db=db).stdout)
    assert listed["data"] == [{"jurisdiction": "US-FED", "date": "2027-06-15", "reason": "flood"}]
    shown = json.loads(run("docket", "show", "--matter", "mat-001", "--json", db=db).stdout)
    assert "2027-06-14" in {d["due"] for d in shown["deadlines"]}
    again = run("closures", "add", "-j", "US-FED", "--date", "2027-06-15", "--reason", "x", db=db)
    assert again.exit_code == 1
    no_reason = run(
        "closures", "add", "-j", "US-FED", "--date", "2027-06-17", "--reason", "", db=db
    )
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    removed = run("closures", "remove", "-j", "US-FED", "--date", "2027-06-15", db=db)
    assert removed.exit_code == 0
    assert "1 docketed deadline moved" in " ".join(removed.output.split())
