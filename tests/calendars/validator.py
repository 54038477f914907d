"""An independent validator for the calendar files the engine writes.

It does not use the engine's own writer or parser. Each file is checked

- byte by byte: CRLF line ends only (after the last line too), physical lines of at most 75
  octets, every physical line valid UTF-8 on its own (no character split by a fold);
- structurally (after unfolding): one VCALENDAR, balanced BEGIN/END, VERSION and PRODID; for an
  iTIP message METHOD before any component, exactly once; for a feed no METHOD other than
  PUBLISH; a VTIMEZONE for every TZID used; in each VEVENT exactly one UID, DTSTAMP (UTC),
  DTSTART, at most one SEQUENCE, and nothing after the first VALARM but other VALARMs;
- by two other parsers: ``icalendar`` (no component errors) and ``vobject``;
- and, in batch, by ical.js, the parser Thunderbird uses (see ``icaljs_check.mjs``).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import icalendar
import vobject

ICALJS_VERSION = "2.2.1"
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_check.mjs")
_TZID = re.compile(r";TZID=(\"[^\"]*\"|[^;:]*)")


def unfold(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def byte_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    if re.search(rb"(?<!\r)\n", data):
        problems.append("a line ends with a bare LF")
    if re.search(rb"\r(?!\n)", data):
        problems.append("a bare CR")
    for number, line in enumerate(data.split(b"\r\n")[:-1], 1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets long")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} splits a UTF-8 character")
    return problems


def structure_problems(data: bytes, *, itip: bool) -> list[str]:
    problems: list[str] = []
    try:
        lines = unfold(data)
    except UnicodeDecodeError:
        return ["not UTF-8"]
    if not lines or lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR":
        problems.append("not one VCALENDAR")
    stack: list[str] = []
    methods: list[int] = []
    first_component: int | None = None
    tzids_used: set[str] = set()
    tzids_defined: set[str] = set()
    event: dict[str, int] = {}
    in_alarm_seen = False
    for index, line in enumerate(lines):
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        value = line.split(":", 1)[1] if ":" in line else ""
        if name == "BEGIN":
            if stack and stack[-1] == "VCALENDAR" and first_component is None:
                first_component = index
            stack.append(value.upper())
            if value.upper() == "VEVENT":
                event = {}
                in_alarm_seen = False
            if value.upper() == "VALARM":
                in_alarm_seen = True
            continue
        if name == "END":
            if not stack or stack[-1] != value.upper():
                problems.append(f"END:{value} does not close {stack[-1] if stack else 'nothing'}")
            else:
                stack.pop()
            if value.upper() == "VEVENT":
                for prop in ("UID", "DTSTAMP", "DTSTART"):
                    if event.get(prop, 0) != 1:
                        problems.append(f"a VEVENT has {event.get(prop, 0)} {prop}")
                if event.get("SEQUENCE", 0) > 1:
                    problems.append("a VEVENT has more than one SEQUENCE")
            continue
        current = stack[-1] if stack else ""
        if current == "VCALENDAR" and name == "METHOD":
            methods.append(index)
        if current == "VTIMEZONE" and name == "TZID":
            tzids_defined.add(value)
        for match in _TZID.finditer(line.split(":", 1)[0] + ":"):
            tzids_used.add(match.group(1).strip('"'))
        if current == "VEVENT":
            if in_alarm_seen:
                problems.append(f"{name} comes after a VALARM")
            event[name] = event.get(name, 0) + 1
            if name == "DTSTAMP" and not value.endswith("Z"):
                problems.append("DTSTAMP is not UTC")
    if stack:
        problems.append(f"unclosed components: {stack}")
    head = set()
    for line in lines[: first_component or len(lines)]:
        head.add(re.split(r"[;:]", line, maxsplit=1)[0].upper())
    for required in ("VERSION", "PRODID"):
        if required not in head:
            problems.append(f"no {required} before the components")
    if itip:
        if len(methods) != 1:
            problems.append(f"{len(methods)} METHOD lines")
        elif first_component is not None and methods[0] > first_component:
            problems.append("METHOD comes after a component")
    else:
        for index in methods:
            if lines[index].upper() != "METHOD:PUBLISH":
                problems.append(f"a feed says {lines[index]}")
    for tzid in sorted(tzids_used - tzids_defined):
        problems.append(f"TZID {tzid} has no VTIMEZONE")
    return problems


def parser_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    try:
        calendar = icalendar.Calendar.from_ical(data)
        for component in calendar.walk():
            for name, message in getattr(component, "errors", []):
                problems.append(f"icalendar: {component.name} {name}: {message}")
    except Exception as error:
        problems.append(f"icalendar refuses it: {error}")
    try:
        parsed = list(vobject.readComponents(io.StringIO(data.decode("utf-8"))))
        if len(parsed) != 1:
            problems.append(f"vobject reads {len(parsed)} calendars")
        else:
            for vevent in getattr(parsed[0], "vevent_list", []):
                vevent.dtstart.value  # noqa: B018  (vobject parses values lazily)
                if hasattr(vevent, "dtend"):
                    vevent.dtend.value  # noqa: B018
    except Exception as error:
        problems.append(f"vobject refuses it: {type(error).__name__}: {error}")
    return problems


def problems(data: bytes, *, itip: bool) -> list[str]:
    """Everything wrong with one file, per the checks above (ical.js aside)."""
    return byte_problems(data) + structure_problems(data, itip=itip) + parser_problems(data)


class IcalJs:
    """Runs ical.js (installed with npm into ``home``) over files, in one Node process."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.node = shutil.which("node") or "node"

    @classmethod
    def install(cls, home: Path) -> IcalJs:
        npm = shutil.which("npm")
        if shutil.which("node") is None or npm is None:
            raise RuntimeError("Node.js and npm are required to validate with ical.js")
        marker = home / "node_modules" / "ical.js" / "package.json"
        if not marker.is_file() or json.loads(marker.read_text())["version"] != ICALJS_VERSION:
            home.mkdir(parents=True, exist_ok=True)
            (home / "package.json").write_text('{"private": true}\n')
            subprocess.run(
                [
                    npm,
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    "--prefer-offline",
                    f"ical.js@{ICALJS_VERSION}",
                ],
                cwd=home,
                check=True,
                timeout=600,
                capture_output=True,
            )
        return cls(home)

    def check(self, files: Sequence[Path]) -> list[dict[str, Any]]:
        done = subprocess.run(
            [self.node, str(ICALJS_SCRIPT), str(self.home), *map(str, files)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        report: list[dict[str, Any]] = json.loads(done.stdout)
        return report
