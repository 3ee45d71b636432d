"""One address for the portal, its mail and its links: CLUB_BASE_URL, never mkdocs.yml's `site_url`.

The project is built once with the repository's `site_url` (http://127.0.0.1:8000/), then a portal at
another address (as `make run PORT=8201` runs it) sends its letters through a real SMTP server, shows
the staff sample and writes `club newsletter preview` samples. Every address in what it makes must be
on that portal, or a link to another site that the source page itself names.
"""

from __future__ import annotations

import asyncio
import html
import re

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from portal.app import create_app
from portal.cli import main
from portal.core import passwords
from portal.newsletters.queue import queue_newsletter
from portal.newsletters.worker import Worker
from site_builder.contract import MailArtefactError, artefact_from_json, load_artefact
from tests.newsletter_fixtures import subscribe
from tests.newsletters.test_worker import PAST
from tests.portal_fixtures import REPO, make_user, sign_in, with_settings
from tests.site_builder.test_newsletter_mail import FILES, MEMBERS, PUBLIC, REGISTERED, built  # noqa: F401 - `built` is a fixture

pytestmark = pytest.mark.slow

BASE = "http://127.0.0.1:8201"
SITE_URL_HOST = "127.0.0.1:8000"  # mkdocs.yml's site_url


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def portal_settings(settings, built):  # noqa: F811 - the fixture imported above
    return with_settings(settings, base_url=BASE, site_dir=built.site)


def external_links() -> set[str]:
    """Links to other sites written in the source pages."""
    return {url for text in FILES.values() for url in re.findall(r"\]\(((?:https?|mailto):[^)\s]+)\)", text)}


def addresses(html_part: str, text_part: str) -> list[str]:
    """Every href and src of the HTML part, every URL of the text part."""
    in_html = [html.unescape(value) for value in re.findall(r'\s(?:href|src)="([^"]*)"', html_part)]
    return in_html + re.findall(r"(?:https?://|mailto:)[^\s)]+", text_part)


def assert_on_portal_or_named(found: list[str]) -> None:
    assert found
    externals = external_links()
    for address in found:
        assert address.startswith(BASE + "/") or address in externals, address
        assert SITE_URL_HOST not in address, address


def test_sent_letters_link_to_the_portal_that_sends_them(portal_settings, smtp):
    app = create_app(portal_settings)
    db = app.state.portal.db
    people = {"member": dict(member=True, segment="distributors"), "reader": dict(segment="distributors"),
              "installer": dict(segment="installers", region="ural", job_role="engineering")}
    for name, profile in people.items():
        for tracking in (0, 1):
            user = make_user(db, f"{name}-{tracking}@example.ru", member=profile.get("member", False))
            subscribe(db, user.id, mail_tracking=tracking, **{k: v for k, v in profile.items() if k != "member"})
    for page in (PUBLIC, MEMBERS, REGISTERED):
        queue_newsletter(db, load_artefact(portal_settings.site_dir, page), PAST, None)
    asyncio.run(Worker(portal_settings, db).run_once())
    received = smtp.wait_for(12)  # members' letter to 4, the public one to 2 installers, registered to all 6
    assert len(received) == 12
    clicks, images = [], []
    for item in received:
        message = item.message
        html_part = message.get_body(("html",)).get_content()
        text_part = message.get_body(("plain",)).get_content()
        assert SITE_URL_HOST not in html_part + text_part + str(message)
        assert message["List-Unsubscribe"].startswith(f"<{BASE}/")
        found = addresses(html_part, text_part)
        assert_on_portal_or_named(found)
        images += re.findall(r'<img\b[^>]*\ssrc="([^"]+)"', html_part)
        clicks += [a for a in found if a.startswith(BASE + "/_club/n/c/")]
    assert f"{BASE}/newsletters/2026/img/schema.png" in images  # the page's image, absolute for mail clients
    assert clicks  # the tracked recipients' links: each redirects to the portal or to a named site
    with TestClient(app, base_url=BASE) as client:
        targets = {client.get(url.removeprefix(BASE), follow_redirects=False).headers["location"]
                   for url in set(clicks)}
    assert_on_portal_or_named(sorted(targets))
    assert f"{BASE}/{PUBLIC}/" in targets and f"{BASE}/technical/montazh/" in targets
    assert "https://example.com/zavod?a=1&b=2" in targets
    app.state.portal.db.conn.close()


def test_staff_sample_and_club_newsletter_preview_use_the_same_address(portal_settings, tmp_path, monkeypatch,
                                                                       capsys):
    app = create_app(portal_settings)
    make_user(app.state.portal.db, "editor@club.example", role="editor")
    with TestClient(app, base_url=BASE) as client:
        sign_in(client, "editor@club.example")
        for variant in ("full", "preview"):
            page = client.get(f"/staff/newsletters/page/{MEMBERS}?variant={variant}").text
            letter = html.unescape(re.search(r'<iframe sandbox srcdoc="([^"]*)"', page).group(1))
            assert_on_portal_or_named(addresses(letter, ""))
    app.state.portal.db.conn.close()
    monkeypatch.chdir(tmp_path)
    for name, value in {"CLUB_DATABASE": str(portal_settings.database), "CLUB_SITE_DIR": str(portal_settings.site_dir),
                        "CLUB_CONFIG": str(REPO / "mkdocs.yml"), "CLUB_BASE_URL": BASE}.items():
        monkeypatch.setenv(name, value)
    assert main(["newsletter", "preview", PUBLIC, "--out", str(tmp_path / "samples")]) == 0
    assert f"Page:       {BASE}/{PUBLIC}/ " in capsys.readouterr().out
    sample = (tmp_path / "samples" / f"{PUBLIC.rsplit('/', 1)[1]}-full.html").read_text(encoding="utf-8")
    assert_on_portal_or_named(addresses(sample, ""))
    assert f'src="{BASE}/newsletters/2026/img/schema.png"' in sample


def test_a_letter_of_another_format_version_is_refused_with_the_fix(built):  # noqa: F811
    text = (built.site / "mail" / f"{PUBLIC}.json").read_text(encoding="utf-8")
    old = text.replace('"version": 2,', '"version": 1,', 1)
    assert old != text
    with pytest.raises(MailArtefactError, match=r"e-mail format version 1, but this portal reads version 2; "
                                                r"run `club build` again"):
        artefact_from_json(old, "site/mail/x.json")
