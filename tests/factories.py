"""Small builders for tests: a few lines give a valid attorney, client, matter or appointment."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from scheduler.domain import (
    Appointment,
    AppointmentStatus,
    Attorney,
    Client,
    Firm,
    Matter,
    Room,
    WeeklyHours,
)
from scheduler.ports import UnitOfWork

# Zones chosen for their pathologies.
NEW_YORK = "America/New_York"  # DST: 2026-03-08 and 2026-11-01
LOS_ANGELES = "America/Los_Angeles"
PHOENIX = "America/Phoenix"  # no DST
KOLKATA = "Asia/Kolkata"  # half-hour offset
LORD_HOWE = "Australia/Lord_Howe"  # half-hour DST shift

NINE_TO_FIVE = WeeklyHours.from_json(
    {d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
)
CREATED = datetime(2026, 11, 1, tzinfo=UTC)
_ids = itertools.count(1)


def attorney(id: str = "att-a", **kw: Any) -> Attorney:
    fields: dict[str, Any] = {
        "id": id,
        "name": f"Attorney {id}",
        "email": f"{id}@firm.example",
        "timezone": NEW_YORK,
        "working_hours": NINE_TO_FIVE,
    }
    fields.update(kw)
    return Attorney(**fields)


def client(id: str = "cli-a", **kw: Any) -> Client:
    fields: dict[str, Any] = {"id": id, "name": f"Client {id}", "email": f"{id}@client.example"}
    fields.update(kw)
    return Client(**fields)


def matter(id: str = "mat-a", client_id: str = "cli-a", **kw: Any) -> Matter:
    fields: dict[str, Any] = {
        "id": id,
        "client_id": client_id,
        "title": f"Matter {id}",
        "jurisdiction": "US-FED",
        "practice_area": "Litigation",
        "responsible_attorneys": ("att-a",),
    }
    fields.update(kw)
    return Matter(**fields)


def appointment(
    start: datetime,
    minutes: int = 60,
    *,
    attorneys: tuple[str, ...] = ("att-a",),
    **kw: Any,
) -> Appointment:
    n = next(_ids)
    fields: dict[str, Any] = {
        "id": f"apt-t{n}",
        "uid": f"t{n}@firm.example",
        "client_id": "cli-a",
        "matter_id": "mat-a",
        "attorney_ids": attorneys,
        "starts_at": start,
        "ends_at": start + timedelta(minutes=minutes),
        "title": "Meeting",
        "status": AppointmentStatus.CONFIRMED,
        "created_at": CREATED,
        "updated_at": CREATED,
    }
    fields.update(kw)
    return Appointment(**fields)


def moved(appt: Appointment, **changes: Any) -> Appointment:
    return dataclasses.replace(appt, **changes)


def seed_small_firm(uow: UnitOfWork) -> None:
    """A firm's settings, two attorneys, two clients with one matter each, one room; committed."""
    uow.firm.save(
        Firm(
            "Test LLP",
            NEW_YORK,
            "1 Main Street, New York, NY 10001",
            "desk@test.example",
            "+1 212 555 0100",
        )
    )
    uow.attorneys.add(attorney("att-a"))
    uow.attorneys.add(attorney("att-b", timezone=LOS_ANGELES))
    uow.clients.add(client("cli-a"))
    uow.clients.add(client("cli-b"))
    uow.matters.add(matter("mat-a", "cli-a", responsible_attorneys=("att-a",)))
    uow.matters.add(
        matter("mat-b", "cli-b", responsible_attorneys=("att-b",), screened_attorneys=("att-a",))
    )
    uow.rooms.add(Room("room-1", "Hudson Conference Room"))
    uow.commit()
