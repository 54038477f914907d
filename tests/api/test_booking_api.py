"""The booking API over the demo firm: slots, holds, bookings, errors, privacy and the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scheduler.store import Store
from tests.api.booking_fixtures import *  # noqa: F403  (module-scoped demo firm per backend)

WEEK = {"start": "2026-12-14T00:00:00-05:00", "end": "2026-12-19T00:00:00-05:00"}


def first_matter(api: TestClient, staff: dict[str, str], **want: Any) -> dict[str, Any]:
    matters = api.get("/v1/matters", headers=staff).json()["data"]
    return next(m for m in matters if all(m.get(k) == v for k, v in want.items()))


def offered(
    api: TestClient, headers: dict[str, str], attorneys: list[str], **params: Any
) -> list[dict[str, Any]]:
    response = api.get(
        "/v1/availability",
        params={"attorney": attorneys, "duration_minutes": 60, **WEEK, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    slots: list[dict[str, Any]] = response.json()["slots"]
    return slots


def booking_body(matter: dict[str, Any], start: str, **extra: Any) -> dict[str, Any]:
    return {
        "client": matter["client"],
        "matter": matter["id"],
        "attorneys": matter["responsible_attorneys"][:1],
        "start": start,
        "duration_minutes": 60,
        "needs_room": False,
        "title": "Case strategy meeting",
        **extra,
    }


def test_slots_are_in_the_callers_zone_with_offsets(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    lawyer = matter["responsible_attorneys"][0]
    in_new_york = offered(api, staff, [lawyer])
    in_chicago = offered(api, staff, [lawyer], tz="America/Chicago")
    assert in_new_york[0]["start"].endswith("-05:00")
    assert in_chicago[0]["start"].endswith("-06:00")
    assert len(in_new_york) == len(in_chicago)


def test_book_read_reschedule_cancel(api: TestClient, key_for, demo_store: Store) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    slots = offered(api, staff, matter["responsible_attorneys"][:1], matter=matter["id"])
    created = api.post("/v1/bookings", json=booking_body(matter, slots[0]["start"]), headers=staff)
    assert created.status_code == 201, created.text
    booking = created.json()
    assert booking["start"] == slots[0]["start"] and booking["sequence"] == 0
    assert booking["uid"].endswith("@hargrove-vance.example")  # the organizing firm's domain
    assert api.get(f"/v1/bookings/{booking['id']}", headers=staff).json() == booking
    assert booking["id"] in {b["id"] for b in api.get("/v1/bookings", headers=staff).json()["data"]}
    assert slots[0]["start"] not in {
        s["start"] for s in offered(api, staff, matter["responsible_attorneys"][:1])
    }
    # Times to move it to: its own time counts as free.
    assert slots[0]["start"] in {
        s["start"]
        for s in offered(api, staff, matter["responsible_attorneys"][:1], booking=booking["id"])
    }
    moved = api.post(
        f"/v1/bookings/{booking['id']}/reschedule",
        json={"start": slots[-1]["start"]},
        headers=staff,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["uid"] == booking["uid"] and moved.json()["sequence"] == 1
    cancelled = api.post(f"/v1/bookings/{booking['id']}/cancel", headers=staff)
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["sequence"] == 2
    with demo_store.unit_of_work(readonly=True) as uow:
        actions = [e.action for e in uow.audit.list(entity_type="booking", entity_id=booking["id"])]
    assert sorted(actions) == ["cancel", "create", "reschedule", "view"]


def test_idempotency_key_makes_retries_safe(api: TestClient, key_for, demo_store: Store) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    start = offered(api, staff, matter["responsible_attorneys"][:1])[3]["start"]
    body = booking_body(matter, start, title="Retry-safe meeting")
    headers = {**staff, "Idempotency-Key": "5b0e8f3c-retry"}
    first = api.post("/v1/bookings", json=body, headers=headers)
    second = api.post("/v1/bookings", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"
    with demo_store.unit_of_work(readonly=True) as uow:
        mine = [
            a
            for a in uow.appointments.list_for_client(matter["client"])
            if a.title == body["title"]
        ]
    assert len(mine) == 1
    reused = api.post("/v1/bookings", json={**body, "title": "Other"}, headers=headers)
    assert reused.status_code == 409
    assert "Idempotency-Key" in reused.json()["detail"]


def test_a_time_not_offered_is_refused_with_offered_alternatives(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    lawyer = matter["responsible_attorneys"][:1]
    refused = api.post(
        "/v1/bookings", json=booking_body(matter, "2026-12-15T03:00:00-05:00"), headers=staff
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "not working" in problem["detail"] and problem["alternatives"]
    everything = {
        s["start"] for s in offered(api, staff, lawyer, limit=2000, end="2027-01-01T00:00:00-05:00")
    }
    assert {a["start"] for a in problem["alternatives"]} <= everything
    seven_past = datetime.fromisoformat(problem["alternatives"][0]["start"]) + timedelta(minutes=7)
    off_grid = api.post(
        "/v1/bookings", json=booking_body(matter, seven_past.isoformat()), headers=staff
    )
    assert off_grid.status_code == 409 and "quarter hour" in off_grid.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-12-14T09:00:00"}, "start"),  # no offset
        ({"end": "2026-12-13T00:00:00-05:00"}, "end"),  # before the start
        ({"end": "2027-12-14T00:00:00-05:00"}, "end"),  # a year
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 30 * 24 * 60}, "duration_minutes"),
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"tz": "America"}, "tz"),
        ({"mode": "some"}, "mode"),
        ({"start": "9999-12-31T00:00:00+00:00", "end": "9999-12-31T10:00:00+00:00"}, "start"),
    ],
)
def test_bad_availability_queries_name_the_field(
    api: TestClient,
    key_for,
    params: dict[str, Any],
    field: str,  # type: ignore[no-untyped-def]
) -> None:
    response = api.get(
        "/v1/availability",
        params={"attorney": "att-yilmaz", "duration_minutes": 60, **WEEK, **params},
        headers=key_for("secretary"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert response.headers["content-type"].startswith("application/problem+json")


def test_bad_bookings_name_the_field(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    cases = [
        (booking_body(matter, "2026-12-15T10:00:00"), "start"),
        (booking_body(matter, "2026-12-15T10:00:00-05:00", duration_minutes=0), "duration_minutes"),
        (booking_body(matter, "2026-12-15T10:00:00-05:00", title="Line\nBcc: x"), "title"),
        (booking_body(matter, "2026-12-15T10:00:00-05:00", pool=["att-yilmaz"]), "attorneys"),
        ({**booking_body(matter, "2026-12-15T10:00:00-05:00"), "surprise": 1}, "surprise"),
    ]
    for body, field in cases:
        response = api.post("/v1/bookings", json=body, headers=staff)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field
    bad_key = api.post(
        "/v1/bookings",
        json=booking_body(matter, "2026-12-15T10:00:00-05:00"),
        headers={**staff, "Idempotency-Key": "x" * 300},
    )
    assert bad_key.status_code == 422 and bad_key.json()["field"] == "Idempotency-Key"


def test_a_client_cannot_read_change_or_detect_another_clients_booking(
    api: TestClient,
    key_for,
    demo_store: Store,  # type: ignore[no-untyped-def]
) -> None:
    staff = key_for("secretary")
    theirs = first_matter(api, staff, id="mat-002")
    mine = first_matter(api, staff, id="mat-001")
    assert theirs["client"] != mine["client"]
    start = offered(api, staff, theirs["responsible_attorneys"][:1])[0]["start"]
    booked = api.post("/v1/bookings", json=booking_body(theirs, start), headers=staff).json()
    me = key_for("client", client_id=mine["client"])

    def same_404(path: str, method: str = "get", **kw: Any) -> None:
        real = getattr(api, method)(path.format(booked["id"]), headers=me, **kw)
        fake = getattr(api, method)(path.format("apt-000000000000000000000000"), headers=me, **kw)
        assert real.status_code == fake.status_code == 404
        assert real.json()["detail"].replace(booked["id"], "X") == fake.json()["detail"].replace(
            "apt-000000000000000000000000", "X"
        )

    same_404("/v1/bookings/{}")
    same_404("/v1/bookings/{}/cancel", "post")
    same_404("/v1/bookings/{}/reschedule", "post", json={"start": start})
    assert booked["id"] not in {b["id"] for b in api.get("/v1/bookings", headers=me).json()["data"]}
    # Nor book for them, nor ask for their free times, nor use their matter.
    assert api.post("/v1/bookings", json=booking_body(theirs, start), headers=me).status_code == 404
    other_client = api.get(
        "/v1/availability",
        params={
            "attorney": mine["responsible_attorneys"][0],
            "duration_minutes": 60,
            "client": theirs["client"],
            **WEEK,
        },
        headers=me,
    )
    assert other_client.status_code == 404
    # Nor ask for times to move it to: the same 404 as for a booking that does not exist.
    moving = {
        "attorney": mine["responsible_attorneys"][0],
        "duration_minutes": 60,
        "client": mine["client"],
        **WEEK,
    }
    real = api.get("/v1/availability", params={**moving, "booking": booked["id"]}, headers=me)
    fake = api.get("/v1/availability", params={**moving, "booking": "apt-0000"}, headers=me)
    assert real.status_code == fake.status_code == 404
    assert real.json()["detail"].replace(booked["id"], "X") == fake.json()["detail"].replace(
        "apt-0000", "X"
    )
    with demo_store.unit_of_work(readonly=True) as uow:
        still = uow.appointments.get(booked["id"])
    assert still.status.value == "confirmed" and still.sequence == 0


def test_a_clients_slots_reveal_only_free_or_not(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    me = key_for("client", client_id=matter["client"])
    response = api.get(
        "/v1/availability",
        params={"attorney": matter["responsible_attorneys"][0], "duration_minutes": 60, **WEEK},
        headers=me,
    )
    body = response.json()
    assert response.status_code == 200 and body["deadline"] is None
    assert set(body) == {"slots", "timezone", "more", "deadline"}
    assert all(set(s) == {"start", "end", "attorneys"} for s in body["slots"])


def test_a_screened_attorney_cannot_see_the_matter_anywhere(
    api: TestClient,
    key_for,
    demo_store: Store,  # type: ignore[no-untyped-def]
) -> None:
    staff = key_for("secretary")
    walled = next(
        m for m in api.get("/v1/matters", headers=staff).json()["data"] if m["screened_attorneys"]
    )
    screened = walled["screened_attorneys"][0]
    lawyer = key_for("attorney", attorney_id=screened)
    start = offered(api, staff, walled["responsible_attorneys"][:1])[0]["start"]
    booked = api.post("/v1/bookings", json=booking_body(walled, start), headers=staff).json()
    assert api.get(f"/v1/bookings/{booked['id']}", headers=lawyer).status_code == 404
    assert booked["id"] not in {
        b["id"] for b in api.get("/v1/bookings", headers=lawyer).json()["data"]
    }
    slot_query = api.get(
        "/v1/availability",
        params={"attorney": screened, "duration_minutes": 60, "matter": walled["id"], **WEEK},
        headers=lawyer,
    )
    assert slot_query.status_code == 404
    as_attendee = api.post(
        "/v1/bookings", json=booking_body(walled, start, attorneys=[screened]), headers=lawyer
    )
    assert as_attendee.status_code == 404
    staff_try = api.post(
        "/v1/bookings", json=booking_body(walled, start, attorneys=[screened]), headers=staff
    )
    assert staff_try.status_code == 422 and "ethical wall" in staff_try.json()["detail"]
    with demo_store.unit_of_work(readonly=True) as uow:
        trail = uow.audit.list(limit=1000)
    assert any(e.action == "create" and e.entity_id == booked["id"] for e in trail)
    assert any(e.action == "list" and e.actor.endswith("(attorney)") for e in trail)


def test_holds_reserve_and_expire(api: TestClient, key_for, clock) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    lawyer = matter["responsible_attorneys"][:1]
    start = offered(api, staff, lawyer)[5]["start"]
    me = key_for("client", client_id=matter["client"])
    held = api.post(
        "/v1/holds",
        json={"matter": matter["id"], "attorneys": lawyer, "start": start, "duration_minutes": 60},
        headers=me,
    )
    assert held.status_code == 201, held.text
    hold = held.json()
    assert api.get(f"/v1/holds/{hold['id']}", headers=me).status_code == 200
    assert (
        api.get(
            f"/v1/holds/{hold['id']}", headers=key_for("client", client_id="cli-002")
        ).status_code
        == 404
    )
    assert start not in {s["start"] for s in offered(api, staff, lawyer)}
    again = api.post(
        "/v1/holds",
        json={"attorneys": lawyer, "start": start, "duration_minutes": 60},
        headers=staff,
    )
    assert again.status_code == 409
    booked = api.post("/v1/bookings", json=booking_body(matter, start, hold=hold["id"]), headers=me)
    assert booked.status_code == 201, booked.text
    assert api.get(f"/v1/holds/{hold['id']}", headers=me).status_code == 404


def test_an_expired_hold_frees_its_time(api: TestClient, key_for, clock) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matter = first_matter(api, staff, id="mat-001")
    lawyer = matter["responsible_attorneys"][:1]
    start = offered(api, staff, lawyer)[7]["start"]
    hold = api.post(
        "/v1/holds",
        json={"attorneys": lawyer, "start": start, "duration_minutes": 60},
        headers=staff,
    ).json()
    assert start not in {s["start"] for s in offered(api, staff, lawyer)}
    clock.advance(timedelta(minutes=11))
    assert start in {s["start"] for s in offered(api, staff, lawyer)}
    assert api.get(f"/v1/holds/{hold['id']}", headers=staff).status_code == 404


def test_docs_list_every_booking_route(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/availability",
        "/v1/holds",
        "/v1/holds/{hold_id}",
        "/v1/bookings",
        "/v1/bookings/{booking_id}",
        "/v1/bookings/{booking_id}/reschedule",
        "/v1/bookings/{booking_id}/cancel",
        "/v1/closed-days",
        "/v1/attorneys/{attorney_id}/time-off",
        "/v1/attorneys/{attorney_id}/working-hours",
    ):
        assert path in paths, path
    assert "409" in paths["/v1/bookings"]["post"]["responses"]
