"""Request and response models of the HTTP API (never reused as database rows)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from scheduler.domain import Attorney, Client, Firm, Matter, Room

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


class FirmSettings(BaseModel):
    """The firm's own settings: it is the organizer of every invitation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "name": "Hargrove & Vance LLP",
                "timezone": "America/New_York",
                "address": "41 Larkspur Street, 18th Floor, New York, NY 10013",
                "email": "scheduling@hargrove-vance.example",
                "phone": "+1 212 555 0142",
                "reminder_offsets_minutes": [1440, 120],
                "tickler_court_days": [14, 7, 3, 1],
                "min_notice_business_hours": 4,
            }
        },
    )

    name: str = Field(min_length=1, max_length=200)
    timezone: str = Field(min_length=1, max_length=64)
    address: str = Field(min_length=1, max_length=400)
    email: str = Field(min_length=3, max_length=320)
    phone: str = Field(default="", max_length=64)
    reminder_offsets_minutes: list[int] = Field(
        default_factory=lambda: [1440, 120],
        min_length=1,
        max_length=6,
        description="Client reminders, in minutes before a meeting.",
    )
    tickler_court_days: list[int] = Field(
        default_factory=lambda: [14, 7, 3, 1],
        min_length=1,
        max_length=8,
        description="Deadline ticklers, in court days before the due date.",
    )
    min_notice_business_hours: int = Field(default=4, ge=0, le=200)

    @classmethod
    def of(cls, f: Firm) -> FirmSettings:
        return cls(
            name=f.name,
            timezone=f.timezone,
            address=f.address,
            email=f.email,
            phone=f.phone,
            reminder_offsets_minutes=list(f.reminder_offsets_minutes),
            tickler_court_days=list(f.tickler_court_days),
            min_notice_business_hours=f.min_notice_business_hours,
        )

    def to_domain(self) -> Firm:
        return Firm(
            name=self.name,
            timezone=self.timezone,
            address=self.address,
            email=self.email,
            phone=self.phone,
            reminder_offsets_minutes=tuple(self.reminder_offsets_minutes),
            tickler_court_days=tuple(self.tickler_court_days),
            min_notice_business_hours=self.min_notice_business_hours,
        )
