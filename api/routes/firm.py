"""The firm's directory: attorneys, clients, matters and rooms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ActorDep, ClockDep, ReadUowDep, UowDep
from api.problems import COMMON
from api.schemas import (
    AttorneyPublic,
    ClientPublic,
    FirmSettings,
    MatterPublic,
    Page,
    RoomPublic,
)
from scheduler.services import firm

router = APIRouter(prefix="/v1", tags=["firm"], responses=COMMON)
PathId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]


@router.get("/attorneys", response_model=Page[AttorneyPublic])
def list_attorneys(uow: ReadUowDep, actor: ActorDep) -> Page[AttorneyPublic]:
    """List the firm's attorneys (a client sees the attorneys on their own matters)."""
    items = [AttorneyPublic.of(a) for a in firm.list_attorneys(uow, actor)]
    return Page(data=items, count=len(items))


@router.get("/attorneys/{attorney_id}", response_model=AttorneyPublic)
def get_attorney(attorney_id: PathId, uow: ReadUowDep, actor: ActorDep) -> AttorneyPublic:
    """One attorney."""
    return AttorneyPublic.of(firm.get_attorney(uow, actor, attorney_id))


@router.get("/clients", response_model=Page[ClientPublic])
def list_clients(uow: ReadUowDep, actor: ActorDep) -> Page[ClientPublic]:
    """List clients the caller may see (a client key sees only itself)."""
    items = [ClientPublic.of(c) for c in firm.list_clients(uow, actor)]
    return Page(data=items, count=len(items))


@router.get("/clients/{client_id}", response_model=ClientPublic)
def get_client(client_id: PathId, uow: ReadUowDep, actor: ActorDep) -> ClientPublic:
    """One client."""
    return ClientPublic.of(firm.get_client(uow, actor, client_id))


@router.get("/matters", response_model=Page[MatterPublic])
def list_matters(uow: UowDep, actor: ActorDep, clock: ClockDep) -> Page[MatterPublic]:
    """List matters the caller may see; screened attorneys never see walled matters."""
    items = [
        MatterPublic.of(m, show_wall=actor.sees_firm)
        for m in firm.list_matters(uow, actor, clock.now())
    ]
    return Page(data=items, count=len(items))


@router.get("/matters/{matter_id}", response_model=MatterPublic)
def get_matter(matter_id: PathId, uow: UowDep, actor: ActorDep, clock: ClockDep) -> MatterPublic:
    """One matter (404 if it does not exist or the caller may not see it)."""
    return MatterPublic.of(
        firm.get_matter(uow, actor, clock.now(), matter_id), show_wall=actor.sees_firm
    )


@router.get("/rooms", response_model=Page[RoomPublic])
def list_rooms(uow: ReadUowDep, actor: ActorDep) -> Page[RoomPublic]:
    """List conference rooms."""
    items = [RoomPublic.of(r) for r in firm.list_rooms(uow, actor)]
    return Page(data=items, count=len(items))


@router.get("/firm", response_model=FirmSettings)
def get_firm_settings(uow: ReadUowDep, actor: ActorDep) -> FirmSettings:
    """The firm's settings: name, zone, address, reminder and tickler policy."""
    del actor  # any signed-in caller may read them: they are on every invitation
    return FirmSettings.of(firm.get_firm(uow))


@router.put("/firm", response_model=FirmSettings)
def put_firm_settings(
    body: FirmSettings, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> FirmSettings:
    """Set the firm's settings (staff)."""
    return FirmSettings.of(firm.save_firm(uow, actor, clock.now(), body.to_domain()))
