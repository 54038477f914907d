"""Errors as ``application/problem+json`` (RFC 9457), in plain language.

No response carries a stack trace, SQL, or another client's data. Bad input names the field that
is wrong.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from scheduler.errors import SecretaryError, SlotUnavailable, Unauthenticated, Unavailable
from scheduler.store import translate_error

log = logging.getLogger("api")
PROBLEM = "application/problem+json"
TYPE_BASE = "https://legal-secretary.dev/problems/"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


def problem(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (code or str(status)),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _route(request: Request) -> str:
    """The route's template (``/v1/feeds/{token}.ics``), never the path itself: paths of feeds
    and booking links carry secret tokens, and query strings may carry client ids."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "an unknown route"))


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or ".".join(str(p) for p in loc)


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SecretaryError)
    async def engine_error(_request: Request, error: SecretaryError) -> JSONResponse:
        headers: dict[str, str] = {}
        extra: dict[str, Any] = {}
        if isinstance(error, Unauthenticated):
            headers["WWW-Authenticate"] = "Bearer"
        retry_after = getattr(error, "retry_after_seconds", None)
        if isinstance(error, Unavailable) or retry_after is not None:
            # 503 (database away) and 429 (rate limited) say when to come back.
            headers["Retry-After"] = str(retry_after)
        if isinstance(error, SlotUnavailable):
            extra["alternatives"] = error.alternatives
        field = getattr(error, "field", None)
        return problem(
            error.http_status,
            error.message,
            code=error.code,
            headers=headers or None,
            field=field,
            **extra,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": _field_path(tuple(e.get("loc", ()))),
                "message": _plain(str(e.get("msg", ""))),
            }
            for e in error.errors()
        ]
        first = errors[0] if errors else {"field": None, "message": "invalid input"}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        detail = detail or "invalid input"
        return problem(422, detail, code="invalid-input", field=first["field"], errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = (
            error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "")
        )
        return problem(error.status_code, detail, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        unavailable = translate_error(error)
        if unavailable is not None:
            log.warning("database unavailable on %s %s", request.method, _route(request))
            return problem(
                503,
                unavailable.message,
                code=unavailable.code,
                headers={"Retry-After": str(unavailable.retry_after_seconds)},
            )
        # The type only: messages of unexpected errors may quote data.
        log.error("unexpected %s on %s %s", type(error).__name__, request.method, _route(request))
        return problem(500, "Something went wrong on our side. Please try again.")
