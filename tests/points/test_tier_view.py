"""The tier where people see it: /account/points/ (tier, what it gives, the way to the next, every tier),
the cabinet card and the staff company page; in both languages."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from portal.app import create_app
from portal.core.companies import find_or_create_company
from portal.points import shipments, tiers
from portal.points.shipments_file import Row
from tests.points.helpers import inn
from tests.portal_fixtures import BASE_URL, make_user, sign_in, with_settings


def bought(db, roubles: int, number: int = 21, name: str = "ООО «Свет-Монтаж»") -> int:
    """One shipment of `roubles` in the middle of the tier's window (the 12 months before this one)."""
    start, _ = tiers.window(datetime.now(ZoneInfo("Europe/Moscow")).date())
    company = find_or_create_company(db, name, inn(number))
    shipments.import_rows(db, [Row(2, inn(number), start[:8] + "15", f"T-{number}", roubles * 100, "Драйверы")],
                          "t.csv", 0.0)
    return company.id


def text_of(html: str) -> str:
    return html.replace("\xa0", " ").replace("\u202f", " ")


def test_the_cabinet_shows_the_tier_and_the_way_to_the_next(app, client, member):
    bought(app.state.portal.db, 1_800_000)
    page = text_of(client.get("/account/points/").text)
    assert "Уровень партнёра: Партнёр" in page and "1 800 000 ₽" in page
    assert re.search(r'<progress id="p-tier-progress" max="100" value="60"', page)
    assert '<label for="p-tier-progress">Путь к уровню «Серебряный»</label>' in page
    assert "До уровня «Серебряный» осталось 1 200 000 ₽ закупок." in page
    assert "Баллы за каждую закупку" in page                       # what the tier gives
    assert "10 000 000" in page and "Золотой" in page              # every tier
    assert 'aria-current="true"' in page and "(ваш уровень)" in page
    assert 'href="/account/points/purchases"' in page
    card = client.get("/account/").text
    assert "Уровень: Партнёр" in card and 'href="/account/points/purchases"' in card


def test_the_top_tier_has_no_next(app, client, member):
    bought(app.state.portal.db, 10_000_000)
    page = client.get("/account/points/").text
    assert "Уровень партнёра: Золотой" in page and "Это высший уровень клуба." in page and "<progress" not in page


def test_english(app, client, member):
    db = app.state.portal.db
    bought(db, 3_000_000)
    user = make_user(db, "en@svet-montazh.ru", member=True)
    db.execute("UPDATE users SET language = 'en' WHERE id = ?", [user.id])
    sign_in(client, user.email)
    page = client.get("/account/points/").text
    assert "Partner tier: Silver" in page and "7,000,000 roubles of purchases more to reach Gold." in page
    assert "A personal club manager" in page and "Tier: Silver" in client.get("/account/").text


def test_staff_see_the_tier_on_the_company_page(app, manager):
    firm = bought(app.state.portal.db, 4_500_000, number=22, name="ООО «Другая»")
    page = text_of(manager.client.get(f"/staff/points/{firm}/").text)
    assert "Уровень партнёра: Серебряный" in page and "4 500 000 ₽" in page


def test_without_a_company_no_tier(client, registered):
    assert "Уровень: Партнёр" not in client.get("/account/").text
    assert "Уровень партнёра" not in client.get("/account/points/").text


def club_with(tmp_path, settings, old: str, new: str):
    """The app on a copy of the repository's mkdocs.yml with one text changed."""
    config = tmp_path / "mkdocs.yml"
    text = Path("mkdocs.yml").read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")
    application = create_app(with_settings(settings, club_config=config))
    return application, TestClient(application, base_url=BASE_URL)


def test_the_tiers_come_from_the_clubs_config(tmp_path, settings):
    application, client = club_with(tmp_path, settings, "from_roubles: 3000000", "from_roubles: 1000000")
    with client:
        db = application.state.portal.db
        user = make_user(db, "anna@svet-montazh.ru", member=True)
        bought(db, 1_800_000)
        sign_in(client, user.email)
        assert "Уровень партнёра: Серебряный" in client.get("/account/points/").text
    application.state.portal.db.conn.close()


def test_a_wrong_config_is_logged_and_the_defaults_shown(tmp_path, settings, caplog):
    application, client = club_with(tmp_path, settings, "from_roubles: 3000000", "from_roubles: lots")
    with client:
        db = application.state.portal.db
        user = make_user(db, "anna@svet-montazh.ru", member=True)
        bought(db, 3_000_000)
        sign_in(client, user.email)
        assert "Уровень партнёра: Серебряный" in client.get("/account/points/").text
    application.state.portal.db.conn.close()
    assert "extra.club.points.tiers[2].from_roubles" in caplog.text
