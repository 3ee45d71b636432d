"""Newsletter statistics for staff: exact numbers on a known data set, the chart, CSV, per topic, who may see them."""

from __future__ import annotations

import csv
import io
import time

import pytest
from starlette.testclient import TestClient

from portal.newsletters.model import get_newsletter
from portal.newsletters.stats import by_topic, newsletter_stats, topic_rates
from tests.newsletters.test_tracking import make_newsletter, make_send
from tests.portal_fixtures import BASE_URL, make_user, sign_in

HOUR = 3600.0
T0 = time.time() - 5 * 24 * HOUR
# (segment, region, status, tracking) of ten recipients: 8 delivered (one without tracking), 1 bounced, 1 failed
RECIPIENTS = [
    ("distributors", "central", "sent", True), ("distributors", "central", "sent", True),
    ("distributors", "volga", "sent", True), ("distributors", "volga", "bounced", True),
    ("designers", "central", "sent", True), ("designers", "central", "sent", False),
    ("designers", "central", "failed", True),
    (None, None, "sent", True), (None, None, "sent", True), (None, "volga", "sent", True),
]
# (recipient number from 1, kind, link, hours after sending started)
EVENTS = [
    (1, "open", None, 0.5), (1, "open", None, 5), (2, "open", None, 1.5),  # 3 opens by 2 people
    (1, "click", 0, 0.6), (1, "click", 0, 30),  # one person clicks link 1 twice
    (5, "click", 1, 2.5),  # images blocked: a click without a pixel still means "opened"
    (8, "open", None, 99), (8, "click", 2, 100),  # late: in the totals, not in the 72-hour chart
    (9, "unsubscribe", None, 3), (3, "unsubscribe", None, 10),
]


@pytest.fixture
def known(app) -> int:
    db = app.state.portal.db
    newsletter_id = make_newsletter(db, topics=["products"], started_at=T0)
    sends = [make_send(db, newsletter_id, email=f"r{i}@svet.example", status=status, tracking=tracking,
                       segment=segment, region=region)
             for i, (segment, region, status, tracking) in enumerate(RECIPIENTS, 1)]
    for number, kind, link, hours in EVENTS:
        db.execute("INSERT INTO newsletter_events (send_id, kind, link, at) VALUES (?, ?, ?, ?)",
                   [sends[number - 1], kind, link, T0 + hours * HOUR])
    return newsletter_id


def staff_client(app, role: str | None, email: str, member: bool = False) -> TestClient:
    make_user(app.state.portal.db, email, role=role, member=member)
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, email)
    return client


@pytest.fixture
def staff(app) -> TestClient:
    return staff_client(app, "staff", "manager@lior.example")


def as_tuple(counts) -> tuple[int, ...]:
    return (counts.recipients, counts.sent, counts.failed, counts.bounced, counts.tracked, counts.opens,
            counts.clicks, counts.unsubscribes)


def test_numbers_are_exact_on_a_known_data_set(app, known):
    db = app.state.portal.db
    stats = newsletter_stats(db, get_newsletter(db, known))
    assert as_tuple(stats.total) == (10, 8, 1, 1, 7, 4, 3, 2)
    assert stats.total.open_rate == pytest.approx(4 / 7) and stats.total.click_rate == pytest.approx(3 / 7)
    assert stats.total.click_to_open == pytest.approx(3 / 4) and stats.total.unsubscribe_rate == pytest.approx(2 / 8)
    assert {k: as_tuple(c) for k, c in stats.by(0)} == {
        "distributors": (4, 3, 0, 1, 3, 2, 1, 1), "designers": (3, 2, 1, 0, 1, 1, 1, 0), None: (3, 3, 0, 0, 3, 1, 1, 1)}
    assert {k: as_tuple(c) for k, c in stats.by(1)} == {
        "central": (5, 4, 1, 0, 3, 3, 2, 0), "volga": (3, 2, 0, 1, 2, 0, 0, 1), None: (2, 2, 0, 0, 2, 1, 1, 1)}
    assert [(link.index, link.clicks, link.clickers) for link in stats.links] == [(0, 2, 1), (1, 1, 1), (2, 1, 1)]
    assert stats.links[0].url.startswith("https://lior.example/catalog/")
    timeline = {hour: (opened, clicked) for hour, opened, clicked in stats.timeline}
    assert len(stats.timeline) == 73 and timeline[0] == (0, 0)
    assert (timeline[1], timeline[2], timeline[3], timeline[72]) == ((1, 1), (2, 1), (3, 2), (3, 2))


def test_the_page_shows_the_numbers_labels_and_an_accessible_chart(staff, known):
    page = staff.get(f"/staff/newsletters/{known}/stats")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    for expected in ("Новые светильники ноября", "57,1\u00a0%", "42,9\u00a0%", "75,0\u00a0%", "25,0\u00a0%",
                     "Открыли (примерно)", "Дистрибьюторы", "Проектировщики и дизайнеры", "Центральный ФО",
                     "Приволжский ФО", "не указан", "https://lior.example/seminar#zapis", "приблизительно"):
        assert expected in text, expected
    svg = text[text.index("<svg"):text.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "открыли 3, перешли 2" in svg
    assert "<polyline" in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in text
    assert f'href="/staff/newsletters/{known}/stats.csv"' in text and "stats.csv?part=links" in text


def read_csv(response, delimiter: str = ";") -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_by_segment_and_region_matches_the_page(staff, known):
    response = staff.get(f"/staff/newsletters/{known}/stats.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="newsletter-{known}-segments.csv"'
    assert response.headers["cache-control"] == "no-store"
    rows = read_csv(response)
    assert rows[0][:10] == ["Сегмент", "Регион", "Получателей", "Доставлено", "Ошибка отправки", "Bounce",
                            "Доставлено с отслеживанием", "Открыли (примерно)", "Перешли по ссылке", "Отписались"]
    cells = {(row[0], row[1]): row[2:] for row in rows[1:]}
    assert cells[("Дистрибьюторы", "Центральный ФО")][:8] == ["2", "2", "0", "0", "2", "2", "1", "0"]
    assert cells[("Дистрибьюторы", "Приволжский ФО")][:8] == ["2", "1", "0", "1", "1", "0", "0", "1"]
    assert cells[("Проектировщики и дизайнеры", "Центральный ФО")][:8] == ["3", "2", "1", "0", "1", "1", "1", "0"]
    assert cells[("не указан", "не указан")][:8] == ["2", "2", "0", "0", "2", "1", "1", "1"]
    assert cells[("не указан", "Приволжский ФО")][:8] == ["1", "1", "0", "0", "1", "0", "0", "0"]
    assert rows[-1] == ["Итого", "", "10", "8", "1", "1", "7", "4", "3", "2", "57,1", "42,9", "75,0", "25,0"]
    assert len(rows) == 7
    totals = [sum(int(row[i]) for row in rows[1:-1]) for i in range(2, 10)]
    assert totals == [int(v) for v in rows[-1][2:10]]


def test_csv_of_clicks_per_link_and_in_english(staff, known):
    rows = read_csv(staff.get(f"/staff/newsletters/{known}/stats.csv?part=links"))
    assert rows[0] == ["№", "Адрес", "Кликов всего", "Разных получателей"]
    assert [(row[0], row[2], row[3]) for row in rows[1:]] == [("1", "2", "1"), ("2", "1", "1"), ("3", "1", "1")]
    assert rows[3][1] == "https://lior.example/seminar#zapis"
    english = staff.get(f"/staff/newsletters/{known}/stats.csv?lang=en")
    rows = read_csv(english, delimiter=",")
    assert rows[0][0] == "Segment" and rows[-1][-4:] == ["57.1", "42.9", "75.0", "25.0"]


def test_a_newsletter_not_sent_yet_and_one_without_events(staff, app):
    db = app.state.portal.db
    waiting = make_newsletter(db, status="scheduled")
    db.execute("UPDATE newsletters SET started_at = NULL, finished_at = NULL WHERE id = ?", [waiting])
    page = staff.get(f"/staff/newsletters/{waiting}/stats")
    assert page.status_code == 200 and "ещё не отправлялась" in page.text and "<svg" not in page.text
    assert read_csv(staff.get(f"/staff/newsletters/{waiting}/stats.csv"))[-1][:3] == ["Итого", "", "0"]
    quiet = make_newsletter(db, links=[])
    make_send(db, quiet, email="a@svet.example")
    page = staff.get(f"/staff/newsletters/{quiet}/stats")
    assert page.status_code == 200 and "В письме нет ссылок" in page.text and "0,0\u00a0%" in page.text


def test_rates_per_topic_across_newsletters(staff, app, known):
    db = app.state.portal.db
    both = make_newsletter(db, topics=["products", "design"], subject="Тренды и новинки")
    opened = make_send(db, both, email="x1@svet.example")
    make_send(db, both, email="x2@svet.example")
    db.execute("INSERT INTO newsletter_events (send_id, kind, link, at) VALUES (?, 'click', 0, ?)",
               [opened, time.time()])
    everyone = make_newsletter(db, topics=[], subject="Для всех")
    make_send(db, everyone, email="x3@svet.example")
    topics = {key: (n, counts.tracked, counts.opens, counts.clicks)
              for key, counts, n in by_topic(topic_rates(db), app.state.portal.club.topics)}
    assert topics == {"products": (2, 9, 5, 4), "design": (1, 2, 1, 1), None: (1, 1, 0, 0)}
    page = staff.get("/staff/newsletters/stats/topics")
    assert page.status_code == 200
    for expected in ("Новинки продукции", "Тренды и дизайн освещения", "Без отбора по темам", "55,6\u00a0%",
                     "Тренды и новинки", f'href="/staff/newsletters/{known}/stats"'):
        assert expected in page.text, expected


def test_only_newsletter_staff_see_statistics(app, client, known):
    paths = [f"/staff/newsletters/{known}/stats", f"/staff/newsletters/{known}/stats.csv",
             "/staff/newsletters/stats/topics"]
    for target in paths:
        response = client.get(target, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next="), target
    refused = [staff_client(app, None, "member@svet.example", member=True),
               staff_client(app, "moderator", "moderator@lior.example")]
    allowed = [staff_client(app, role, f"{role}@lior.example") for role in ("staff", "editor", "admin")]
    for target in paths:
        for other in refused:
            response = other.get(target)
            assert response.status_code == 403 and "для сотрудников" in response.text, target
            assert "Дистрибьюторы" not in response.text
        for other in allowed:
            assert other.get(target).status_code == 200, target


def test_unknown_newsletters_are_a_404_page(staff):
    for target in ("/staff/newsletters/999/stats", "/staff/newsletters/999/stats.csv"):
        response = staff.get(target)
        assert response.status_code == 404 and "Страница не найдена" in response.text, target
    assert staff.get("/staff/newsletters/abc/stats").status_code == 404


def test_the_queries_use_the_indexes(app, known):
    """100,000 sends must stay one indexed pass: no full scan of sends or events."""
    from portal.newsletters import stats as module

    db = app.state.portal.db
    sql = (f"SELECT s.segment, s.region, {module.COUNT_COLUMNS} FROM newsletter_sends s "  # noqa: S608
           "WHERE s.newsletter_id = ? GROUP BY s.segment, s.region")
    plan = " | ".join(str(row[-1]) for row in db.execute("EXPLAIN QUERY PLAN " + sql, [known]).fetchall())
    assert "SEARCH s USING" in plan and "(newsletter_id=?)" in plan and "newsletter_events_send" in plan, plan
    assert "SCAN s" not in plan.replace("SCAN s USING", "") and "SCAN e" not in plan, plan
