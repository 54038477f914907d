"""Conversions between table rows and domain objects (both directions, nothing else)."""

from __future__ import annotations

from scheduler.domain import (
    AdverseParty,
    ApiKey,
    Appointment,
    AppointmentStatus,
    Attorney,
    AuditEntry,
    BookingLink,
    BusyBlock,
    CalendarSource,
    Client,
    ClosedDay,
    Deadline,
    FeedKind,
    FeedToken,
    Firm,
    Hold,
    IdempotencyRecord,
    Language,
    Matter,
    MessageKind,
    OutboxMessage,
    Role,
    Room,
    RoomClosure,
    TimeOff,
    TriggerEvent,
    WebSession,
    WeeklyHours,
)
from scheduler.store.tables import (
    AdversePartyRow,
    ApiKeyRow,
    AppointmentRow,
    AttorneyRow,
    AuditRow,
    BookingLinkRow,
    BusyBlockRow,
    CalendarSourceRow,
    ClientRow,
    ClosedDayRow,
    DeadlineRow,
    FeedTokenRow,
    FirmRow,
    HoldRow,
    IdempotencyKeyRow,
    MatterRow,
    OutboxRow,
    RoomClosureRow,
    RoomRow,
    TimeOffRow,
    TriggerEventRow,
    WebSessionRow,
)


def firm_to_domain(row: FirmRow) -> Firm:
    return Firm(
        name=row.name,
        timezone=row.timezone,
        address=row.address,
        email=row.email,
        phone=row.phone,
        reminder_offsets_minutes=tuple(row.reminder_offsets_minutes),
        tickler_court_days=tuple(row.tickler_court_days),
        min_notice_business_hours=row.min_notice_business_hours,
    )


def firm_fill_row(row: FirmRow, firm: Firm) -> None:
    row.name = firm.name
    row.timezone = firm.timezone
    row.address = firm.address
    row.email = firm.email
    row.phone = firm.phone
    row.reminder_offsets_minutes = list(firm.reminder_offsets_minutes)
    row.tickler_court_days = list(firm.tickler_court_days)
    row.min_notice_business_hours = firm.min_notice_business_hours


def attorney_to_domain(row: AttorneyRow) -> Attorney:
    return Attorney(
        id=row.id,
        name=row.name,
        email=row.email,
        timezone=row.timezone,
        working_hours=WeeklyHours.from_json(row.working_hours),
        practice_areas=tuple(row.practice_areas),
        title=row.title,
        office=row.office,
        max_meetings_per_day=row.max_meetings_per_day,
        buffer_minutes=row.buffer_minutes,
        active=row.active,
    )


def attorney_to_row(attorney: Attorney) -> AttorneyRow:
    return AttorneyRow(
        id=attorney.id,
        name=attorney.name,
        email=attorney.email,
        timezone=attorney.timezone,
        working_hours=attorney.working_hours.to_json(),
        practice_areas=list(attorney.practice_areas),
        title=attorney.title,
        office=attorney.office,
        max_meetings_per_day=attorney.max_meetings_per_day,
        buffer_minutes=attorney.buffer_minutes,
        active=attorney.active,
    )


def client_to_domain(row: ClientRow) -> Client:
    return Client(
        id=row.id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        timezone=row.timezone,
        language=Language(row.language),
        reminder_offsets_minutes=(
            tuple(row.reminder_offsets_minutes)
            if row.reminder_offsets_minutes is not None
            else None
        ),
    )


def client_to_row(client: Client) -> ClientRow:
    return ClientRow(
        id=client.id,
        name=client.name,
        email=client.email,
        phone=client.phone,
        timezone=client.timezone,
        language=client.language.value,
        reminder_offsets_minutes=(
            list(client.reminder_offsets_minutes)
            if client.reminder_offsets_minutes is not None
            else None
        ),
    )


def matter_to_domain(
    row: MatterRow,
    responsible: tuple[str, ...],
    screened: tuple[str, ...],
    adverse: list[AdversePartyRow],
) -> Matter:
    return Matter(
        id=row.id,
        client_id=row.client_id,
        title=row.title,
        jurisdiction=row.jurisdiction,
        practice_area=row.practice_area,
        court=row.court,
        responsible_attorneys=responsible,
        screened_attorneys=screened,
        adverse_parties=tuple(AdverseParty(name=a.name, client_id=a.client_id) for a in adverse),
        opened_on=row.opened_on,
        status=row.status,
    )


def room_to_domain(row: RoomRow) -> Room:
    return Room(id=row.id, name=row.name, capacity=row.capacity, location=row.location)


def appointment_to_domain(row: AppointmentRow, attorney_ids: tuple[str, ...]) -> Appointment:
    return Appointment(
        id=row.id,
        uid=row.uid,
        sequence=row.sequence,
        status=AppointmentStatus(row.status),
        client_id=row.client_id,
        matter_id=row.matter_id,
        attorney_ids=attorney_ids,
        room_id=row.room_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        title=row.title,
        buffer_minutes=row.buffer_minutes,
        priority=row.priority,
        video_url=row.video_url,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def appointment_fill_row(row: AppointmentRow, appt: Appointment) -> None:
    row.id = appt.id
    row.uid = appt.uid
    row.sequence = appt.sequence
    row.status = appt.status.value
    row.client_id = appt.client_id
    row.matter_id = appt.matter_id
    row.room_id = appt.room_id
    row.starts_at = appt.starts_at
    row.ends_at = appt.ends_at
    row.title = appt.title
    row.buffer_minutes = appt.buffer_minutes
    row.priority = appt.priority
    row.video_url = appt.video_url
    assert appt.created_at is not None and appt.updated_at is not None
    row.created_at = appt.created_at
    row.updated_at = appt.updated_at


def busy_to_domain(row: BusyBlockRow) -> BusyBlock:
    return BusyBlock(
        attorney_id=row.attorney_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        source_id=row.source_id,
    )


def calendar_source_to_domain(row: CalendarSourceRow) -> CalendarSource:
    return CalendarSource(
        id=row.id,
        attorney_id=row.attorney_id,
        kind=row.kind,
        created_at=row.created_at,
        url=row.url,
        label=row.label,
        username=row.username,
        password_env=row.password_env,
        etag=row.etag,
        last_modified=row.last_modified,
        poll_minutes=row.poll_minutes,
        last_polled_at=row.last_polled_at,
        last_error=row.last_error,
    )


def calendar_source_fill_row(row: CalendarSourceRow, source: CalendarSource) -> None:
    row.attorney_id = source.attorney_id
    row.kind = source.kind
    row.created_at = source.created_at
    row.url = source.url
    row.label = source.label
    row.username = source.username
    row.password_env = source.password_env
    row.etag = source.etag
    row.last_modified = source.last_modified
    row.poll_minutes = source.poll_minutes
    row.last_polled_at = source.last_polled_at
    row.last_error = source.last_error


def room_closure_to_domain(row: RoomClosureRow) -> RoomClosure:
    return RoomClosure(
        id=row.id,
        room_id=row.room_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        reason=row.reason,
    )


def time_off_to_domain(row: TimeOffRow) -> TimeOff:
    return TimeOff(
        id=row.id,
        attorney_id=row.attorney_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        reason=row.reason,
    )


def deadline_to_domain(row: DeadlineRow, responsible: tuple[str, ...]) -> Deadline:
    return Deadline(
        id=row.id,
        matter_id=row.matter_id,
        trigger_id=row.trigger_id,
        rule_id=row.rule_id,
        title=row.title,
        due_on=row.due_on,
        jurisdiction=row.jurisdiction,
        steps=tuple(row.steps),
        citations=tuple(row.citations),
        responsible_attorneys=responsible,
        status=row.status,
    )


def trigger_to_domain(row: TriggerEventRow) -> TriggerEvent:
    return TriggerEvent(
        id=row.id,
        matter_id=row.matter_id,
        event=row.event,
        occurred_on=row.occurred_on,
        jurisdiction=row.jurisdiction,
        service=row.service,
        note=row.note,
    )


def audit_to_domain(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        detail=row.detail,
    )


def api_key_to_domain(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        role=Role(row.role),
        key_hash=row.key_hash,
        attorney_id=row.attorney_id,
        client_id=row.client_id,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def feed_token_to_domain(row: FeedTokenRow) -> FeedToken:
    return FeedToken(
        id=row.id,
        kind=FeedKind(row.kind),
        subject_id=row.subject_id,
        token_hash=row.token_hash,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def idempotency_to_domain(row: IdempotencyKeyRow) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=row.key,
        scope=row.scope,
        request_hash=row.request_hash,
        status_code=row.status_code,
        response_body=row.response_body,
        created_at=row.created_at,
    )


def outbox_to_domain(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        kind=MessageKind(row.kind),
        dedupe_key=row.dedupe_key,
        recipient=row.recipient,
        subject_id=row.subject_id,
        payload=row.payload,
        due_at=row.due_at,
        message_id=row.message_id,
        created_at=row.created_at,
        status=row.status,
        attempts=row.attempts,
        lease_until=row.lease_until,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )


def hold_to_domain(row: HoldRow) -> Hold:
    return Hold(
        id=row.id,
        client_id=row.client_id,
        attorney_ids=tuple(row.attorney_ids),
        room_id=row.room_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        expires_at=row.expires_at,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def closed_day_to_domain(row: ClosedDayRow) -> ClosedDay:
    return ClosedDay(day=row.day, reason=row.reason)


def attorney_fill_row(row: AttorneyRow, attorney: Attorney) -> None:
    row.name = attorney.name
    row.email = attorney.email
    row.timezone = attorney.timezone
    row.working_hours = attorney.working_hours.to_json()
    row.practice_areas = list(attorney.practice_areas)
    row.title = attorney.title
    row.office = attorney.office
    row.max_meetings_per_day = attorney.max_meetings_per_day
    row.buffer_minutes = attorney.buffer_minutes
    row.active = attorney.active


def client_fill_row(row: ClientRow, client: Client) -> None:
    row.name = client.name
    row.email = client.email
    row.phone = client.phone
    row.timezone = client.timezone
    row.language = client.language.value
    row.reminder_offsets_minutes = (
        list(client.reminder_offsets_minutes)
        if client.reminder_offsets_minutes is not None
        else None
    )


def booking_link_to_domain(row: BookingLinkRow) -> BookingLink:
    return BookingLink(
        id=row.id,
        token_hash=row.token_hash,
        client_id=row.client_id,
        matter_id=row.matter_id,
        duration_minutes=row.duration_minutes,
        attorney_ids=tuple(str(a) for a in row.attorney_ids),
        title=row.title,
        expires_at=row.expires_at,
        created_at=row.created_at,
        created_by=row.created_by,
        needs_room=row.needs_room,
        attend_all=row.attend_all,
        meet_by=row.meet_by,
        appointment_id=row.appointment_id,
        revoked_at=row.revoked_at,
    )


def booking_link_to_row(link: BookingLink) -> BookingLinkRow:
    return BookingLinkRow(
        id=link.id,
        token_hash=link.token_hash,
        client_id=link.client_id,
        matter_id=link.matter_id,
        duration_minutes=link.duration_minutes,
        attorney_ids=list(link.attorney_ids),
        needs_room=link.needs_room,
        attend_all=link.attend_all,
        title=link.title,
        meet_by=link.meet_by,
        expires_at=link.expires_at,
        appointment_id=link.appointment_id,
        created_at=link.created_at,
        created_by=link.created_by,
        revoked_at=link.revoked_at,
    )


def web_session_to_domain(row: WebSessionRow) -> WebSession:
    return WebSession(
        id=row.id,
        token_hash=row.token_hash,
        api_key_id=row.api_key_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
