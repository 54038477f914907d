"""API keys: issued once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from scheduler.domain import ApiKey, Role
from scheduler.errors import InvalidInput, Unauthenticated
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor, record, require_staff

KEY_PREFIX = "lsk_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: str
    key: str  # shown once, never stored
    role: Role


def create_api_key(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    *,
    role: Role,
    attorney_id: str | None = None,
    client_id: str | None = None,
    label: str = "",
) -> IssuedKey:
    """Issue a key for a role; attorney and client keys are tied to that person."""
    require_staff(actor)
    if role is Role.ATTORNEY and not attorney_id:
        raise InvalidInput("an attorney key needs --attorney", field="attorney")
    if role is Role.CLIENT and not client_id:
        raise InvalidInput("a client key needs --client", field="client")
    if role is not Role.ATTORNEY and attorney_id:
        raise InvalidInput("only an attorney key names an attorney", field="attorney")
    if role is not Role.CLIENT and client_id:
        raise InvalidInput("only a client key names a client", field="client")
    if attorney_id:
        uow.attorneys.get(attorney_id)
    if client_id:
        uow.clients.get(client_id)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        id="key-" + secrets.token_hex(4),
        role=role,
        key_hash=hash_secret(secret),
        created_at=now,
        attorney_id=attorney_id,
        client_id=client_id,
        label=label,
    )
    uow.api_keys.add(key)
    record(uow, actor, now, "create", "api_key", key.id, f"role={role.value}")
    uow.commit()
    return IssuedKey(id=key.id, key=secret, role=role)


def revoke_api_key(uow: UnitOfWork, actor: Actor, now: datetime, key_id: str) -> None:
    require_staff(actor)
    uow.api_keys.revoke(key_id, now)
    record(uow, actor, now, "revoke", "api_key", key_id)
    uow.commit()


def authenticate(uow: UnitOfWork, secret: str) -> Actor:
    """The actor behind a bearer key; unknown and revoked keys are refused alike."""
    key = uow.api_keys.find_by_hash(hash_secret(secret)) if secret.startswith(KEY_PREFIX) else None
    if key is None or key.revoked_at is not None:
        raise Unauthenticated("The API key is missing, unknown or revoked.")
    return Actor(
        role=key.role,
        label=f"key:{key.id} ({key.role.value})",
        attorney_id=key.attorney_id,
        client_id=key.client_id,
    )
