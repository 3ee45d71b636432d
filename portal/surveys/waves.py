"""Starting a wave: who is asked (audience.py), the wave and its people (store.py), and its letter, queued
through the newsletter worker (newsletters/api.py: exactly once per person, the newsletters consent and
its one-click unsubscribe honoured).

The letter carries the eleven scores as links, each signed for (wave, person, score)
(`{{club:personal:N}}`), and a twelfth, signed the same way, to stop being asked (OPT_OUT). A click
only opens the answer page with that score chosen: mail scanners open every link in a letter, so a
score counts when the person presses "send" there (answer_pages.py).
"""

from __future__ import annotations

import html
import time
from typing import Any

from sqlite_utils import Database

from portal.core.i18n import translate
from portal.core.settings import Settings
from portal.newsletters import api as letters
from portal.surveys import audience as survey_audience
from portal.surveys import store
from portal.surveys.config import terms_of
from portal.surveys.model import Audience
from portal.surveys.nps import SCALE

PATH = "/surveys/a/"
PURPOSE = "survey"
OPT_OUT = 11  # the value of the letter's "do not ask me again" link
MAX_TITLE, MAX_SUBJECT = 120, 120


class NobodyToAsk(Exception):
    """The audience, less those asked lately and those who opted out, is empty."""


def personal_links(wave_id: int) -> letters.Personal:
    return letters.Personal(PATH, PURPOSE, (wave_id,), (*SCALE, OPT_OUT))


def start_wave(db: Database, settings: Settings, club: Any, title: str, subject: str, audience: Audience,
               by_id: int | None, send_at: float | None = None, now: float | None = None) -> tuple[int, int]:
    """Create the wave, ask its people, queue its letter for `send_at` (None: now); (wave id, people asked)."""
    now = time.time() if now is None else now
    terms = terms_of(club)
    people = survey_audience.candidates(db, club, audience, now, terms.min_days)
    if not people:
        raise NobodyToAsk
    send_at = now if send_at is None else send_at
    wave_id, asked = store.create_wave(db, title, subject, audience, people, send_at,
                                       send_at + terms.open_days * 86400, by_id, terms.min_days, now)
    if asked:
        language = settings.language
        newsletter_id = letters.queue_letter(
            db, key=f"surveys/wave-{wave_id}", subject=translate(language, "surveys.mail.subject", subject=subject),
            language=language, html=letter_html(language, subject), text=letter_text(language, subject),
            recipients=store.asked_recipients(db, wave_id), personal=personal_links(wave_id), at=send_at,
            created_by=by_id)
        store.set_letter(db, wave_id, newsletter_id)
    return wave_id, asked


def _link(index: int) -> str:
    return f"{{{{club:personal:{index}}}}}"


def letter_html(language: str, subject: str) -> str:
    """The letter's HTML: the question, the eleven scores as links, the way out of surveys and newsletters."""
    def t(key: str, **values: object) -> str:
        return html.escape(translate(language, key, **values))
    cell = ('<td style="padding:2px"><a href="{href}" style="display:block;min-width:28px;padding:8px 0;'
            'text-align:center;border:1px solid #888;border-radius:4px;color:#111;text-decoration:none">{n}</a></td>')
    scores = "".join(cell.format(href=_link(n), n=n) for n in SCALE)
    return (f'<!doctype html><html lang="{html.escape(language)}"><body style="font-family:sans-serif">'
            f"<p>{t('surveys.mail.hello')}, {{{{club:name}}}}!</p>"
            f"<p><strong>{t('surveys.question', subject=subject)}</strong></p>"
            f'<table role="presentation" style="border-collapse:collapse"><tr>{scores}</tr></table>'
            f"<p style=\"font-size:13px\">{t('surveys.scale.low')} — {t('surveys.scale.high')}</p>"
            f"<p>{t('surveys.mail.confirm')}</p>"
            f'<p style="font-size:12px;color:#555"><a href="{_link(OPT_OUT)}">{t("surveys.mail.optout")}</a> · '
            f'<a href="{{{{club:unsubscribe}}}}">{t("surveys.mail.unsubscribe")}</a></p>'
            "{{club:pixel}}</body></html>")


def letter_text(language: str, subject: str) -> str:
    def t(key: str, **values: object) -> str:
        return translate(language, key, **values)
    scores = "\n".join(f"{n}: {_link(n)}" for n in SCALE)
    return (f"{t('surveys.mail.hello')}, {{{{club:name}}}}!\n\n{t('surveys.question', subject=subject)}\n"
            f"({t('surveys.scale.low')}; {t('surveys.scale.high')})\n\n{scores}\n\n{t('surveys.mail.confirm')}\n\n"
            f"{t('surveys.mail.optout')}: {_link(OPT_OUT)}\n"
            f"{t('surveys.mail.unsubscribe')}: {{{{club:unsubscribe}}}}\n")


def verify(settings: Settings, token: str) -> tuple[int, int, int] | None:
    """(wave id, user id, value) of a genuine score or opt-out link of a letter; None for anything else."""
    found = letters.verify_personal(settings.secret_key, PURPOSE, token, 1)
    if found is None or found[2] > OPT_OUT:
        return None
    return found[0], found[1], found[2]
