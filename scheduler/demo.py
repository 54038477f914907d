"""A believable, fictional law firm, generated deterministically from a seed.

The default size is a small firm (12 attorneys in New York, Los Angeles and Chicago; 4 rooms;
40 clients; 60 matters; about 150 appointments over two weeks). Larger sizes serve the benchmarks.
Every name is invented; every e-mail address is under the reserved ``.example`` domain.

Appointments are placed with the engine's own availability check, so the demo calendar obeys
the rules the engine enforces: working hours, busy blocks, buffers, rooms and ethical walls.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.availability import AttorneyCalendar, Commitment, slot_starts, working_windows
from scheduler.domain import (
    AdverseParty,
    Appointment,
    AppointmentStatus,
    Attorney,
    BusyBlock,
    Client,
    ClosedDay,
    Deadline,
    Firm,
    Language,
    Matter,
    Room,
    TriggerEvent,
    WeeklyHours,
)
from scheduler.errors import InvalidInput
from scheduler.intervals import Interval
from scheduler.rules import deadlines_for_trigger

FIRM_DOMAIN = "hargrove-vance.example"
DEMO_SOURCE = "src-demo-calendars"

FIRST_NAMES = (
    "Adaeze",
    "Benjamin",
    "Camila",
    "Dmitri",
    "Eleanor",
    "Farid",
    "Grace",
    "Hiroshi",
    "Isabel",
    "Jonah",
    "Keisha",
    "Lorenzo",
    "Mei",
    "Nathaniel",
    "Olivia",
    "Priya",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tamsin",
    "Ulises",
    "Valentina",
    "Wesley",
    "Ximena",
    "Yusuf",
    "Zora",
    "Alma",
    "Bruno",
    "Celeste",
    "Desmond",
    "Esperanza",
    "Felix",
    "Giulia",
    "Hector",
    "Ingrid",
    "Julian",
    "Kiran",
    "Lucia",
    "Marcus",
    "Nadia",
)
LAST_NAMES = (
    "Okafor",
    "Lindqvist",
    "Marquez",
    "Petrov",
    "Ashworth",
    "Haddad",
    "Whitfield",
    "Tanaka",
    "Delgado",
    "Brennan",
    "Mensah",
    "Ferraro",
    "Zhou",
    "Caldwell",
    "Osei",
    "Raman",
    "Dufresne",
    "Navarro",
    "Holloway",
    "Fairbanks",
    "Ibarra",
    "Castellanos",
    "Thornbury",
    "Villalobos",
    "Adeyemi",
    "Kowalczyk",
    "Sandoval",
    "Achterberg",
    "Quintero",
    "Nakamura",
    "Beaumont",
    "Esposito",
    "Rahimi",
    "Lockhart",
    "Montoya",
    "Sorensen",
    "Valdivia",
    "Whitcombe",
    "Yilmaz",
    "Abernathy",
)
COMPANY_STEMS = (
    "Bluewater",
    "Cinder Ridge",
    "Copperleaf",
    "Driftwood",
    "Evergreen Row",
    "Foxglove",
    "Granite Peak",
    "Harborlight",
    "Ironbark",
    "Juniper Lane",
    "Kestrel",
    "Lanternfish",
    "Maple Hollow",
    "Northwind",
    "Orchard Gate",
    "Pinecrest",
    "Quarry Hill",
    "Redfern",
    "Saltmarsh",
    "Tidewater",
)
COMPANY_KINDS = (
    "Logistics LLC",
    "Bakery Inc.",
    "Holdings LLC",
    "Construction Co.",
    "Software Inc.",
    "Imports LLC",
    "Dental Group",
    "Property Partners",
)

PRACTICE_GROUPS = ("Litigation", "Employment", "Business & Real Estate")

# (jurisdiction, court) per practice group, with rough weights.
COURTS = {
    "Litigation": (
        ("US-FED", "U.S. District Court, Southern District of New York"),
        ("US-NY", "Supreme Court of the State of New York, New York County"),
        ("US-FED", "U.S. District Court, Central District of California"),
    ),
    "Employment": (
        ("US-CA", "Superior Court of California, County of Los Angeles"),
        ("US-FED", "U.S. District Court, Central District of California"),
        ("US-NY", "Supreme Court of the State of New York, Kings County"),
    ),
    "Business & Real Estate": (
        ("US-NY", "Supreme Court of the State of New York, New York County"),
        ("US-CA", "Superior Court of California, County of Los Angeles"),
        ("US-FED", "U.S. District Court, Southern District of New York"),
    ),
}

MATTER_TOPICS = {
    "Litigation": (
        "Breach of supply contract",
        "Trade secret dispute",
        "Partnership dissolution",
        "Insurance coverage dispute",
        "Products liability defense",
    ),
    "Employment": (
        "Wage-and-hour claim",
        "Wrongful termination",
        "Non-compete dispute",
        "Discrimination complaint",
        "Severance negotiation",
    ),
    "Business & Real Estate": (
        "Commercial lease dispute",
        "Construction defect claim",
        "Shareholder agreement",
        "Easement dispute",
        "Landlord-tenant holdover",
    ),
}

MEETING_TITLES = (
    "Case strategy meeting",
    "Document review",
    "Deposition preparation",
    "Settlement discussion",
    "Initial consultation",
    "Discovery planning",
    "Status update",
    "Mediation preparation",
    "Contract review",
    "Witness interview",
)

NY_HOURS = {
    "mon": ["09:00-12:30", "13:30-17:30"],
    "tue": ["09:00-12:30", "13:30-17:30"],
    "wed": ["09:00-12:30", "13:30-17:30"],
    "thu": ["09:00-12:30", "13:30-17:30"],
    "fri": ["09:00-12:30", "13:30-16:00"],
}
LA_HOURS = {
    "mon": ["08:30-12:00", "13:00-17:00"],
    "tue": ["08:30-12:00", "13:00-17:00"],
    "wed": ["08:30-12:00", "13:00-17:00"],
    "thu": ["08:30-12:00", "13:00-17:00"],
    "fri": ["08:30-12:00", "13:00-16:30"],
}
CHI_HOURS = {d: ["08:00-12:00", "12:45-16:45"] for d in ("mon", "tue", "wed", "thu", "fri")}
PART_TIME_HOURS = {
    "mon": ["09:00-13:00"],
    "wed": ["09:00-13:00", "14:00-16:00"],
    "thu": ["09:00-13:00"],
}

OFFICES = {
    "New York": (
        "America/New_York",
        NY_HOURS,
        "41 Larkspur Street, 18th Floor, New York, NY 10013",
    ),
    "Los Angeles": (
        "America/Los_Angeles",
        LA_HOURS,
        "900 Palisade Way, Suite 400, Los Angeles, CA 90017",
    ),
    "Chicago": ("America/Chicago", CHI_HOURS, "Remote (Chicago)"),
}


@dataclass(frozen=True, slots=True)
class DemoSize:
    attorneys: int = 12
    rooms: int = 4
    clients: int = 40
    matters: int = 60
    appointments: int = 150
    workdays: int = 10
    busy_blocks_per_attorney: int = 3
    deadlines: int = 8


SMALL = DemoSize()
LARGE = DemoSize(
    attorneys=60,
    rooms=12,
    clients=400,
    matters=600,
    appointments=2000,
    workdays=20,
    busy_blocks_per_attorney=8,
    deadlines=40,
)


@dataclass(slots=True)
class DemoFirm:
    firm: Firm
    start: date
    attorneys: list[Attorney] = field(default_factory=list)
    rooms: list[Room] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    matters: list[Matter] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    busy: list[BusyBlock] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    triggers: list[TriggerEvent] = field(default_factory=list)
    # The days the firm is closed (the courts' holidays): nothing is booked or moved onto them.
    closed_days: list[ClosedDay] = field(default_factory=list)
    unplaced: int = 0


def next_monday(today: date) -> date:
    """The Monday after ``today`` (a week later if today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def workdays_from(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_demo_firm(
    start: date,
    *,
    seed: int = 7,
    size: DemoSize = SMALL,
    closed_days: frozenset[date] = frozenset(),
) -> DemoFirm:
    """Generate the firm. Same ``start``, ``seed`` and ``size`` give the same firm, id for id."""
    rng = random.Random(seed)
    firm = Firm(
        name="Hargrove & Vance LLP",
        timezone="America/New_York",
        address=OFFICES["New York"][2],
        email=f"scheduling@{FIRM_DOMAIN}",
        phone="+1 212 555 0142",
    )
    demo = DemoFirm(firm=firm, start=start)
    names = _name_pool(rng)
    demo.attorneys = _attorneys(size, names)
    demo.rooms = _rooms(size)
    demo.clients = _clients(rng, size, names)
    demo.matters = _matters(rng, size, demo.attorneys, demo.clients)
    demo.closed_days = [
        ClosedDay(d, "Court holiday: the firm is closed") for d in sorted(closed_days)
    ]
    days = [d for d in workdays_from(start, size.workdays) if d not in closed_days]
    demo.busy = _busy_blocks(rng, size, demo.attorneys, days)
    demo.appointments, demo.unplaced = _appointments(rng, size, demo, days)
    demo.triggers, demo.deadlines = _docket(rng, size, demo.matters, start)
    return demo


def _name_pool(rng: random.Random) -> list[str]:
    pool = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pool)
    return pool


def _slug(name: str) -> str:
    return "".join(ch for ch in name.split()[-1].lower() if ch.isalnum())


def _attorneys(size: DemoSize, names: list[str]) -> list[Attorney]:
    attorneys: list[Attorney] = []
    used: set[str] = set()
    for i in range(size.attorneys):
        # Prefer a surname no colleague has, so ids read "att-okafor".
        name = next((n for n in reversed(names) if f"att-{_slug(n)}" not in used), names[-1])
        names.remove(name)
        slug = _slug(name)
        if f"att-{slug}" in used:
            slug = f"{name.split()[0].lower()}-{slug}"
        used.add(f"att-{slug}")
        office = "New York" if i % 2 == 0 else "Los Angeles"
        if i % 6 == 5:
            office = "Chicago"
        zone, hours, _address = OFFICES[office]
        if i == 3:  # the part-timer
            hours = PART_TIME_HOURS
        group = PRACTICE_GROUPS[i % len(PRACTICE_GROUPS)]
        areas = (group,) if i % 4 else (group, PRACTICE_GROUPS[(i + 1) % len(PRACTICE_GROUPS)])
        attorneys.append(
            Attorney(
                id=f"att-{slug}",
                name=name,
                email=f"{name.split()[0].lower()}.{slug}@{FIRM_DOMAIN}",
                timezone=zone,
                working_hours=WeeklyHours.from_json(hours),
                practice_areas=areas,
                title="Partner"
                if i < size.attorneys // 4
                else ("Of Counsel" if i == 3 else "Associate"),
                office=office,
                max_meetings_per_day=8 if i % 5 == 2 else None,
                buffer_minutes=0,
            )
        )
    return attorneys


def _rooms(size: DemoSize) -> list[Room]:
    ny = ("Hudson", "Liberty", "Bowery", "Battery", "Gramercy", "Tribeca")
    la = ("Pacific", "Sunset", "Mulholland", "Topanga", "Laurel", "Echo Park")
    rooms: list[Room] = []
    for i in range(size.rooms):
        office = "New York" if i % 2 == 0 else "Los Angeles"
        name = (ny if office == "New York" else la)[i // 2 % 6]
        rooms.append(
            Room(
                id=f"room-{name.lower().replace(' ', '-')}",
                name=f"{name} Conference Room",
                capacity=8 if i < 2 else 6,
                location=f"{OFFICES[office][2]} ({office})",
            )
        )
    return rooms


def _clients(rng: random.Random, size: DemoSize, names: list[str]) -> list[Client]:
    clients: list[Client] = []
    zones = (
        "America/New_York",
        "America/New_York",
        "America/Los_Angeles",
        "America/Los_Angeles",
        "America/Chicago",
        "America/Phoenix",
        "America/Denver",
    )
    for i in range(size.clients):
        if i % 4 == 3:
            name = (
                f"{COMPANY_STEMS[i % len(COMPANY_STEMS)]} {COMPANY_KINDS[i % len(COMPANY_KINDS)]}"
            )
            if i >= len(COMPANY_STEMS) * 4:
                name = f"{name} ({i})"
            local = "office"
        else:
            name = names.pop()
            local = name.split()[0].lower()
        spanish = i % 5 == 1
        clients.append(
            Client(
                id=f"cli-{i + 1:03d}",
                name=name,
                email=f"{local}.{i + 1:03d}@clients.example",
                phone=f"+1 555 01{i % 100:02d}",
                timezone=rng.choice(zones) if not spanish else "America/Los_Angeles",
                language=Language.ES if spanish else Language.EN,
            )
        )
    return clients


def _matters(
    rng: random.Random, size: DemoSize, attorneys: list[Attorney], clients: list[Client]
) -> list[Matter]:
    matters: list[Matter] = []
    by_group: dict[str, list[Attorney]] = {g: [] for g in PRACTICE_GROUPS}
    for a in attorneys:
        for area in a.practice_areas:
            by_group[area].append(a)
    walls_left = 2 if size.matters >= 10 else 0
    for i in range(size.matters):
        client = clients[i % len(clients)]
        group = PRACTICE_GROUPS[rng.randrange(len(PRACTICE_GROUPS))]
        jurisdiction, court = rng.choice(COURTS[group])
        team = rng.sample(by_group[group], k=min(len(by_group[group]), 1 + (i % 3 == 0)))
        adverse: list[AdverseParty] = []
        if i % 2 == 0:
            if i % 6 == 0:
                # The opposing party is also a client of record, in an unrelated matter.
                other = clients[(i * 7 + 3) % len(clients)]
                if other.id != client.id:
                    adverse.append(AdverseParty(name=other.name, client_id=other.id))
            if not adverse:
                adverse.append(
                    AdverseParty(
                        name=f"{COMPANY_STEMS[(i * 3) % len(COMPANY_STEMS)]} "
                        f"{COMPANY_KINDS[(i * 5) % len(COMPANY_KINDS)]}"
                    )
                )
        screened: tuple[str, ...] = ()
        if walls_left and adverse and adverse[0].client_id:
            # An ethical wall: a lateral hire who once advised the opposing side.
            candidates = [a for a in by_group[group] if a not in team]
            if candidates:
                screened = (candidates[0].id,)
                walls_left -= 1
        topic = MATTER_TOPICS[group][i % len(MATTER_TOPICS[group])]
        matters.append(
            Matter(
                id=f"mat-{i + 1:03d}",
                client_id=client.id,
                title=f"{client.name}: {topic}",
                jurisdiction=jurisdiction,
                practice_area=group,
                court=court,
                responsible_attorneys=tuple(a.id for a in team),
                adverse_parties=tuple(adverse),
                screened_attorneys=screened,
            )
        )
    return matters


def _local(day: date, hh: int, mm: int, zone: str) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _busy_blocks(
    rng: random.Random, size: DemoSize, attorneys: list[Attorney], days: list[date]
) -> list[BusyBlock]:
    blocks: list[BusyBlock] = []
    for index, a in enumerate(attorneys):
        # The first partner's first day stays clear of outside commitments: it is the packed day.
        open_days = days[1:] if index == 0 else days
        chosen = rng.sample(open_days, k=min(len(open_days), size.busy_blocks_per_attorney))
        for day in sorted(chosen):
            hour = rng.choice((9, 10, 14, 15))
            length = rng.choice((60, 90, 120, 180))
            start = _local(day, hour, 0, a.timezone)
            blocks.append(
                BusyBlock(a.id, start, start + timedelta(minutes=length), f"{DEMO_SOURCE}-{a.id}")
            )
    return blocks


class _Placer:
    """First-fit placement of demo meetings with the engine's availability check."""

    def __init__(self, demo: DemoFirm, days: list[date]) -> None:
        horizon = Interval(
            datetime.combine(days[0] - timedelta(days=1), time(0), tzinfo=UTC),
            datetime.combine(days[-1] + timedelta(days=2), time(0), tzinfo=UTC),
        )
        self.attorneys = {a.id: a for a in demo.attorneys}
        self.calendars = {
            a.id: AttorneyCalendar(
                a.id,
                working_windows(a.working_hours, ZoneInfo(a.timezone), horizon.start, horizon.end),
                [
                    Commitment(Interval(b.starts_at, b.ends_at))
                    for b in demo.busy
                    if b.attorney_id == a.id
                ],
            )
            for a in demo.attorneys
        }
        self.room_busy: dict[str, list[Interval]] = {r.id: [] for r in demo.rooms}
        self.rooms_by_office = {
            office: [r for r in demo.rooms if office in r.location] for office in OFFICES
        }
        self.per_day: dict[tuple[str, date], int] = {}

    def place(
        self, rng: random.Random, team: list[str], day: date, *, earliest_first: bool
    ) -> tuple[Interval, timedelta, str | None] | None:
        """A slot on ``day`` for every attorney of ``team`` (and a room, sometimes), or None."""
        lead = self.attorneys[team[0]]
        # A packed day is made of short meetings (earliest_first); others vary more.
        duration = timedelta(
            minutes=rng.choice((30, 45, 45) if earliest_first else (30, 45, 60, 60, 90))
        )
        buffer = timedelta(minutes=0 if earliest_first else rng.choice((0, 0, 0, 15)))
        office_rooms = self.rooms_by_office.get(lead.office, [])
        needs_room = bool(office_rooms) and rng.random() < 0.5
        for attorney_id in team:
            limit = self.attorneys[attorney_id].max_meetings_per_day
            if limit is not None and self.per_day.get((attorney_id, day), 0) >= limit:
                return None
        day_span = Interval(_local(day, 0, 0, lead.timezone), _local(day, 23, 59, lead.timezone))
        common: set[datetime] | None = None
        for attorney_id in team:
            free = [
                w for w in self.calendars[attorney_id].free_windows(buffer) if w.overlaps(day_span)
            ]
            starts = set(
                slot_starts(free, duration, grid_origin=day_span.start, step=timedelta(minutes=15))
            )
            common = starts if common is None else common & starts
        choices = sorted(common or ())
        if needs_room:
            choices = [
                s for s in choices if self._free_room(office_rooms, Interval(s, s + duration))
            ]
        if not choices:
            return None
        start = choices[0] if earliest_first else rng.choice(choices[: max(1, len(choices) // 2)])
        slot = Interval(start, start + duration)
        room_id = self._free_room(office_rooms, slot) if needs_room else None
        if room_id:
            self.room_busy[room_id].append(slot)
        for attorney_id in team:
            self.calendars[attorney_id].commitments.append(Commitment(slot, buffer, "appointment"))
            self.per_day[(attorney_id, day)] = self.per_day.get((attorney_id, day), 0) + 1
        return slot, buffer, room_id

    def _free_room(self, rooms: list[Room], slot: Interval) -> str | None:
        for room in rooms:
            if not any(b.overlaps(slot) for b in self.room_busy[room.id]):
                return room.id
        return None


def _appointments(
    rng: random.Random, size: DemoSize, demo: DemoFirm, days: list[date]
) -> tuple[list[Appointment], int]:
    if not days:
        return [], 0
    placer = _Placer(demo, days)
    matters = [m for m in demo.matters if m.responsible_attorneys]
    weights = [3.0 if i % 7 == 0 else 1.0 for i in range(len(matters))]
    created_at = _local(demo.start, 8, 0, "America/New_York") - timedelta(days=3)
    appointments: list[Appointment] = []
    unplaced = 0

    def book(matter: Matter, team: list[str], day: date, *, earliest_first: bool) -> None:
        nonlocal unplaced
        placed = placer.place(rng, team, day, earliest_first=earliest_first)
        if placed is None:
            unplaced += 1
            return
        slot, buffer, room_id = placed
        appointments.append(
            Appointment(
                id=f"apt-{len(appointments) + 1:04d}",
                uid=f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@{FIRM_DOMAIN}",
                client_id=matter.client_id,
                matter_id=matter.id,
                attorney_ids=tuple(team),
                starts_at=slot.start,
                ends_at=slot.end,
                title=rng.choice(MEETING_TITLES),
                status=AppointmentStatus.TENTATIVE
                if rng.random() < 0.08
                else AppointmentStatus.CONFIRMED,
                room_id=room_id,
                buffer_minutes=int(buffer.total_seconds() // 60),
                priority=rng.choice((2, 3, 3, 3, 4, 5)),
                video_url=""
                if room_id
                else f"https://meet.{FIRM_DOMAIN}/r/{rng.getrandbits(48):012x}",
                created_at=created_at,
                updated_at=created_at,
            )
        )

    # One partner carries a packed first day: the day a secretary would have to re-plan.
    focus = demo.attorneys[0].id
    focus_matters = [m for m in matters if focus in m.responsible_attorneys]
    for _ in range(10 if focus_matters else 0):
        book(rng.choice(focus_matters), [focus], days[0], earliest_first=True)
    attempts = 0
    while len(appointments) < size.appointments and attempts < size.appointments * 4:
        attempts += 1
        matter = rng.choices(matters, weights)[0]
        team = list(matter.responsible_attorneys)
        if len(team) > 1 and rng.random() < 0.6:
            team = team[:1]
        book(matter, team, rng.choice(days), earliest_first=False)
    appointments.sort(key=lambda ap: (ap.starts_at, ap.id))
    return appointments, unplaced


# Trigger events the demo records, per jurisdiction: (event, days from the start, service).
# Their deadlines come from the court rules (scheduler.rules), so they fall where the rules say.
DEMO_EVENTS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "US-FED": (
        ("complaint-served", -10, "personal"),
        ("hearing-set", 23, "electronic"),
        ("judgment-entered", -12, "electronic"),
        ("interrogatories-served", -20, "mail"),
    ),
    "US-CA": (
        ("hearing-set", 25, "electronic"),
        ("complaint-served", -16, "personal"),
        ("judgment-notice-served", -40, "mail"),
        ("admission-requests-served", -18, "electronic"),
    ),
    "US-NY": (
        ("summons-delivered", -6, "personal"),
        ("motion-return-date", 11, "personal"),
        ("pleading-served", -14, "mail"),
        ("notice-to-admit-served", -9, "overnight"),
    ),
}


def _docket(
    rng: random.Random, size: DemoSize, matters: list[Matter], start: date
) -> tuple[list[TriggerEvent], list[Deadline]]:
    """Trigger events recorded on some matters, and the deadlines the court rules give them."""
    triggers: list[TriggerEvent] = []
    deadlines: list[Deadline] = []
    chosen = rng.sample(matters, k=min(len(matters), size.deadlines))
    for i, matter in enumerate(chosen):
        options = DEMO_EVENTS.get(matter.jurisdiction)
        if not options:
            continue
        event, offset, service = options[i % len(options)]
        trigger = TriggerEvent(
            id=f"trg-demo-{i + 1:03d}",
            matter_id=matter.id,
            event=event,
            occurred_on=start + timedelta(days=offset),
            jurisdiction=matter.jurisdiction,
            service=service,
            note="Recorded by the docketing clerk.",
        )
        try:
            computed = deadlines_for_trigger(trigger, matter)
        except InvalidInput:  # a start date at the edge of the court calendars' years
            continue
        triggers.append(trigger)
        deadlines.extend(computed)
    return triggers, deadlines
