"""Signed-in browser sessions for the firm's staff (the day board).

A secretary signs in with a staff API key once; the browser then carries a session cookie whose
value is 256 random bits, stored only as a SHA-256 hash with an expiry. The session acts with the
key it was opened with, looked up on every request, so revoking the key (or signing out) ends it
at once. Forms carry a CSRF token derived from the session secret (HMAC), so another site cannot
make a signed-in browser change anything.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.domain import Role, WebSession
from scheduler.errors import NotAllowed, Unauthenticated
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor, record
from scheduler.services.keys import KEY_PREFIX, hash_secret

SESSION_LIFETIME = timedelta(hours=12)
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,128}\Z")
_STAFF = (Role.ADMIN, Role.SECRETARY)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session; ``token`` goes into the cookie and is never stored."""

    session: WebSession
    token: str
    actor: Actor


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _actor(role: Role, key_id: str, attorney_id: str | None, client_id: str | None) -> Actor:
    return Actor(
        role=role,
        label=f"key:{key_id} ({role.value}, board)",
        attorney_id=attorney_id,
        client_id=client_id,
    )


def sign_in(uow: UnitOfWork, now: datetime, api_key: str) -> SignedIn:
    """Open a session for a staff API key; other keys are refused."""
    secret = api_key.strip()
    key = uow.api_keys.find_by_hash(hash_secret(secret)) if secret.startswith(KEY_PREFIX) else None
    if key is None or key.revoked_at is not None:
        raise Unauthenticated("That key was not recognised. Check it and try again.")
    if key.role not in _STAFF:
        raise NotAllowed("The day board is for the firm's secretaries and administrators.")
    uow.web_sessions.purge_expired(now)
    token = secrets.token_urlsafe(32)
    session = WebSession(
        id="ses-" + secrets.token_hex(6),
        token_hash=_hash(token),
        api_key_id=key.id,
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    uow.web_sessions.add(session)
    actor = _actor(key.role, key.id, key.attorney_id, key.client_id)
    record(uow, actor, now, "sign-in", "session", session.id)
    uow.commit()
    return SignedIn(session=session, token=token, actor=actor)


def _not_signed_in() -> Unauthenticated:
    return Unauthenticated("Please sign in.")


def resume(uow: UnitOfWork, now: datetime, token: str) -> tuple[WebSession, Actor]:
    """The session and its actor for a cookie value; expired, ended, unknown and malformed
    sessions, and sessions whose key was revoked, are refused alike."""
    if not _TOKEN_SHAPE.match(token):
        raise _not_signed_in()
    session = uow.web_sessions.find_by_hash(_hash(token))
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise _not_signed_in()
    key = uow.api_keys.get(session.api_key_id)
    if key.revoked_at is not None or key.role not in _STAFF:
        raise _not_signed_in()
    return session, _actor(key.role, key.id, key.attorney_id, key.client_id)


def sign_out(uow: UnitOfWork, now: datetime, token: str) -> None:
    """End the session at once (signing out twice, or with no session, changes nothing)."""
    try:
        session, actor = resume(uow, now, token)
    except Unauthenticated:
        return
    uow.web_sessions.revoke(session.id, now)
    record(uow, actor, now, "sign-out", "session", session.id)
    uow.commit()


def csrf_token(token: str) -> str:
    """The form token for a session: an HMAC of the session secret (nothing more to store)."""
    return hmac.new(token.encode("utf-8"), b"csrf:board", hashlib.sha256).hexdigest()


def csrf_ok(token: str, submitted: str) -> bool:
    return hmac.compare_digest(csrf_token(token), submitted)
