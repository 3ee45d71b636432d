"""How the newsletter worker hands messages over: persistent SMTP connections, the outbox, a rate limit.

Each of the worker's CLUB_NEWSLETTER_CONCURRENCY senders owns one `SMTPConnection` and sends many
messages over it (a new TCP + TLS + EHLO + AUTH per message would cost more than the message), and
reconnects after any failure. A failure is classified once, here, into what the worker does with
the recipient (`Delivery`): RFC 5321 4.2.1 — 5yz is permanent (the address bounces), 4yz and a
broken connection are transient (try again later). Without CLUB_SMTP_URL messages go to the outbox
as .eml files, like the rest of club mail (portal.mail), so `make run` needs no mail server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

import aiosmtplib

from portal.core.mail import SMTPTarget

log = logging.getLogger("portal.newsletters.queue")
_SAFE_ADDRESS = re.compile(r"[!#-;=?-~]{1,254}@[A-Za-z0-9.\-\[\]:]{1,253}")  # printable ASCII, no <>" or spaces
RECONNECT_PAUSES = (0.0, 1.0, 5.0, 15.0, 30.0)  # after 0, 1, 2... failed connects in a row

Outcome = Literal["sent", "bounced", "retry", "failed"]


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome  # sent | bounced (5xx for this address) | retry (4xx, connection) | failed (never deliverable)
    error: str | None = None


class Transport(Protocol):
    async def send(self, sender: str, recipient: str, message: bytes) -> Delivery: ...
    async def close(self) -> None: ...


class SMTPConnection:
    """One SMTP session reused for many messages; (re)connects lazily, pausing after failed connects."""

    def __init__(self, target: SMTPTarget, tls_context: ssl.SSLContext | None, local_hostname: str) -> None:
        self.target = target
        # Only built when needed: loading the system's CA store costs ~30 ms per connection.
        self.tls_context = tls_context or (ssl.create_default_context() if target.mode != "plain" else None)
        self.local_hostname = local_hostname  # given: aiosmtplib would otherwise ask DNS for our FQDN
        self.client: aiosmtplib.SMTP | None = None
        self.failed_connects = 0
        self.messages = 0  # sent over this object's connections (tests check reuse)
        self.connects = 0

    async def send(self, sender: str, recipient: str, message: bytes) -> Delivery:
        if not (_SAFE_ADDRESS.fullmatch(sender) and _SAFE_ADDRESS.fullmatch(recipient)):
            return Delivery("failed", f"address not sendable over SMTP: {recipient!r}"[:300])
        try:
            client = await self._client()
            delivery = await self._transaction(client, sender.encode(), recipient.encode(), message)
        except aiosmtplib.SMTPResponseException as exc:  # AUTH or EHLO refused while connecting
            await self._drop()
            return Delivery("retry", f"{exc.code} {exc.message}"[:300])
        except (aiosmtplib.SMTPException, OSError) as exc:  # disconnects, timeouts, refused sockets, TLS
            await self._drop()
            return Delivery("retry", f"{type(exc).__name__}: {str(exc).strip()}"[:300])
        if delivery.outcome == "sent":
            self.messages += 1
        return delivery

    async def _transaction(self, client: aiosmtplib.SMTP, sender: bytes, recipient: bytes,
                           message: bytes) -> Delivery:
        """MAIL, RCPT, DATA through aiosmtplib's command API (RFC 5321 3.3).

        Not SMTP.sendmail: it parses both addresses with the email package and runs three regular-
        expression passes over every message (line ends twice, dot-stuffing) — half the worker's CPU
        at 20 KB a message. Our messages already have CRLF line ends (newsletter_message), so only
        dot-stuffing is left, and a base64 message has no line starting with "." to stuff.
        """
        size = [b"SIZE=%d" % len(message)] if client.supports_extension("size") else []  # RFC 1870
        reply = await client.execute_command(b"MAIL", b"FROM:<" + sender + b">", *size)
        if reply.code != 250:  # our sender refused: never the recipient's fault, so never a bounce
            return await self._refused(client, "MAIL FROM", reply, bounce=False)
        reply = await client.execute_command(b"RCPT", b"TO:<" + recipient + b">")
        if reply.code not in (250, 251):
            return await self._refused(client, "RCPT", reply)
        reply = await client.execute_command(b"DATA")
        if reply.code != 354:
            return await self._refused(client, "DATA", reply)
        if message.startswith(b".") or b"\n." in message:
            message = (b"." if message.startswith(b".") else b"") + message.replace(b"\n.", b"\n..")  # RFC 5321 4.5.2
        if client.protocol is None:
            raise aiosmtplib.SMTPServerDisconnected("Connection lost")
        client.protocol.write(message + (b"" if message.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        reply = await client.protocol.read_response(timeout=self.target.timeout)
        if reply.code != 250:
            return self._verdict("DATA", reply)  # the transaction is over either way: no RSET needed
        return Delivery("sent")

    async def _refused(self, client: aiosmtplib.SMTP, stage: str, reply, bounce: bool = True) -> Delivery:
        if reply.code == 421:  # the server is closing the session
            await self._drop()
        else:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.rset()  # a clean envelope for the next message on this connection
        return self._verdict(stage, reply) if bounce else Delivery("retry", f"{stage} {reply.code} {reply.message}")

    @staticmethod
    def _verdict(stage: str, reply) -> Delivery:
        # RFC 5321 4.2.1: 5yz is permanent (the address bounces), 4yz transient (try again later).
        return Delivery("bounced" if reply.code >= 500 else "retry", f"{stage} {reply.code} {reply.message}"[:300])

    async def _client(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            return self.client
        await self._drop()
        await asyncio.sleep(RECONNECT_PAUSES[min(self.failed_connects, len(RECONNECT_PAUSES) - 1)])
        target = self.target
        # start_tls=False, not None, for smtp://: no opportunistic upgrade that fails on a local relay.
        client = aiosmtplib.SMTP(hostname=target.host, port=target.port, use_tls=target.mode == "tls",
                                 start_tls=target.mode == "starttls", tls_context=self.tls_context,
                                 timeout=target.timeout, local_hostname=self.local_hostname)
        self.client = client
        self.failed_connects += 1
        await client.connect()
        if target.username is not None:
            await client.login(target.username, target.password or "")
        if client.is_ehlo_or_helo_needed:
            await client.ehlo()
        self.failed_connects = 0
        self.connects += 1
        return client

    async def _drop(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        transport = client.transport
        client.close()
        if transport is not None:
            transport.abort()  # see portal.mail: the session is over, a pending TLS close must not linger

    async def close(self) -> None:
        if self.client is not None and self.client.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await self.client.quit()
        await self._drop()


class Outbox:
    """No SMTP server configured: each message becomes an .eml file (written atomically)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.messages = 0

    async def send(self, sender: str, recipient: str, message: bytes) -> Delivery:
        try:
            write_eml(self.folder, message)
        except OSError as exc:
            return Delivery("retry", f"outbox {self.folder}: {exc}")
        self.messages += 1
        return Delivery("sent")

    async def close(self) -> None:
        return None


def write_eml(folder: Path, message: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}.eml"
    temp = folder / f".{name}.tmp"  # a dot-file: ignored by anything globbing *.eml
    try:
        temp.write_bytes(message)
        os.replace(temp, folder / name)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return folder / name


class TokenBucket:
    """At most `rate` messages a second over all connections (0 = no limit), no bursts above one.

    Each take() reserves the next slot, so N senders waiting together are spaced 1/rate apart.
    `clock` and `sleep` are injectable: the tests check the spacing on a virtual clock.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.rate = rate
        self.clock = clock
        self.sleep = sleep
        self.tokens = 1.0
        self.last = clock()

    async def take(self) -> None:
        if self.rate <= 0:
            return
        now = self.clock()
        self.tokens = min(1.0, self.tokens + (now - self.last) * self.rate) - 1
        self.last = now
        if self.tokens < 0:
            await self.sleep(-self.tokens / self.rate)
