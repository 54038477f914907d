"""Booking links: staff issue a client an address to book one meeting (``/book/{token}``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, ClockDep, ReadUowDep, SettingsDep, UowDep
from api.schemas_booking import Id
from scheduler.services import links

router = APIRouter(prefix="/v1", tags=["booking links"])
LinkId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]


class LinkIn(BaseModel):
    """The meeting a link books: for whom, on which matter, how long, with whom."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "client": "cli-001",
                "matter": "mat-001",
                "duration_minutes": 60,
                "attorneys": ["att-okafor"],
                "needs_room": True,
                "title": "Case review",
                "deadline": "2026-12-18",
                "expires_in_days": 14,
            }
        },
    )

    client: Id
    matter: Id
    duration_minutes: int = Field(description="5 minutes to 12 hours.")
    attorneys: list[Id] = Field(
        default_factory=list,
        max_length=20,
        description="Who may take the meeting (default: the matter's own attorneys); the "
        "client is offered any one of them, or all together with `attend_all`.",
    )
    attend_all: bool = False
    needs_room: bool = False
    title: str = Field(default=links.DEFAULT_TITLE, max_length=200)
    deadline: date | None = Field(
        default=None, description="The meeting must take place by the end of this day."
    )
    expires_in_days: int = Field(
        default=links.DEFAULT_VALID_DAYS,
        description=f"The link takes bookings for this many days (1 to {links.MAX_VALID_DAYS}).",
    )


class IssuedLinkOut(BaseModel):
    id: str
    url: str = Field(description="The address to send the client; shown once.")
    token: str = Field(description="Shown once; only its hash is kept.")
    expires: datetime


class LinkOut(BaseModel):
    id: str
    client: str
    matter: str
    duration_minutes: int
    attorneys: list[str]
    attend_all: bool
    needs_room: bool
    title: str
    deadline: date | None
    expires: datetime
    created: datetime
    revoked: datetime | None
    booking: str | None = Field(description="The meeting booked through the link, if any.")
    status: str = Field(description="open, booked, expired or revoked.")


class LinkPage(BaseModel):
    data: list[LinkOut]
    count: int


@router.post("/links", status_code=201, response_model=IssuedLinkOut)
def create_link(
    body: LinkIn, uow: UowDep, actor: ActorDep, clock: ClockDep, settings: SettingsDep
) -> IssuedLinkOut:
    """Issue a booking link (staff). Its address is shown once: send it to the client."""
    issued = links.create_link(
        uow,
        actor,
        clock.now(),
        client_id=body.client,
        matter_id=body.matter,
        duration_minutes=body.duration_minutes,
        base_url=settings.base_url,
        attorney_ids=body.attorneys,
        attend_all=body.attend_all,
        needs_room=body.needs_room,
        title=body.title,
        meet_by=body.deadline,
        valid_days=body.expires_in_days,
    )
    return IssuedLinkOut.model_validate(issued.to_json())


@router.get("/links", response_model=LinkPage)
def get_links(
    uow: ReadUowDep,
    actor: ActorDep,
    clock: ClockDep,
    client: Annotated[str | None, Query(max_length=64, description="One client's links.")] = None,
) -> LinkPage:
    """The firm's booking links (staff); never their addresses, which are not kept."""
    now = clock.now()
    items = [
        LinkOut.model_validate(links.link_view(link, now))
        for link in links.list_links(uow, actor, client_id=client)
    ]
    return LinkPage(data=items, count=len(items))


@router.get("/links/{link_id}", response_model=LinkOut)
def get_link(link_id: LinkId, uow: ReadUowDep, actor: ActorDep, clock: ClockDep) -> LinkOut:
    """One booking link (staff)."""
    return LinkOut.model_validate(links.link_view(links.get_link(uow, actor, link_id), clock.now()))


@router.delete("/links/{link_id}", status_code=204, response_class=Response)
def revoke_link(link_id: LinkId, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Response:
    """Revoke a link: its address opens nothing from now on (a meeting it booked stands)."""
    links.revoke_link(uow, actor, clock.now(), link_id)
    return Response(status_code=204)
