"""The portal under real uvicorn in its own process (one or several workers), for tests over HTTP.

In-process test clients run one request at a time; races (parallel sign-ins, several workers on one
SQLite file) need real sockets and real processes.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from .conftest import free_port
from .portal_fixtures import PASSWORD


@dataclass(frozen=True)
class LivePortal:
    base: str
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=30)


def form_token(client: httpx.Client, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def post_form(client: httpx.Client, page: str, action: str, data: dict) -> httpx.Response:
    """GET the form page (for its token and cookie), then POST as a browser would."""
    return client.post(action, data={"csrf": form_token(client, page), **data})


def sign_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return post_form(client, "/account/login", "/account/login", {"email": email, "password": password})


@contextlib.contextmanager
def live_portal(env: dict[str, str], workers: int = 1, cwd: Path | None = None) -> Iterator[LivePortal]:
    """`uvicorn --factory portal.app:create_app` with CLUB_* `env`; yields once it answers."""
    port = free_port()
    log = Path(env["CLUB_DATABASE"]).parent / f"uvicorn-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "uvicorn", "--factory", "portal.app:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "info", "--no-access-log",
               "--no-proxy-headers"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1", **env})
    live = LivePortal(f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(process, live, workers)
        yield live
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print("---- uvicorn log ----\n" + log.read_text())  # pytest shows it only when a test failed


def _wait_until_up(process: subprocess.Popen, live: LivePortal, workers: int) -> None:
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=live.base, timeout=5) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError("uvicorn exited:\n" + live.log.read_text())
            started = live.log.read_text().count("Application startup complete")
            with contextlib.suppress(httpx.HTTPError):
                if started >= workers and client.get("/account/login").status_code == 200:
                    return
            time.sleep(0.1)
    raise AssertionError("uvicorn did not answer in 60 s:\n" + live.log.read_text())
