"""The outbox dispatcher that runs inside each API worker (``secretary serve``).

Every worker runs one; the outbox's claims make sure each message still goes out once.
"""

from __future__ import annotations

import logging
from threading import Event, Thread

from calendars.delivery import mailer_from_settings
from scheduler.clock import Clock
from scheduler.services.dispatch import DispatchReport, MailSettings, dispatch_loop
from scheduler.settings import Settings
from scheduler.store import Store

log = logging.getLogger("secretary.dispatch")


class BackgroundDispatcher:
    def __init__(self, settings: Settings, store: Store, clock: Clock) -> None:
        self._stop = Event()
        self._thread = Thread(
            target=dispatch_loop,
            name="outbox-dispatcher",
            kwargs={
                "unit_of_work": store.unit_of_work,
                "mailer_factory": lambda: mailer_from_settings(settings),
                "now": clock.now,
                "settings": MailSettings(mail_from=settings.mail_from),
                "interval_seconds": settings.dispatch_interval_seconds,
                "stop": self._stop,
                "on_report": _log_report,
            },
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def _log_report(report: DispatchReport) -> None:
    # Counts only: recipients and contents stay out of the log.
    log.info(
        "outbox: %d sent, %d to retry, %d failed",
        report.count("sent"),
        report.count("retry"),
        report.count("failed"),
    )


def start_dispatcher(settings: Settings, store: Store, clock: Clock) -> BackgroundDispatcher | None:
    if settings.dispatch_interval_seconds <= 0:
        return None
    return BackgroundDispatcher(settings, store, clock)
