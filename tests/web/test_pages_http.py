"""The booking-link API and the pages over HTTP (no browser): who may issue links, the headers
every page carries, calm pages for bad links and bad input, and the board's sign-in (session
cookie, CSRF, sign-out, expiry)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from scheduler.clock import FixedClock
from scheduler.domain import Role, RoomClosure
from scheduler.errors import NotFound
from scheduler.services.access import operator
from scheduler.services.keys import create_api_key, revoke_api_key
from scheduler.settings import Settings
from scheduler.store import Store
from tests.web.conftest import pick

BASE = "https://book.firm.example"


@pytest.fixture
def http(demo: Store, demo_url: str, clock: FixedClock) -> Iterator[TestClient]:
    settings = Settings(database_url=demo_url, base_url=BASE)
    app = create_app(settings, store=demo, clock=clock)
    # The firm's address is https, so the session cookie is Secure: browse over https too.
    with TestClient(app, raise_server_exceptions=False, base_url="https://testserver") as client:
        yield client


def key(store: Store, clock: FixedClock, role: str, **who: str) -> tuple[str, str]:
    with store.unit_of_work() as uow:
        issued = create_api_key(uow, operator(), clock.now(), role=Role(role), **who)
    return issued.id, issued.key


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def new_link(http: TestClient, staff: str, store: Store, **body: Any) -> dict[str, Any]:
    chosen = pick(store, spanish=False)
    payload = {"client": chosen.client.id, "matter": chosen.matter.id, "duration_minutes": 45}
    payload.update(body)
    answer = http.post("/v1/links", json=payload, headers=bearer(staff))
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()
    return data


def test_staff_issue_list_and_revoke_links(
    http: TestClient, demo: Store, clock: FixedClock
) -> None:
    _, staff = key(demo, clock, "secretary")
    chosen = pick(demo, spanish=False)
    issued = new_link(http, staff, demo, attorneys=[chosen.attorney], deadline="2026-12-18")
    assert set(issued) == {"id", "url", "token", "expires"}
    assert issued["url"] == f"{BASE}/book/{issued['token']}"
    listed = http.get("/v1/links", headers=bearer(staff))
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert issued["token"] not in listed.text
    one = http.get(f"/v1/links/{issued['id']}", headers=bearer(staff)).json()
    assert (one["status"], one["deadline"], one["duration_minutes"]) == ("open", "2026-12-18", 45)
    mine = http.get(f"/v1/links?client={chosen.client.id}", headers=bearer(staff)).json()
    assert mine["count"] == 1
    assert http.get("/v1/links?client=cli-nobody", headers=bearer(staff)).json()["count"] == 0

    _, client_key = key(demo, clock, "client", client_id=chosen.client.id)
    _, attorney_key = key(demo, clock, "attorney", attorney_id=chosen.attorney)
    for other in (client_key, attorney_key):
        body = {"client": chosen.client.id, "matter": chosen.matter.id, "duration_minutes": 30}
        assert http.post("/v1/links", json=body, headers=bearer(other)).status_code == 403
        assert http.get("/v1/links", headers=bearer(other)).status_code == 403
    assert http.get("/v1/links").status_code == 401
    refused = http.post(
        "/v1/links",
        json={"client": chosen.client.id, "matter": chosen.matter.id, "duration_minutes": 2},
        headers=bearer(staff),
    )
    assert refused.status_code == 422 and refused.json()["field"] == "duration_minutes"

    page = http.get(f"/book/{issued['token']}")
    assert page.status_code == 200 and "Book a meeting" in page.text
    assert http.delete(f"/v1/links/{issued['id']}", headers=bearer(staff)).status_code == 204
    gone = http.get(f"/book/{issued['token']}")
    assert gone.status_code == 404 and "This link is not valid" in gone.text
    assert http.get(f"/v1/links/{issued['id']}", headers=bearer(staff)).json()["status"] == (
        "revoked"
    )
    assert http.delete("/v1/links/lnk-nothere", headers=bearer(staff)).status_code == 404


def test_pages_carry_strict_headers(http: TestClient, demo: Store, clock: FixedClock) -> None:
    _, staff = key(demo, clock, "secretary")
    token = new_link(http, staff, demo)["token"]
    page = http.get(f"/book/{token}")
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert '<html lang="en">' in page.text and "<script>" not in page.text
    css = http.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert http.get("/static/book.js").headers["content-type"].startswith("text/javascript")
    for missing in ("/static/nothing.js", "/static/..%2Fapp.py", "/static/site.css.map"):
        assert http.get(missing).status_code == 404
    schema = http.get("/openapi.json").json()
    assert not [p for p in schema["paths"] if p.startswith(("/book", "/board", "/static"))]


def test_bad_links_and_bad_input_get_calm_pages(
    http: TestClient, demo: Store, clock: FixedClock
) -> None:
    _, staff = key(demo, clock, "secretary")
    for wrong in ("x" * 43, "not-a-token", "a" * 150):
        page = http.get(f"/book/{wrong}")
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "This link is not valid" in page.text
    token = new_link(http, staff, demo)["token"]
    bad_week = http.get(f"/book/{token}?week=someday")
    assert bad_week.status_code == 422 and "not a date" in bad_week.text
    assert bad_week.headers["content-type"].startswith("text/html")
    unknown_zone = http.get(f"/book/{token}?tz=Mars/Olympus")
    assert (
        unknown_zone.status_code == 200 and "did not recognise that time zone" in unknown_zone.text
    )
    nothing_chosen = http.post(f"/book/{token}/hold", data={"lang": "en"})
    assert (
        nothing_chosen.status_code == 422 and "Please choose a time first." in nothing_chosen.text
    )
    garbled = http.post(f"/book/{token}/hold", data={"start": "soon"})
    assert garbled.status_code == 422 and "not a time" in garbled.text
    spanish = http.get(f"/book/{token}?lang=es")
    assert '<html lang="es">' in spanish.text and "Reserve una cita" in spanish.text

    # A link whose last day has no time left says so, and how to reach the firm.
    today = new_link(http, staff, demo, deadline="2026-12-07")["token"]
    clock.advance(timedelta(hours=8))  # 4 PM in New York: too late for today's notice
    empty = http.get(f"/book/{today}")
    assert empty.status_code == 200 and "There are no free times left on this link" in empty.text
    assert "Continue" not in empty.text

    clock.advance(timedelta(days=15))  # links take bookings for 14 days by default
    expired = http.get(f"/book/{token}")
    assert expired.status_code == 410 and "This link has expired" in expired.text
    assert "+1 212 555 0142" in expired.text  # the firm's phone, to book by hand


def _login_csrf(http: TestClient) -> str:
    page = http.get("/board/login")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def _session_csrf(page_text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page_text)
    assert found is not None
    return found.group(1)


def test_the_board_signs_in_with_a_staff_key_only(
    http: TestClient, demo: Store, clock: FixedClock
) -> None:
    key_id, staff = key(demo, clock, "secretary")
    _, client_key = key(demo, clock, "client", client_id=pick(demo, spanish=False).client.id)

    away = http.get("/board?date=2026-12-08", follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"] == "/board/login?next=%2Fboard%3Fdate%3D2026-12-08"

    forged = http.post("/board/login", data={"api_key": staff, "csrf": "guess"})
    assert forged.status_code == 403 and "secretary_session" not in forged.headers.get(
        "set-cookie", ""
    )
    csrf = _login_csrf(http)
    as_client = http.post("/board/login", data={"api_key": client_key, "csrf": csrf})
    assert as_client.status_code == 403 and "secretaries and administrators" in as_client.text
    csrf = _login_csrf(http)
    wrong = http.post("/board/login", data={"api_key": "lsk_wrong", "csrf": csrf})
    assert wrong.status_code == 401 and "not recognised" in wrong.text

    csrf = _login_csrf(http)
    signed = http.post(
        "/board/login",
        data={"api_key": staff, "csrf": csrf, "next": "https://elsewhere.example/board"},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/board"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/board" in cookie
    assert "Secure" in cookie
    token = http.cookies["secretary_session"]
    with demo.unit_of_work(readonly=True) as uow:
        stored = uow.web_sessions.find_by_hash(hashlib.sha256(token.encode()).hexdigest())
    assert stored is not None and stored.api_key_id == key_id
    assert stored.expires_at == clock.now() + timedelta(hours=12)

    assert "Rooms closed today" not in http.get("/board?date=2026-12-08").text
    with demo.unit_of_work() as uow:  # a room closed for the morning
        room = uow.rooms.list()[0]
        eight = datetime(2026, 12, 8, 13, tzinfo=UTC)  # 08:00 in New York
        uow.room_closures.add(
            RoomClosure("closure-x", room.id, eight, eight + timedelta(hours=4), "Repairs")
        )
        uow.commit()
    board = http.get("/board?date=2026-12-08")
    assert board.status_code == 200 and "Tuesday, December 8, 2026" in board.text
    assert "Deadlines this week" in board.text
    assert "Rooms closed today" in board.text and room.name in board.text
    assert "8:00 AM–12:00 PM" in board.text and "Repairs" in board.text
    assert "style-src-attr 'unsafe-inline'" in board.headers["content-security-policy"]

    # Sign-out needs the session's CSRF token; without it nothing happens.
    http.post("/board/logout", data={"csrf": "guess"})
    assert http.get("/board", follow_redirects=False).status_code == 200
    http.post("/board/logout", data={"csrf": _session_csrf(board.text)})
    http.cookies.set("secretary_session", token)  # a copy of the cookie kept somewhere
    assert http.get("/board", follow_redirects=False).status_code == 303


def test_a_session_ends_with_its_key_or_its_time(
    http: TestClient, demo: Store, clock: FixedClock
) -> None:
    key_id, staff = key(demo, clock, "admin")
    http.post("/board/login", data={"api_key": staff, "csrf": _login_csrf(http)})
    assert http.get("/board", follow_redirects=False).status_code == 200
    clock.advance(timedelta(hours=12, seconds=1))
    assert http.get("/board", follow_redirects=False).status_code == 303

    http.post("/board/login", data={"api_key": staff, "csrf": _login_csrf(http)})
    assert http.get("/board", follow_redirects=False).status_code == 200
    with demo.unit_of_work() as uow:
        revoke_api_key(uow, operator(), clock.now(), key_id)
    assert http.get("/board", follow_redirects=False).status_code == 303


def _times(text_: str) -> list[str]:
    return re.findall(r'name="start" id="[^"]+" value="([^"]+)"', text_)


def test_holding_releasing_lapsing_and_confirming_twice(
    http: TestClient, demo: Store, clock: FixedClock
) -> None:
    _, staff = key(demo, clock, "secretary")
    issued = new_link(http, staff, demo)
    token = issued["token"]
    page = http.get(f"/book/{token}?tz=America/New_York")
    first, second = _times(page.text)[:2]

    held = http.post(f"/book/{token}/hold", data={"start": first}, follow_redirects=False)
    assert held.status_code == 303 and "/review?" in held.headers["location"]
    review = http.get(held.headers["location"])
    assert "We are keeping this time for you for 10 minutes." in review.text
    hold_id = re.search(r'name="hold" value="([^"]+)"', review.text)
    assert hold_id is not None
    with demo.unit_of_work(readonly=True) as uow:
        assert uow.holds.get(hold_id.group(1)).client_id == pick(demo, spanish=False).client.id
    back = http.post(
        f"/book/{token}/release", data={"hold": hold_id.group(1)}, follow_redirects=False
    )
    assert back.status_code == 303 and back.headers["location"].startswith(f"/book/{token}?")
    with demo.unit_of_work(readonly=True) as uow, pytest.raises(NotFound):
        uow.holds.get(hold_id.group(1))

    held = http.post(f"/book/{token}/hold", data={"start": second}, follow_redirects=False)
    location = held.headers["location"]
    clock.advance(timedelta(minutes=11))  # the hold lapses while the client hesitates
    lapsed = http.get(location, follow_redirects=False)
    assert lapsed.status_code == 303 and "notice=lapsed" in lapsed.headers["location"]
    assert "could not keep that time" in http.get(lapsed.headers["location"]).text
    hold_id = re.search(r"hold=([^&]+)", location)
    assert hold_id is not None
    form = {"start": second, "hold": hold_id.group(1)}
    done = http.post(f"/book/{token}/confirm", data=form, follow_redirects=False)
    assert done.status_code == 303 and "done=booked" in done.headers["location"]
    again = http.post(f"/book/{token}/confirm", data=form, follow_redirects=False)
    assert again.status_code == 303 and "done=" not in again.headers["location"]
    with demo.unit_of_work(readonly=True) as uow:
        made = [
            a
            for a in uow.appointments.list_between(clock.now(), clock.now() + timedelta(days=40))
            if a.created_at == clock.now()
        ]
    assert (
        len(made) == 1
        and made[0].starts_at.isoformat()
        == datetime.fromisoformat(second).astimezone(UTC).isoformat()
    )


def test_marking_out_needs_a_session_and_its_csrf_token(
    http: TestClient, demo: Store, clock: FixedClock
) -> None:
    attorney = pick(demo, spanish=False).attorney
    form = {"attorney": attorney, "date": "2026-12-08"}
    away = http.get("/board/out", params=form, follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/board/login")
    _, staff = key(demo, clock, "secretary")
    http.post("/board/login", data={"api_key": staff, "csrf": _login_csrf(http)})
    dry = http.get("/board/out", params=form)
    assert dry.status_code == 200 and "dry run" in dry.text
    forged = http.post("/board/out", data=form | {"csrf": "guess"})
    assert forged.status_code == 403 and "Nothing was changed" in forged.text
    with demo.unit_of_work(readonly=True) as uow:
        assert (
            uow.time_off.list_between(
                datetime(2026, 12, 8, tzinfo=UTC), datetime(2026, 12, 9, tzinfo=UTC)
            )
            == []
        )
    bad_day = http.get("/board/out", params={"attorney": attorney, "date": "Tuesday"})
    assert bad_day.status_code == 422 and "not a date" in bad_day.text


def test_a_booking_link_is_rate_limited_across_workers(
    demo: Store, demo_url: str, clock: FixedClock
) -> None:
    """Each link has its own budget, counted in the database; over it, a calm 429 page."""
    settings = Settings(database_url=demo_url, base_url=BASE, rate_limit_per_link=5)
    app = create_app(settings, store=demo, clock=clock)
    with TestClient(app, raise_server_exceptions=False, base_url="https://testserver") as http:
        _id, staff = key(demo, clock, "secretary")
        token = new_link(http, staff, demo)["token"]
        other = new_link(http, staff, demo)["token"]
        statuses = [http.get(f"/book/{token}").status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
        refused = http.get(f"/book/{token}")
        assert refused.headers["content-type"].startswith("text/html")
        assert token not in refused.text
        assert http.get(f"/book/{other}").status_code == 200  # another link is not affected
