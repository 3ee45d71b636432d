"""Which uvicorn worker process answered a request, without a debug header: the kernel knows.

Each request goes over a new connection that stays open (HTTP/1.1 keep-alive) until the answer
has been read; the server's end of that connection is found in /proc/net/tcp by the two ports,
and the process holding that socket is the worker that accepted it.
"""

from __future__ import annotations

import http.client
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str
    pid: int  # the worker process that answered


def port_of(base: str) -> int:
    port = urlsplit(base).port
    assert port is not None
    return port


def get(base: str, path: str, cookies: dict[str, str] | None = None) -> Answer:
    """GET over a new connection; the answer and the pid of the worker that sent it."""
    port = port_of(base)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        assert connection.sock is not None, "the server closed the connection: no way to tell who answered"
        pid = server_pid(port, connection.sock.getsockname()[1])
        return Answer(response.status, response.headers, text, pid)
    finally:
        connection.close()


def from_every_worker(base: str, path: str, cookies: dict[str, str] | None, workers: int, *, at_least: int = 20,
                      check: Callable[[Answer], None] = lambda answer: None, limit: int = 400) -> list[Answer]:
    """At least `at_least` answers over new connections, and until every worker has answered; `check`
    runs on each as it comes (so the first answer of each worker is checked too)."""
    answers: list[Answer] = []
    while len(answers) < at_least or len({a.pid for a in answers}) < workers:
        assert len(answers) < limit, f"only workers {sorted({a.pid for a in answers})} answered in {limit} requests"
        answers.append(get(base, path, cookies))
        check(answers[-1])
    return answers


def server_pid(server_port: int, client_port: int) -> int:
    inode = _server_socket(server_port, client_port)
    target = f"socket:[{inode}]"
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            descriptors = list((process / "fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                if os.readlink(descriptor) == target:
                    return int(process.name)
            except OSError:
                continue
    raise AssertionError(f"no process holds the server end of 127.0.0.1:{client_port} -> :{server_port}")


def _server_socket(server_port: int, client_port: int) -> str:
    """The inode of the server's end: local port = the server's, remote port = ours (/proc/net/tcp)."""
    for name in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == server_port and int(remote.rsplit(":", 1)[1], 16) == client_port \
                    and inode != "0":
                return inode
    raise AssertionError(f"no connection from :{client_port} to :{server_port} in /proc/net/tcp")
