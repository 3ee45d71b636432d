"""Feedback in a real browser against `club serve` and a real SMTP server: a member asks a question with a
photo from a technical page, staff answer it in the inbox, the member reads the answer in the mail and in
the cabinet, and the photo opens for the member but not for a member of another company."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

from portal.core import identity, passwords
from portal.core.companies import find_or_create_company
from portal.core.db import connect
from tests.browser import people
from tests.conftest import club_serve, new_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "feedback-browser-2026"
PEOPLE = {"anna@svet.ru": ("Анна Светлова", None, "ООО «Свет»"),
          "oleg@lumen.ru": ("Олег Люменов", None, "ООО «Люмен»"),
          "olga@lior.example": ("Ольга Кураторова", "staff", None)}
SUBJECT = "Как подключить драйвер к DALI?"
ANSWER = "Подключите шину DALI к клеммам DA+ и DA−, адреса назначит контроллер."
TIMEOUT_MS = 10_000


def tiny_png(path: Path) -> Path:
    """A real 2×2 PNG (what a phone's photo is, only smaller): the portal types files by their bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00\xff\x00\x00\xff\x00\x00" * 2)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def club(tmp_path, smtp):
    project = new_project(tmp_path / "proj", with_demo_content=True)
    db = connect(project.root / "var" / "club.db")
    for email, (name, role, company_name) in PEOPLE.items():
        user = identity.create_user(db, name=name, email=email, password_hash=passwords.hash_password(PASSWORD),
                                    language="ru", consent=True, confirmed=True, role=role)
        if company_name:
            company = find_or_create_company(db, company_name)
            identity.update_profile(db, user.id, identity.ProfileUpdate(name=name, company_id=company.id,
                                                                        phone="+79123456789"))
    db.conn.close()
    with club_serve(project, CLUB_SMTP_URL=smtp.url) as base:
        yield project, base


def signed_in(browser, base: str, email: str, next_path: str = "/account/"):
    return people.signed_in(browser, base, email, PASSWORD, next_path)


def technical_page(project) -> str:
    found = sorted((project.site / "public" / "technical").glob("*/index.html"))
    assert found, "the demo has no technical pages"
    return "/technical/" + found[0].parent.name + "/"


def test_a_question_with_a_photo_is_answered_in_the_cabinet_and_by_mail(browser, club, smtp, tmp_path):
    from playwright.sync_api import expect

    project, base = club
    expect.set_options(timeout=TIMEOUT_MS)
    page_path = technical_page(project)
    anna = signed_in(browser, base, "anna@svet.ru", page_path)
    try:
        # 1. From the technical page's footer line to the form, which knows the page.
        anna.locator(".club-feedback a").click()
        expect(anna.locator('input[name="page"]')).to_have_value(page_path)
        anna.select_option('select[name="kind"]', "question")
        anna.fill('input[name="subject"]', SUBJECT)
        anna.fill('textarea[name="body"]', "Драйвер **LN-40**, контроллер на объекте уже стоит.")
        anna.set_input_files('input[name="files"]', str(tiny_png(tmp_path / "щиток.png")))
        anna.click('form[action="/feedback/new"] button[type="submit"]')
        expect(anna).to_have_url(re.compile(r"/account/requests/\d+"))
        request_url = anna.url.split(base)[1].split("?")[0]
        expect(anna.locator("main")).to_contain_text(SUBJECT)
        expect(anna.locator("main strong").first).to_be_visible()  # the Markdown was rendered
        photo = anna.locator('a[href^="/feedback/files/"]').first
        photo_path = photo.get_attribute("href")
        assert anna.request.get(base + photo_path).status == 200

        # 2. Staff find it in the inbox and answer.
        olga = signed_in(browser, base, "olga@lior.example", "/staff/feedback/")
        olga.get_by_role("link", name=re.compile(re.escape(SUBJECT))).first.click()
        olga.fill('form[action$="/reply"] textarea[name="body"]', ANSWER)
        olga.click('form[action$="/reply"] button[type="submit"]')
        expect(olga.locator("main")).to_contain_text(ANSWER)
        olga.context.close()

        # 3. The member's letter links to the request; there the answer is.
        letter = smtp.wait_for(1, timeout=20)[-1].message
        assert "anna@svet.ru" in letter["To"]
        text = letter.get_body(("plain",)).get_content()
        assert ANSWER in text or SUBJECT in text
        link = re.search(re.escape(base) + r"(/account/requests/\d+)", text)
        assert link and link.group(1) == request_url
        anna.goto(link.group(1))
        expect(anna.locator("main")).to_contain_text(ANSWER)
        anna.goto("/account/requests/")
        expect(anna.locator("main")).to_contain_text(SUBJECT)

        # 4. Another company's member: the request and the photo do not exist for them.
        oleg = signed_in(browser, base, "oleg@lumen.ru")
        assert oleg.request.get(base + request_url).status == 404
        assert oleg.request.get(base + photo_path).status == 404
        oleg.context.close()
    finally:
        anna.context.close()
        expect.set_options(timeout=None)
