"""``GET /v1/feeds/{token}.ics`` and the routes that issue, list, rotate and revoke feed tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import icalendar
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.demo import DemoFirm
from scheduler.domain import Role
from scheduler.services.access import operator
from scheduler.services.calendars import FeedCache
from scheduler.services.keys import create_api_key
from scheduler.settings import Settings
from scheduler.store import Store

BASE = "https://calendar.hargrove-vance.example"
Auth = Callable[..., dict[str, str]]


@pytest.fixture
def api(shared_store: Store, clock: FixedClock) -> Iterator[TestClient]:
    settings = Settings(
        database_url=shared_store.engine.url.render_as_string(hide_password=False), base_url=BASE
    )
    app = create_app(settings, store=shared_store, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def auth(shared_store: Store, clock: FixedClock) -> Auth:
    def issue(role: str, **who: str) -> dict[str, str]:
        with shared_store.unit_of_work() as uow:
            key = create_api_key(uow, operator(), clock.now(), role=Role(role), **who)
        return {"Authorization": f"Bearer {key.key}"}

    return issue


def new_feed(api: TestClient, auth: Auth, kind: str, subject: str | None) -> dict[str, str]:
    answer = api.post(
        "/v1/feeds", json={"kind": kind, "subject_id": subject}, headers=auth("secretary")
    )
    assert answer.status_code == 201, answer.text
    data: dict[str, str] = answer.json()
    return data


def path_of(url: str) -> str:
    return url.removeprefix(BASE)


def test_feed_is_served_as_text_calendar_with_validators(
    api: TestClient, auth: Auth, demo: DemoFirm
) -> None:
    feed = new_feed(api, auth, "attorney", demo.attorneys[0].id)
    assert feed["url"].startswith(f"{BASE}/v1/feeds/") and feed["url"].endswith(".ics")
    assert feed["webcal_url"].startswith("webcal://")
    answer = api.get(path_of(feed["url"]))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    etag = answer.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    parsedate_to_datetime(answer.headers["last-modified"])
    assert "private" in answer.headers["cache-control"]
    assert answer.headers["referrer-policy"] == "no-referrer"
    calendar = icalendar.Calendar.from_ical(answer.content)
    assert str(calendar["X-WR-CALNAME"]).startswith(demo.attorneys[0].name)
    assert calendar.walk("VEVENT")


def test_an_unchanged_feed_is_answered_304(api: TestClient, auth: Auth, demo: DemoFirm) -> None:
    feed = new_feed(api, auth, "firm-busy", None)
    first = api.get(path_of(feed["url"]))
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = api.get(path_of(feed["url"]), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    listed = api.get(path_of(feed["url"]), headers={"If-None-Match": f'"other", {etag}'})
    assert listed.status_code == 304
    since = api.get(path_of(feed["url"]), headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert api.get(path_of(feed["url"]), headers={"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110).
    both = api.get(
        path_of(feed["url"]), headers={"If-None-Match": '"stale"', "If-Modified-Since": modified}
    )
    assert both.status_code == 200
    head = api.head(path_of(feed["url"]))
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(first.content)


def test_a_changed_feed_gets_a_new_etag(
    api: TestClient, auth: Auth, demo: DemoFirm, clock: FixedClock
) -> None:
    api.app.state.feed_cache = FeedCache(ttl_seconds=0)  # type: ignore[attr-defined]
    feed = new_feed(api, auth, "attorney", demo.attorneys[0].id)
    first = api.get(path_of(feed["url"]))
    # A month later the feed's window has moved on: past appointments have left it.
    clock.advance(timedelta(days=40))
    later = api.get(path_of(feed["url"]), headers={"If-None-Match": first.headers["etag"]})
    assert later.status_code == 200
    assert later.headers["etag"] != first.headers["etag"]


def test_unknown_and_revoked_feeds_are_404(api: TestClient, auth: Auth, demo: DemoFirm) -> None:
    assert api.get("/v1/feeds/not-a-token.ics").status_code == 404
    assert api.get("/v1/feeds/" + "A" * 43 + ".ics").status_code == 404
    feed = new_feed(api, auth, "client", demo.clients[0].id)
    assert api.get(path_of(feed["url"])).status_code == 200
    gone = api.delete(f"/v1/feeds/{feed['id']}", headers=auth("secretary"))
    assert gone.status_code == 204
    answer = api.get(path_of(feed["url"]))
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert feed["token"] not in answer.text


def test_rotation_gives_a_new_url_and_kills_the_old(
    api: TestClient, auth: Auth, demo: DemoFirm
) -> None:
    feed = new_feed(api, auth, "matter", demo.deadlines[0].matter_id)
    rotated = api.post(f"/v1/feeds/{feed['id']}/rotate", headers=auth("admin"))
    assert rotated.status_code == 201
    new = rotated.json()
    assert new["token"] != feed["token"] and new["kind"] == "matter"
    assert api.get(path_of(feed["url"])).status_code == 404
    assert api.get(path_of(new["url"])).status_code == 200


def test_who_may_manage_feeds(api: TestClient, auth: Auth, demo: DemoFirm) -> None:
    walled = next(m for m in demo.matters if m.screened_attorneys)
    screened = walled.screened_attorneys[0]
    mine = auth("attorney", attorney_id=screened)
    own = api.post("/v1/feeds", json={"kind": "attorney", "subject_id": screened}, headers=mine)
    assert own.status_code == 201
    wall = api.post("/v1/feeds", json={"kind": "matter", "subject_id": walled.id}, headers=mine)
    assert wall.status_code == 404
    busy = api.post("/v1/feeds", json={"kind": "firm-busy"}, headers=mine)
    assert busy.status_code == 403
    listed = api.get("/v1/feeds", headers=mine).json()
    assert [f["id"] for f in listed["data"]] == [own.json()["id"]] and listed["count"] == 1
    assert "token" not in listed["data"][0]
    bad = api.post("/v1/feeds", json={"kind": "everything"}, headers=auth("secretary"))
    assert bad.status_code == 422 and bad.json()["field"] == "kind"
    assert api.post("/v1/feeds", json={"kind": "firm-busy"}).status_code == 401
    client = demo.clients[0]
    as_client = auth("client", client_id=client.id)
    assert (
        api.post(
            "/v1/feeds", json={"kind": "client", "subject_id": client.id}, headers=as_client
        ).status_code
        == 201
    )
    other = demo.clients[1].id
    assert (
        api.post(
            "/v1/feeds", json={"kind": "client", "subject_id": other}, headers=as_client
        ).status_code
        == 404
    )


def test_a_cached_304_is_fast(api: TestClient, auth: Auth, demo: DemoFirm) -> None:
    import time

    feed = new_feed(api, auth, "attorney", demo.attorneys[0].id)
    etag = api.get(path_of(feed["url"])).headers["etag"]
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        assert api.get(path_of(feed["url"]), headers={"If-None-Match": etag}).status_code == 304
        timings.append(time.perf_counter() - started)
    # Through the whole HTTP stack of the test client; the benchmark measures it precisely.
    assert sorted(timings)[len(timings) // 2] < 0.05
