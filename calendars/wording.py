"""Plain-language wording for invitations and feeds, in English and Spanish.

Dates and times are written out the way a careful secretary would ("Monday, December 7, 2026,
10:00 AM - 11:00 AM Eastern Time"), always in the reader's own zone, with the zone named.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.domain import Language

_DAYS = {
    Language.EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    Language.ES: ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_MONTHS = {
    Language.EN: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    Language.ES: (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}
# Friendly names for the zones people in the firm's offices use; others are shown by IANA name.
_ZONE_NAMES = {
    Language.EN: {
        "America/New_York": "Eastern Time",
        "America/Chicago": "Central Time",
        "America/Denver": "Mountain Time",
        "America/Phoenix": "Mountain Time (Arizona)",
        "America/Los_Angeles": "Pacific Time",
        "America/Anchorage": "Alaska Time",
        "Pacific/Honolulu": "Hawaii Time",
    },
    Language.ES: {
        "America/New_York": "hora del Este",
        "America/Chicago": "hora del Centro",
        "America/Denver": "hora de la Montaña",
        "America/Phoenix": "hora de la Montaña (Arizona)",
        "America/Los_Angeles": "hora del Pacífico",
        "America/Anchorage": "hora de Alaska",
        "Pacific/Honolulu": "hora de Hawái",
    },
}


def zone_name(zone: str, language: Language) -> str:
    friendly = _ZONE_NAMES[language].get(zone)
    if friendly:
        return friendly
    return f"time in {zone}" if language is Language.EN else f"hora de {zone}"


def format_day(day: date, language: Language) -> str:
    weekday = _DAYS[language][day.weekday()]
    month = _MONTHS[language][day.month - 1]
    if language is Language.ES:
        return f"{weekday}, {day.day} de {month} de {day.year}"
    return f"{weekday}, {month} {day.day}, {day.year}"


def format_clock(moment: datetime, language: Language) -> str:
    if language is Language.ES:
        return f"{moment.hour:02d}:{moment.minute:02d}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def format_when(start: datetime, end: datetime, zone: str, language: Language) -> str:
    """The day and the time range in ``zone``, e.g. "Monday, December 7, 2026, 10:00 AM -
    11:00 AM (Eastern Time)"."""
    tz = ZoneInfo(zone)
    local_start = start.astimezone(tz)
    local_end = end.astimezone(tz)
    text = (
        f"{format_day(local_start.date(), language)}, "
        f"{format_clock(local_start, language)} - {format_clock(local_end, language)}"
    )
    if local_end.date() != local_start.date():
        text = (
            f"{format_day(local_start.date(), language)}, {format_clock(local_start, language)}"
            f" - {format_day(local_end.date(), language)}, {format_clock(local_end, language)}"
        )
    return f"{text} ({zone_name(zone, language)})"


def join_names(names: list[str], language: Language) -> str:
    if len(names) <= 1:
        return "".join(names)
    conjunction = " and " if language is Language.EN else " y "
    return ", ".join(names[:-1]) + conjunction + names[-1]
