"""Newsletter test helpers: built e-mails (MailArtefact), subscribers, and an SMTP sink that misbehaves.

`NewsletterSink` is tests/smtp_server.SMTPServer (real aiosmtpd on loopback) whose handler can
answer chosen addresses with a code at RCPT or DATA (a number of times, then accept), hold every
message after the Nth until released (to kill a worker with messages in flight) and remembers the
client port of each message (how many connections the worker used).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from portal.core import identity
from site_builder.contract import MailArtefact, MailVariant
from tests.smtp_server import HOST, SMTPServer, _Controller

SECRET = "Закрытая часть: доля рынка драйверов DALI выросла до тридцати семи процентов"
LINKS = ["https://club.example.ru/newsletters/2026/11/novinki/", "https://shop.example.ru/track?x=1&y=2",
         "https://club.example.ru/analytics/report/"]


def artefact(access: str = "members", *, audience: dict | None = None, subject: str = "Новинки ноября",
             page: str = "newsletters/2026/11/novinki") -> MailArtefact:
    """A built e-mail as site/mail/<page>.json holds it: every placeholder, closed text only in "full"."""
    def html(body: str) -> str:
        return (f'<html><body><p>Здравствуйте, {{{{club:name}}}}!</p><p>Для: {{{{club:recipient}}}}</p>{body}'
                '<p><a href="{{club:link:0}}">Веб-версия</a> · <a href="{{club:link:1}}">Каталог</a></p>'
                '<p><a href="{{club:unsubscribe}}">Отписаться</a></p>{{club:pixel}}</body></html>')

    def text(body: str) -> str:
        return (f"Здравствуйте, {{{{club:name}}}}!\nДля: {{{{club:recipient}}}}\n\n{body}\n\n"
                "Веб-версия: {{club:link:0}}\nКаталог: {{club:link:1}}\nОтписаться: {{club:unsubscribe}}\n")

    preview_body = "Откройте отчёт на сайте: {{club:link:2}}"
    full = MailVariant(html(f"<p>{SECRET}</p>"), text(SECRET))
    preview = MailVariant(html(f"<p>{preview_body}</p>"), text(preview_body)) if access != "public" else None
    return MailArtefact(page=page, source=f"content/{page}.md", url=f"https://club.example.ru/{page}/",
                        title=subject, subject=subject, preheader="Коротко о новинках", date="2026-11-20",
                        language="ru", access=access,
                        audience={"segments": [], "regions": [], "roles": [], "topics": [],
                                  **(audience or {})}, links=list(LINKS), full=full, preview=preview)


def subscribe(db, user_id: int, **profile) -> None:
    """The consent row plus audience fields (segment, region, job_role, topics, mail_tracking)."""
    db.execute("INSERT OR IGNORE INTO subscriptions (user_id, list) VALUES (?, 'newsletters')", [user_id])
    for column, value in profile.items():
        assert column in ("segment", "region", "job_role", "topics", "mail_tracking", "bounced_at", "suspended_at")
        db.execute(f"UPDATE users SET {column} = ? WHERE id = ?",
                   [json.dumps(value) if column == "topics" else value, user_id])


def subscribers(db, count: int, prefix: str = "reader", **profile) -> list[identity.User]:
    """`count` confirmed subscribers without passwords (fast: no argon2 per person)."""
    users = []
    for i in range(count):
        user = identity.create_user(db, name=f"Читатель {prefix} {i}", email=f"{prefix}{i}@example.ru",
                                    password_hash=None, language="ru", consent=True, confirmed=True)
        subscribe(db, user.id, **profile)
        users.append(user)
    return users


@dataclass(frozen=True)
class Arrived:
    message: EmailMessage
    recipients: list[str]
    peer: tuple  # the client's (host, port): one per SMTP connection


@dataclass
class Rule:
    stage: str  # "RCPT" or "DATA"
    reply: str  # e.g. "550 5.1.1 no such user"
    times: int = 1_000_000  # how many times to answer so, then accept


@dataclass
class _State:
    arrived: list[Arrived] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    hold_after: int | None = None  # messages after this many are held, then refused without being kept
    released: bool = False
    delay: float = 0.0


class _Handler:
    def __init__(self) -> None:
        self.state = _State()
        self.changed = threading.Condition()

    def _rule(self, address: str, stage: str) -> str | None:
        with self.changed:
            rule = self.state.rules.get(address.lower())
            if rule is None or rule.stage != stage or rule.times <= 0:
                return None
            rule.times -= 1
            return rule.reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        reply = self._rule(address, "RCPT")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        if self.state.delay:
            await asyncio.sleep(self.state.delay)
        for address in envelope.rcpt_tos:
            reply = self._rule(address, "DATA")
            if reply:
                return reply
        with self.changed:
            held = self.state.hold_after is not None and len(self.state.arrived) >= self.state.hold_after
        if held:
            while not self.state.released:  # the client is left waiting for the answer to DATA
                await asyncio.sleep(0.01)
            return "421 4.3.2 shutting down"  # never kept: the client that sent it is gone
        message = message_from_bytes(envelope.content, policy=default_policy)
        with self.changed:
            self.state.arrived.append(Arrived(message, list(envelope.rcpt_tos), tuple(session.peer)))
            self.changed.notify_all()
        return "250 OK"


class NewsletterSink(SMTPServer):
    def __init__(self) -> None:
        super().__init__()
        self.controller.loop.close()  # the parent's controller (with its own event loop) is replaced unused
        self.handler = _Handler()
        self.controller = _Controller(self.handler, hostname=HOST, port=0, **self._smtp_options(None))

    def answer(self, address: str, reply: str, stage: str = "RCPT", times: int = 1_000_000) -> None:
        with self.handler.changed:
            self.handler.state.rules[address.lower()] = Rule(stage, reply, times)

    def hold_after(self, count: int) -> None:
        with self.handler.changed:
            self.handler.state.hold_after, self.handler.state.released = count, False

    def release(self) -> None:
        with self.handler.changed:
            self.handler.state.hold_after, self.handler.state.released = None, True

    def slow(self, seconds: float) -> None:
        self.handler.state.delay = seconds

    @property
    def arrived(self) -> list[Arrived]:
        with self.handler.changed:
            return list(self.handler.state.arrived)

    def wait_arrived(self, count: int, timeout: float = 20) -> list[Arrived]:
        deadline = time.monotonic() + timeout
        with self.handler.changed:
            while len(self.handler.state.arrived) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} message(s), got {len(self.handler.state.arrived)}")
                self.handler.changed.wait(left)
            return list(self.handler.state.arrived)

    def by_message_id(self) -> Counter:
        return Counter(a.message["Message-ID"] for a in self.arrived)

    def addresses(self) -> list[str]:
        return sorted(r for a in self.arrived for r in a.recipients)
