"""Reading attorneys' calendars over the network: subscription URLs and CalDAV.

- A subscription URL (``https://``, ``webcal://``) is fetched with a timeout and a size cap, and
  conditionally (``If-None-Match`` / ``If-Modified-Since``) so an unchanged calendar costs one
  small request.
- A CalDAV calendar is read with the ``caldav`` client: the events in the import window, one
  document per event series.

Such URLs are often secrets themselves (Google's "secret address in iCal format"), and CalDAV needs
a password: neither is ever printed or logged. :func:`redact_url` is the only form in which a
source's address appears in messages. Passwords travel only over HTTPS (plain HTTP is accepted for
this machine's own loopback address, where test servers run).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from scheduler.domain import CalendarSource
from scheduler.errors import InvalidInput, Unavailable

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
USER_AGENT = "legal-secretary calendar import (+https://github.com/legal-secretary)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a source gave: its documents, or ``None`` when unchanged since the last fetch."""

    documents: list[bytes] | None
    etag: str | None = None
    last_modified: str | None = None


def redact_url(url: str) -> str:
    """``https://host/…``: enough to recognise a source, never its secret path or login."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an address)"
    host = parts.hostname or "(no host)"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def normalise_url(url: str, *, field: str = "url") -> str:
    """An ``http(s)`` URL (``webcal://`` becomes ``https://``) without a login inside it."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidInput("this is not a web address", field=field) from None
    scheme = parts.scheme.lower()
    if scheme in ("webcal", "webcals"):
        scheme = "https"
    if scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "use an https:// or webcal:// address (or a file name) for a calendar", field=field
        )
    if parts.username or parts.password:
        raise InvalidInput(
            "do not put a login in the address; give the user name and password separately",
            field=field,
        )
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidInput("the address contains spaces or control characters", field=field)
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fetch_ics(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET a subscription URL, conditionally; ``documents`` is None when it answered 304."""
    url = normalise_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    where = redact_url(url)
    try:
        with (
            httpx.Client(
                timeout=TIMEOUT_SECONDS, follow_redirects=True, transport=transport
            ) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 304:
                return Fetched(None, etag, last_modified)
            if response.status_code >= 500:
                raise Unavailable(
                    f"the calendar at {where} is not answering properly "
                    f"(HTTP {response.status_code}); it will be tried again",
                    retry_after_seconds=300,
                )
            if response.status_code >= 400:
                raise InvalidInput(
                    f"the calendar at {where} refused the request (HTTP {response.status_code}); "
                    "check that the address is still valid",
                    field="url",
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise InvalidInput(
                        f"the calendar at {where} is larger than {MAX_BYTES // 1_000_000} MB",
                        field="url",
                    )
            return Fetched(
                [bytes(body)],
                response.headers.get("ETag"),
                response.headers.get("Last-Modified"),
            )
    except httpx.HTTPError as error:
        raise Unavailable(
            f"the calendar at {where} cannot be reached ({type(error).__name__})",
            retry_after_seconds=300,
        ) from None


def caldav_documents(
    url: str, username: str, password: str, start: datetime, end: datetime
) -> list[bytes]:
    """The events of a CalDAV calendar in ``[start, end)``, one document per series.

    ``url`` may be a calendar, or the account (principal) or server address: then every calendar
    of the account is read.
    """
    # Loaded only when a CalDAV source is read: the client and its HTTP stack are heavy.
    from caldav import davclient
    from caldav.lib import error as caldav_error

    url = normalise_url(url)
    if url.startswith("http://") and not is_loopback(url):
        raise InvalidInput(
            "a CalDAV password is sent only over https://; use the server's https address",
            field="url",
        )
    where = redact_url(url)
    try:
        client = davclient.DAVClient(
            url=url,
            username=username or None,
            password=password or None,
            timeout=int(TIMEOUT_SECONDS),
        )
        calendars = _calendars_at(client, url)
        documents: list[bytes] = []
        for calendar in calendars:
            for item in calendar.search(start=start, end=end, event=True, expand=False):
                data: Any = item.data
                documents.append(data.encode("utf-8") if isinstance(data, str) else bytes(data))
        return documents
    except caldav_error.AuthorizationError:
        raise InvalidInput(
            f"the CalDAV server at {where} refused the user name or password", field="password"
        ) from None
    except caldav_error.NotFoundError:
        raise InvalidInput(f"no CalDAV calendar was found at {where}", field="url") from None
    except (caldav_error.DAVError, OSError, ValueError) as error:
        raise Unavailable(
            f"the CalDAV server at {where} cannot be read ({type(error).__name__})",
            retry_after_seconds=300,
        ) from None


def _calendars_at(client: Any, url: str) -> list[Any]:
    wanted = url.rstrip("/")
    try:
        found = client.principal().calendars()
    except Exception:  # a server without principal discovery: treat the URL as a calendar
        found = []
    exact = [c for c in found if str(c.url).rstrip("/") == wanted]
    if exact:
        return exact
    below = [c for c in found if str(c.url).rstrip("/").startswith(wanted + "/")]
    return below or [client.calendar(url=url)]


class NetworkReader:
    """Reads a :class:`CalendarSource` from the network (URL or CalDAV).

    ``secrets`` maps environment-variable names to values (the CLI passes ``os.environ``): a
    CalDAV source names the variable holding its password, and the password is read only here.
    """

    def __init__(
        self,
        secrets: Mapping[str, str],
        *,
        transport: httpx.BaseTransport | None = None,
        caldav_reader: Callable[[str, str, str, datetime, datetime], list[bytes]] | None = None,
    ) -> None:
        self._secrets = secrets
        self._transport = transport
        self._caldav = caldav_reader or caldav_documents

    def fetch(self, source: CalendarSource, start: datetime, end: datetime) -> Fetched:
        if source.kind == "url":
            return fetch_ics(
                source.url,
                etag=source.etag,
                last_modified=source.last_modified,
                transport=self._transport,
            )
        if source.kind == "caldav":
            password = self._secrets.get(source.password_env, "") if source.password_env else ""
            if source.password_env and not password:
                raise InvalidInput(
                    f"the environment variable {source.password_env} that holds this CalDAV "
                    "password is not set",
                    field="password_env",
                )
            return Fetched(self._caldav(source.url, source.username, password, start, end))
        raise InvalidInput(
            f"a {source.kind} calendar source is not read from the network; import its file "
            "again instead",
            field="source",
        )
