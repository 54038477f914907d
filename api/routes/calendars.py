"""Attorneys' own calendars as busy time: ``.ics`` uploads, subscription URLs and CalDAV sources.

Addresses are shown as ``https://host/…`` only (a subscription URL is often a secret itself);
CalDAV passwords are never sent to or stored by the API: a source names the environment variable
that holds its password on the server.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, ClockDep, ReadUowDep, StoreDep, UowDep
from calendars.sources import NetworkReader, redact_url
from scheduler.domain import CalendarSource
from scheduler.errors import InvalidInput
from scheduler.services.calendars import (
    ImportSummary,
    add_caldav_source,
    add_url_source,
    import_ics,
    list_sources,
    remove_source,
    source_id_for,
    sync_source,
)

router = APIRouter(prefix="/v1", tags=["calendars"])


class SourceRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "attorney_id": "att-okafor",
                "kind": "caldav",
                "url": "https://dav.example.com/okafor/work/",
                "username": "okafor",
                "password_env": "CALDAV_PW_OKAFOR",
            }
        }
    )

    attorney_id: str
    kind: Literal["url", "caldav"]
    url: str = Field(description="The subscription (.ics) or CalDAV address.")
    label: str = ""
    username: str = Field(default="", description="CalDAV user name.")
    password_env: str = Field(
        default="",
        description="The environment variable on the server that holds the CalDAV password.",
    )
    poll_minutes: int = Field(default=15, ge=1, le=1440)


class SourcePublic(BaseModel):
    id: str
    attorney_id: str
    kind: str
    label: str
    address: str | None = Field(description="Scheme and host only: the full URL stays secret.")
    username: str | None
    password_env: str | None
    poll_minutes: int
    last_polled_at: datetime | None
    last_error: str | None

    @classmethod
    def of(cls, s: CalendarSource) -> SourcePublic:
        return cls(
            id=s.id,
            attorney_id=s.attorney_id,
            kind=s.kind,
            label=s.label,
            address=redact_url(s.url) if s.url else None,
            username=s.username or None,
            password_env=s.password_env or None,
            poll_minutes=s.poll_minutes,
            last_polled_at=s.last_polled_at,
            last_error=s.last_error,
        )


class SourcePage(BaseModel):
    data: list[SourcePublic]
    count: int


class SkippedEvent(BaseModel):
    uid: str
    summary: str
    reason: str


class ImportPublic(BaseModel):
    source_id: str
    attorney_id: str
    busy_blocks: int
    events: int
    ignored: int
    floating: int
    unchanged: bool
    skipped: list[SkippedEvent]

    @classmethod
    def of(cls, summary: ImportSummary) -> ImportPublic:
        return cls.model_validate(summary.to_json())


@router.get("/calendar-sources", response_model=SourcePage)
def get_sources(uow: ReadUowDep, actor: ActorDep) -> SourcePage:
    """Calendar sources (staff: all; an attorney: their own)."""
    items = [SourcePublic.of(s) for s in list_sources(uow, actor)]
    return SourcePage(data=items, count=len(items))


@router.post("/calendar-sources", status_code=201, response_model=SourcePublic)
def create_source(
    body: SourceRequest, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> SourcePublic:
    """Register a subscription URL or a CalDAV calendar; ``POST .../sync`` reads it."""
    if body.kind == "caldav":
        source = add_caldav_source(
            uow,
            actor,
            clock.now(),
            attorney_id=body.attorney_id,
            url=body.url,
            username=body.username,
            password_env=body.password_env,
            label=body.label,
            poll_minutes=body.poll_minutes,
        )
    else:
        source = add_url_source(
            uow,
            actor,
            clock.now(),
            attorney_id=body.attorney_id,
            url=body.url,
            label=body.label,
            poll_minutes=body.poll_minutes,
        )
    return SourcePublic.of(source)


@router.post("/calendar-sources/{source_id}/sync", response_model=ImportPublic)
def sync(source_id: str, store: StoreDep, actor: ActorDep, clock: ClockDep) -> ImportPublic:
    """Read a network source now (conditionally) and replace its busy time if it changed."""
    reader = NetworkReader(os.environ)
    return ImportPublic.of(sync_source(store, reader, actor, clock.now(), source_id))


@router.delete("/calendar-sources/{source_id}", status_code=204, response_class=Response)
def delete_source(source_id: str, uow: UowDep, actor: ActorDep, clock: ClockDep) -> Response:
    """Remove a source and the busy time it gave."""
    remove_source(uow, actor, clock.now(), source_id)
    return Response(status_code=204)


@router.put(
    "/attorneys/{attorney_id}/busy.ics",
    response_model=ImportPublic,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/calendar": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def upload_ics(
    attorney_id: str,
    request: Request,
    actor: ActorDep,
    store: StoreDep,
    clock: ClockDep,
    label: str = Query(default="upload", max_length=200, description="Which upload to replace."),
    tolerant: bool = Query(default=False, description="Skip unreadable events and list them."),
) -> ImportPublic:
    """Upload an ``.ics`` export (``Content-Type: text/calendar``) as the attorney's busy time.

    Uploading again under the same label replaces the previous upload, all at once.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("text/calendar", "application/octet-stream", "application/ics"):
        raise InvalidInput("send the file as text/calendar", field="content-type")
    data = await request.body()

    def store_it() -> ImportSummary:
        with store.unit_of_work() as uow:
            return import_ics(
                uow,
                actor,
                clock.now(),
                attorney_id=attorney_id,
                data=data,
                source_id=source_id_for(attorney_id, "upload", label),
                label=label,
                kind="upload",
                tolerant=tolerant,
            )

    return ImportPublic.of(await run_in_threadpool(store_it))
