"""Domain objects survive a round trip through the store on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scheduler.domain import (
    AdverseParty,
    AuditEntry,
    BusyBlock,
    Deadline,
    Firm,
    Language,
)
from scheduler.errors import NotFound
from scheduler.store import Store
from tests.factories import KOLKATA, appointment, attorney, client, matter, moved, seed_small_firm

NINE = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


def test_attorney_client_and_matter_round_trip(store: Store) -> None:
    lawyer = attorney(
        "att-z", timezone=KOLKATA, practice_areas=("Employment",), max_meetings_per_day=6
    )
    person = client("cli-z", language=Language.ES, reminder_offsets_minutes=(60,))
    case = matter(
        "mat-z",
        "cli-z",
        responsible_attorneys=("att-z",),
        adverse_parties=(AdverseParty("Foxglove Imports LLC"), AdverseParty("Client Z", "cli-z")),
        opened_on=date(2026, 1, 5),
    )
    with store.unit_of_work() as uow:
        uow.attorneys.add(lawyer)
        uow.clients.add(person)
        uow.matters.add(case)
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        assert uow.attorneys.get("att-z") == lawyer
        assert uow.clients.get("cli-z") == person
        assert uow.matters.get("mat-z") == case
        assert uow.matters.list(attorney_id="att-z") == [case]


def test_appointment_round_trip_keeps_instants_in_utc(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    appt = appointment(NINE, 45, attorneys=("att-b", "att-a"), room_id="room-1", buffer_minutes=15)
    with store.unit_of_work() as uow:
        uow.appointments.add(appt)
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        loaded = uow.appointments.get(appt.id)
    assert loaded == appt
    assert loaded.starts_at.tzinfo is not None and loaded.starts_at.utcoffset().total_seconds() == 0
    assert loaded.attorney_ids == ("att-b", "att-a")


def test_update_changes_attendees_and_time_together(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    appt = appointment(NINE, 60, attorneys=("att-a",))
    with store.unit_of_work() as uow:
        uow.appointments.add(appt)
        uow.commit()
    later = NINE.replace(hour=18)
    changed = moved(
        appt, attorney_ids=("att-b",), starts_at=later, ends_at=later.replace(hour=19), sequence=1
    )
    with store.unit_of_work() as uow:
        uow.appointments.update(changed)
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        assert uow.appointments.get(appt.id) == changed
        assert (
            uow.appointments.list_between(later, later.replace(hour=19), attorney_ids=["att-a"])
            == []
        )
        assert [
            a.id
            for a in uow.appointments.list_between(
                later, later.replace(hour=19), attorney_ids=["att-b"]
            )
        ] == [appt.id]


def test_nothing_is_written_without_commit(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.attorneys.add(attorney("att-q"))
    with store.unit_of_work(readonly=True) as uow, pytest.raises(NotFound):
        uow.attorneys.get("att-q")


def test_busy_blocks_are_replaced_per_source_atomically(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
        uow.busy.add_source("src-1", "att-a", "file")
        uow.busy.replace_source("src-1", [BusyBlock("att-a", NINE, NINE.replace(hour=15), "src-1")])
        uow.commit()
    with store.unit_of_work() as uow:
        uow.busy.replace_source(
            "src-1", [BusyBlock("att-a", NINE.replace(hour=16), NINE.replace(hour=17), "src-1")]
        )
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        blocks = uow.busy.list_between(NINE, NINE.replace(hour=23))
    assert [(b.starts_at.hour, b.ends_at.hour) for b in blocks] == [(16, 17)]


def test_firm_deadlines_and_audit(store: Store) -> None:
    firm = Firm("Test LLP", "America/New_York", "1 Main St", "desk@test.example")
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
        uow.firm.save(firm)
        uow.docket.add_deadline(
            Deadline(
                "ddl-1",
                "mat-a",
                "Answer due",
                date(2026, 12, 28),
                "US-FED",
                steps=("step",),
                citations=("FRCP 12(a)(1)(A)(i)",),
            )
        )
        uow.audit.record(AuditEntry(NINE, "tester", "view", "matter", "mat-a"))
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        assert uow.firm.get() == firm
        [deadline] = uow.docket.list_deadlines(matter_id="mat-a")
        assert deadline.responsible_attorneys == ("att-a",)
        assert deadline.citations == ("FRCP 12(a)(1)(A)(i)",)
        [entry] = uow.audit.list(entity_type="matter")
        assert (entry.actor, entry.action, entry.entity_id) == ("tester", "view", "mat-a")
