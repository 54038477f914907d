"""Typed dependencies: the one place where the store, the clock and the caller are injected."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from scheduler.clock import Clock
from scheduler.errors import Unauthenticated
from scheduler.services import ratelimit
from scheduler.services.access import Actor
from scheduler.services.keys import KEY_PREFIX, authenticate, hash_secret
from scheduler.services.ratelimit import RateLimit
from scheduler.settings import Settings
from scheduler.store import SqlUnitOfWork, Store

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `secretary keys create`, sent as `Authorization: Bearer KEY`.",
)


# The plain look-ups below are ``async``: FastAPI runs a synchronous dependency in its thread
# pool, a hand-over per dependency per request for what is only an attribute read.


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def request_versions(request: Request) -> Callable[[], dict[str, int] | None]:
    """The cache versions this request's authentication read, for its later units of work.

    Authentication reads the versions of the cached facts (``scheduler.store.cache``) once; the
    request's own units of work reuse them instead of reading them again, so the whole request
    sees the cached facts as they were when it arrived.
    """
    return lambda: getattr(request.state, "fact_versions", None)


def get_uow(store: StoreDep, request: Request) -> Iterator[SqlUnitOfWork]:
    """A unit of work for the request; rolled back unless the use-case commits."""
    with store.unit_of_work(versions=request_versions(request)) as uow:
        yield uow


def get_readonly_uow(store: StoreDep, request: Request) -> Iterator[SqlUnitOfWork]:
    with store.unit_of_work(readonly=True, versions=request_versions(request)) as uow:
        yield uow


UowDep = Annotated[SqlUnitOfWork, Depends(get_uow)]
ReadUowDep = Annotated[SqlUnitOfWork, Depends(get_readonly_uow)]


def get_actor(
    store: StoreDep,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("Send an API key as 'Authorization: Bearer KEY'.")
    settings: Settings = request.app.state.settings
    policy = RateLimit(settings.rate_limit_per_key, settings.rate_limit_window_seconds)
    counted: tuple[int, int, float] | bool | None = False
    with store.unit_of_work(readonly=True) as uow:
        if policy.enabled and credentials.credentials.startswith(KEY_PREFIX):
            # PostgreSQL counts the request and reads the cache versions in one round trip.
            counted = uow.rate_limits.hit_api_key(
                hash_secret(credentials.credentials), policy.window_seconds
            )
        actor = authenticate(uow, credentials.credentials)
        request.state.fact_versions = uow.cache.versions
    if counted is False:
        enforce_rate_limit(store, "api_key", actor.label, policy)
    elif isinstance(counted, tuple):
        decision = ratelimit.decide(*counted, policy)
        if not decision.allowed:
            raise ratelimit.refusal(decision)
    return actor


def enforce_rate_limit(store: Store, kind: str, subject: str, policy: RateLimit) -> None:
    """Count one request against (kind, subject); 429 with Retry-After when over the limit.

    The counter lives in the database, so every worker and every machine shares it. On
    PostgreSQL it is one statement that commits by itself.
    """
    if not policy.enabled:
        return
    with store.unit_of_work(autocommit=True) as uow:
        decision = ratelimit.hit(uow, kind, subject, policy)
        uow.commit()
    if not decision.allowed:
        raise ratelimit.refusal(decision)


def rate_limited(
    kind: str, *, path_param: str, policy: Callable[[Settings], RateLimit]
) -> Callable[..., Awaitable[None]]:
    """A dependency that limits requests per value of a path parameter holding a secret.

    For booking links: ``dependencies=[Depends(rate_limited("booking_link",
    path_param="token", policy=link_policy))]`` on the route counts requests per link. The
    counter is keyed by a hash of the token, never the token itself.
    """

    async def dependency(request: Request, store: StoreDep) -> None:
        value = str(request.path_params.get(path_param, ""))
        settings: Settings = request.app.state.settings
        await run_in_threadpool(
            enforce_rate_limit, store, kind, ratelimit.subject_for_secret(value), policy(settings)
        )

    return dependency


def link_policy(settings: Settings) -> RateLimit:
    """The limit for one booking link (``SECRETARY_RATE_LIMIT_PER_LINK`` per window)."""
    return RateLimit(settings.rate_limit_per_link, settings.rate_limit_window_seconds)


ActorDep = Annotated[Actor, Depends(get_actor)]
