"""When reminders go out: a pure policy.

An appointment reminder is due a set time before the start (24 hours and 2 hours by default; the
firm's policy, or the client's own preference). It is computed in the recipient's zone and never
lands in the middle of their night: a reminder that would fall in the quiet hours (21:00 to 08:00
local by default) goes out earlier instead, at the start of that night's quiet hours. Reminders
already past, or that would crowd another one (within an hour of it), are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_QUIET_HOURS = (time(21, 0), time(8, 0))
MIN_GAP = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    offset_minutes: int  # the policy's offset this reminder answers
    send_at: datetime  # UTC


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """``"21:00-08:00"`` -> (21:00, 08:00); the range may wrap past midnight."""
    if "-" not in text:
        raise ValueError("write quiet hours as HH:MM-HH:MM")
    left, right = text.split("-", 1)
    start, end = time.fromisoformat(left.strip()), time.fromisoformat(right.strip())
    if start == end:
        raise ValueError("quiet hours must not be empty")
    return start, end


def in_quiet_hours(moment: datetime, zone: ZoneInfo, quiet: tuple[time, time]) -> bool:
    """Strictly inside the quiet hours: their first and last minute are still fine to send."""
    local = moment.astimezone(zone).time()
    start, end = quiet
    if start < end:
        return start < local < end
    return local > start or local < end


def _start_of_that_night(moment: datetime, zone: ZoneInfo, quiet: tuple[time, time]) -> datetime:
    """The instant the quiet hours containing ``moment`` began (local wall clock, DST-aware)."""
    local = moment.astimezone(zone)
    start, _end = quiet
    day = local.date()
    began = datetime.combine(day, start, tzinfo=zone)
    if began > local:
        began = datetime.combine(day - timedelta(days=1), start, tzinfo=zone)
    return began.astimezone(moment.tzinfo)


def plan_reminders(
    starts_at: datetime,
    offsets_minutes: tuple[int, ...],
    recipient_zone: str,
    now: datetime,
    *,
    quiet: tuple[time, time] = DEFAULT_QUIET_HOURS,
) -> list[PlannedReminder]:
    """The reminders to send for an appointment starting at ``starts_at``, earliest first."""
    zone = ZoneInfo(recipient_zone)
    planned: list[PlannedReminder] = []
    for offset in sorted(set(offsets_minutes), reverse=True):
        send_at = starts_at - timedelta(minutes=offset)
        if in_quiet_hours(send_at, zone, quiet):
            send_at = _start_of_that_night(send_at, zone, quiet)
        if send_at <= now or send_at >= starts_at:
            continue
        if any(abs(send_at - p.send_at) < MIN_GAP for p in planned):
            continue
        planned.append(PlannedReminder(offset, send_at))
    return sorted(planned, key=lambda p: p.send_at)
