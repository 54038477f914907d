"""One error hierarchy for the engine.

The API maps these to HTTP statuses with a plain-language body (``application/problem+json``); the
CLI maps them to exit codes with a one-line message. Messages are written for the person reading
them and never carry another client's data, SQL or a stack trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class SecretaryError(Exception):
    """Base of every error the engine raises on purpose."""

    #: HTTP status the API answers with.
    http_status: int = 500
    #: Exit status of the ``secretary`` command.
    exit_code: int = 1
    #: Short machine-readable code (``problem+json`` ``type`` suffix).
    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(SecretaryError):
    """The caller's input is wrong; ``field`` names what (a path such as ``meetings[3].start``)."""

    http_status = 422
    exit_code = 2
    code = "invalid-input"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class NotFound(SecretaryError):
    """The thing does not exist, or the caller may not know that it exists (same answer)."""

    http_status = 404
    exit_code = 1
    code = "not-found"

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"No {kind} '{ident}' was found.")
        self.kind = kind
        self.ident = ident


class NotAllowed(SecretaryError):
    """Authenticated, but this role may not do this."""

    http_status = 403
    code = "not-allowed"


class Unauthenticated(SecretaryError):
    http_status = 401
    code = "unauthenticated"


class Conflict(SecretaryError):
    """The change clashes with the calendar as it is now."""

    http_status = 409
    code = "conflict"


class OverlapRefused(Conflict):
    """The database refused an appointment overlapping another of the same attorney or room."""

    code = "overlap"

    def __init__(self, resource: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"That time is already taken for {resource}: an appointment there overlaps it."
        )
        self.resource = resource


class SlotUnavailable(Conflict):
    """The requested time cannot be booked; ``alternatives`` are the nearest times that can."""

    code = "slot-unavailable"

    def __init__(self, message: str, alternatives: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.alternatives = list(alternatives)


class IdempotencyMismatch(Conflict):
    code = "idempotency-key-reused"


class Unavailable(SecretaryError):
    """A dependency (the database, the mail server) cannot be reached right now; try again."""

    http_status = 503
    code = "unavailable"

    def __init__(self, message: str, retry_after_seconds: int = 5) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
