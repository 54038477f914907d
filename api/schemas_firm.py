"""Request models for changing the firm's directory (answers reuse ``api.schemas``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas_booking import Id, Instant

NewId = Field(
    default=None,
    pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$",
    description="Optional; a fresh id is made when absent.",
)
Hours = Field(
    description="Local working ranges per weekday in the attorney's zone, e.g. "
    '{"mon": ["09:00-12:30", "13:30-17:30"]}; a day that is absent is not worked.',
    examples=[{"mon": ["09:00-12:30", "13:30-17:30"], "fri": ["09:00-13:00"]}],
)


class AttorneyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "id": "att-rivera",
                "name": "Lucia Rivera",
                "email": "lucia.rivera@hargrove-vance.example",
                "timezone": "America/Los_Angeles",
                "working_hours": {d: ["08:30-12:00", "13:00-17:00"] for d in ("mon", "tue")},
                "title": "Associate",
                "office": "Los Angeles",
                "practice_areas": ["Employment"],
                "max_meetings_per_day": 6,
                "buffer_minutes": 15,
            }
        },
    )

    id: str | None = NewId
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    timezone: str = Field(max_length=64, examples=["America/New_York"])
    working_hours: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Local working ranges per weekday in the attorney's zone (see working-hours).",
    )
    title: str = Field(default="Associate", max_length=100)
    office: str = Field(default="", max_length=100)
    practice_areas: list[str] = Field(default_factory=list, max_length=20)
    max_meetings_per_day: int | None = None
    buffer_minutes: int = 0


class AttorneyPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"buffer_minutes": 10}})

    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    timezone: str | None = Field(default=None, max_length=64)
    working_hours: dict[str, list[str]] | None = None
    title: str | None = Field(default=None, max_length=100)
    office: str | None = Field(default=None, max_length=100)
    practice_areas: list[str] | None = Field(default=None, max_length=20)
    max_meetings_per_day: int | None = None
    buffer_minutes: int | None = None
    active: bool | None = None


class WorkingHoursIO(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: str | None = Field(default=None, description="The zone the hours are read in.")
    working_hours: dict[str, list[str]] = Hours


class TimeOffIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "start": "2026-12-24T00:00:00-05:00",
                "end": "2026-12-28T00:00:00-05:00",
                "reason": "Vacation",
            }
        },
    )

    start: Instant
    end: Instant
    reason: str = Field(default="", max_length=200)


class TimeOffOut(BaseModel):
    id: str
    attorney: str
    start: datetime
    end: datetime
    reason: str


class RoomClosureIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "start": "2026-12-15T08:00:00-05:00",
                "end": "2026-12-15T13:00:00-05:00",
                "reason": "Carpet cleaning",
            }
        },
    )

    start: Instant
    end: Instant
    reason: str = Field(default="", max_length=200)


class RoomClosureOut(BaseModel):
    id: str
    room: str
    start: datetime
    end: datetime
    reason: str


class ClientIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "name": "Rosa Navarro",
                "email": "rosa.navarro@clients.example",
                "timezone": "America/Los_Angeles",
                "language": "es",
            }
        },
    )

    id: str | None = NewId
    name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    phone: str = Field(default="", max_length=64)
    timezone: str = Field(default="America/New_York", max_length=64)
    language: Literal["en", "es"] = "en"


class ClientPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    timezone: str | None = Field(default=None, max_length=64)
    language: Literal["en", "es"] | None = None


class AdversePartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=300)
    client: Id | None = Field(default=None, description="When the party is also a client.")


class MatterIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "client": "cli-001",
                "title": "Wrongful termination",
                "jurisdiction": "US-CA",
                "practice_area": "Employment",
                "court": "Superior Court of California, County of Los Angeles",
                "responsible_attorneys": ["att-okafor"],
                "screened_attorneys": ["att-navarro"],
                "adverse_parties": [{"name": "Kestrel Logistics LLC"}],
            }
        },
    )

    id: str | None = NewId
    client: Id
    title: str = Field(max_length=300)
    jurisdiction: str = Field(max_length=16, examples=["US-FED"])
    practice_area: str = Field(max_length=100)
    court: str = Field(default="", max_length=200)
    responsible_attorneys: list[Id] = Field(min_length=1, max_length=20)
    screened_attorneys: list[Id] = Field(
        default_factory=list, max_length=50, description="The ethical wall."
    )
    adverse_parties: list[AdversePartyIn] = Field(default_factory=list, max_length=50)
    opened_on: date | None = None


class MatterPatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"screened_attorneys": ["att-navarro"]}}
    )

    title: str | None = Field(default=None, max_length=300)
    jurisdiction: str | None = Field(default=None, max_length=16)
    practice_area: str | None = Field(default=None, max_length=100)
    court: str | None = Field(default=None, max_length=200)
    responsible_attorneys: list[Id] | None = Field(default=None, min_length=1, max_length=20)
    screened_attorneys: list[Id] | None = Field(default=None, max_length=50)
    adverse_parties: list[AdversePartyIn] | None = Field(default=None, max_length=50)
    status: Literal["open", "closed"] | None = None


class RoomIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"name": "Hudson Conference Room", "capacity": 8, "location": "New York"}
        },
    )

    id: str | None = NewId
    name: str = Field(max_length=200)
    capacity: int = 6
    location: str = Field(default="", max_length=400)


class RoomPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    capacity: int | None = None
    location: str | None = Field(default=None, max_length=400)


class ClosedDayIO(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"day": "2026-12-25", "reason": "Christmas Day"}},
    )

    day: date
    reason: str = Field(default="", max_length=200)
