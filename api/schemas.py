"""Request and response models of the HTTP API (never reused as database rows)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from scheduler.domain import Attorney, Client, Matter, Room

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A list answer: the items and how many there are."""

    data: list[T]
    count: int


class AttorneyPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "att-okafor",
                "name": "Adaeze Okafor",
                "email": "adaeze.okafor@hargrove-vance.example",
                "timezone": "America/New_York",
                "title": "Partner",
                "office": "New York",
                "practice_areas": ["Litigation"],
                "working_hours": {"mon": ["09:00-12:30", "13:30-17:30"]},
            }
        }
    )

    id: str
    name: str
    email: str
    timezone: str = Field(description="IANA time zone of the attorney's working hours.")
    title: str
    office: str
    practice_areas: list[str]
    working_hours: dict[str, list[str]] = Field(
        description="Local working ranges per weekday (mon..sun); absent days are not worked."
    )
    max_meetings_per_day: int | None = None

    @classmethod
    def of(cls, a: Attorney) -> AttorneyPublic:
        return cls(
            id=a.id,
            name=a.name,
            email=a.email,
            timezone=a.timezone,
            title=a.title,
            office=a.office,
            practice_areas=list(a.practice_areas),
            working_hours=a.working_hours.to_json(),
            max_meetings_per_day=a.max_meetings_per_day,
        )


class ClientPublic(BaseModel):
    id: str
    name: str
    email: str
    phone: str
    timezone: str
    language: str

    @classmethod
    def of(cls, c: Client) -> ClientPublic:
        return cls(
            id=c.id,
            name=c.name,
            email=c.email,
            phone=c.phone,
            timezone=c.timezone,
            language=c.language.value,
        )


class AdversePartyPublic(BaseModel):
    name: str
    client: str | None = Field(
        default=None, description="Set when the opposing party is also a client of the firm."
    )


class MatterPublic(BaseModel):
    id: str
    client: str
    title: str
    jurisdiction: str
    practice_area: str
    court: str
    responsible_attorneys: list[str]
    adverse_parties: list[AdversePartyPublic]
    screened_attorneys: list[str] | None = Field(
        default=None, description="The ethical wall (shown to the firm's staff only)."
    )
    status: str

    @classmethod
    def of(cls, m: Matter, *, show_wall: bool) -> MatterPublic:
        return cls(
            id=m.id,
            client=m.client_id,
            title=m.title,
            jurisdiction=m.jurisdiction,
            practice_area=m.practice_area,
            court=m.court,
            responsible_attorneys=list(m.responsible_attorneys),
            adverse_parties=[
                AdversePartyPublic(name=p.name, client=p.client_id) for p in m.adverse_parties
            ],
            screened_attorneys=list(m.screened_attorneys) if show_wall else None,
            status=m.status,
        )


class RoomPublic(BaseModel):
    id: str
    name: str
    capacity: int
    location: str

    @classmethod
    def of(cls, r: Room) -> RoomPublic:
        return cls(id=r.id, name=r.name, capacity=r.capacity, location=r.location)


class Health(BaseModel):
    status: str
    database: str
