"""Who may see what, and the audit trail of who did.

Admins and secretaries see the firm. An attorney sees their own calendar and every matter they are
not screened from. A client (by API key or booking link) reaches only their own bookings, matters
and free times. Anything the caller may not see is reported as not found, exactly as if it did not
exist, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduler.domain import AuditEntry, Matter, Role
from scheduler.errors import NotAllowed, NotFound
from scheduler.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Actor:
    """The party making a request: a role, and for attorneys and clients, who they are."""

    role: Role
    label: str  # what the audit log records, e.g. "key:k-3f2a (secretary)" or "cli"
    attorney_id: str | None = None
    client_id: str | None = None

    @property
    def sees_firm(self) -> bool:
        return self.role in (Role.ADMIN, Role.SECRETARY)


SYSTEM = Actor(Role.ADMIN, "system")


def operator(name: str = "secretary-cli") -> Actor:
    """The person at the firm's own terminal, running the ``secretary`` command."""
    return Actor(Role.SECRETARY, name)


def can_see_matter(actor: Actor, matter: Matter) -> bool:
    if actor.sees_firm:
        return True
    if actor.role is Role.ATTORNEY:
        return actor.attorney_id is not None and not matter.is_screened(actor.attorney_id)
    if actor.role is Role.CLIENT:
        return matter.client_id == actor.client_id
    return False


def require_matter(uow: UnitOfWork, actor: Actor, matter_id: str) -> Matter:
    """The matter, if the actor may see it; otherwise NotFound, as if it did not exist."""
    matter = uow.matters.get(matter_id)
    if not can_see_matter(actor, matter):
        raise NotFound("matter", matter_id)
    return matter


def require_staff(actor: Actor) -> None:
    """Firm staff only (admin, secretary)."""
    if not actor.sees_firm:
        raise NotAllowed("Only the firm's secretaries and administrators may do this.")


def record(
    uow: UnitOfWork,
    actor: Actor,
    at: datetime,
    action: str,
    entity_type: str,
    entity_id: str,
    detail: str = "",
) -> None:
    """Write one audit entry in the caller's transaction. ``detail`` holds no privileged text."""
    uow.audit.record(
        AuditEntry(
            at=at,
            actor=actor.label,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            detail=detail,
        )
    )
