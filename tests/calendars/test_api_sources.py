"""Calendar sources over the API: ``.ics`` uploads replaced atomically, URL and CalDAV sources."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.demo import DemoFirm
from scheduler.domain import Role
from scheduler.services.access import operator
from scheduler.services.keys import create_api_key
from scheduler.settings import Settings
from scheduler.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "ics"
MARCH = FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def api(demo_store: Store, database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url), store=demo_store, clock=MARCH)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def key(store: Store, role: Role, **who: str) -> dict[str, str]:
    with store.unit_of_work() as uow:
        issued = create_api_key(uow, operator(), MARCH.now(), role=role, **who)
    return {"Authorization": f"Bearer {issued.key}"}


def busy_of(store: Store, attorney_id: str) -> list[tuple[datetime, datetime, str]]:
    with store.unit_of_work(readonly=True) as uow:
        return [
            (b.starts_at, b.ends_at, b.source_id)
            for b in uow.busy.list_between(
                datetime(2026, 2, 1, tzinfo=UTC),
                datetime(2026, 5, 1, tzinfo=UTC),
                attorney_ids=[attorney_id],
            )
        ]


def test_upload_replaces_the_previous_upload_at_once(
    api: TestClient, demo_store: Store, demo: DemoFirm
) -> None:
    attorney = demo.attorneys[0]
    own = key(demo_store, Role.ATTORNEY, attorney_id=attorney.id)
    first = api.put(
        f"/v1/attorneys/{attorney.id}/busy.ics",
        content=(DATA / "outlook_windows_zones.ics").read_bytes(),
        headers={**own, "Content-Type": "text/calendar"},
    )
    assert first.status_code == 200, first.text
    assert first.json()["busy_blocks"] == 5
    source = first.json()["source_id"]
    assert len(busy_of(demo_store, attorney.id)) == 5
    second = api.put(
        f"/v1/attorneys/{attorney.id}/busy.ics",
        content=(DATA / "cancelled_transparent_overlaps.ics").read_bytes(),
        headers={**own, "Content-Type": "text/calendar; charset=utf-8"},
    )
    assert second.status_code == 200 and second.json()["source_id"] == source
    assert [b[:2] for b in busy_of(demo_store, attorney.id)] == [
        (datetime(2026, 2, 28, 23, tzinfo=UTC), datetime(2026, 3, 1, 2, tzinfo=UTC)),
        (datetime(2026, 3, 5, 14, tzinfo=UTC), datetime(2026, 3, 5, 16, 30, tzinfo=UTC)),
    ]
    # A refused upload changes nothing: the previous busy time stays as it was.
    broken = api.put(
        f"/v1/attorneys/{attorney.id}/busy.ics",
        content=(DATA / "broken_series.ics").read_bytes(),
        headers={**own, "Content-Type": "text/calendar"},
    )
    assert broken.status_code == 422
    assert broken.json()["field"] == "ics" and "custom-tz@example.com" in broken.json()["detail"]
    assert len(busy_of(demo_store, attorney.id)) == 2
    tolerant = api.put(
        f"/v1/attorneys/{attorney.id}/busy.ics?tolerant=true",
        content=(DATA / "broken_series.ics").read_bytes(),
        headers={**own, "Content-Type": "text/calendar"},
    )
    assert tolerant.status_code == 200
    assert {s["uid"] for s in tolerant.json()["skipped"]} >= {"custom-tz@example.com"}
    other = demo.attorneys[1]
    refused = api.put(
        f"/v1/attorneys/{other.id}/busy.ics",
        content=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        headers={**own, "Content-Type": "text/calendar"},
    )
    assert refused.status_code == 403
    wrong_type = api.put(
        f"/v1/attorneys/{attorney.id}/busy.ics",
        content=b"{}",
        headers={**own, "Content-Type": "application/json"},
    )
    assert wrong_type.status_code == 422 and wrong_type.json()["field"] == "content-type"
    not_ics = api.put(
        f"/v1/attorneys/{attorney.id}/busy.ics",
        content=b"hello",
        headers={**own, "Content-Type": "text/calendar"},
    )
    assert not_ics.status_code == 422 and not_ics.json()["field"] == "ics"


def test_network_sources_are_listed_without_their_secret_address(
    api: TestClient, demo_store: Store, demo: DemoFirm
) -> None:
    staff = key(demo_store, Role.SECRETARY)
    attorney = demo.attorneys[0]
    made = api.post(
        "/v1/calendar-sources",
        json={
            "attorney_id": attorney.id,
            "kind": "url",
            "url": "webcal://calendar.google.example/calendar/ical/secret-4f9a/basic.ics",
        },
        headers=staff,
    )
    assert made.status_code == 201, made.text
    assert made.json()["address"] == "https://calendar.google.example/…"
    caldav = api.post(
        "/v1/calendar-sources",
        json={
            "attorney_id": attorney.id,
            "kind": "caldav",
            "url": "https://dav.example/okafor/work/",
            "username": "okafor",
            "password_env": "CALDAV_PW_OKAFOR",
        },
        headers=staff,
    )
    assert caldav.status_code == 201
    listed = api.get("/v1/calendar-sources", headers=staff)
    assert listed.json()["count"] == 2 + sum(1 for _ in demo.attorneys)  # the demo's own
    assert "secret-4f9a" not in listed.text
    mine = api.get(
        "/v1/calendar-sources", headers=key(demo_store, Role.ATTORNEY, attorney_id=attorney.id)
    )
    assert {s["attorney_id"] for s in mine.json()["data"]} == {attorney.id}
    bad = api.post(
        "/v1/calendar-sources",
        json={"attorney_id": attorney.id, "kind": "caldav", "url": "http://dav.example/x/"},
        headers=staff,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "url"
    gone = api.delete(f"/v1/calendar-sources/{made.json()['id']}", headers=staff)
    assert gone.status_code == 204
    assert api.delete(f"/v1/calendar-sources/{made.json()['id']}", headers=staff).status_code == 404
