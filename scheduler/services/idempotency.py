"""Idempotency keys: a retried request answers what the first one answered, and creates nothing.

A client that did not hear back (a timeout, a dropped connection) sends the same request again
with the same ``Idempotency-Key``. The first request stored its answer in the same transaction as
its change; the retry finds it and gets it back unchanged. The same key with a different request
is refused, so a key can never be reused by mistake for another booking.

Keys are scoped to the caller (the API key) and the operation: one caller can neither collide with
nor detect another caller's keys.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from scheduler.domain import IdempotencyRecord
from scheduler.errors import IdempotencyMismatch, InvalidInput
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor

MAX_KEY_LENGTH = 200


def check_key(key: str) -> str:
    """A usable key: 1 to 200 visible ASCII characters."""
    if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(ch) <= 126 for ch in key):
        raise InvalidInput(
            "use 1 to 200 visible ASCII characters, such as a UUID", field="Idempotency-Key"
        )
    return key


def scope_for(actor: Actor, operation: str) -> str:
    """The namespace of a caller's keys for one operation (the caller is hashed, not spelled)."""
    return f"{operation}:{hashlib.sha256(actor.label.encode()).hexdigest()[:24]}"


def request_hash(request: Any) -> str:
    """A fingerprint of the request's meaning (JSON with sorted keys)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(uow: UnitOfWork, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """The stored answer for this key, after waiting for any request in flight with it.

    Raises IdempotencyMismatch if the key was used for a different request.
    """
    uow.lock([f"idempotency:{scope}:{key}"])
    record = uow.idempotency.get(scope, key)
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise IdempotencyMismatch(
            "This Idempotency-Key was already used for a different request. "
            "Use a new key for a new request."
        )
    return record


def remember(
    uow: UnitOfWork,
    scope: str,
    key: str,
    fingerprint: str,
    status_code: int,
    body: Any,
    now: datetime,
) -> str:
    """Store the answer in the caller's transaction; returns the body as stored (JSON text)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    uow.idempotency.save(
        IdempotencyRecord(
            key=key,
            scope=scope,
            request_hash=fingerprint,
            status_code=status_code,
            response_body=text,
            created_at=now,
        )
    )
    return text
