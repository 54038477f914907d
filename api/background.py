"""Background rounds inside each API worker (``secretary serve``): outbox delivery and polling of
attorneys' calendar subscriptions.

Every worker runs them; the outbox's claims make sure each message still goes out once, and a
calendar source polled twice at once is harmless (its ETag makes the second poll a 304, and its
busy blocks are replaced atomically).
"""

from __future__ import annotations

import logging
import os
from threading import Event, Thread

from calendars.delivery import mailer_from_settings
from calendars.sources import NetworkReader
from scheduler.clock import Clock
from scheduler.services.access import SYSTEM
from scheduler.services.calendars import sync_due
from scheduler.services.dispatch import DispatchReport, MailSettings, dispatch_loop
from scheduler.settings import Settings
from scheduler.store import Store

log = logging.getLogger("secretary.background")


class BackgroundJobs:
    def __init__(self, settings: Settings, store: Store, clock: Clock) -> None:
        self._stop = Event()
        interval = settings.background_interval_seconds
        self._threads = [
            Thread(
                target=dispatch_loop,
                name="outbox-dispatcher",
                kwargs={
                    "unit_of_work": store.unit_of_work,
                    "mailer_factory": lambda: mailer_from_settings(settings),
                    "now": clock.now,
                    "settings": MailSettings(mail_from=settings.mail_from),
                    "interval_seconds": interval,
                    "stop": self._stop,
                    "on_report": _log_report,
                },
                daemon=True,
            ),
            Thread(
                target=self._poll_calendars,
                name="calendar-poller",
                args=(store, clock, interval),
                daemon=True,
            ),
        ]
        for thread in self._threads:
            thread.start()

    def _poll_calendars(self, store: Store, clock: Clock, interval: float) -> None:
        reader = NetworkReader(os.environ)
        while not self._stop.is_set():
            try:
                outcomes = sync_due(store, reader, SYSTEM, clock.now())
            except Exception:  # the database is briefly unreachable: try again next round
                log.warning("calendar polling round failed; retrying in %.0f s", interval)
            else:
                if outcomes:
                    # Counts only: source addresses may carry credentials.
                    log.info("calendars: %d source(s) polled", len(outcomes))
            self._stop.wait(interval)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


def _log_report(report: DispatchReport) -> None:
    # Counts only: recipients and contents stay out of the log.
    log.info(
        "outbox: %d sent, %d to retry, %d failed",
        report.count("sent"),
        report.count("retry"),
        report.count("failed"),
    )


def start_background(settings: Settings, store: Store, clock: Clock) -> BackgroundJobs | None:
    if settings.background_interval_seconds <= 0:
        return None
    return BackgroundJobs(settings, store, clock)
