"""A real SMTP server on loopback (aiosmtpd in its own thread) for the mail tests.

Plain, STARTTLS or implicit TLS, optionally with AUTH; every accepted message is parsed with
`email.policy.default` and kept with its envelope, and `url` gives the matching CLUB_SMTP_URL.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    message: EmailMessage
    sender: str
    recipients: list[str]
    login: str | None  # the AUTH user name, None when the client did not authenticate


class _Collector:
    """aiosmtpd handler: keep every message and wake up whoever waits for it."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=default_policy)
        # auth_data is what our authenticator returned (session.login_data is deprecated and logs a warning).
        login = session.auth_data.login.decode() if session.authenticated else None
        with self.changed:
            self.received.append(Received(message, envelope.mail_from, list(envelope.rcpt_tos), login))
            self.changed.notify_all()
        return "250 OK"


class _Controller(Controller):
    # aiosmtpd pokes the server right after binding, using self.port; with port 0 that would be
    # port 0, so read the port the OS actually gave us first (no free-port race).
    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPServer:
    """aiosmtpd on 127.0.0.1 and a free port; mode "plain", "starttls" or "tls" (implicit TLS)."""

    def __init__(self, mode: Literal["plain", "starttls", "tls"] = "plain", tls_context: ssl.SSLContext | None = None,
                 username: str | None = None, password: str | None = None) -> None:
        if mode != "plain" and tls_context is None:
            raise ValueError(f"mode {mode!r} needs a server tls_context")
        self.mode = mode
        self.username = username
        self.password = password
        self.collector = _Collector()
        self.controller = _Controller(self.collector, hostname=HOST, port=0, **self._smtp_options(tls_context))

    def _smtp_options(self, tls_context: ssl.SSLContext | None) -> dict:
        # server_hostname: otherwise aiosmtpd calls socket.getfqdn(), which can wait on DNS.
        options: dict = {"server_hostname": "localhost", "ready_timeout": 5.0}
        if self.username is not None:
            options["authenticator"] = self._authenticate
        if self.mode == "starttls":
            options.update(tls_context=tls_context, require_starttls=True, auth_required=self.username is not None)
        elif self.mode == "tls":
            # aiosmtpd only counts STARTTLS as "TLS": on an implicit-TLS socket it would refuse AUTH
            # (auth_require_tls), and auth_required without auth_require_tls emits a UserWarning, which
            # this suite turns into an error. So: AUTH offered and checked, just not enforced; the tests
            # check Received.login instead.
            options.update(ssl_context=tls_context, auth_require_tls=False)
        return options

    def _authenticate(self, server, session, envelope, mechanism: str, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.username
              and auth_data.password.decode() == self.password)
        # handled=False: aiosmtpd's default (True) means "the handler already replied", so a failed
        # login would get no answer at all and the client would sit in its read timeout.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def url(self) -> str:
        scheme = {"plain": "smtp", "starttls": "smtp+starttls", "tls": "smtps"}[self.mode]
        userinfo = ""
        if self.username is not None:
            userinfo = f"{quote(self.username, safe='')}:{quote(self.password or '', safe='')}@"
        return f"{scheme}://{userinfo}{HOST}:{self.port}?timeout=5"

    @property
    def received(self) -> list[Received]:
        with self.collector.changed:
            return list(self.collector.received)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 5) -> list[Received]:
        """Block until `count` messages arrived (they usually have: the client waits for the 250)."""
        deadline = time.monotonic() + timeout
        with self.collector.changed:
            while len(self.collector.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} message(s), got {len(self.collector.received)}")
                self.collector.changed.wait(left)
            return list(self.collector.received)


def make_tls_contexts(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1/localhost: (server context, client context trusting it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client
