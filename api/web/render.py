"""Server-rendered pages: the Jinja2 environment, the headers every page carries, and a route
class that answers failures with a calm page instead of JSON.

Pages are HTML rendered on the server with autoescaping on; their only scripts and styles are
static files of this package (the Content-Security-Policy allows nothing else). Pages whose
address holds a secret (booking links) send ``Referrer-Policy: no-referrer`` so the token never
leaves in a Referer header, and ``Cache-Control: no-store`` so shared computers keep no copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web import i18n
from scheduler.domain import Language
from scheduler.errors import InvalidInput, NotFound, SecretaryError
from scheduler.store import translate_error

log = logging.getLogger("api.web")
PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    body = environment.get_template(template).render(**context)
    response = HTMLResponse(body, status_code=status_code)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _language(request: Request) -> Language:
    return i18n.language_of(request.query_params.get("lang"), Language.EN)


def failure_page(request: Request, error: SecretaryError) -> HTMLResponse:
    """A plain page for an engine error on a web route (never a stack trace or JSON)."""
    language = _language(request)
    t = translator(language)
    if isinstance(error, NotFound):
        title, body = t("gone.title"), t("gone.body")
    elif isinstance(error, InvalidInput):
        title, body = t("error.title"), t("error.input", detail=error.message)
    else:
        title, body = t("error.title"), error.message
    return render(
        "message.html",
        {"t": t, "language": language, "title": title, "body": body, "page_title": title},
        status_code=error.http_status,
    )


def translator(language: Language) -> Callable[..., str]:
    """``t("key", name=value)`` for templates, in ``language``."""

    def t(key: str, **values: object) -> str:
        return i18n.text(key, language, **values)

    return t


class PageRoute(APIRoute):
    """A route that answers with HTML pages: security headers on every answer, and failures as
    a calm page (engine errors with their status; anything unexpected as 500 or 503, with the
    details in the operator's log only, without the path, which may hold a token)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except SecretaryError as error:
                response = failure_page(request, error)
            except RequestValidationError as error:
                first: dict[str, Any] = next(iter(error.errors()), {})
                where = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
                response = failure_page(
                    request,
                    InvalidInput(str(first.get("msg", "invalid input")), field=where),
                )
            except Exception as error:
                unavailable = translate_error(error)
                language = _language(request)
                t = translator(language)
                if unavailable is not None:
                    log.warning("database unavailable on a page (%s)", self.path)
                    body, status = t("error.busy"), 503
                else:
                    log.error("unexpected %s on a page (%s)", type(error).__name__, self.path)
                    body, status = t("error.body"), 500
                response = render(
                    "message.html",
                    {
                        "t": t,
                        "language": language,
                        "title": t("error.title"),
                        "body": body,
                        "page_title": t("error.title"),
                    },
                    status_code=status,
                )
            return secure(response)

        return page_handler
