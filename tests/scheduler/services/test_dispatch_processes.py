"""Two dispatcher processes at once, 500 due messages: the SMTP server gets each exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime

from scheduler.domain import MessageKind
from scheduler.services.notifications import appointment_snapshot, queue
from scheduler.store import Store
from tests.factories import appointment, seed_small_firm
from tests.smtp import smtp_server

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_two_dispatchers_send_each_of_500_messages_once(store: Store, database_url: str) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
        appt = appointment(datetime(2026, 12, 7, 16, 0, tzinfo=UTC), 60)
        uow.appointments.add(appt)
        for n in range(500):
            queue(
                uow,
                kind=MessageKind.UPDATE,
                subject_id=appt.id,
                version=n,
                recipient="client:cli-a",
                payload=appointment_snapshot(appt),
                due_at=NOW,
                now=NOW,
            )
        uow.commit()

    with smtp_server() as (inbox, port):
        env = {
            **os.environ,
            "SECRETARY_DATABASE_URL": database_url,
            "SECRETARY_SMTP_HOST": "127.0.0.1",
            "SECRETARY_SMTP_PORT": str(port),
            "SECRETARY_SMTP_STARTTLS": "false",
        }
        command = [
            sys.executable,
            "-m",
            "scheduler.cli",
            "dispatch",
            "--once",
            "--batch",
            "7",
            "--now",
            "2026-12-01T16:00:00+00:00",
            "--json",
        ]
        workers = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err.decode()[-500:] for _, err in outputs]

    ids = Counter(m["Message-ID"] for m in inbox.messages)
    assert len(ids) == 500 and set(ids.values()) == {1}
    sent_by_each = [out.decode().count('"result": "sent"') for out, _ in outputs]
    assert sum(sent_by_each) == 500
    assert all(n > 0 for n in sent_by_each), sent_by_each  # both really worked
    with store.unit_of_work(readonly=True) as uow:
        assert {m.status for m in uow.outbox.list(limit=1000)} == {"sent"}
