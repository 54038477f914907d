"""Getting e-mail out: over SMTP, or (with no SMTP host configured) into a folder of .eml files.

Both raise :class:`DeliveryFailed` with ``permanent`` set when trying again cannot help (the
server refused the address for good), so the dispatcher can retry the rest with backoff.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from hashlib import sha256
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from scheduler.settings import Settings


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Mailer(Protocol):
    """Sends messages; used as a context manager around a batch (one connection per batch)."""

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def send(self, message: EmailMessage) -> None: ...


class FolderMailer:
    """Writes each message to ``<folder>/<hash of Message-ID>.eml`` (a resend overwrites it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> Self:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        name = sha256(str(message["Message-ID"]).encode()).hexdigest()[:32] + ".eml"
        target = self.folder / name
        partial = target.with_suffix(".tmp")
        try:
            partial.write_bytes(message.as_bytes())
            os.replace(partial, target)
        except OSError as error:
            raise DeliveryFailed(
                f"cannot write {target}: {error.strerror}", permanent=False
            ) from None


class SmtpMailer:
    """Sends over one SMTP connection per batch (STARTTLS and login when configured)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        starttls: bool,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.host, self.port, self.starttls = host, port, starttls
        self.user, self.password, self.timeout = user, password, timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Self:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryFailed(
                f"SMTP login refused ({error.smtp_code})", permanent=False
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(
                f"cannot reach the SMTP server {self.host}:{self.port} ({type(error).__name__})",
                permanent=False,
            ) from None
        self._smtp = smtp
        return self

    def __exit__(self, *exc: object) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def send(self, message: EmailMessage) -> None:
        assert self._smtp is not None, "use the mailer as a context manager"
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            raise DeliveryFailed(
                f"recipient refused ({', '.join(map(str, codes))})",
                permanent=all(500 <= c < 600 for c in codes),
            ) from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailed(
                f"SMTP server answered {error.smtp_code}", permanent=500 <= error.smtp_code < 600
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(
                f"SMTP failure ({type(error).__name__})", permanent=False
            ) from None
        if refused:
            raise DeliveryFailed("some recipients were refused", permanent=True)


def mailer_from_settings(settings: Settings) -> Mailer:
    """SMTP when ``SECRETARY_SMTP_HOST`` is set, else .eml files in ``SECRETARY_OUTBOX_DIR``."""
    if settings.smtp_host:
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            starttls=settings.smtp_starttls,
            user=settings.smtp_user,
            password=settings.smtp_password,
        )
    return FolderMailer(settings.outbox_dir)
