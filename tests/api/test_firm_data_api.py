"""Changing the firm's directory over the API: staff only, validated, audited, and felt at once by
the slot list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from scheduler.clock import FixedClock
from scheduler.store import Store
from tests.api.booking_fixtures import *  # noqa: F403  (module-scoped demo firm per backend)

WEEK = {"start": "2027-01-04T00:00:00-05:00", "end": "2027-01-09T00:00:00-05:00"}


def slots(api: TestClient, headers: dict[str, str], attorney: str, **params: Any) -> list[str]:
    response = api.get(
        "/v1/availability",
        params={"attorney": attorney, "duration_minutes": 60, "limit": 2000, **WEEK, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return [s["start"] for s in response.json()["slots"]]


def test_a_new_attorney_hours_time_off_and_closed_days(
    api: TestClient, key_for: Any, demo_store: Store
) -> None:
    staff = key_for("secretary")
    created = api.post(
        "/v1/attorneys",
        json={
            "id": "att-rivera",
            "name": "Lucia Rivera",
            "email": "lucia.rivera@hargrove-vance.example",
            "timezone": "America/Los_Angeles",
            "working_hours": {"mon": ["09:00-12:00"], "tue": ["09:00-12:00"]},
            "office": "Los Angeles",
            "buffer_minutes": 15,
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    offered = slots(api, staff, "att-rivera")
    assert offered[0] == "2027-01-04T12:00:00-05:00"  # 09:00 in Los Angeles
    assert api.get("/v1/attorneys/att-rivera/working-hours", headers=staff).json() == {
        "timezone": "America/Los_Angeles",
        "working_hours": {"mon": ["09:00-12:00"], "tue": ["09:00-12:00"]},
    }
    changed = api.put(
        "/v1/attorneys/att-rivera/working-hours",
        json={"working_hours": {"tue": ["10:00-12:00"]}},
        headers=staff,
    )
    assert changed.status_code == 200
    assert slots(api, staff, "att-rivera")[0] == "2027-01-05T13:00:00-05:00"
    own = key_for("attorney", attorney_id="att-rivera")
    off = api.post(
        "/v1/attorneys/att-rivera/time-off",
        json={
            "start": "2027-01-05T00:00:00-08:00",
            "end": "2027-01-06T00:00:00-08:00",
            "reason": "Doctor",
        },
        headers=own,
    )
    assert off.status_code == 201, off.text
    assert slots(api, staff, "att-rivera") == []
    colleague = key_for("attorney", attorney_id="att-yilmaz")
    assert api.get("/v1/attorneys/att-rivera/time-off", headers=colleague).status_code == 404
    listed = api.get("/v1/attorneys/att-rivera/time-off", headers=staff).json()
    assert [t["reason"] for t in listed["data"]] == ["Doctor"]
    assert (
        api.delete(f"/v1/attorneys/att-rivera/time-off/{off.json()['id']}", headers=own).status_code
        == 204
    )
    assert slots(api, staff, "att-rivera")
    closed = api.post(
        "/v1/closed-days", json={"day": "2027-01-05", "reason": "Office move"}, headers=staff
    )
    assert closed.status_code == 201
    assert api.post("/v1/closed-days", json={"day": "2027-01-05"}, headers=staff).status_code == 409
    assert slots(api, staff, "att-rivera") == []
    assert api.delete("/v1/closed-days/2027-01-05", headers=staff).status_code == 204
    with demo_store.unit_of_work(readonly=True) as uow:
        actions = {(e.action, e.entity_type) for e in uow.audit.list(limit=200)}
    assert {
        ("create", "attorney"),
        ("update", "attorney"),
        ("create", "time_off"),
        ("delete", "time_off"),
        ("create", "closed_day"),
    } <= actions


def test_directory_changes_are_validated_and_for_staff_only(api: TestClient, key_for: Any) -> None:
    staff = key_for("secretary")
    client = key_for("client", client_id="cli-001")
    body = {"name": "Nobody", "email": "nobody@example.com", "timezone": "America/New_York"}
    assert api.post("/v1/attorneys", json=body, headers=client).status_code == 403
    for change, field in (
        ({"timezone": "America"}, "timezone"),
        ({"email": "not-an-address"}, "email"),
        ({"working_hours": {"mon": ["17:00-09:00"]}}, "working_hours.mon[0]"),
        ({"working_hours": {"someday": ["09:00-10:00"]}}, "working_hours"),
        ({"buffer_minutes": 600}, "buffer_minutes"),
    ):
        response = api.post("/v1/attorneys", json={**body, **change}, headers=staff)
        assert response.status_code == 422, (change, response.text)
        assert response.json()["field"] == field
    duplicate = api.post("/v1/rooms", json={"id": "room-x", "name": "X"}, headers=staff)
    assert duplicate.status_code == 201
    assert (
        api.post("/v1/rooms", json={"id": "room-x", "name": "X"}, headers=staff).status_code == 409
    )
    renamed = api.patch("/v1/rooms/room-x", json={"name": "Xavier Room"}, headers=staff)
    assert renamed.json()["name"] == "Xavier Room"
    client_made = api.post(
        "/v1/clients",
        json={"name": "Rosa Navarro", "email": "rosa@clients.example", "language": "es"},
        headers=staff,
    )
    assert client_made.status_code == 201 and client_made.json()["language"] == "es"


def test_matters_with_adverse_parties_and_walls(api: TestClient, key_for: Any) -> None:
    staff = key_for("secretary")
    matter = api.get("/v1/matters/mat-001", headers=staff).json()
    lawyer = matter["responsible_attorneys"][0]
    others = [
        a["id"] for a in api.get("/v1/attorneys", headers=staff).json()["data"] if a["id"] != lawyer
    ]
    created = api.post(
        "/v1/matters",
        json={
            "client": "cli-003",
            "title": "Lease dispute",
            "jurisdiction": "US-NY",
            "practice_area": "Business & Real Estate",
            "responsible_attorneys": [lawyer],
            "screened_attorneys": [others[0]],
            "adverse_parties": [{"name": "Client One", "client": "cli-001"}],
        },
        headers=staff,
    )
    assert created.status_code == 201, created.text
    made = created.json()
    assert made["screened_attorneys"] == [others[0]]
    assert made["adverse_parties"] == [{"name": "Client One", "client": "cli-001"}]
    both = api.patch(
        f"/v1/matters/{made['id']}", json={"screened_attorneys": [lawyer]}, headers=staff
    )
    assert both.status_code == 422 and both.json()["field"] == "screened_attorneys"
    # A wall cannot go up while the attorney still attends upcoming meetings on the matter.
    start = slots(api, staff, others[1])[0]
    booked = api.post(
        "/v1/bookings",
        json={
            "client": "cli-003",
            "matter": made["id"],
            "attorneys": [others[1]],
            "start": start,
            "duration_minutes": 60,
            "needs_room": False,
            "title": "Lease review",
        },
        headers=staff,
    )
    assert booked.status_code == 201, booked.text
    refused = api.patch(
        f"/v1/matters/{made['id']}", json={"screened_attorneys": [others[1]]}, headers=staff
    )
    assert refused.status_code == 409 and "upcoming meeting" in refused.json()["detail"]
    walled = key_for("attorney", attorney_id=others[0])
    assert api.get(f"/v1/matters/{made['id']}", headers=walled).status_code == 404


def test_a_room_closed_for_a_time_is_not_offered(
    api: TestClient, key_for: Any, demo_store: Store, module_clock: FixedClock
) -> None:
    staff = key_for("secretary")
    made = api.post(
        "/v1/attorneys",
        json={
            "id": "att-boston",
            "name": "Nora Boston",
            "email": "nora.boston@hargrove-vance.example",
            "timezone": "America/New_York",
            "working_hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
            "office": "Boston",
        },
        headers=staff,
    )
    assert made.status_code == 201, made.text
    room = api.post(
        "/v1/rooms",
        json={"id": "room-boston", "name": "Harbor", "location": "Boston"},
        headers=staff,
    )
    assert room.status_code == 201, room.text
    in_room = {"needs_room": True}
    assert "2027-01-04T10:00:00-05:00" in slots(api, staff, "att-boston", **in_room)
    morning = {"start": "2027-01-04T09:00:00-05:00", "end": "2027-01-04T12:00:00-05:00"}
    closed = api.post(
        "/v1/rooms/room-boston/closures", json={**morning, "reason": "Painting"}, headers=staff
    )
    assert closed.status_code == 201, closed.text
    assert closed.json()["room"] == "room-boston"
    offered = slots(api, staff, "att-boston", **in_room)
    assert offered[0] == "2027-01-04T12:00:00-05:00"  # the room is closed all morning
    assert "2027-01-04T10:00:00-05:00" in slots(api, staff, "att-boston")  # a video call
    listed = api.get("/v1/rooms/room-boston/closures", params=WEEK, headers=staff).json()
    assert [c["reason"] for c in listed["data"]] == ["Painting"]

    client = key_for("client", client_id="cli-001")
    assert (
        api.post("/v1/rooms/room-boston/closures", json=morning, headers=client).status_code == 403
    )
    assert (
        api.post("/v1/rooms/room-nowhere/closures", json=morning, headers=staff).status_code == 404
    )
    backwards = {"start": morning["end"], "end": morning["start"]}
    refused = api.post("/v1/rooms/room-boston/closures", json=backwards, headers=staff)
    assert refused.status_code == 422 and refused.json()["field"] == "end"
    with demo_store.unit_of_work(readonly=True) as uow:  # a room with a meeting booked in it
        now = module_clock.now()
        around = uow.appointments.list_between(now, now + timedelta(days=30))
        booked = next(a for a in around if a.room_id)
    over = {"start": booked.starts_at.isoformat(), "end": booked.ends_at.isoformat()}
    conflict = api.post(f"/v1/rooms/{booked.room_id}/closures", json=over, headers=staff)
    assert conflict.status_code == 409 and "reschedule-day --room" in conflict.json()["detail"]

    path = f"/v1/rooms/room-boston/closures/{closed.json()['id']}"
    assert api.delete(path, headers=staff).status_code == 204
    assert api.delete(path, headers=staff).status_code == 404
    assert "2027-01-04T10:00:00-05:00" in slots(api, staff, "att-boston", **in_room)
    with demo_store.unit_of_work(readonly=True) as uow:
        actions = {(e.action, e.entity_type) for e in uow.audit.list(limit=500)}
    assert {("create", "room_closure"), ("delete", "room_closure")} <= actions
