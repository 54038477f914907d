"""Rate limits per API key and per booking link, counted in the database so every worker agrees.

A limit is ``limit`` requests per ``window_seconds``, counted with a sliding window: the database
keeps, per (kind, subject), the hits of the current fixed window and of the one before, and a
request is let through while ``previous * (1 - elapsed / window) + current`` stays within the
limit. That smooths the burst a plain fixed window allows at its edges, with one row per subject
and one statement per request (an upsert that counts and answers at once). Refused requests are
counted too, so a client that keeps hammering stays refused until it slows down.

Time comes from the database server, not from the caller's clock, so several machines with
slightly different clocks still share one window.

Subjects are what identifies the caller without revealing it: an API key's id, or for a booking
link a hash of its token (never the token itself).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from scheduler.errors import SecretaryError
from scheduler.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``limit`` requests per ``window_seconds`` (``limit`` 0: no limit)."""

    limit: int
    window_seconds: int = 60

    @property
    def enabled(self) -> bool:
        return self.limit > 0


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_seconds: int


class RateLimited(SecretaryError):
    """Too many requests from one key or link; try again after ``retry_after_seconds``."""

    http_status = 429
    exit_code = 1
    code = "rate-limited"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


def subject_for_secret(secret: str) -> str:
    """A subject for a secret such as a booking link's token: a hash, never the token."""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:40]


def decide(hits: int, previous: int, elapsed: float, policy: RateLimit) -> Decision:
    """Whether the request that made the count ``hits`` (this window) may pass.

    ``previous`` is the last window's count and ``elapsed`` the seconds since this window began.
    """
    window = policy.window_seconds
    fraction = min(max(elapsed / window, 0.0), 1.0)
    estimate = previous * (1.0 - fraction) + hits
    if estimate <= policy.limit:
        return Decision(True, policy.limit, int(policy.limit - estimate), 0)
    return Decision(False, policy.limit, 0, _retry_after(hits, previous, elapsed, policy))


def _retry_after(hits: int, previous: int, elapsed: float, policy: RateLimit) -> int:
    """Seconds until one more request would pass, if none is sent meanwhile."""
    window, limit = policy.window_seconds, policy.limit
    need = limit - 1  # the estimate must fall to limit - 1 for one more hit to fit
    if hits > need:
        # Only in the next window, once this window's hits have faded enough.
        wait = (window - elapsed) + window * (1.0 - need / hits)
    else:
        # Later in this window, as the previous window's share fades.
        wait = window * (1.0 - (need - hits) / previous) - elapsed if previous else 0.0
    return max(1, math.ceil(wait))


def hit(uow: UnitOfWork, kind: str, subject: str, policy: RateLimit) -> Decision:
    """Count one request of ``subject`` and decide on it (the caller commits, or the store's
    counting statement commits by itself)."""
    if not policy.enabled:
        return Decision(True, 0, 0, 0)
    hits, previous, elapsed = uow.rate_limits.hit(kind, subject[:128], policy.window_seconds)
    return decide(hits, previous, elapsed, policy)


def refusal(decision: Decision) -> RateLimited:
    """The error for a refused request (429 with Retry-After), in plain words."""
    return RateLimited(
        f"Too many requests. Please wait {decision.retry_after_seconds} seconds and try again.",
        decision.retry_after_seconds,
    )
