"""Signed newsletter links: click redirects, the open pixel, unsubscribing (page, topic/all, RFC 8058 one-click)."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from portal.newsletters import events as newsletter_events
from portal.newsletters import links as newsletter_links
from portal.newsletters.tracking import PIXEL
from site_builder.contract import MailArtefact, MailVariant
from tests.portal_fixtures import BASE_URL, csrf_of, make_user

LINKS = ["https://lior.example/catalog/?utm_source=club&utm_medium=email",
         f"{BASE_URL}/newsletters/2026/11/novye-svetilniki/", "https://lior.example/seminar#zapis"]


def artefact(links: list[str], topics: list[str], subject: str) -> MailArtefact:
    html = "".join(f'<a href="{{{{club:link:{i}}}}}">ссылка {i}</a>' for i in range(len(links)))
    return MailArtefact(
        page="newsletters/2026/11/novye-svetilniki", source="content/newsletters/2026/novye-svetilniki.md",
        url=f"{BASE_URL}/newsletters/2026/11/novye-svetilniki/", title=subject, subject=subject,
        preheader="Коротко о главном", date="2026-11-03", language="ru", access="public",
        audience={"segments": [], "regions": [], "roles": [], "topics": topics}, links=links,
        full=MailVariant(html=html + "{{club:pixel}}", text="{{club:name}}, {{club:unsubscribe}}"), preview=None)


def make_newsletter(db, *, topics: list[str] | None = None, links: list[str] | None = None,
                    subject: str = "Новые светильники ноября", started_at: float | None = None,
                    status: str = "done") -> int:
    topics = [] if topics is None else topics
    mail = artefact(LINKS if links is None else links, topics, subject)
    started = time.time() - 3600 if started_at is None else started_at
    cursor = db.execute(
        "INSERT INTO newsletters (page, url, subject, access, audience, mail, scheduled_at, status, created_by, "
        "created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [mail.page, "/newsletters/2026/11/novye-svetilniki/", subject, mail.access,
         json.dumps(mail.audience, ensure_ascii=False), mail.to_json(), started - 60, status, None,
         "2026-11-01T10:00:00+00:00", started, started + 600])
    return cursor.lastrowid


def make_send(db, newsletter_id: int, user=None, *, email: str = "", status: str = "sent", tracking: bool = True,
              segment: str | None = None, region: str | None = None) -> int:
    cursor = db.execute(
        "INSERT INTO newsletter_sends (newsletter_id, user_id, email, name, company, segment, region, variant, "
        "tracking, status, attempts, next_attempt_at, sent_at, error) VALUES (" + ", ".join("?" * 14) + ")",
        [newsletter_id, user.id if user else None, user.email if user else email, user.name if user else "Гость",
         "", segment, region, "full", 1 if tracking else 0, status, 1, 0, time.time() if status == "sent" else None,
         None if status == "sent" else "550 no such user"])
    return cursor.lastrowid


def subscriber(db, email: str, topics: list[str] | None = None):
    user = make_user(db, email, member=True)
    db.execute("INSERT INTO subscriptions (user_id, list) VALUES (?, 'newsletters')", [user.id])
    db.execute("UPDATE users SET topics = ? WHERE id = ?", [json.dumps(topics or []), user.id])
    return user


def events(db, send_id: int | None = None) -> list[tuple[int, str, int | None]]:
    sql = "SELECT send_id, kind, link FROM newsletter_events"
    rows = db.execute(sql + (" WHERE send_id = ?" if send_id else "") + " ORDER BY id",
                      [send_id] if send_id else []).fetchall()
    return [tuple(row) for row in rows]


def path(url: str) -> str:
    return url.removeprefix(BASE_URL)


def secret(app) -> str:
    return app.state.portal.settings.secret_key


@pytest.fixture
def letter(app):
    """A newsletter for the topic 'products' and one recipient (subscribed, no topic preference)."""
    db = app.state.portal.db
    newsletter_id = make_newsletter(db, topics=["products"])
    user = subscriber(db, "olga@svet.example")
    return db, newsletter_id, user, make_send(db, newsletter_id, user)


def is_subscribed(db, user_id: int) -> bool:
    return db.execute("SELECT 1 FROM subscriptions WHERE user_id = ? AND list = 'newsletters'",
                      [user_id]).fetchone() is not None


def topics_of(db, user_id: int) -> list[str]:
    return json.loads(db.execute("SELECT topics FROM users WHERE id = ?", [user_id]).fetchone()[0])


# --- clicks -----------------------------------------------------------------------------------------

def test_click_redirects_to_exactly_that_link_and_records_each_click(app, client, letter):
    db, _, _, send_id = letter
    for index in (0, 2, 0):
        url = newsletter_links.click_url(BASE_URL, secret(app), send_id, index)
        response = client.get(path(url), follow_redirects=False)
        assert response.status_code == 302 and response.headers["location"] == LINKS[index]
        assert response.headers["cache-control"] == "no-store"
    assert events(db) == [(send_id, "click", 0), (send_id, "click", 2), (send_id, "click", 0)]
    checked = client.head(path(newsletter_links.click_url(BASE_URL, secret(app), send_id, 1)), follow_redirects=False)
    assert checked.status_code == 302 and len(events(db)) == 3  # a link checker's HEAD is not a click


def test_one_link_cannot_record_without_bound(app, client, letter, monkeypatch):

    db, _, _, send_id = letter
    monkeypatch.setattr(newsletter_events, "MAX_EVENTS", 3)
    click = path(newsletter_links.click_url(BASE_URL, secret(app), send_id, 0))
    pixel = path(newsletter_links.open_url(BASE_URL, secret(app), send_id))
    for _ in range(5):
        assert client.get(click, follow_redirects=False).headers["location"] == LINKS[0]
        assert client.get(pixel).content == PIXEL
    assert [kind for _, kind, _ in events(db)].count("click") == 3
    assert [kind for _, kind, _ in events(db)].count("open") == 3


def test_no_click_is_recorded_when_tracking_was_off_for_the_send_or_for_the_club(app, client, letter):
    db, newsletter_id, _, send_id = letter
    quiet = make_send(db, newsletter_id, make_user(db, "private@svet.example"), tracking=False)
    response = client.get(path(newsletter_links.click_url(BASE_URL, secret(app), quiet, 1)), follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == LINKS[1]
    portal = app.state.portal
    portal.settings = replace(portal.settings, newsletter_tracking=False)
    response = client.get(path(newsletter_links.click_url(BASE_URL, secret(app), send_id, 0)), follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == LINKS[0]
    opened = client.get(path(newsletter_links.open_url(BASE_URL, secret(app), send_id)))
    assert opened.content == PIXEL
    assert events(db) == []


def test_a_member_who_switches_tracking_off_after_the_letter_is_no_longer_tracked(app, client, letter):
    db, _, user, send_id = letter
    db.execute("UPDATE users SET mail_tracking = 0 WHERE id = ?", [user.id])
    response = client.get(path(newsletter_links.click_url(BASE_URL, secret(app), send_id, 0)), follow_redirects=False)
    assert response.headers["location"] == LINKS[0]
    assert client.get(path(newsletter_links.open_url(BASE_URL, secret(app), send_id))).content == PIXEL
    assert events(db) == []


def bad_click_tokens(app, db, newsletter_id: int, send_id: int) -> dict[str, str]:
    key = secret(app)
    good = newsletter_links.sign(key, "click", send_id, 1)
    payload, mac = good.split(".")
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    gone = make_send(db, newsletter_id, email="gone@svet.example")
    gone_token = newsletter_links.sign(key, "click", gone, 0)
    db.execute("DELETE FROM newsletter_sends WHERE id = ?", [gone])
    scripted = make_newsletter(db, links=["javascript:alert(1)", "relative/path", "//evil.example/x",
                                          "https://ok.example/"])
    scripted_send = make_send(db, scripted, email="x@svet.example")
    return {
        "altered signature": f"{payload}.{flipped}",
        "altered link index": newsletter_links.sign(key, "click", send_id, 2).split(".")[0] + "." + mac,
        "unsigned": payload,
        "empty signature": payload + ".",
        "open token as click": newsletter_links.sign(key, "open", send_id),
        "unsubscribe token as click": newsletter_links.sign(key, "unsubscribe", send_id),
        "open purpose, two values": newsletter_links.sign(key, "open", send_id, 1),
        "one value": newsletter_links.sign(key, "click", send_id),
        "three values": newsletter_links.sign(key, "click", send_id, 1, 0),
        "index out of range": newsletter_links.sign(key, "click", send_id, len(LINKS)),
        "unknown send": newsletter_links.sign(key, "click", 999_999, 0),
        "deleted send": gone_token,
        "another club's secret": newsletter_links.sign("x" * 48, "click", send_id, 1),
        "javascript: target": newsletter_links.sign(key, "click", scripted_send, 0),
        "relative target": newsletter_links.sign(key, "click", scripted_send, 1),
        "protocol-relative target": newsletter_links.sign(key, "click", scripted_send, 2),
        "garbage": "evil.example",
        "overlong": "A" * 300 + "." + mac,
    }


def test_altered_unsigned_or_unknown_click_links_never_redirect(app, client, letter):
    db, newsletter_id, _, send_id = letter
    for name, token in bad_click_tokens(app, db, newsletter_id, send_id).items():
        response = client.get(f"/_club/n/c/{token}", follow_redirects=False)
        assert response.status_code == 404, name
        assert "location" not in response.headers, name
        assert "Ссылка повреждена" in response.text and "Traceback" not in response.text, name
    assert events(db) == []


def test_a_good_token_for_a_non_web_link_is_refused_but_a_web_one_in_the_same_letter_works(app, client, letter):
    db = letter[0]
    scripted = make_newsletter(db, links=["javascript:alert(1)", "https://ok.example/", "/technical/montazh/"])
    send_id = make_send(db, scripted, email="x@svet.example")
    bad = client.get(path(newsletter_links.click_url(BASE_URL, secret(app), send_id, 0)), follow_redirects=False)
    good = client.get(path(newsletter_links.click_url(BASE_URL, secret(app), send_id, 1)), follow_redirects=False)
    assert bad.status_code == 404 and good.headers["location"] == "https://ok.example/"
    # a site path is a page of the club: it opens on this portal (CLUB_BASE_URL), wherever the site was built for
    ours = client.get(path(newsletter_links.click_url(BASE_URL, secret(app), send_id, 2)), follow_redirects=False)
    assert ours.status_code == 302 and ours.headers["location"] == BASE_URL + "/technical/montazh/"


# --- the open pixel -----------------------------------------------------------------------------------

def test_open_pixel_is_a_gif_that_is_never_cached_and_records_an_open(app, client, letter):
    db, _, _, send_id = letter
    response = client.get(path(newsletter_links.open_url(BASE_URL, secret(app), send_id)))
    assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
    assert response.content == PIXEL and response.content.startswith(b"GIF89a") and len(PIXEL) == 43
    assert response.headers["cache-control"] == "no-store"
    client.get(path(newsletter_links.open_url(BASE_URL, secret(app), send_id)))
    assert events(db) == [(send_id, "open", None), (send_id, "open", None)]


def test_a_bad_pixel_gets_the_same_gif_and_records_nothing(app, client, letter):
    db, newsletter_id, _, send_id = letter
    quiet = make_send(db, newsletter_id, make_user(db, "private@svet.example"), tracking=False)
    key = secret(app)
    for token in (newsletter_links.sign(key, "click", send_id, 0), newsletter_links.sign(key, "open", 999_999),
                  newsletter_links.sign(key, "open", send_id)[:-3] + "abc", "nonsense",
                  newsletter_links.sign(key, "open", quiet)):
        response = client.get(f"/_club/n/o/{token}.gif")
        assert response.status_code == 200 and response.content == PIXEL, token
        assert response.headers["cache-control"] == "no-store"
    assert events(db) == []


# --- unsubscribing -------------------------------------------------------------------------------------

def unsubscribe_path(app, send_id: int) -> str:
    return path(newsletter_links.unsubscribe_url(BASE_URL, secret(app), send_id))


def test_unsubscribe_page_works_without_signing_in_and_its_get_changes_nothing(app, client, letter):
    db, _, user, send_id = letter
    page = client.get(unsubscribe_path(app, send_id))
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert "olga@svet.example" in text and "Новые светильники ноября" in text
    assert "Только от тем этой рассылки: Новинки продукции" in text and "От всех рассылок клуба" in text
    assert 'value="topic" checked' in text and 'href="/account/newsletters"' in text
    client.get(unsubscribe_path(app, send_id))
    client.head(unsubscribe_path(app, send_id))
    assert is_subscribed(db, user.id) and topics_of(db, user.id) == [] and events(db) == []


def test_unsubscribe_from_the_topic_keeps_every_other_topic(app, client, letter):
    db, _, user, send_id = letter  # topics [] = every club topic
    link = unsubscribe_path(app, send_id)
    done = client.post(link, data={"csrf": csrf_of(client.get(link).text), "choice": "topic"})
    assert done.status_code == 200 and "Вы отписались" in done.text and "Новинки продукции" in done.text
    assert 'href="/account/newsletters"' in done.text and "Подписаться снова" in done.text
    club_topics = list(app.state.portal.club.topics)
    assert topics_of(db, user.id) == [t for t in club_topics if t != "products"] and is_subscribed(db, user.id)
    again = client.post(link, data={"csrf": csrf_of(client.get(link).text), "choice": "topic"})
    assert again.status_code == 200
    assert events(db) == [(send_id, "unsubscribe", None)]  # once per send


def test_unsubscribe_from_a_topic_among_chosen_ones_and_from_the_last_one(app, client):
    db = app.state.portal.db
    newsletter_id = make_newsletter(db, topics=["products", "promotions"])
    several = subscriber(db, "ivan@svet.example", ["design", "products"])
    only = subscriber(db, "pavel@svet.example", ["promotions"])
    for user in (several, only):
        link = unsubscribe_path(app, make_send(db, newsletter_id, user))
        response = client.post(link, data={"csrf": csrf_of(client.get(link).text), "choice": "topic"})
        assert response.status_code == 200
    assert topics_of(db, several.id) == ["design"] and is_subscribed(db, several.id)
    # dropping the last chosen topic would leave [] = "every topic": it means no newsletters at all
    assert topics_of(db, only.id) == ["promotions"] and not is_subscribed(db, only.id)


def test_unsubscribe_from_all_removes_the_subscription_only(app, client, letter):
    db, _, user, send_id = letter
    db.execute("UPDATE users SET topics = ? WHERE id = ?", ['["design"]', user.id])
    link = unsubscribe_path(app, send_id)
    done = client.post(link, data={"csrf": csrf_of(client.get(link).text), "choice": "all"})
    assert done.status_code == 200 and "больше не будут приходить на olga@svet.example" in done.text
    assert not is_subscribed(db, user.id) and topics_of(db, user.id) == ["design"]
    assert events(db) == [(send_id, "unsubscribe", None)]
    assert "уже не подписан" in client.get(link).text


def test_a_newsletter_without_topics_offers_only_all(app, client):
    db = app.state.portal.db
    user = subscriber(db, "olga@svet.example", ["design"])
    link = unsubscribe_path(app, make_send(db, make_newsletter(db, topics=[]), user))
    page = client.get(link).text
    assert 'value="topic"' not in page and 'value="all" checked' in page
    refused = client.post(link, data={"csrf": csrf_of(page), "choice": "topic"})
    assert refused.status_code == 400 and "Выберите один из вариантов" in refused.text
    assert is_subscribed(db, user.id) and topics_of(db, user.id) == ["design"] and events(db) == []


def test_a_bad_choice_names_the_problem_and_changes_nothing(app, client, letter):
    db, _, user, send_id = letter
    link = unsubscribe_path(app, send_id)
    for choice in ("", "everything", "x" * 50):
        response = client.post(link, data={"csrf": csrf_of(client.get(link).text), "choice": choice})
        assert response.status_code in (400,) and "Traceback" not in response.text, choice
    assert is_subscribed(db, user.id) and events(db) == []


def test_rfc8058_one_click_post_unsubscribes_from_everything_without_cookies(app, letter):
    db, _, user, send_id = letter
    link = unsubscribe_path(app, send_id)
    provider = TestClient(app, base_url=BASE_URL)  # a mail provider's server: no cookies, no form token
    for extra in ({}, {"Origin": "https://mail.example.net"}, {"Sec-Fetch-Site": "cross-site"}):
        response = provider.post(link, content=b"List-Unsubscribe=One-Click", headers={
            "Content-Type": "application/x-www-form-urlencoded", **extra})
        assert response.status_code == 200, extra
        assert not provider.cookies.get("club_session")
    assert not is_subscribed(db, user.id)
    assert events(db) == [(send_id, "unsubscribe", None)]


def test_one_click_also_accepts_multipart_as_rfc8058_allows(app, letter):
    db, _, user, send_id = letter
    provider = TestClient(app, base_url=BASE_URL)
    response = provider.post(unsubscribe_path(app, send_id), files={"List-Unsubscribe": (None, "One-Click")})
    assert response.status_code == 200 and not is_subscribed(db, user.id)


def test_the_exemption_covers_only_the_exact_one_click_post_to_a_signed_link(app, client, letter, member):
    db, _, user, send_id = letter
    link = unsubscribe_path(app, send_id)
    one_click = {"content": b"List-Unsubscribe=One-Click",
                 "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
    forged = TestClient(app, base_url=BASE_URL)
    # the page's own choices need the form token, even on the exempt path
    assert forged.post(link, data={"choice": "all"}).status_code == 403
    assert forged.post(link, content=b"List-Unsubscribe=One-Click&choice=topic", headers=one_click["headers"]
                       ).status_code == 403
    assert forged.post(link, data={"choice": "all"}, headers={"Origin": "https://evil.example"}).status_code == 403
    # other paths: the same body from another site is still refused before anything happens
    evil = {**one_click["headers"], "Origin": "https://evil.example"}
    for other in ("/account/newsletters", "/account/sessions", "/account/login", "/forum/unwatch",
                  newsletter_links.click_url(BASE_URL, secret(app), send_id, 0).removeprefix(BASE_URL),
                  link + "/more"):
        response = member.client.post(other, content=one_click["content"], headers=evil)
        assert response.status_code == 403, other
    # a signed-in member's form without its token is still refused
    assert member.client.post("/account/newsletters", content=one_click["content"],
                              headers=one_click["headers"]).status_code == 403
    assert is_subscribed(db, user.id) and events(db) == []


def test_broken_unsubscribe_links_say_so_and_change_nothing(app, client, letter):
    db, _, user, send_id = letter
    key = secret(app)
    good = newsletter_links.sign(key, "unsubscribe", send_id)
    bad = [good[:-2] + ("AA" if not good.endswith("AA") else "BB"), good.split(".")[0],
           newsletter_links.sign(key, "open", send_id), newsletter_links.sign(key, "unsubscribe", 999_999),
           newsletter_links.sign(key, "click", send_id, 0)]
    provider = TestClient(app, base_url=BASE_URL)
    for token in bad:
        page = client.get(f"/_club/n/u/{token}")
        assert page.status_code == 404 and "Ссылка повреждена" in page.text, token
        posted = provider.post(f"/_club/n/u/{token}", content=b"List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert posted.status_code in (403, 404) and "Traceback" not in posted.text, token
    assert is_subscribed(db, user.id) and events(db) == []


def test_a_recipient_whose_account_is_gone_can_still_use_the_link(app, client, letter):
    db, newsletter_id, _, _ = letter
    send_id = make_send(db, newsletter_id, email="former@svet.example")  # user_id NULL: account deleted
    link = unsubscribe_path(app, send_id)
    assert "former@svet.example" in client.get(link).text
    done = client.post(link, data={"csrf": csrf_of(client.get(link).text), "choice": "all"})
    assert done.status_code == 200 and events(db, send_id) == [(send_id, "unsubscribe", None)]


def test_the_unsubscribe_page_speaks_english(app, client, letter):
    page = client.get(unsubscribe_path(app, letter[3]) + "?lang=en")
    assert "Unsubscribe from what?" in page.text and "olga@svet.example" in page.text
