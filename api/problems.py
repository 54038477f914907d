"""The error answers every route may give, documented once for OpenAPI (problem+json)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
