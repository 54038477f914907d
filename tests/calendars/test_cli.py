"""``secretary feeds``, ``export-ics``, ``import-ics`` and ``calendars`` from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner, Result

from scheduler.cli import app
from scheduler.clock import FixedClock, SystemClock
from scheduler.demo import DemoFirm
from scheduler.services.access import operator
from scheduler.services.firm import seed_demo_firm
from scheduler.store import Store
from tests.calendars.servers import ics_host
from tests.calendars.validator import problems

DATA = Path(__file__).resolve().parents[1] / "data" / "ics"
MARCH = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
Run = Callable[..., Result]


@pytest.fixture
def run(
    store: Store,
    database_url: str,
    demo: DemoFirm,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    with store.unit_of_work() as uow:
        seed_demo_firm(uow, operator(), clock.now(), demo)
    monkeypatch.chdir(tmp_path)
    # The commands read the system clock; the calendars in tests/data/ics are of March 2026.
    monkeypatch.setattr(SystemClock, "now", lambda self: MARCH)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(
            app,
            list(args),
            env={
                "SECRETARY_DATABASE_URL": database_url,
                "SECRETARY_BASE_URL": "https://cal.firm.example",
                **(env or {}),
            },
        )

    return invoke


def test_feeds_issue_list_rotate_revoke(run: Run, demo: DemoFirm) -> None:
    issued = run("feeds", "issue", "--attorney", demo.attorneys[0].id, "--json")
    assert issued.exit_code == 0, issued.output
    data = json.loads(issued.stdout)
    assert set(data) == {"url", "token", "kind"}
    assert data["kind"] == "attorney"
    assert data["url"] == f"https://cal.firm.example/v1/feeds/{data['token']}.ics"
    plain = run("feeds", "issue", "--firm-busy")
    assert plain.exit_code == 0 and "https://cal.firm.example/v1/feeds/" in plain.stdout
    both = run("feeds", "issue", "--attorney", "a", "--client", "b")
    assert both.exit_code == 2 and "exactly one" in both.output
    listed = json.loads(run("feeds", "list", "--json").stdout)
    assert len(listed) == 2 and data["token"] not in json.dumps(listed)
    feed_id = next(f["id"] for f in listed if f["kind"] == "attorney")
    rotated = run("feeds", "rotate", feed_id, "--json")
    assert rotated.exit_code == 0 and json.loads(rotated.stdout)["token"] != data["token"]
    revoked = run("feeds", "revoke", feed_id)
    assert revoked.exit_code == 0
    after = {f["id"]: f for f in json.loads(run("feeds", "list", "--json").stdout)}
    assert after[feed_id]["revoked"] is not None
    assert run("feeds", "revoke", "feed-nothere").exit_code == 1


def test_export_ics_writes_the_message_as_sent(run: Run, demo: DemoFirm, tmp_path: Path) -> None:
    appointment = next(a for a in demo.appointments if len(a.attorney_ids) > 0)
    out = tmp_path / "invite.ics"
    done = run("export-ics", "--appointment", appointment.id, "-o", str(out))
    assert done.exit_code == 0, done.output
    data = out.read_bytes()
    assert problems(data, itip=True) == []
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["UID"]) == appointment.uid and event["SEQUENCE"] == appointment.sequence
    cancel = tmp_path / "cancel.ics"
    done = run(
        "export-ics",
        "--appointment",
        appointment.id,
        "--method",
        "cancel",
        "--recipient",
        f"attorney:{appointment.attorney_ids[0]}",
        "-o",
        str(cancel),
    )
    assert done.exit_code == 0, done.output
    cancelled = cancel.read_bytes()
    assert b"\r\nMETHOD:CANCEL\r\n" in cancelled
    event = icalendar.Calendar.from_ical(cancelled).walk("VEVENT")[0]
    assert event["SEQUENCE"] == appointment.sequence + 1
    assert str(event["STATUS"]) == "CANCELLED"
    bad = run("export-ics", "--appointment", appointment.id, "--method", "publish", "-o", "x.ics")
    assert bad.exit_code == 2 and "method" in bad.output
    missing = run("export-ics", "--appointment", "apt-9999", "-o", "x.ics")
    assert missing.exit_code == 1 and "apt-9999" in missing.output


def test_import_ics_file_replaces_on_reimport(run: Run, demo: DemoFirm) -> None:
    attorney = demo.attorneys[0].id
    path = str(DATA / "outlook_windows_zones.ics")
    first = run("import-ics", "--attorney", attorney, path, "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["busy_blocks"] == 5
    again = json.loads(run("import-ics", "--attorney", attorney, path, "--json").stdout)
    assert again["source_id"] == summary["source_id"]
    assert again["busy_blocks"] == summary["busy_blocks"]
    sources = json.loads(run("calendars", "list", "--json").stdout)
    mine = [s for s in sources if s["id"] == summary["source_id"]]
    assert len(mine) == 1 and mine[0]["busy_blocks"] == summary["busy_blocks"]


def test_import_ics_strict_and_tolerant(run: Run, demo: DemoFirm) -> None:
    attorney = demo.attorneys[0].id
    path = str(DATA / "broken_series.ics")
    strict = run("import-ics", "--attorney", attorney, path)
    assert strict.exit_code == 2
    assert "broken-rrule@example.com" in strict.output and "Weekly sync" in strict.output
    assert "oncology" not in strict.output
    tolerant = run("import-ics", "--attorney", attorney, path, "--tolerant")
    assert tolerant.exit_code == 0, tolerant.output
    assert "skipped: 'Client visit' (UID custom-tz@example.com)" in tolerant.stdout
    assert "oncology" not in tolerant.stdout
    assert run("import-ics", "--attorney", attorney, "nothere.ics").exit_code == 2
    assert run("import-ics", "--attorney", "att-nobody", path).exit_code == 1


def test_subscription_url_is_polled_conditionally_and_kept_secret(run: Run, demo: DemoFirm) -> None:
    secret = "/private-7f3c9a1b2d4e/basic.ics"
    body = (DATA / "google_export_xwr.ics").read_bytes()
    with ics_host(secret, body) as host:
        first = run("import-ics", "--attorney", demo.attorneys[0].id, host.url, "--json")
        assert first.exit_code == 0, first.output
        summary = json.loads(first.stdout)
        assert summary["busy_blocks"] > 0 and not summary["unchanged"]
        source = summary["source_id"]
        again = run("calendars", "sync", "--source", source)
        assert again.exit_code == 0, again.output
        assert "unchanged" in again.stdout
        assert host.requests[-1].get("If-None-Match") == host.etag
        due = run("calendars", "sync", "--once")
        assert due.exit_code == 0 and "No calendar is due" in due.stdout
        listed = run("calendars", "list", "--json")
        (row,) = [s for s in json.loads(listed.stdout) if s["id"] == source]
        assert row["address"] == f"http://127.0.0.1:{host.url.split(':')[2].split('/')[0]}/…"
        for result in (first, again, due, listed):
            assert "private-7f3c9a1b2d4e" not in result.output
        host.body = body.replace(b"SUMMARY:Dentist", b"SUMMARY:Dentist (moved)").replace(
            b"DTSTART:20260303T150000Z", b"DTSTART:20260303T140000Z"
        )
        changed = run("calendars", "sync", "--source", source, "--json")
        assert changed.exit_code == 0, changed.output
        assert json.loads(changed.stdout)["unchanged"] is False
    gone = run("calendars", "sync", "--source", source)
    assert gone.exit_code == 1 and "cannot be reached" in gone.output
    assert "private-7f3c9a1b2d4e" not in gone.output
    assert run("calendars", "remove", source).exit_code == 0
    assert source not in run("calendars", "list", "--json").stdout


def test_urls_with_logins_and_other_schemes_are_refused(run: Run, demo: DemoFirm) -> None:
    attorney = demo.attorneys[0].id
    login = run("calendars", "add", "--attorney", attorney, "--url", "https://u:pw@h.example/c.ics")
    assert login.exit_code == 2 and "pw" not in login.output.replace("password", "")
    ftp = run("calendars", "add", "--attorney", attorney, "--caldav", "ftp://h.example/")
    assert ftp.exit_code == 2
    plain = run("calendars", "add", "--attorney", attorney, "--caldav", "http://dav.example/cal/")
    assert plain.exit_code == 2 and "https" in plain.output
