"""Event entries as the build writes them, and people of given companies."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from portal.core import identity
from portal.core.companies import find_or_create_company
from site_builder.contract import EventEntry, Question, write_events
from tests.portal_fixtures import make_user

QUESTIONS = (Question("diet", "Особенности питания", "choice", ("Без ограничений", "Вегетарианское"), required=True),
             Question("ask", "Вопрос инженеру", "long", max=50))


def event(slug: str = "akademiya", **changes) -> EventEntry:
    entry = EventEntry(url=f"/events/{slug}/", slug=slug, source=f"content/events/{slug}.md",
                       title="Академия монтажника", access="public", starts="2099-02-18T09:30:00+05:00",
                       ends="2099-02-18T18:00:00+05:00", register_until="2099-02-16T18:00:00+05:00",
                       timezone="Asia/Yekaterinburg", city="Екатеринбург", venue="ул. Монтажников, 4", online=False,
                       online_link="", capacity=3, per_company=None, questions=QUESTIONS, cancelled=False,
                       registration=True, revision="r1")
    return replace(entry, **changes)


def publish(site: Path, *entries: EventEntry) -> None:
    """Write site/events.json; a fresh mtime each time, so the portal's cache sees even a same-second rewrite."""
    path = site / "events.json"
    before = path.stat().st_mtime if path.exists() else 0
    write_events(path, list(entries))
    stamp = max(before + 1, path.stat().st_mtime)
    os.utime(path, (stamp, stamp))


def person(db, email: str, company: str | None = "ООО «Свет-Монтаж»", name: str = "Анна Светлова") -> identity.User:
    user = make_user(db, email, name=name)
    if company is not None:
        found = find_or_create_company(db, company)
        identity.update_profile(db, user.id, identity.ProfileUpdate(name=user.name, company_id=found.id,
                                                                    phone="+79123456789"))
    return identity.get_user(db, user.id)
