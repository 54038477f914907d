"""The firm's directory: attorneys, clients, matters and rooms, as each caller may see them."""

from __future__ import annotations

from datetime import datetime

from scheduler.demo import DEMO_SOURCE, DemoFirm
from scheduler.domain import Attorney, Client, Matter, Role, Room
from scheduler.errors import Conflict, NotFound
from scheduler.ports import UnitOfWork
from scheduler.services.access import Actor, can_see_matter, record, require_staff
from scheduler.services.docket import schedule_ticklers


def list_attorneys(uow: UnitOfWork, actor: Actor) -> list[Attorney]:
    """Staff and attorneys see every attorney; a client sees the attorneys on their matters."""
    attorneys = uow.attorneys.list()
    if actor.role is Role.CLIENT:
        mine = {
            a for m in uow.matters.list(client_id=actor.client_id) for a in m.responsible_attorneys
        }
        attorneys = [a for a in attorneys if a.id in mine]
    return attorneys


def get_attorney(uow: UnitOfWork, actor: Actor, attorney_id: str) -> Attorney:
    for attorney in list_attorneys(uow, actor):
        if attorney.id == attorney_id:
            return attorney
    raise NotFound("attorney", attorney_id)


def list_clients(uow: UnitOfWork, actor: Actor) -> list[Client]:
    if actor.sees_firm:
        return uow.clients.list()
    visible = {m.client_id for m in uow.matters.list() if can_see_matter(actor, m)}
    return [c for c in uow.clients.list() if c.id in visible]


def get_client(uow: UnitOfWork, actor: Actor, client_id: str) -> Client:
    for client in list_clients(uow, actor):
        if client.id == client_id:
            return client
    raise NotFound("client", client_id)


def list_matters(uow: UnitOfWork, actor: Actor, now: datetime) -> list[Matter]:
    """The matters the actor may see; the read is written to the audit log."""
    matters = [m for m in uow.matters.list() if can_see_matter(actor, m)]
    record(uow, actor, now, "list", "matter", "*", f"{len(matters)} matters")
    uow.commit()
    return matters


def get_matter(uow: UnitOfWork, actor: Actor, now: datetime, matter_id: str) -> Matter:
    matter = uow.matters.get(matter_id)
    if not can_see_matter(actor, matter):
        raise NotFound("matter", matter_id)
    record(uow, actor, now, "view", "matter", matter_id)
    uow.commit()
    return matter


def list_rooms(uow: UnitOfWork, actor: Actor) -> list[Room]:
    del actor  # rooms are not confidential
    return uow.rooms.list()


def seed_demo_firm(uow: UnitOfWork, actor: Actor, now: datetime, demo: DemoFirm) -> None:
    """Write a generated firm into an empty store, all of it or nothing."""
    require_staff(actor)
    if uow.attorneys.list():
        raise Conflict(
            "This database already holds a firm. Use a new database file (--db) for the demo."
        )
    uow.firm.save(demo.firm)
    for attorney in demo.attorneys:
        uow.attorneys.add(attorney)
    for room in demo.rooms:
        uow.rooms.add(room)
    for client in demo.clients:
        uow.clients.add(client)
    for matter in demo.matters:
        uow.matters.add(matter)
    for attorney in demo.attorneys:
        uow.busy.add_source(f"{DEMO_SOURCE}-{attorney.id}", attorney.id, "manual", "Court calendar")
    for attorney in demo.attorneys:
        uow.busy.replace_source(
            f"{DEMO_SOURCE}-{attorney.id}",
            [b for b in demo.busy if b.attorney_id == attorney.id],
        )
    for appointment in demo.appointments:
        uow.appointments.add(appointment)
    for trigger in demo.triggers:
        uow.docket.add_trigger(trigger)
    matters = {m.id: m for m in demo.matters}
    for deadline in demo.deadlines:
        uow.docket.add_deadline(deadline)
        schedule_ticklers(uow, demo.firm, matters[deadline.matter_id], deadline, now)
    record(uow, actor, now, "create", "firm", "demo", f"seeded demo firm starting {demo.start}")
    uow.commit()
