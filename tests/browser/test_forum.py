"""The forum in a real browser: start a topic, reply with a quote, the unread mark clears, a moderator hides."""

from __future__ import annotations

import re

import pytest

from portal.core import identity, passwords
from portal.core.companies import find_or_create_company
from portal.core.db import connect
from tests.conftest import club_serve, new_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "forum-browser-2026"
PEOPLE = {"anna@svet.ru": ("Анна Светлова", None), "oleg@lumen.ru": ("Олег Люменов", None),
          "mod@lior.example": ("Мария Модератор", "moderator")}


@pytest.fixture
def club(tmp_path):
    project = new_project(tmp_path / "proj", with_demo_content=True)
    db = connect(project.root / "var" / "club.db")
    company = find_or_create_company(db, "ООО «Свет»")
    for email, (name, role) in PEOPLE.items():
        user = identity.create_user(db, name=name, email=email, password_hash=passwords.hash_password(PASSWORD),
                                    language="ru", consent=True, confirmed=True, role=role)
        identity.update_profile(db, user.id, identity.ProfileUpdate(name=name, company_id=company.id,
                                                                    phone="+79123456789"))
    db.conn.close()
    with club_serve(project) as base:
        yield base


def signed_in_page(browser, base, email):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/account/login?next=/forum/")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/account/login"] button[type="submit"]')
    page.wait_for_url(re.compile(r"/forum/$"))
    return page


def test_topic_reply_with_quote_unread_mark_and_moderation(browser, club):
    from playwright.sync_api import expect

    base = club
    anna = signed_in_page(browser, base, "anna@svet.ru")
    anna.click("text=Общие вопросы")
    anna.click("text=Новая тема")
    anna.fill('input[name="title"]', "Какой драйвер выбрать для трекового света?")
    anna.fill('textarea[name="body"]', "Нужен драйвер с DALI.\n\nВторой абзац про бюджет.")
    anna.click("text=Предпросмотр")
    expect(anna.locator(".f-preview")).to_contain_text("Нужен драйвер с DALI.")
    anna.click("text=Опубликовать")
    expect(anna.locator("h1")).to_contain_text("Какой драйвер выбрать")
    topic_url = anna.url.split("#")[0]

    oleg = signed_in_page(browser, base, "oleg@lumen.ru")
    oleg.goto(base + "/forum/c/obshchie-voprosy/")
    expect(oleg.locator(".f-topic--unread")).to_have_count(1)  # a topic Oleg has not read
    oleg.goto(topic_url)
    oleg.click("#p1 >> text=Цитировать")
    body = oleg.locator('textarea[name="body"]')
    expect(body).to_contain_text("> Нужен драйвер с DALI.")
    quote = body.input_value().split("> Второй абзац")[0]  # keep only the part he answers
    body.fill(quote + "\nБерите драйвер с DALI-2, он дешевле в пусконаладке.")
    oleg.click("text=Опубликовать")
    expect(oleg.locator("#p2 blockquote")).to_contain_text("Нужен драйвер с DALI.")
    oleg.goto(base + "/forum/c/obshchie-voprosy/")
    expect(oleg.locator(".f-topic--unread")).to_have_count(0)

    anna.goto(base + "/forum/c/obshchie-voprosy/")
    expect(anna.locator(".f-topic--unread")).to_have_count(1)  # Oleg's reply is new to her
    anna.click("text=непрочитанное")
    expect(anna).to_have_url(re.compile(r"#p2$"))
    anna.goto(base + "/forum/c/obshchie-voprosy/")
    expect(anna.locator(".f-topic--unread")).to_have_count(0)

    moderator = signed_in_page(browser, base, "mod@lior.example")
    moderator.goto(topic_url)
    moderator.click("#p2 .f-mod summary")  # the folded tools open
    moderator.locator("#p2").get_by_label("Причина (для журнала)").first.fill("реклама")  # by its visible label
    moderator.click("#p2 >> text=Скрыть сообщение")
    anna.goto(topic_url)
    expect(anna.locator("#p2")).to_contain_text("Сообщение скрыто модератором: реклама")
    expect(anna.locator("#p2")).not_to_contain_text("DALI-2")
    for page in (anna, oleg, moderator):
        page.context.close()


def test_a_member_replies_with_a_photo_and_sees_it_inline(browser, club):
    from playwright.sync_api import expect

    from tests.forum.pictures import jpeg

    base = club
    anna = signed_in_page(browser, base, "anna@svet.ru")
    anna.click("text=Общие вопросы")
    anna.click("text=Новая тема")
    anna.fill('input[name="title"]', "Как подписать линии в щите?")
    anna.fill('textarea[name="body"]', "Покажите, как вы маркируете линии DALI.")
    anna.click("text=Опубликовать")
    topic_url = anna.url.split("#")[0]

    oleg = signed_in_page(browser, base, "oleg@lumen.ru")
    oleg.goto(topic_url.rstrip("/") + "/reply")
    oleg.fill('textarea[name="body"]', "Вот наш щит:\n\n![Щит с маркировкой](upload:1)")
    oleg.set_input_files('input[name="files"]', files=[
        {"name": "щит.jpg", "mimeType": "image/jpeg", "buffer": jpeg((2400, 1800), gps=True)}])
    oleg.click("text=Опубликовать")
    picture = oleg.locator('#p2 .f-post__body img[alt="Щит с маркировкой"]')
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    expect(picture).to_have_attribute("loading", "lazy")
    oleg.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert picture.evaluate("img => img.naturalWidth") == 480  # the thumbnail, linking to the full picture
    full = picture.evaluate("img => img.parentElement.href")
    assert oleg.request.get(full).headers["content-type"] == "image/jpeg"
