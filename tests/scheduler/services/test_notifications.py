"""Changes queue their invitations, updates and cancellations in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain import AppointmentStatus, MessageKind
from scheduler.services.notifications import appointment_changed
from scheduler.store import Store
from tests.factories import appointment, client, matter, moved, seed_small_firm

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
NINE = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


def kinds_by_recipient(store: Store, subject: str) -> dict[tuple[str, int], str]:
    with store.unit_of_work(readonly=True) as uow:
        return {
            (m.recipient, m.payload["sequence"]): m.kind.value
            for m in uow.outbox.list(subject_id=subject)
            if m.kind is not MessageKind.REMINDER
        }


def test_life_of_an_appointment_in_the_outbox(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    first = appointment(NINE, 60, attorneys=("att-a",))
    with store.unit_of_work() as uow:
        uow.appointments.add(first)
        appointment_changed(uow, None, first, NOW)
        uow.commit()
    later = moved(
        first,
        starts_at=NINE + timedelta(hours=2),
        ends_at=NINE + timedelta(hours=3),
        attorney_ids=("att-b",),
        sequence=1,
    )
    with store.unit_of_work() as uow:
        uow.appointments.update(later)
        appointment_changed(uow, first, later, NOW)
        appointment_changed(uow, first, later, NOW)  # a retry queues nothing new
        uow.commit()
    gone = moved(later, status=AppointmentStatus.CANCELLED, sequence=2)
    with store.unit_of_work() as uow:
        uow.appointments.update(gone)
        appointment_changed(uow, later, gone, NOW)
        uow.commit()
    assert kinds_by_recipient(store, first.id) == {
        ("client:cli-a", 0): "invitation",
        ("attorney:att-a", 0): "invitation",
        ("client:cli-a", 1): "update",
        ("attorney:att-b", 1): "update",
        ("attorney:att-a", 1): "cancellation",
        ("client:cli-a", 2): "cancellation",
        ("attorney:att-b", 2): "cancellation",
    }
    with store.unit_of_work(readonly=True) as uow:
        messages = uow.outbox.list(subject_id=first.id)
    assert len({m.message_id for m in messages}) == len(messages)
    assert all(m.status == "pending" for m in messages if m.kind is not MessageKind.REMINDER)


def test_messages_roll_back_with_the_change(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    first = appointment(NINE, 60)
    with store.unit_of_work() as uow:
        uow.appointments.add(first)
        appointment_changed(uow, None, first, NOW)
        # no commit: the change and its messages vanish together
    assert kinds_by_recipient(store, first.id) == {}


def test_pending_messages_can_be_cancelled_by_kind(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    first = appointment(NINE, 60)
    with store.unit_of_work() as uow:
        uow.appointments.add(first)
        appointment_changed(uow, None, first, NOW)
        assert uow.outbox.cancel_pending(first.id, [MessageKind.TICKLER]) == 0
        assert (
            uow.outbox.cancel_pending(first.id, [MessageKind.INVITATION], recipient="client:cli-a")
            == 1
        )
        uow.commit()
    with store.unit_of_work(readonly=True) as uow:
        statuses = sorted(
            m.status
            for m in uow.outbox.list(subject_id=first.id)
            if m.kind is MessageKind.INVITATION
        )
    assert statuses == ["cancelled", "pending"]


def reminders(store: Store, subject: str) -> list[tuple[str, str, int]]:
    with store.unit_of_work(readonly=True) as uow:
        return [
            (
                m.status,
                m.due_at.astimezone(ZoneInfo("America/New_York")).strftime("%m-%d %H:%M"),
                m.payload["sequence"],
            )
            for m in uow.outbox.list(subject_id=subject)
            if m.kind is MessageKind.REMINDER
        ]


def test_reminders_follow_the_appointment(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    # Monday 7 December, 11:00 in New York.
    first = appointment(NINE + timedelta(hours=2), 60)
    with store.unit_of_work() as uow:
        uow.appointments.add(first)
        appointment_changed(uow, None, first, NOW)
        uow.commit()
    assert reminders(store, first.id) == [
        ("pending", "12-06 11:00", 0),
        ("pending", "12-07 09:00", 0),
    ]

    # Moved to Tuesday 8 December, 09:00: the 2-hour reminder would be 07:00, in the client's
    # night, so it goes out at 21:00 the evening before instead.
    later = moved(
        first,
        starts_at=NINE + timedelta(days=1),
        ends_at=NINE + timedelta(days=1, hours=1),
        sequence=1,
    )
    with store.unit_of_work() as uow:
        uow.appointments.update(later)
        appointment_changed(uow, first, later, NOW)
        uow.commit()
    assert sorted(reminders(store, first.id)) == [
        ("cancelled", "12-06 11:00", 0),
        ("cancelled", "12-07 09:00", 0),
        ("pending", "12-07 09:00", 1),
        ("pending", "12-07 21:00", 1),
    ]

    gone = moved(later, status=AppointmentStatus.CANCELLED, sequence=2)
    with store.unit_of_work() as uow:
        uow.appointments.update(gone)
        appointment_changed(uow, later, gone, NOW)
        uow.commit()
    assert all(status == "cancelled" for status, _, _ in reminders(store, first.id))


def test_a_clients_own_reminder_preference_wins(store: Store) -> None:
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
        uow.clients.add(
            client("cli-c", reminder_offsets_minutes=(60,), timezone="America/Los_Angeles")
        )
        uow.matters.add(matter("mat-c", "cli-c"))
        uow.commit()
    appt = appointment(NINE + timedelta(hours=6), 60, client_id="cli-c", matter_id="mat-c")
    with store.unit_of_work() as uow:
        uow.appointments.add(appt)
        appointment_changed(uow, None, appt, NOW)
        uow.commit()
    # 15:00 in New York is noon for this client in Los Angeles: one reminder, an hour before.
    assert reminders(store, appt.id) == [("pending", "12-07 14:00", 0)]
