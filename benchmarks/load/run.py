"""Many workers, one truth: the booking API under load and faults on PostgreSQL, then checked.

    python -m benchmarks.load.run [--workers 4] [--clients 200] [--storm 40] [--seconds 60]
        [--seed 7] [--no-faults]

1. A fresh PostgreSQL database with a seeded firm (40 attorneys with imported busy blocks, one
   client and matter per simulated client, a client API key each; the storm's clients use staff
   keys).
2. ``secretary serve --workers N`` on 127.0.0.1 over that database.
3. The load from a separate process (``benchmarks.load.driver``, httpx async): ``--clients``
   clients looking at free times, booking, moving and cancelling, and ``--storm`` clients racing
   for the same three slots, for ``--seconds``; bounded and self-stopping.
4. Faults while it runs (unless ``--no-faults``): at 30 % of the run one worker process is
   killed with SIGKILL (its supervisor starts another); at 55 % the database is cut off for
   4 seconds (every connection to it ended, new ones refused: ``ALLOW_CONNECTIONS false`` and
   ``pg_terminate_backend``, so the server other engineers share is not restarted), then let in
   again.
5. Then the database itself is checked: no overlapping active bookings, every booking a client
   was told about is there in the state it was told, no booking nobody was told about, and for
   every change the messages it owes are in the outbox exactly once.

Prints one JSON document: throughput and latency percentiles per route, status counts, 5xx
answers inside and outside the fault windows, and the checks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.booking.common import WINDOW_START, database, percentile, seed_firm
from scheduler.domain import Role
from scheduler.services import booking
from scheduler.services.access import operator
from scheduler.services.keys import create_api_key
from scheduler.store import open_store

ATTORNEYS = 40
STORM_SLOTS = 3
KILL_AT, CUT_AT, CUT_SECONDS = 0.30, 0.55, 4.0
GRACE_SECONDS = 3.0  # after the database is back, requests already under way may still fail


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _secretary() -> list[str]:
    script = Path(sys.executable).parent / "secretary"
    return [str(script)] if script.exists() else [sys.executable, "-m", "scheduler.cli"]


def seed(url: str, clients: int, storm: int) -> dict[str, Any]:
    store = open_store(url)
    ids = seed_firm(
        store,
        attorneys=ATTORNEYS,
        appointments_each=0,
        busy_each=40,
        spread_days=35,
        before_days=0,
        clients=clients,
    )
    now = datetime.now(UTC)
    people = []
    with store.unit_of_work() as uow:
        for c in range(clients):
            issued = create_api_key(
                uow, operator(), now, role=Role.CLIENT, client_id=f"cli-{c:03d}", label="load"
            )
            people.append(
                {
                    "id": f"cli-{c:03d}",
                    "matter": f"mat-{c:03d}",
                    "attorney": ids[c % len(ids)],
                    "headers": {"Authorization": f"Bearer {issued.key}"},
                    "window_start": WINDOW_START.isoformat(),
                }
            )
    # The storm: staff keys (an intake desk's tools) booking the same three hours of one
    # attorney for different clients.
    storm_attorney = ids[-1]
    with store.unit_of_work(readonly=True) as uow:
        free = booking.availability(
            uow,
            operator(),
            now,
            booking.Meeting(attorneys=(storm_attorney,), duration_minutes=60),
            WINDOW_START + timedelta(days=7),
            WINDOW_START + timedelta(days=9),
            limit=2000,
        ).slots
    starts: list[str] = []
    for slot in free:  # three free hours, apart from one another
        if all(abs(slot.start - datetime.fromisoformat(s)) >= timedelta(hours=2) for s in starts):
            starts.append(slot.start.isoformat())
        if len(starts) == STORM_SLOTS:
            break
    stormers = []
    with store.unit_of_work() as uow:
        for s in range(storm):
            issued = create_api_key(uow, operator(), now, role=Role.SECRETARY, label="storm")
            c = s % clients
            stormers.append(
                {
                    "id": f"cli-{c:03d}",
                    "matter": f"mat-{c:03d}",
                    "headers": {"Authorization": f"Bearer {issued.key}"},
                }
            )
    store.dispose()
    return {
        "clients": people,
        "storm": {"attorney": storm_attorney, "starts": starts, "clients": stormers},
    }


def cut_off(url: str, cut: bool) -> None:
    """Cut this benchmark's database off (every connection to it ended, new ones refused, as
    in a restart), or let connections in again. Other databases on the server are untouched."""
    target = make_url(url)
    name = target.database
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    allow = "false" if cut else "true"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {allow}'))
            if cut:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
    finally:
        admin.dispose()


def serve(url: str, workers: int, threads: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECRETARY_")}
    env["SECRETARY_WORKER_THREADS"] = str(threads)
    process = subprocess.Popen(
        [
            *_secretary(),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--db",
            url,
            "--background-interval",
            "0",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.3)
    return process, base


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def summarize(records: list[list[Any]], seconds: float) -> dict[str, Any]:
    by_route: dict[str, list[list[Any]]] = defaultdict(list)
    for record in records:
        by_route[record[0]].append(record)
    routes = {}
    for route, items in sorted(by_route.items()):
        answered = [r for r in items if r[1]]
        ms = [r[3] * 1000 for r in answered] or [0.0]
        routes[route] = {
            "requests": len(items),
            "per_second": round(len(items) / seconds, 1),
            "statuses": dict(sorted(Counter(str(r[1]) for r in items).items())),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
        }
    return routes


def check(url: str, result: dict[str, Any], began: datetime) -> dict[str, Any]:
    """What the database holds, against what the clients were told."""
    store = open_store(url)
    told = result["bookings"]
    with store.engine.connect() as conn:
        overlaps = conn.execute(
            text(
                "SELECT count(*) FROM appointment_attorneys a JOIN appointment_attorneys b "
                "ON a.attorney_id = b.attorney_id AND a.appointment_id < b.appointment_id "
                "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at "
                "WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'"
            )
        ).scalar_one()
        rows = conn.execute(
            text(
                "SELECT id, starts_at, status, sequence, client_id FROM appointments "
                "WHERE created_at >= :t"
            ),
            {"t": began},
        ).all()
        outbox = conn.execute(
            text(
                "SELECT subject_id, dedupe_key, kind FROM outbox WHERE kind <> 'reminder' "
                "AND created_at >= :t"
            ),
            {"t": began},
        ).all()
        attendees = defaultdict(list)
        for appointment_id, attorney_id in conn.execute(
            text("SELECT appointment_id, attorney_id FROM appointment_attorneys")
        ):
            attendees[appointment_id].append(attorney_id)
    store.dispose()
    written = {r.id: r for r in rows}
    lost = sorted(set(told) - set(written))
    unknown = sorted(set(written) - set(told))
    mismatched = []
    for booking_id, state in told.items():
        row = written.get(booking_id)
        if row is None:
            continue
        start = row.starts_at.astimezone(UTC)
        if (
            row.status != state["status"]
            or row.sequence != state["sequence"]
            or start != datetime.fromisoformat(state["start"]).astimezone(UTC)
        ):
            mismatched.append(booking_id)
    # Messages: for each appointment and each SEQUENCE it went through, one message per
    # attendee (invitation at 0, an update for each move, a cancellation when cancelled).
    seen: Counter[tuple[str, str, str]] = Counter()
    for subject_id, dedupe_key, kind in outbox:
        _, _, version, recipient = dedupe_key.split(":", 3)
        seen[(subject_id, version, recipient)] += 1
        del kind
    missing_messages = 0
    duplicate_messages = sum(n - 1 for n in seen.values() if n > 1)
    expected_keys = set()
    for row in rows:
        recipients = [f"client:{row.client_id}"] + [f"attorney:{a}" for a in attendees[row.id]]
        for version in range(row.sequence + 1):
            for recipient in recipients:
                expected_keys.add((row.id, str(version), recipient))
                if seen[(row.id, str(version), recipient)] != 1:
                    missing_messages += 1
    extra_messages = sum(1 for k in seen if k not in expected_keys)
    storm = [b for b in told.values() if b["storm"]]
    return {
        "appointments_written": len(rows),
        "bookings_clients_know": len(told),
        "overlapping_active_pairs": int(overlaps),
        "lost_bookings": len(lost),
        "bookings_nobody_was_told_of": len(unknown),
        "state_differs_from_last_answer": len(mismatched),
        "messages_checked": len(expected_keys),
        "messages_missing": missing_messages,
        "messages_duplicated": duplicate_messages,
        "messages_unexpected": extra_messages,
        "storm_bookings_won": len(storm),
        "requests_given_up": len(result["gave_up"]),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    with database("postgres") as url, tempfile.TemporaryDirectory() as folder:
        plan = seed(url, args.clients, args.storm)
        process, base = serve(url, args.workers, args.threads)
        faults: list[dict[str, Any]] = []
        try:
            plan.update({"base": base, "seconds": args.seconds, "seed": args.seed})
            plan_path, out_path = Path(folder) / "plan.json", Path(folder) / "result.json"
            plan_path.write_text(json.dumps(plan), encoding="utf-8")
            began = datetime.now(UTC) - timedelta(seconds=1)
            load_avg_before = os.getloadavg()
            driver = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.load.driver",
                    "--plan",
                    str(plan_path),
                    "--out",
                    str(out_path),
                ],
                cwd=Path(__file__).resolve().parents[2],
            )
            started = time.time()
            if not args.no_faults:
                time.sleep(max(0.0, started + KILL_AT * args.seconds - time.time()))
                workers = _children(process.pid)
                victim = random.Random(args.seed).choice(workers)
                os.kill(victim, signal.SIGKILL)
                faults.append({"fault": "worker killed (SIGKILL)", "at": time.time()})
                time.sleep(max(0.0, started + CUT_AT * args.seconds - time.time()))
                cut_at = time.time()
                cut_off(url, True)
                time.sleep(CUT_SECONDS)
                cut_off(url, False)
                faults.append({"fault": "database cut off", "at": cut_at, "until": time.time()})
            driver.wait(timeout=args.seconds + 300)
            load_avg_after = os.getloadavg()
            result = json.loads(out_path.read_text(encoding="utf-8"))
        finally:
            cut_off(url, False)
            stop(process)
        seconds = result["ended"] - result["began"]
        records = result["records"]
        windows = [(f["at"], f["until"] + GRACE_SECONDS) for f in faults if "until" in f]
        # A request was exposed to the fault if it was under way at any time during it.
        during = [any(r[2] <= hi and r[2] + r[3] >= lo for lo, hi in windows) for r in records]
        in_fault = [r for r, inside in zip(records, during, strict=True) if inside]
        outside = [r for r, inside in zip(records, during, strict=True) if not inside]
        checks = check(url, result, began)
        return {
            "workers": args.workers,
            "threads_per_worker": args.threads,
            "clients": result["clients"],
            "storm_clients": result["storm_clients"],
            "concurrent_clients": result["clients"] + result["storm_clients"],
            "seconds": round(seconds, 1),
            "requests": len(records),
            "requests_per_second": round(len(records) / seconds, 1),
            "routes": summarize(records, seconds),
            "faults": [
                {
                    k: (round(v - result["began"], 1) if k in ("at", "until") else v)
                    for k, v in f.items()
                }
                for f in faults
            ],
            "answers_5xx_outside_faults": dict(
                Counter(f"{r[1]} {r[4]}" for r in outside if r[1] >= 500)
            ),
            "answers_5xx_during_database_cut": dict(
                Counter(f"{r[1]} {r[4]}" for r in in_fault if r[1] >= 500)
            ),
            "no_answer_connection_failed": sum(1 for r in records if r[1] == 0),
            "checks": checks,
            "load_average_before": [round(x, 2) for x in load_avg_before],
            "load_average_after": [round(x, 2) for x in load_avg_after],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--storm", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--threads", type=int, default=8, help="SECRETARY_WORKER_THREADS for each worker"
    )
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()
    outcome = run(args)
    print(
        json.dumps(
            {
                "benchmark": "load.run",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
                "command": "python -m benchmarks.load.run " + " ".join(sys.argv[1:]),
                **outcome,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
