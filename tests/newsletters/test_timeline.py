"""The newsletters' entries on a company's timeline: one per newsletter, received and opened by its people."""

import time

from portal.core.companies import find_or_create_company
from portal.newsletters.timeline import company_timeline
from tests.portal_fixtures import make_user


def newsletter(db, subject: str) -> int:
    return db.execute("INSERT INTO newsletters (page, url, subject, access, audience, mail, scheduled_at, status, "
                      "created_at) VALUES (?, ?, ?, 'public', '{}', '{}', ?, 'done', '2026-12-01')",
                      [f"newsletters/{subject}", f"/newsletters/{subject}/", subject, time.time()]).lastrowid


def send(db, newsletter_id: int, user, status: str = "sent", at: float = 1_800_000_000.0) -> int:
    return db.execute("INSERT INTO newsletter_sends (newsletter_id, user_id, email, name, variant, tracking, status, "
                      "sent_at) VALUES (?, ?, ?, ?, 'full', 1, ?, ?)",
                      [newsletter_id, user.id, user.email, user.name, status, at]).lastrowid


def test_each_newsletter_is_one_entry_with_received_and_opened(db):
    anna = make_user(db, "anna@svet-montazh.ru", member=True)
    ivan = make_user(db, "ivan@svet-montazh.ru", member=True, name="Иван")
    stranger = make_user(db, "petr@lamp.ru", name="Пётр")
    company = find_or_create_company(db, "ООО «Свет-Монтаж»")
    first, second = newsletter(db, "Новинки ноября"), newsletter(db, "Приглашение на семинар")
    opened = send(db, first, anna)
    send(db, first, ivan)
    send(db, first, stranger)  # another company's reader: not on this timeline
    for _ in range(3):  # one reader opening three times is one opened
        db.execute("INSERT INTO newsletter_events (send_id, kind, at) VALUES (?, 'open', ?)", [opened, time.time()])
    send(db, second, anna, at=1_800_100_000.0)
    send(db, second, ivan, status="failed")  # never delivered: not received
    entries = company_timeline(db, company.id, 10)
    assert [(e.title, e.detail) for e in entries] == [("Приглашение на семинар", "1 / 0"), ("Новинки ноября", "2 / 1")]
    assert entries[0].url == f"/staff/newsletters/{second}/stats" and entries[0].at == 1_800_100_000.0
    assert company_timeline(db, company.id, 1) == entries[:1]


def test_the_company_card_shows_them(app, manager):
    db = app.state.portal.db
    anna = make_user(db, "anna@svet-montazh.ru", member=True)
    send(db, newsletter(db, "Новинки ноября"), anna, at=time.time())
    page = manager.client.get(f"/staff/companies/{anna.company_id}").text
    assert "Рассылка (получили / открыли)" in page and "Новинки ноября" in page
