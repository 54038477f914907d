"""Court deadlines: compute a period or a chain, and keep a matter's docket."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, ClockDep, UowDep
from api.schemas import Page
from scheduler.courtdays import Jurisdiction, check_in_range
from scheduler.domain import require_zone
from scheduler.rules import MAX_DAYS, PeriodRequest, ServiceMethod, chain, compute, get_event
from scheduler.rules import events as list_events
from scheduler.rules import rules as list_rules
from scheduler.rules.hours import MAX_HOURS, HourRequest, compute_hours
from scheduler.services import docket

router = APIRouter(prefix="/v1", tags=["deadlines"])


class ComputeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "jurisdiction": "US-FED",
                "trigger": "2026-03-02",
                "days": 21,
                "court_days": False,
                "before": False,
                "service": "mail",
            }
        },
    )

    jurisdiction: str = Field(description="US-FED, US-CA or US-NY.")
    trigger: date = Field(description="The day the period runs from (or back from, with before).")
    days: int = Field(description=f"The length of the period, 1 to {MAX_DAYS}.")
    court_days: bool = Field(default=False, description="Count court days, not calendar days.")
    before: bool = Field(default=False, description="Count back from the trigger (a hearing).")
    service: str = Field(
        default="personal",
        description="personal, mail (within California, for California), mail-us (from or to "
        "elsewhere in the United States), mail-abroad, electronic or overnight.",
    )
    closures: list[date] = Field(
        default_factory=list,
        description="Days the court was closed (FRCP 6(a)(3), CCP 12b), treated as holidays.",
    )


class Alternative(BaseModel):
    question: str
    due: date


class ComputeResponse(BaseModel):
    jurisdiction: str
    trigger: date
    days: int
    court_days: bool
    before: bool
    service: str
    due: date
    due_weekday: str
    steps: list[str] = Field(description="How the date was found, in plain language.")
    citations: list[str]
    unsettled: list[Alternative] = Field(
        description="Points where the law is unsettled and the date the other reading gives; "
        "the answer is always the earlier date."
    )
    notes: list[str]


class HoursRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "jurisdiction": "US-FED",
                "trigger": "2026-03-06T17:00:00-05:00",
                "hours": 48,
                "timezone": "America/New_York",
            }
        },
    )

    jurisdiction: str = Field(description="US-FED (FRCP 6(a)(2)); state courts count days.")
    trigger: dt.datetime = Field(description="The moment the period runs from, with its offset.")
    hours: int = Field(description=f"The length of the period, 1 to {MAX_HOURS} hours.")
    timezone: str = Field(description="The court's clock (an IANA zone), for 'the same time'.")
    closures: list[date] = Field(
        default_factory=list,
        description="Days the clerk's office was inaccessible (FRCP 6(a)(3)(B)).",
    )


class HoursAlternative(BaseModel):
    question: str
    due: dt.datetime


class HoursResponse(BaseModel):
    jurisdiction: str
    trigger: dt.datetime
    hours: int
    timezone: str
    due: dt.datetime = Field(description="When the period ends, on the court's clock.")
    due_weekday: str
    steps: list[str] = Field(description="How the time was found, in plain language.")
    citations: list[str]
    unsettled: list[HoursAlternative]
    notes: list[str]


class ChainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdiction: str
    event: str = Field(description="A trigger event id (GET /v1/rules lists them).")
    date: dt.date
    service: str = "personal"


class ChainItemOut(BaseModel):
    rule: str
    title: str
    period: str
    citation: str
    statement: str
    due: date
    due_weekday: str
    steps: list[str]
    citations: list[str]
    unsettled: list[Alternative]
    notes: list[str]


class ChainResponse(BaseModel):
    jurisdiction: str
    event: str
    event_name: str
    date: dt.date
    service: str
    deadlines: list[ChainItemOut]


class RuleOut(BaseModel):
    id: str
    title: str
    period: str
    citation: str
    statement: str


class EventOut(BaseModel):
    jurisdiction: str
    event: str
    name: str
    date_means: str
    rules: list[RuleOut]


class TriggerIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"event": "complaint-served", "date": "2026-12-01", "service": "personal"}
        },
    )

    event: str = Field(description="A trigger event of the matter's jurisdiction.")
    date: dt.date
    service: str = "personal"
    note: str = Field(default="", max_length=2000)


class TriggerEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None
    service: str | None = None
    note: str | None = Field(default=None, max_length=2000)


class TriggerOut(BaseModel):
    id: str
    matter: str
    event: str
    date: dt.date
    jurisdiction: str
    service: str
    note: str


class TicklerOut(BaseModel):
    recipient: str
    due_at: str
    days_before: int | None
    status: str


class DeadlineOut(BaseModel):
    id: str
    matter: str
    title: str
    due: date
    jurisdiction: str
    rule: str
    trigger: str | None
    responsible_attorneys: list[str]
    steps: list[str]
    citations: list[str]
    status: str
    ticklers: list[TicklerOut] = Field(default_factory=list)


class DocketOut(BaseModel):
    trigger: TriggerOut
    deadlines: list[DeadlineOut]


def _service(text: str) -> ServiceMethod:
    return ServiceMethod.parse(text)


@router.post("/deadlines/compute", response_model=ComputeResponse)
def compute_deadline(body: ComputeRequest, actor: ActorDep) -> ComputeResponse:
    """Compute one period: the same inputs and answer as `secretary deadline --json`."""
    del actor  # any key may compute; nothing confidential is read
    request = PeriodRequest(
        jurisdiction=Jurisdiction.parse(body.jurisdiction),
        trigger=check_in_range(body.trigger, field="trigger"),
        days=body.days,
        court_days=body.court_days,
        before=body.before,
        service=_service(body.service),
        closures=tuple(
            (check_in_range(d, field="closures"), "closure entered for this computation")
            for d in body.closures
        ),
    )
    result = compute(request)
    return ComputeResponse(
        jurisdiction=request.jurisdiction.value,
        trigger=request.trigger,
        days=request.days,
        court_days=request.court_days,
        before=request.before,
        service=request.service.value,
        **result.to_json(),
    )


@router.post("/deadlines/compute-hours", response_model=HoursResponse)
def compute_deadline_in_hours(body: HoursRequest, actor: ActorDep) -> HoursResponse:
    """Compute a period stated in hours (FRCP 6(a)(2)): the same as `secretary deadline --hours
    N --json`."""
    del actor  # any key may compute; nothing confidential is read
    zone = require_zone(body.timezone, field="timezone")
    request = HourRequest(
        jurisdiction=Jurisdiction.parse(body.jurisdiction),
        trigger=body.trigger,
        hours=body.hours,
        zone=zone,
        closures=tuple(
            (check_in_range(d, field="closures"), "closure entered for this computation")
            for d in body.closures
        ),
    )
    result = compute_hours(request)
    return HoursResponse(
        jurisdiction=request.jurisdiction.value,
        trigger=body.trigger.astimezone(zone),
        hours=body.hours,
        timezone=zone.key,
        **result.to_json(),
    )


@router.post("/deadlines/chain", response_model=ChainResponse)
def compute_chain(body: ChainRequest, actor: ActorDep) -> ChainResponse:
    """Every deadline a trigger event sets: the same as `secretary deadlines --json`."""
    del actor
    jurisdiction = Jurisdiction.parse(body.jurisdiction)
    event = get_event(jurisdiction, body.event)
    service = _service(body.service)
    items = chain(jurisdiction, event.id, check_in_range(body.date, field="date"), service)
    return ChainResponse(
        jurisdiction=jurisdiction.value,
        event=event.id,
        event_name=event.name,
        date=body.date,
        service=service.value,
        deadlines=[ChainItemOut.model_validate(item.to_json()) for item in items],
    )


@router.get("/rules", response_model=Page[EventOut])
def rules_catalog(
    actor: ActorDep,
    jurisdiction: Annotated[str | None, Query(description="US-FED, US-CA or US-NY.")] = None,
) -> Page[EventOut]:
    """The trigger events of each jurisdiction and the deadline rules they set."""
    del actor
    only = Jurisdiction.parse(jurisdiction) if jurisdiction else None
    items = [
        EventOut(
            jurisdiction=e.jurisdiction.value,
            event=e.id,
            name=e.name,
            date_means=e.date_means,
            rules=[
                RuleOut(
                    id=r.id,
                    title=r.title,
                    period=r.period_words,
                    citation=r.citation,
                    statement=r.statement,
                )
                for r in list_rules(e.jurisdiction, e.id)
            ],
        )
        for e in list_events(only)
    ]
    return Page(data=items, count=len(items))


def _docket_out(view: docket.DocketView, trigger_id: str) -> DocketOut:
    data: dict[str, Any] = view.to_json()
    trigger = next(t for t in data["triggers"] if t["id"] == trigger_id)
    return DocketOut(
        trigger=TriggerOut.model_validate(trigger),
        deadlines=[DeadlineOut.model_validate(d) for d in data["deadlines"]],
    )


@router.get("/matters/{matter_id}/triggers", response_model=Page[TriggerOut])
def list_triggers(
    matter_id: str, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Page[TriggerOut]:
    """A matter's trigger events (404 if the caller may not see the matter)."""
    view = docket.matter_docket(uow, actor, matter_id, now=clock.now())
    items = [TriggerOut.model_validate(docket.trigger_json(t)) for t in view.triggers]
    return Page(data=items, count=len(items))


@router.post("/matters/{matter_id}/triggers", response_model=DocketOut, status_code=201)
def record_trigger(
    matter_id: str, body: TriggerIn, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> DocketOut:
    """Record a trigger event; answers with the deadlines it set and their ticklers."""
    trigger = docket.record_trigger(
        uow,
        actor,
        clock.now(),
        matter_id=matter_id,
        event=body.event,
        occurred_on=check_in_range(body.date, field="date"),
        service=_service(body.service),
        note=body.note,
    )
    view = docket.matter_docket(uow, actor, matter_id, trigger_id=trigger.id)
    return _docket_out(view, trigger.id)


@router.put("/matters/{matter_id}/triggers/{trigger_id}", response_model=DocketOut)
def edit_trigger(
    matter_id: str,
    trigger_id: str,
    body: TriggerEdit,
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
) -> DocketOut:
    """Correct a trigger event's date, service or note; its deadlines and ticklers follow."""
    trigger = docket.edit_trigger(
        uow,
        actor,
        clock.now(),
        trigger_id,
        occurred_on=check_in_range(body.date, field="date") if body.date else None,
        service=_service(body.service) if body.service else None,
        note=body.note,
        matter_id=matter_id,
    )
    view = docket.matter_docket(uow, actor, matter_id, trigger_id=trigger.id)
    return _docket_out(view, trigger.id)


@router.delete("/matters/{matter_id}/triggers/{trigger_id}", status_code=204)
def remove_trigger(
    matter_id: str, trigger_id: str, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Response:
    """Remove a trigger event, its deadlines and their pending ticklers."""
    docket.remove_trigger(uow, actor, clock.now(), trigger_id, matter_id)
    return Response(status_code=204)


@router.get("/matters/{matter_id}/deadlines", response_model=Page[DeadlineOut])
def matter_deadlines(
    matter_id: str, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Page[DeadlineOut]:
    """A matter's deadlines with their steps, citations and pending ticklers."""
    view = docket.matter_docket(uow, actor, matter_id, now=clock.now())
    items = [DeadlineOut.model_validate(d) for d in view.to_json()["deadlines"]]
    return Page(data=items, count=len(items))


@router.get("/deadlines", response_model=Page[DeadlineOut])
def deadlines_between(
    uow: UowDep,
    actor: ActorDep,
    clock: ClockDep,
    start: Annotated[date, Query(alias="from", description="First due date (YYYY-MM-DD).")],
    end: Annotated[date, Query(alias="to", description="Last due date (YYYY-MM-DD).")],
) -> Page[DeadlineOut]:
    """The firm's deadlines due between two dates, on matters the caller may see."""
    found = docket.deadlines_between(uow, actor, clock.now(), start, end)
    items = [DeadlineOut.model_validate(docket.deadline_json(d)) for d in found]
    return Page(data=items, count=len(items))


class ClosureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdiction: str
    date: dt.date
    reason: str = Field(description="Why the court was closed (1 to 300 characters).")


class ClosureOut(BaseModel):
    jurisdiction: str
    date: dt.date
    reason: str


class ClosureResult(BaseModel):
    closure: ClosureOut
    deadlines_moved: int


@router.get("/court-closures", response_model=Page[ClosureOut])
def list_closures(
    uow: UowDep,
    actor: ActorDep,
    jurisdiction: Annotated[str | None, Query(description="US-FED, US-CA or US-NY.")] = None,
) -> Page[ClosureOut]:
    """Days a court was closed, as the firm recorded them."""
    only = Jurisdiction.parse(jurisdiction) if jurisdiction else None
    items = [
        ClosureOut(jurisdiction=c.jurisdiction, date=c.closed_on, reason=c.reason)
        for c in docket.list_closures(uow, actor, only)
    ]
    return Page(data=items, count=len(items))


@router.post("/court-closures", response_model=ClosureResult, status_code=201)
def add_closure(body: ClosureIn, uow: UowDep, actor: ActorDep, clock: ClockDep) -> ClosureResult:
    """Record a day a court was closed (FRCP 6(a)(3), CCP 12b); docketed deadlines follow."""
    jurisdiction = Jurisdiction.parse(body.jurisdiction)
    day = check_in_range(body.date, field="date")
    moved = docket.add_closure(uow, actor, clock.now(), jurisdiction, day, body.reason)
    return ClosureResult(
        closure=ClosureOut(jurisdiction=jurisdiction.value, date=day, reason=body.reason.strip()),
        deadlines_moved=moved,
    )


@router.delete("/court-closures/{jurisdiction}/{day}", status_code=204)
def remove_closure(
    jurisdiction: str, day: dt.date, uow: UowDep, actor: ActorDep, clock: ClockDep
) -> Response:
    """Remove a recorded closure; docketed deadlines are recomputed."""
    docket.remove_closure(uow, actor, clock.now(), Jurisdiction.parse(jurisdiction), day)
    return Response(status_code=204)
