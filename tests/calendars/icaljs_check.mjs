// Parse calendar files with ical.js (the parser Thunderbird uses) and report what it understood.
//
// Usage: node icaljs_check.mjs MODULE_DIR FILE...   (MODULE_DIR holds node_modules/ical.js)
// Prints one JSON document: [{file, method, name, events: [...], errors: [...]}]. Each event has
// its UID, SEQUENCE, STATUS, SUMMARY, start/end as Unix seconds (or dates for all-day items),
// the zone ical.js resolved for it, and the number of alarms. Errors are what ical.js refused or
// could not resolve: a parse failure, a TZID without a VTIMEZONE, a floating time.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [moduleDir, ...files] = process.argv.slice(2);
const entry = createRequire(path.join(moduleDir, "package.json")).resolve("ical.js");
const ICAL = (await import(pathToFileURL(entry).href)).default;

function when(time) {
  if (time.isDate) {
    return { date: time.toString() };
  }
  return { unix: time.toUnixTime(), zone: time.zone ? time.zone.tzid : null };
}

const report = [];
for (const file of files) {
  const result = { file, method: null, name: null, events: [], errors: [] };
  try {
    const text = readFileSync(file, "utf8");
    const root = new ICAL.Component(ICAL.parse(text));
    if (root.name !== "vcalendar") {
      result.errors.push(`top component is ${root.name}`);
    }
    result.method = root.getFirstPropertyValue("method");
    result.name = root.getFirstPropertyValue("x-wr-calname");
    const zones = new Set();
    for (const vtz of root.getAllSubcomponents("vtimezone")) {
      const tz = new ICAL.Timezone(vtz);
      ICAL.TimezoneService.register(tz, tz.tzid);
      zones.add(tz.tzid);
    }
    for (const vevent of root.getAllSubcomponents("vevent")) {
      const event = new ICAL.Event(vevent);
      for (const prop of ["dtstart", "dtend"]) {
        const p = vevent.getFirstProperty(prop);
        if (!p) {
          result.errors.push(`${event.uid}: no ${prop}`);
          continue;
        }
        const tzid = p.getParameter("tzid");
        if (tzid && !zones.has(tzid)) {
          result.errors.push(`${event.uid}: ${prop} TZID ${tzid} has no VTIMEZONE`);
        }
        const value = p.getFirstValue();
        if (!value.isDate && !tzid && value.zone !== ICAL.Timezone.utcTimezone) {
          result.errors.push(`${event.uid}: ${prop} is floating`);
        }
      }
      const start = event.startDate;
      const end = event.endDate;
      if (start && end && start.compare(end) >= 0) {
        result.errors.push(`${event.uid}: ends before it starts`);
      }
      result.events.push({
        uid: event.uid,
        sequence: event.sequence,
        status: vevent.getFirstPropertyValue("status"),
        summary: event.summary,
        description: event.description,
        location: event.location,
        start: start ? when(start) : null,
        end: end ? when(end) : null,
        attendees: event.attendees.map((a) => ({
          value: a.getFirstValue(),
          cn: a.getParameter("cn") ?? null,
          partstat: a.getParameter("partstat") ?? null,
          rsvp: a.getParameter("rsvp") ?? null,
          role: a.getParameter("role") ?? null,
        })),
        organizer: vevent.getFirstPropertyValue("organizer"),
        alarms: vevent.getAllSubcomponents("valarm").length,
        properties: vevent.getAllProperties().map((p) => p.name),
      });
    }
  } catch (error) {
    result.errors.push(`parse: ${error.message}`);
  }
  report.push(result);
}
process.stdout.write(JSON.stringify(report));
