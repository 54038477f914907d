"""Calendar subscription feeds: the public ``.ics`` URL, and the routes that manage its tokens.

``GET /v1/feeds/{token}.ics`` needs no API key: the long random token in the address is the
credential (calendar programs cannot send headers). Unknown and revoked tokens get 404. The
answer is ``text/calendar`` with a strong ETag and a Last-Modified date; a calendar that asks
again with ``If-None-Match`` (or ``If-Modified-Since``) for an unchanged feed gets 304.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, ClockDep, ReadUowDep, SettingsDep, StoreDep, UowDep
from scheduler.domain import FeedToken
from scheduler.errors import SecretaryError
from scheduler.services.calendars import (
    FeedCache,
    RenderedFeed,
    find_feed,
    issue_feed,
    list_feeds,
    parse_kind,
    revoke_feed,
    rotate_feed,
)
from scheduler.store import translate_error

router = APIRouter(tags=["feeds"])
log = logging.getLogger("api.feeds")


class FeedFailed(SecretaryError):
    """A feed could not be produced (details go to the operator's log, never the token)."""

    http_status = 500
    code = "feed-failed"


class FeedRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"kind": "attorney", "subject_id": "att-okafor"}}
    )

    kind: str = Field(description="attorney, client, matter or firm-busy.")
    subject_id: str | None = Field(
        default=None, description="The attorney, client or matter id (none for firm-busy)."
    )


class IssuedFeedPublic(BaseModel):
    id: str
    kind: str
    subject_id: str | None
    token: str = Field(description="Shown once; only its hash is kept.")
    url: str = Field(description="The https address to subscribe to.")
    webcal_url: str = Field(description="The same address for Apple Calendar and Outlook.")


class FeedPublic(BaseModel):
    id: str
    kind: str
    subject_id: str | None
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: FeedToken) -> FeedPublic:
        return cls(
            id=token.id,
            kind=token.kind.value,
            subject_id=token.subject_id,
            created_at=token.created_at,
            revoked_at=token.revoked_at,
        )


class FeedPage(BaseModel):
    data: list[FeedPublic]
    count: int


def _cache(request: Request) -> FeedCache:
    state = request.app.state
    cache = getattr(state, "feed_cache", None)
    if cache is None:
        cache = FeedCache()
        state.feed_cache = cache
    assert isinstance(cache, FeedCache)
    return cache


def _not_modified(request: Request, feed: RenderedFeed) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or feed.etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and since >= feed.last_modified
    return False


@router.head("/v1/feeds/{token}.ics", response_class=Response, include_in_schema=False)
@router.get(
    "/v1/feeds/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "The calendar."},
        304: {"description": "Unchanged since the copy the caller holds."},
        404: {"description": "No feed at this address (unknown or revoked)."},
    },
)
def get_feed(token: str, request: Request, store: StoreDep, clock: ClockDep) -> Response:
    """A calendar feed, for calendar programs to subscribe to. No API key: the token is the key."""
    try:
        with store.unit_of_work(readonly=True) as uow:
            feed = find_feed(uow, token)
            rendered = _cache(request).get(uow, feed, clock.now())
    except SecretaryError:
        raise
    except Exception as error:
        unavailable = translate_error(error)
        if unavailable is not None:
            raise unavailable from None
        # The address holds the secret token: log the failure without it.
        log.error("feed rendering failed (%s)", type(error).__name__)
        raise FeedFailed(
            "The calendar could not be produced right now. Please try again."
        ) from None
    headers = {
        "ETag": rendered.etag,
        "Last-Modified": format_datetime(rendered.last_modified, usegmt=True),
        "Cache-Control": "private, no-cache",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'inline; filename="calendar.ics"',
    }
    if _not_modified(request, rendered):
        return Response(status_code=304, headers=headers)
    body = b"" if request.method == "HEAD" else rendered.body
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(rendered.body))
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.post("/v1/feeds", status_code=201, response_model=IssuedFeedPublic)
def create_feed(
    body: FeedRequest, uow: UowDep, actor: ActorDep, clock: ClockDep, settings: SettingsDep
) -> IssuedFeedPublic:
    """Issue a feed URL (shown once). Staff may issue any feed; an attorney their own feed and
    the dockets of matters they may see; a client their own appointments."""
    issued = issue_feed(
        uow,
        actor,
        clock.now(),
        kind=parse_kind(body.kind),
        subject_id=body.subject_id,
        base_url=settings.base_url,
    )
    return IssuedFeedPublic(**issued.to_json())


@router.get("/v1/feeds", response_model=FeedPage)
def get_feeds(uow: ReadUowDep, actor: ActorDep) -> FeedPage:
    """The feed tokens the caller may manage (never the URLs: only their hashes are kept)."""
    items = [FeedPublic.of(t) for t in list_feeds(uow, actor)]
    return FeedPage(data=items, count=len(items))


@router.delete("/v1/feeds/{feed_id}", status_code=204, response_class=Response)
def delete_feed(
    feed_id: str, request: Request, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Response:
    """Revoke a feed: its URL answers 404 from now on."""
    revoke_feed(uow, actor, clock.now(), feed_id)
    _cache(request).forget(feed_id)
    return Response(status_code=204)


@router.post("/v1/feeds/{feed_id}/rotate", status_code=201, response_model=IssuedFeedPublic)
def rotate(
    feed_id: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> IssuedFeedPublic:
    """Replace a feed's URL with a new one; the old URL answers 404 from now on."""
    issued = rotate_feed(uow, actor, clock.now(), feed_id, base_url=settings.base_url)
    _cache(request).forget(feed_id)
    return IssuedFeedPublic(**issued.to_json())
