"""Test servers on 127.0.0.1: a tiny .ics host with ETag support, and Radicale (CalDAV).

Both listen on a free port of the loopback address only, and are stopped by the tests.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class IcsHost:
    """Serves ``body`` at ``path``; answers 304 to a matching If-None-Match; counts requests."""

    path: str
    body: bytes = b""
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@contextmanager
def ics_host(path: str, body: bytes) -> Iterator[IcsHost]:
    host = IcsHost(path, body)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host.requests.append(dict(self.headers.items()))
            if self.path != host.path:
                self.send_response(404)
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == host.etag:
                self.send_response(304)
                self.send_header("ETag", host.etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("ETag", host.etag)
            self.send_header("Content-Length", str(len(host.body)))
            self.end_headers()
            self.wfile.write(host.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Radicale:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def radicale(folder: Path, users: dict[str, str]) -> Iterator[Radicale]:
    """A Radicale CalDAV server with htpasswd (plain) users, in ``folder``, on a free port."""
    storage = folder / "storage"
    storage.mkdir(parents=True)
    htpasswd = folder / "users"
    htpasswd.write_text("".join(f"{user}:{password}\n" for user, password in users.items()))
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(storage),
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(htpasswd),
            "--auth-htpasswd-encryption",
            "plain",
            "--auth-delay",
            "0",
            "--logging-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None:
                    errors = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"Radicale did not start: {errors}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("Radicale did not start within 30 s") from None
                time.sleep(0.1)
        yield Radicale(f"http://127.0.0.1:{port}/", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()
