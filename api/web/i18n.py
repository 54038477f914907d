"""The words of the web pages, in English and Spanish, and how times are written on them.

Spanish is formal (usted), as a law firm writes to its clients. Dates and clock times use the
same wording as the firm's invitations (``calendars.wording``), always in the reader's zone with
the zone named.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from calendars.wording import format_clock, format_day, format_when, zone_name
from scheduler.domain import Language

_DAYS = {
    Language.EN: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    Language.ES: ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_MONTHS = {
    Language.EN: (
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ),
    Language.ES: (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
        "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip
_DAYS_SHORT = {
    Language.EN: ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    Language.ES: ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
_MONTHS_SHORT = {
    Language.EN: (
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    ),
    Language.ES: (
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"
    ),
}  # fmt: skip

TEXT: dict[str, dict[Language, str]] = {
    "book.title": {Language.EN: "Book a meeting", Language.ES: "Reserve una cita"},
    "book.intro": {
        Language.EN: "Choose a time that suits you. Every time shown below is free.",
        Language.ES: "Elija el horario que le convenga. Todos los horarios que se muestran "
        "están libres.",
    },
    "book.default_title": {Language.EN: "Meeting with us", Language.ES: "Reunión con nosotros"},
    "book.with": {Language.EN: "With", Language.ES: "Con"},
    "book.with_any": {
        Language.EN: "With one of: {names}",
        Language.ES: "Con uno de: {names}",
    },
    "book.length": {Language.EN: "Length", Language.ES: "Duración"},
    "book.minutes": {Language.EN: "{n} minutes", Language.ES: "{n} minutos"},
    "book.where": {Language.EN: "Where", Language.ES: "Dónde"},
    "book.at_office": {
        Language.EN: "At our office: {address}",
        Language.ES: "En nuestra oficina: {address}",
    },
    "book.remote": {
        Language.EN: "By phone or video; the details come with your invitation.",
        Language.ES: "Por teléfono o videollamada; los detalles llegan con su invitación.",
    },
    "book.by": {
        Language.EN: "Times are offered until {day}.",
        Language.ES: "Se ofrecen horarios hasta el {day}.",
    },
    "zone.label": {Language.EN: "Your time zone", Language.ES: "Su zona horaria"},
    "zone.shown": {
        Language.EN: "Times are shown in {zone}.",
        Language.ES: "Los horarios se muestran en {zone}.",
    },
    "zone.change": {Language.EN: "Change time zone", Language.ES: "Cambiar zona horaria"},
    "zone.unknown": {
        Language.EN: "We did not recognise that time zone, so times are shown in {zone}.",
        Language.ES: "No reconocimos esa zona horaria; los horarios se muestran en {zone}.",
    },
    "lang.switch": {Language.EN: "Español", Language.ES: "English"},
    "lang.name": {Language.EN: "Language", Language.ES: "Idioma"},
    "times.legend": {Language.EN: "Available times", Language.ES: "Horarios disponibles"},
    "times.none_day": {
        Language.EN: "No free times this day.",
        Language.ES: "No hay horarios libres este día.",
    },
    "times.none_week": {
        Language.EN: "There are no free times in these days.",
        Language.ES: "No hay horarios libres en estos días.",
    },
    "times.none_at_all": {
        Language.EN: "There are no free times left on this link. Please call us at {phone} "
        "or write to {email}, and we will find a time with you.",
        Language.ES: "No quedan horarios libres en este enlace. Llámenos al {phone} o "
        "escríbanos a {email} y buscaremos un horario con usted.",
    },
    "times.lapsed": {
        Language.EN: "We could not keep that time for you any longer. Please choose a time again.",
        Language.ES: "No pudimos guardarle ese horario por más tiempo. Por favor, elija un "
        "horario de nuevo.",
    },
    "times.earlier": {Language.EN: "Earlier days", Language.ES: "Días anteriores"},
    "times.later": {Language.EN: "Later days", Language.ES: "Días siguientes"},
    "times.week_nav": {Language.EN: "Other days", Language.ES: "Otros días"},
    "times.continue": {Language.EN: "Continue", Language.ES: "Continuar"},
    "times.pick_first": {
        Language.EN: "Please choose a time first.",
        Language.ES: "Por favor, elija primero un horario.",
    },
    "taken.title": {
        Language.EN: "That time was just taken",
        Language.ES: "Ese horario acaba de ocuparse",
    },
    "taken.body": {
        Language.EN: "We are sorry: {when} was booked a moment ago, before we could keep it "
        "for you. Here are the nearest free times.",
        Language.ES: "Lo sentimos: {when} se reservó hace un momento, antes de que "
        "pudiéramos guardarlo para usted. Estos son los horarios libres más cercanos.",
    },
    "taken.none": {
        Language.EN: "We are sorry: {when} was booked a moment ago. Please choose another "
        "time below.",
        Language.ES: "Lo sentimos: {when} se reservó hace un momento. Por favor, elija otro "
        "horario más abajo.",
    },
    "taken.legend": {Language.EN: "Nearest free times", Language.ES: "Horarios libres cercanos"},
    "review.title": {
        Language.EN: "Please confirm your meeting",
        Language.ES: "Confirme su cita, por favor",
    },
    "review.move_title": {
        Language.EN: "Please confirm the new time",
        Language.ES: "Confirme el nuevo horario, por favor",
    },
    "review.when": {Language.EN: "When", Language.ES: "Cuándo"},
    "review.held": {
        Language.EN: "We are keeping this time for you for {minutes} minutes.",
        Language.ES: "Le guardamos este horario durante {minutes} minutos.",
    },
    "review.confirm": {Language.EN: "Confirm booking", Language.ES: "Confirmar la cita"},
    "review.confirm_move": {
        Language.EN: "Confirm new time",
        Language.ES: "Confirmar el nuevo horario",
    },
    "review.other": {Language.EN: "Choose another time", Language.ES: "Elegir otro horario"},
    "done.title": {Language.EN: "You are booked", Language.ES: "Su cita está reservada"},
    "done.moved": {
        Language.EN: "Your meeting has a new time",
        Language.ES: "Su cita tiene un nuevo horario",
    },
    "done.mine": {Language.EN: "Your meeting", Language.ES: "Su cita"},
    "done.sent": {
        Language.EN: "An invitation is on its way to your e-mail.",
        Language.ES: "Le enviamos una invitación a su correo electrónico.",
    },
    "done.calendar": {
        Language.EN: "Add to my calendar (.ics)",
        Language.ES: "Añadir a mi calendario (.ics)",
    },
    "done.keep": {
        Language.EN: "Keep this page's address: it lets you change or cancel the meeting.",
        Language.ES: "Guarde la dirección de esta página: con ella puede cambiar o cancelar "
        "la cita.",
    },
    "done.change": {Language.EN: "Change the time", Language.ES: "Cambiar el horario"},
    "done.cancel": {Language.EN: "Cancel the meeting", Language.ES: "Cancelar la cita"},
    "done.past": {
        Language.EN: "This meeting has started or taken place, so it can no longer be changed "
        "here. Please call us at {phone} if you need anything.",
        Language.ES: "Esta cita ya comenzó o tuvo lugar, así que ya no puede cambiarse aquí. "
        "Llámenos al {phone} si necesita algo.",
    },
    "move.title": {Language.EN: "Choose a new time", Language.ES: "Elija un nuevo horario"},
    "move.current": {
        Language.EN: "Your meeting is now on {when}.",
        Language.ES: "Su cita es ahora el {when}.",
    },
    "move.keep": {Language.EN: "Keep the current time", Language.ES: "Mantener el horario actual"},
    "cancel.title": {
        Language.EN: "Cancel your meeting?",
        Language.ES: "¿Cancelar su cita?",
    },
    "cancel.body": {
        Language.EN: "Your meeting on {when} will be cancelled, and everyone invited will be told.",
        Language.ES: "Su cita del {when} se cancelará y se avisará a todos los invitados.",
    },
    "cancel.confirm": {Language.EN: "Yes, cancel the meeting", Language.ES: "Sí, cancelar la cita"},
    "cancel.keep": {Language.EN: "No, keep it", Language.ES: "No, mantenerla"},
    "cancelled.title": {
        Language.EN: "Your meeting is cancelled",
        Language.ES: "Su cita está cancelada",
    },
    "cancelled.body": {
        Language.EN: "The meeting on {when} is cancelled. A cancellation is on its way to your "
        "e-mail.",
        Language.ES: "La cita del {when} está cancelada. Le enviamos la cancelación a su correo "
        "electrónico.",
    },
    "cancelled.again": {Language.EN: "Book a new time", Language.ES: "Reservar otro horario"},
    "closed.title": {Language.EN: "This link has expired", Language.ES: "Este enlace ha vencido"},
    "closed.body": {
        Language.EN: "It no longer takes new bookings. Please call us at {phone} or write to "
        "{email}, and we will find a time with you.",
        Language.ES: "Ya no admite nuevas reservas. Llámenos al {phone} o escríbanos a {email} "
        "y buscaremos un horario con usted.",
    },
    "gone.title": {
        Language.EN: "This link is not valid",
        Language.ES: "Este enlace no es válido",
    },
    "gone.body": {
        Language.EN: "The address may be mistyped, or the link was withdrawn. Please use the "
        "latest link the firm sent you, or contact the firm.",
        Language.ES: "Puede que la dirección esté mal escrita o que el enlace se haya retirado. "
        "Use el enlace más reciente que le envió el despacho o comuníquese con el despacho.",
    },
    "error.title": {
        Language.EN: "Something went wrong",
        Language.ES: "Algo salió mal",
    },
    "error.body": {
        Language.EN: "Nothing was changed. Please try again in a moment.",
        Language.ES: "No se cambió nada. Vuelva a intentarlo en un momento.",
    },
    "error.busy": {
        Language.EN: "We cannot reach our calendar right now. Nothing was changed; please try "
        "again in a moment.",
        Language.ES: "En este momento no podemos acceder a nuestro calendario. No se cambió "
        "nada; vuelva a intentarlo en un momento.",
    },
    "error.input": {
        Language.EN: "We could not use what was sent: {detail}",
        Language.ES: "No pudimos usar lo que se envió: {detail}",
    },
    "error.back": {Language.EN: "Back to the times", Language.ES: "Volver a los horarios"},
    "skip": {Language.EN: "Skip to the main content", Language.ES: "Ir al contenido principal"},
    "footer.privacy": {
        Language.EN: "This page is private to you. It shows only free times, never anyone "
        "else's appointments.",
        Language.ES: "Esta página es solo para usted. Muestra únicamente horarios libres, nunca "
        "las citas de otras personas.",
    },
}


def language_of(value: str | None, default: Language) -> Language:
    """The language asked for (``en`` or ``es``), else ``default``."""
    if value in ("en", "es"):
        return Language(value)
    return default


def text(key: str, language: Language, **values: object) -> str:
    template = TEXT[key][language]
    return template.format(**values) if values else template


def day_name(day: date, language: Language) -> str:
    """ "Tuesday, December 8, 2026" / "martes, 8 de diciembre de 2026"."""
    return format_day(day, language)


def day_heading(day: date, language: Language) -> str:
    """ "Tuesday, December 8" / "martes, 8 de diciembre" (the year goes without saying)."""
    weekday = _DAYS[language][day.weekday()]
    month = _MONTHS[language][day.month - 1]
    if language is Language.ES:
        return f"{weekday}, {day.day} de {month}"
    return f"{weekday}, {month} {day.day}"


def short_day(day: date, language: Language) -> str:
    """ "Tue, Dec 8" / "mar, 8 dic"."""
    weekday = _DAYS_SHORT[language][day.weekday()]
    month = _MONTHS_SHORT[language][day.month - 1]
    if language is Language.ES:
        return f"{weekday}, {day.day} {month}"
    return f"{weekday}, {month} {day.day}"


def clock(moment: datetime, zone: ZoneInfo, language: Language) -> str:
    return format_clock(moment.astimezone(zone), language)


def when(start: datetime, zone: ZoneInfo, language: Language) -> str:
    """ "Tuesday, December 8, 2026, 10:00 AM" in ``zone``."""
    local = start.astimezone(zone)
    return f"{format_day(local.date(), language)}, {format_clock(local, language)}"


def span(start: datetime, end: datetime, zone: ZoneInfo, language: Language) -> str:
    """ "Tuesday, December 8, 2026, 10:00 AM - 11:00 AM (Eastern Time)" in ``zone``."""
    return format_when(start, end, zone.key, language)


def zone_label(zone: ZoneInfo, language: Language, at: datetime) -> str:
    """ "Eastern Time (UTC-05:00)" / "hora del Este (UTC-05:00)"; other zones by city."""
    offset = at.astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    name = zone_name(zone.key, language)
    if name.startswith(("time in ", "hora de ")) and "/" in zone.key:
        city = zone.key.rsplit("/", 1)[-1].replace("_", " ")
        name = city
    return f"{name} (UTC{sign}{hours:02d}:{mins:02d})"
