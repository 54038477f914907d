"""A matter's docket on both backends: record, move, remove; ticklers; walls and roles."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.clock import FixedClock
from scheduler.courtdays import Jurisdiction
from scheduler.domain import Firm, MessageKind, Role
from scheduler.errors import Conflict, InvalidInput, NotAllowed, NotFound
from scheduler.rules import ServiceMethod
from scheduler.services import docket
from scheduler.services.access import Actor, operator
from scheduler.store import Store
from tests.factories import matter, seed_small_firm

D = date.fromisoformat
STAFF = operator("test")


@pytest.fixture
def firm_store(store: Store) -> Store:
    """Two attorneys (att-a New York, att-b Los Angeles); mat-a is a federal matter of both,
    with att-b screened (an inconsistent record, to prove the wall wins); mat-b walls off
    att-a."""
    with store.unit_of_work() as uow:
        uow.firm.save(
            Firm(name="Test LLP", timezone="America/New_York", address="1 St", email="f@x.example")
        )
        uow.commit()
    with store.unit_of_work() as uow:
        seed_small_firm(uow)
    with store.unit_of_work() as uow:
        uow.matters.add(
            matter(
                "mat-w",
                "cli-a",
                responsible_attorneys=("att-a", "att-b"),
                screened_attorneys=("att-b",),
            )
        )
        uow.matters.add(matter("mat-ca", "cli-a", jurisdiction="US-CA"))
        uow.commit()
    return store


def _pending(store: Store, deadline_id: str) -> list[tuple[str, str, int]]:
    with store.unit_of_work(readonly=True) as uow:
        return sorted(
            (m.recipient, m.due_at.isoformat(), int(m.payload["days_before"]))
            for m in uow.outbox.list(subject_id=deadline_id, status="pending")
            if m.kind is MessageKind.TICKLER
        )


def test_record_move_and_remove_a_trigger(firm_store: Store, clock: FixedClock) -> None:
    now = clock.now()  # Monday 7 December 2026, 08:00 in New York
    with firm_store.unit_of_work() as uow:
        trigger = docket.record_trigger(
            uow,
            STAFF,
            now,
            matter_id="mat-a",
            event="complaint-served",
            occurred_on=D("2026-12-07"),
        )
    answer = f"ddl-{trigger.id.removeprefix('trg-')}-fed-answer"
    with firm_store.unit_of_work(readonly=True) as uow:
        view = docket.matter_docket(uow, STAFF, "mat-a")
    assert [t.id for t in view.triggers] == [trigger.id]
    assert [(d.id, d.due_on) for d in view.deadlines] == [(answer, D("2026-12-28"))]
    assert view.deadlines[0].steps[0].startswith("Answer or Rule 12 motion:")
    # Court days before Mon Dec 28 (Fri Dec 25 is Christmas): 1 -> Thu Dec 24, 3 -> Tue Dec 22,
    # 7 -> Wed Dec 16, 14 -> Mon Dec 7; each at 08:00 New York time (13:00 UTC in winter).
    assert _pending(firm_store, answer) == [
        ("attorney:att-a", "2026-12-07T13:00:00+00:00", 14),
        ("attorney:att-a", "2026-12-16T13:00:00+00:00", 7),
        ("attorney:att-a", "2026-12-22T13:00:00+00:00", 3),
        ("attorney:att-a", "2026-12-24T13:00:00+00:00", 1),
    ]
    with firm_store.unit_of_work(readonly=True) as uow:
        message = next(
            m for m in uow.outbox.list(subject_id=answer) if m.payload["days_before"] == 7
        )
    assert message.payload["matter_id"] == "mat-a"
    assert message.payload["due_on"] == "2026-12-28"
    assert message.payload["title"] == "Answer or Rule 12 motion"

    # Moving the service date a week later moves the deadline and its ticklers.
    with firm_store.unit_of_work() as uow:
        docket.edit_trigger(uow, STAFF, now, trigger.id, occurred_on=D("2026-12-14"))
    with firm_store.unit_of_work(readonly=True) as uow:
        (moved,) = docket.matter_docket(uow, STAFF, "mat-a").deadlines
    assert moved.id == answer and moved.due_on == D("2027-01-04")
    # Court days before Mon Jan 4 2027 (Fri Jan 1 is New Year's Day): 1 -> Thu Dec 31,
    # 3 -> Tue Dec 29, 7 -> Tue Dec 22 (Dec 25 skipped), 14 -> Fri Dec 11.
    assert [p[1][:10] for p in _pending(firm_store, answer)] == [
        "2026-12-11",
        "2026-12-22",
        "2026-12-29",
        "2026-12-31",
    ]

    # And back again: the original ticklers are queued anew, not lost to deduplication.
    with firm_store.unit_of_work() as uow:
        docket.edit_trigger(uow, STAFF, now, trigger.id, occurred_on=D("2026-12-07"))
    assert [p[2] for p in _pending(firm_store, answer)] == [14, 7, 3, 1]

    # A note alone changes nothing that is due, so the ticklers stay as they are.
    with firm_store.unit_of_work(readonly=True) as uow:
        before_ids = sorted(m.id for m in uow.outbox.list(subject_id=answer, status="pending"))
    with firm_store.unit_of_work() as uow:
        docket.edit_trigger(uow, STAFF, now, trigger.id, note="Served at the office")
    with firm_store.unit_of_work(readonly=True) as uow:
        after_ids = sorted(m.id for m in uow.outbox.list(subject_id=answer, status="pending"))
    assert after_ids == before_ids

    with firm_store.unit_of_work() as uow:
        assert docket.remove_trigger(uow, STAFF, now, trigger.id) == 1
    assert _pending(firm_store, answer) == []
    with firm_store.unit_of_work(readonly=True) as uow:
        assert uow.docket.list_deadlines(matter_id="mat-a") == []
        with pytest.raises(NotFound):
            uow.docket.get_trigger(trigger.id)
        actions = [e.action for e in uow.audit.list(entity_type="trigger_event")]
    assert sorted(actions) == ["create", "delete", "update", "update", "update"]


def test_ticklers_never_go_to_a_screened_attorney(firm_store: Store, clock: FixedClock) -> None:
    with firm_store.unit_of_work() as uow:
        trigger = docket.record_trigger(
            uow,
            STAFF,
            clock.now(),
            matter_id="mat-w",
            event="judgment-entered",
            occurred_on=D("2026-12-07"),
        )
    with firm_store.unit_of_work(readonly=True) as uow:
        deadlines = uow.docket.list_deadlines(matter_id="mat-w")
        recipients = {
            m.recipient
            for d in deadlines
            for m in uow.outbox.list(subject_id=d.id)
            if m.kind is MessageKind.TICKLER
        }
    assert len(deadlines) == 6 and all(d.trigger_id == trigger.id for d in deadlines)
    assert recipients == {"attorney:att-a"}


def test_a_late_docketed_deadline_gets_one_tickler_now(
    firm_store: Store, clock: FixedClock
) -> None:
    # Served Nov 20 by mail: 21 days -> Fri Dec 11, +3 (6(d)) -> Mon Dec 14. Court days before
    # it: 1 -> Fri Dec 11, 3 -> Wed Dec 9, 7 -> Thu Dec 3, 14 -> Mon Nov 23 (Thanksgiving
    # skipped). The 14- and 7-day ticklers have passed; the latest of them, 7, goes out now.
    now = clock.now()
    with firm_store.unit_of_work() as uow:
        trigger = docket.record_trigger(
            uow,
            STAFF,
            now,
            matter_id="mat-a",
            event="counterclaim-served",
            occurred_on=D("2026-11-20"),
            service=ServiceMethod.MAIL,
        )
    deadline_id = f"ddl-{trigger.id.removeprefix('trg-')}-fed-answer-counterclaim"
    pending = _pending(firm_store, deadline_id)
    assert [(p[1][:10], p[2]) for p in pending] == [
        ("2026-12-07", 7),
        ("2026-12-09", 3),
        ("2026-12-11", 1),
    ]
    assert pending[0][1] == now.isoformat()


def test_ticklers_follow_the_attorneys_zone(firm_store: Store, clock: FixedClock) -> None:
    with firm_store.unit_of_work() as uow:
        uow.matters.add(matter("mat-la", "cli-b", responsible_attorneys=("att-b",)))
        uow.commit()
    with firm_store.unit_of_work() as uow:
        trigger = docket.record_trigger(
            uow,
            STAFF,
            clock.now(),
            matter_id="mat-la",
            event="complaint-served",
            occurred_on=D("2026-12-07"),
        )
    pending = _pending(firm_store, f"ddl-{trigger.id.removeprefix('trg-')}-fed-answer")
    # 08:00 in Los Angeles is 16:00 UTC in December.
    assert {p[1][11:] for p in pending} == {"16:00:00+00:00"}


def test_walls_roles_and_bad_input(firm_store: Store, clock: FixedClock) -> None:
    now = clock.now()
    screened = Actor(Role.ATTORNEY, "key:t (attorney)", attorney_id="att-a")
    client = Actor(Role.CLIENT, "key:c (client)", client_id="cli-b")
    with firm_store.unit_of_work() as uow:
        with pytest.raises(NotFound):
            docket.record_trigger(
                uow,
                screened,
                now,
                matter_id="mat-b",
                event="trial-set",
                occurred_on=D("2027-03-01"),
            )
        with pytest.raises(NotAllowed):
            docket.matter_docket(uow, client, "mat-b")
        with pytest.raises(NotFound):
            docket.matter_docket(uow, client, "mat-a")
        with pytest.raises(NotAllowed):
            docket.deadlines_between(uow, client, now, D("2026-12-01"), D("2026-12-31"))
        with pytest.raises(InvalidInput) as error:
            docket.record_trigger(
                uow,
                STAFF,
                now,
                matter_id="mat-ca",
                event="complaint-servd",
                occurred_on=D("2027-01-04"),
            )
        assert error.value.field == "event"
    with firm_store.unit_of_work() as uow:
        trigger = docket.record_trigger(
            uow, STAFF, now, matter_id="mat-b", event="trial-set", occurred_on=D("2027-03-01")
        )
    with firm_store.unit_of_work() as uow:
        with pytest.raises(NotFound):
            docket.edit_trigger(uow, screened, now, trigger.id, occurred_on=D("2027-03-08"))
        with pytest.raises(NotFound):
            docket.remove_trigger(uow, STAFF, now, trigger.id, matter_id="mat-a")
    # The screened attorney's firm-wide list leaves the walled matter out.
    with firm_store.unit_of_work() as uow:
        staff_view = docket.deadlines_between(uow, STAFF, now, D("2026-11-01"), D("2027-03-31"))
    with firm_store.unit_of_work() as uow:
        attorney_view = docket.deadlines_between(
            uow, screened, now, D("2026-11-01"), D("2027-03-31")
        )
    assert {d.matter_id for d in staff_view} == {"mat-b"}
    assert attorney_view == []


def test_a_california_trigger_uses_california_rules(firm_store: Store, clock: FixedClock) -> None:
    with firm_store.unit_of_work() as uow:
        docket.record_trigger(
            uow,
            STAFF,
            clock.now(),
            matter_id="mat-ca",
            event="hearing-set",
            occurred_on=D("2027-01-15"),
            service=ServiceMethod.ELECTRONIC,
        )
    with firm_store.unit_of_work(readonly=True) as uow:
        due = {d.rule_id: d.due_on for d in uow.docket.list_deadlines(matter_id="mat-ca")}
    # 16 court days before Fri Jan 15 2027 (Jan 1 is a holiday): Jan 14..4 are 9 court days,
    # Dec 31, 30, 29, 28, 24, 23, 22 -> Tue Dec 22; +2 court days back -> Fri Dec 18.
    assert due["CA-MOTION-PAPERS"] == D("2026-12-18")
    # 9 court days: Jan 14, 13, 12, 11, 8, 7, 6, 5, 4 -> Mon Jan 4. 5: Jan 14..8 -> Fri Jan 8.
    assert due["CA-OPPOSITION"] == D("2027-01-04")
    assert due["CA-REPLY"] == D("2027-01-08")


def test_a_court_closure_moves_docketed_deadlines_and_back(
    firm_store: Store, clock: FixedClock
) -> None:
    now = clock.now()
    with firm_store.unit_of_work() as uow:
        trigger = docket.record_trigger(
            uow,
            STAFF,
            now,
            matter_id="mat-a",
            event="complaint-served",
            occurred_on=D("2026-12-07"),
        )
    answer = f"ddl-{trigger.id.removeprefix('trg-')}-fed-answer"
    fed = Jurisdiction.US_FED
    with firm_store.unit_of_work() as uow:
        moved = docket.add_closure(uow, STAFF, now, fed, D("2026-12-28"), "clerk's office closed")
    assert moved == 1
    with firm_store.unit_of_work(readonly=True) as uow:
        (deadline,) = uow.docket.list_deadlines(matter_id="mat-a")
        payload_due = {
            m.payload["due_on"] for m in uow.outbox.list(subject_id=answer, status="pending")
        }
    # FRCP 6(a)(3): the last day, Mon Dec 28, the clerk's office was closed: Tue Dec 29.
    assert deadline.due_on == D("2026-12-29")
    assert any("clerk's office closed" in step for step in deadline.steps)
    assert payload_due == {"2026-12-29"}
    with firm_store.unit_of_work() as uow, pytest.raises(Conflict):
        docket.add_closure(uow, STAFF, now, fed, D("2026-12-28"), "again")
    with firm_store.unit_of_work() as uow:
        attorney = Actor(Role.ATTORNEY, "key:a (attorney)", attorney_id="att-a")
        with pytest.raises(NotAllowed):
            docket.add_closure(uow, attorney, now, fed, D("2026-12-29"), "storm")
        with pytest.raises(InvalidInput) as error:
            docket.add_closure(uow, STAFF, now, fed, D("2026-12-29"), "  ")
        assert error.value.field == "reason"
        assert [c.closed_on for c in docket.list_closures(uow, attorney, fed)] == [D("2026-12-28")]
    with firm_store.unit_of_work() as uow:
        assert docket.remove_closure(uow, STAFF, now, fed, D("2026-12-28")) == 1
    with firm_store.unit_of_work(readonly=True) as uow:
        (deadline,) = uow.docket.list_deadlines(matter_id="mat-a")
    assert deadline.due_on == D("2026-12-28")
    assert [p[2] for p in _pending(firm_store, answer)] == [14, 7, 3, 1]
