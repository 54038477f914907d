"""The database itself refuses double booking, on SQLite and on PostgreSQL.

These tests write straight through the store (and, for the strongest case, with raw SQL),
bypassing every service and availability check.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from scheduler.domain import AppointmentStatus
from scheduler.errors import OverlapRefused
from scheduler.store import Store
from tests.factories import appointment, moved, seed_small_firm

NINE = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 09:00 in New York
NINE_THIRTY = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)
TEN = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.fixture
def firm(store: Store) -> Store:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    return store


def test_second_overlapping_appointment_for_one_attorney_is_refused(firm: Store) -> None:
    with firm.unit_of_work() as uow:
        uow.appointments.add(appointment(NINE, 60))
        uow.commit()
    with firm.unit_of_work() as uow, pytest.raises(OverlapRefused) as refused:
        uow.appointments.add(appointment(NINE_THIRTY, 60))
    assert "att-a" in str(refused.value)
    assert "already taken" in str(refused.value)
    with firm.unit_of_work(readonly=True) as uow:
        assert len(uow.appointments.list_between(NINE, TEN)) == 1


def test_touching_appointments_do_not_overlap(firm: Store) -> None:
    with firm.unit_of_work() as uow:
        uow.appointments.add(appointment(NINE, 60))
        uow.appointments.add(appointment(TEN, 60))
        uow.commit()
    with firm.unit_of_work(readonly=True) as uow:
        assert len(uow.appointments.list_between(NINE, TEN.replace(hour=16))) == 2


def test_cancelled_appointment_frees_its_time(firm: Store) -> None:
    first = appointment(NINE, 60)
    with firm.unit_of_work() as uow:
        uow.appointments.add(first)
        uow.appointments.update(moved(first, status=AppointmentStatus.CANCELLED, sequence=1))
        uow.appointments.add(appointment(NINE, 60))
        uow.commit()
    with firm.unit_of_work(readonly=True) as uow:
        assert len(uow.appointments.list_between(NINE, TEN, include_cancelled=True)) == 2
        assert len(uow.appointments.list_between(NINE, TEN)) == 1


def test_reinstating_a_cancelled_appointment_into_a_taken_slot_is_refused(firm: Store) -> None:
    first = appointment(NINE, 60, status=AppointmentStatus.CANCELLED)
    with firm.unit_of_work() as uow:
        uow.appointments.add(first)
        uow.appointments.add(appointment(NINE, 60))
        uow.commit()
    with firm.unit_of_work() as uow, pytest.raises(OverlapRefused):
        uow.appointments.update(moved(first, status=AppointmentStatus.CONFIRMED))


def test_tentative_appointments_hold_their_time_too(firm: Store) -> None:
    with firm.unit_of_work() as uow:
        uow.appointments.add(appointment(NINE, 60, status=AppointmentStatus.TENTATIVE))
        uow.commit()
    with firm.unit_of_work() as uow, pytest.raises(OverlapRefused):
        uow.appointments.add(appointment(NINE_THIRTY, 30))


def test_moving_an_appointment_onto_another_is_refused(firm: Store) -> None:
    later = appointment(TEN, 60)
    with firm.unit_of_work() as uow:
        uow.appointments.add(appointment(NINE, 60))
        uow.appointments.add(later)
        uow.commit()
    with firm.unit_of_work() as uow, pytest.raises(OverlapRefused):
        uow.appointments.update(
            moved(later, starts_at=NINE_THIRTY, ends_at=NINE_THIRTY.replace(hour=15, minute=30))
        )
    with firm.unit_of_work(readonly=True) as uow:
        assert uow.appointments.get(later.id).starts_at == TEN


def test_adding_an_attendee_who_is_busy_then_is_refused(firm: Store) -> None:
    mine = appointment(NINE, 60, attorneys=("att-a",))
    with firm.unit_of_work() as uow:
        uow.appointments.add(mine)
        uow.appointments.add(
            appointment(NINE, 60, attorneys=("att-b",), client_id="cli-b", matter_id="mat-b")
        )
        uow.commit()
    with firm.unit_of_work() as uow, pytest.raises(OverlapRefused) as refused:
        uow.appointments.update(moved(mine, attorney_ids=("att-a", "att-b")))
    assert "att-a, att-b" in str(refused.value)


def test_one_room_cannot_hold_two_meetings_at_once(firm: Store) -> None:
    with firm.unit_of_work() as uow:
        uow.appointments.add(appointment(NINE, 60, room_id="room-1"))
        uow.commit()
    with firm.unit_of_work() as uow, pytest.raises(OverlapRefused) as refused:
        uow.appointments.add(
            appointment(
                NINE_THIRTY,
                60,
                attorneys=("att-b",),
                client_id="cli-b",
                matter_id="mat-b",
                room_id="room-1",
            )
        )
    assert "room room-1" in str(refused.value)


def test_raw_sql_bypassing_the_store_is_refused_too(firm: Store) -> None:
    with firm.unit_of_work() as uow:
        uow.appointments.add(appointment(NINE, 60))
        uow.commit()
    sqlite = firm.engine.dialect.name == "sqlite"
    start, end = (NINE_THIRTY, NINE_THIRTY.replace(hour=15, minute=30))
    if sqlite:  # the store keeps naive UTC text on SQLite
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    values = {"s": start, "e": end, "t": datetime(2026, 11, 1, tzinfo=UTC)}
    with firm.engine.connect() as conn:
        conn.execute(
            text(
                "INSERT INTO appointments (id, uid, sequence, status, client_id, matter_id, "
                "starts_at, ends_at, title, buffer_minutes, priority, video_url, created_at, "
                "updated_at) VALUES ('apt-raw', 'raw@x', 0, 'confirmed', 'cli-a', 'mat-a', "
                ":s, :e, 'raw', 0, 3, '', :t, :t)"
            ),
            values,
        )
        with pytest.raises(Exception, match=r"appointment_overlap|no_overlap"):
            conn.execute(
                text(
                    "INSERT INTO appointment_attorneys (appointment_id, attorney_id, position, "
                    "starts_at, ends_at, status) "
                    "VALUES ('apt-raw', 'att-a', 0, :s, :e, 'confirmed')"
                ),
                values,
            )
        conn.rollback()


def test_attendee_rows_cannot_drift_from_their_appointment(firm: Store) -> None:
    """The repeated time on attendee rows is tied to the appointment by a foreign key."""
    first = appointment(NINE, 60)
    with firm.unit_of_work() as uow:
        uow.appointments.add(first)
        uow.commit()
    with firm.engine.connect() as conn:
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            conn.execute(
                text(
                    "UPDATE appointment_attorneys SET starts_at = ends_at "
                    "WHERE appointment_id = :id"
                ),
                {"id": first.id},
            )
        conn.rollback()


def test_racing_writers_get_exactly_one_booking(firm: Store) -> None:
    """Eight threads, each with its own connection, book the same hour; one wins."""
    outcomes: list[str] = []
    barrier = threading.Barrier(8)
    lock = threading.Lock()

    def book(n: int) -> None:
        barrier.wait()
        try:
            with firm.unit_of_work() as uow:
                uow.appointments.add(appointment(NINE, 60, id=f"apt-race-{n}", uid=f"race{n}@x"))
                uow.commit()
            result = "booked"
        except OverlapRefused:
            result = "refused"
        except Exception as error:  # reported in the assertion below
            result = f"unexpected {type(error).__name__}: {error}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * 7
    with firm.unit_of_work(readonly=True) as uow:
        assert len(uow.appointments.list_between(NINE, TEN)) == 1
