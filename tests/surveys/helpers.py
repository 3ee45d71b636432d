"""Survey test helpers: members (fast, no passwords) in companies, a wave started without the web."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

from portal.core import identity
from portal.core.companies import find_or_create_company
from portal.surveys import store, waves
from portal.surveys.model import Audience
from tests.newsletter_fixtures import subscribe


def members(db, count: int, prefix: str = "m", company: str = "ООО «Свет-Монтаж»", segment: str | None = None,
            region: str | None = None) -> list[identity.User]:
    """`count` members of `company`, subscribed to newsletters, each with a phone."""
    firm = find_or_create_company(db, company)
    found = []
    for i in range(count):
        user = identity.create_user(db, name=f"Участник {prefix}{i}", email=f"{prefix}{i}@example.ru",
                                    password_hash=None, language="ru", consent=True, confirmed=True)
        identity.update_profile(db, user.id, identity.ProfileUpdate(
            name=user.name, company_id=firm.id, phone=f"+7916{i:07d}", segment=segment, region=region))
        subscribe(db, user.id)
        found.append(identity.get_user(db, user.id))
    return found


def start(db, settings, audience: Audience | None = None, now: float | None = None, title: str = "Волна"):
    """A wave started now (its letter queued for now); (wave, people asked)."""
    wave_id, asked = waves.start_wave(db, settings, None, title, "Клуб", audience or Audience(), None,
                                      now=now if now is not None else time.time())
    return store.get_wave(db, wave_id), asked


def token(settings, wave_id: int, user_id: int, value: int) -> str:
    return waves.letters.personal_token(settings.secret_key, waves.personal_links(wave_id), user_id, value)


def score_links(message: EmailMessage) -> list[str]:
    """The /surveys/a/ links of a letter's text part, in order (0..10, then the opt-out)."""
    text = message.get_body(("plain",)).get_content()
    return re.findall(r"https?://\S+/surveys/a/\S+", text)
