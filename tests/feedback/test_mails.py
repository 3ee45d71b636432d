"""Feedback letters in both languages: the subject, an excerpt without markup, the cabinet link."""

from dataclasses import replace

import pytest

from portal.feedback import mails, store
from tests.feedback.helpers import new_request, person
from tests.portal_fixtures import BASE_URL


@pytest.mark.parametrize(("language", "subject", "button"), [
    ("ru", "Ответ на обращение №1: Как подобрать драйвер?", "Открыть обращение"),
    ("en", "Reply to your request #1: Как подобрать драйвер?", "Open the request")])
def test_the_reply_letter(app, language, subject, button):
    portal = app.state.portal
    author = replace(person(portal.db, "petr@svet-montazh.ru"), language=language)
    request = store.get_request(portal.db, new_request(portal.db, author))
    mail = mails.reply_mail(portal, request, author, "Берите **ЛД-700**, [каталог](/technical/).")
    assert mail.subject == subject and mail.to.addr_spec == "petr@svet-montazh.ru"
    assert "Берите ЛД-700, каталог." in mail.text and "**" not in mail.text
    assert f"{BASE_URL}/account/requests/{request.id}" in mail.text and button in mail.html


def test_the_owner_letter_names_the_partner_and_links_the_inbox(app):
    portal = app.state.portal
    author = person(portal.db, "petr@svet-montazh.ru", name="Пётр\nЛампов")
    owner = person(portal.db, "manager@club.example", role="staff", name="Мария Менеджер")
    request = store.get_request(portal.db, new_request(portal.db, author))
    mail = mails.owner_mail(portal, request, owner, author, "Есть новости?")
    assert mail.subject == "Партнёр ответил: №1 Как подобрать драйвер?"
    assert "Пётр Лампов ответил(а)" in mail.text and f"{BASE_URL}/staff/feedback/{request.id}" in mail.text
