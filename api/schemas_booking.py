"""Request and response models of availability, holds and bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", examples=["att-okafor"])]
Instant = Annotated[
    datetime,
    Field(description="An instant with its UTC offset, e.g. 2026-12-07T09:00:00-05:00."),
]


class SlotOut(BaseModel):
    start: datetime = Field(description="In the caller's zone, with its offset.")
    end: datetime
    attorneys: list[str] = Field(description="Who attends (in 'any' mode, the one chosen).")


class DeadlineNote(BaseModel):
    """The matter's deadline that bounded the slots (shown to the firm's staff)."""

    id: str
    title: str
    due_on: date


class AvailabilityOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "slots": [
                    {
                        "start": "2026-12-08T09:00:00-05:00",
                        "end": "2026-12-08T10:00:00-05:00",
                        "attorneys": ["att-okafor"],
                    }
                ],
                "timezone": "America/New_York",
                "more": False,
                "deadline": None,
            }
        }
    )

    slots: list[SlotOut]
    timezone: str = Field(description="The zone the slots are written in.")
    more: bool = Field(description="True when more slots exist than `limit` allowed.")
    deadline: DeadlineNote | None = None


class MeetingIn(BaseModel):
    """Who meets: ``attorneys`` (all attend) or ``pool`` (any one of them), for how long."""

    model_config = ConfigDict(extra="forbid")

    attorneys: list[Id] = Field(default_factory=list, max_length=20)
    pool: list[Id] = Field(default_factory=list, max_length=20)
    start: Instant
    duration_minutes: int = Field(description="5 minutes to 12 hours.")
    needs_room: bool = False


class HoldIn(MeetingIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "client": "cli-001",
                "matter": "mat-001",
                "pool": ["att-okafor", "att-navarro"],
                "start": "2026-12-08T09:00:00-05:00",
                "duration_minutes": 60,
                "needs_room": False,
            }
        },
    )

    client: Id | None = None
    matter: Id | None = None


class HoldOut(BaseModel):
    id: str
    start: datetime
    end: datetime
    attorneys: list[str]
    room: str | None
    client: str | None
    expires_at: datetime


class BookingIn(MeetingIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "client": "cli-001",
                "matter": "mat-001",
                "attorneys": ["att-okafor"],
                "start": "2026-12-08T09:00:00-05:00",
                "duration_minutes": 60,
                "needs_room": True,
                "title": "Deposition preparation",
            }
        },
    )

    client: Id
    matter: Id
    title: str = Field(max_length=200, description="One line, shown to every attendee.")
    hold: Id | None = Field(default=None, description="A hold of the caller's to turn into this.")


class RescheduleIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"start": "2026-12-09T14:00:00-05:00"}},
    )

    start: Instant
    duration_minutes: int | None = Field(default=None, description="Default: unchanged.")


class BookingOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "apt-3f2a9c0d41b84e6f8a0c1d2e",
                "uid": "6f1c2e9a-8d4b-4c1e-9f3a-2b7d5e8c1a4f@hargrove-vance.example",
                "sequence": 0,
                "status": "confirmed",
                "client": "cli-001",
                "matter": "mat-001",
                "attorneys": ["att-okafor"],
                "start": "2026-12-08T09:00:00-05:00",
                "end": "2026-12-08T10:00:00-05:00",
                "duration_minutes": 60,
                "title": "Deposition preparation",
                "room": "room-hudson",
                "timezone": "America/New_York",
            }
        }
    )

    id: str
    uid: str = Field(description="The iCalendar UID, the same for the booking's whole life.")
    sequence: int = Field(description="Rises by one on every change attendees must see.")
    status: Literal["tentative", "confirmed", "cancelled"]
    client: str
    matter: str
    attorneys: list[str]
    start: datetime
    end: datetime
    duration_minutes: int
    title: str
    room: str | None
    timezone: str
