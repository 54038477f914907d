"""The error answers every route may give, documented once for OpenAPI (problem+json)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import BaseRoute

from api.deps import get_actor


class FieldError(BaseModel):
    field: str | None = None
    message: str


class Problem(BaseModel):
    """An error (RFC 9457): a plain-language ``detail`` and, for bad input, the ``field``."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "type": "https://legal-secretary.dev/problems/invalid-input",
                "title": "Invalid input",
                "status": 422,
                "detail": "start: an instant needs a UTC offset (for example "
                "2026-12-07T09:00:00-05:00)",
                "field": "start",
            }
        },
    )

    type: str
    title: str
    status: int
    detail: str
    field: str | None = Field(default=None, description="The input that is wrong, if any.")
    errors: list[FieldError] | None = Field(
        default=None, description="Every invalid field, when the request had several."
    )
    alternatives: list[dict[str, Any]] | None = Field(
        default=None, description="For a time that cannot be booked: the nearest free slots."
    )


DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "No API key, or an unknown or revoked one.",
    403: "The caller's role may not do this.",
    404: "Not found, or not visible to the caller (the same answer either way).",
    409: "Conflicts with the calendar as it is now (with the nearest free alternatives), or an "
    "Idempotency-Key reused for a different request.",
    413: "The request body is too large.",
    422: "Invalid input; `field` names what is wrong.",
    429: "Too many requests from this API key (or booking link); retry after `Retry-After` "
    "seconds.",
    503: "The database cannot be reached right now; retry after `Retry-After` seconds.",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses."""
    return {
        code: {
            "model": Problem,
            "description": DESCRIPTIONS[code],
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for code in codes
    }


#: What any authenticated route may answer besides its success.
COMMON = problems(400, 401, 404, 413, 422, 503)


def document_problems(routes: Iterable[BaseRoute]) -> None:
    """Document the problem+json answers on every route that does not list them itself.

    Every route may refuse bad input (400, 413, 422), not find something (404), conflict (409)
    or find the database unreachable (503); routes that take an API key may also answer 401
    and 403. FastAPI's own 422 schema is replaced: errors here are always problem+json.
    """
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        codes = [400, 404, 409, 413, 422, 503]
        if _needs_key(route.dependant):
            codes[1:1] = [401, 403]
            codes.insert(-1, 429)  # rate limited per key
        for code, response in problems(*codes).items():
            route.responses.setdefault(code, response)


def _needs_key(dependant: Dependant) -> bool:
    return any(d.call is get_actor or _needs_key(d) for d in dependant.dependencies)
