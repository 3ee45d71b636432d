"""`/account/points/scorecard`: a member sees their own company's scorecard only, in Russian and English,
with what would raise each score."""

from datetime import date

from portal.core.companies import find_or_create_company, get_company
from portal.points import scorecard_store, shipments
from portal.points.shipments_file import Row
from tests.points.helpers import inn
from tests.portal_fixtures import make_user, sign_in

YEAR = date.today().year - 1


def seed(app, company):
    """The member's company: 7.4 million roubles last year, two manual scores; another company scored higher."""
    db = app.state.portal.db
    db.execute("UPDATE companies SET inn = ? WHERE id = ?", [inn(111111111), company.id])
    other = find_or_create_company(db, "ООО «Чужой Свет»", inn(222222222))
    shipments.import_rows(db, [Row(2, inn(111111111), f"{YEAR}-04-01", "УПД-1", 7_400_000_00),
                               Row(3, inn(111111111), f"{YEAR + 1}-01-15", "УПД-2", 1_250_000_00),
                               Row(4, inn(222222222), f"{YEAR}-04-01", "УПД-3", 99_000_000_00)], "a.csv", 1.0)
    scorecard_store.record(db, company.id, YEAR, [scorecard_store.Entry("marketing", 2, "Внутренняя заметка"),
                                                  scorecard_store.Entry("novelty", 3)], "nonce-own-company", None, 1.0)
    scorecard_store.record(db, other.id, YEAR, [scorecard_store.Entry("service", 3, "Чужая заметка")],
                           "nonce-other-company", None, 1.0)
    return other


def test_the_member_sees_the_own_scorecard_with_what_would_raise_it(app, client, member, company):
    other = seed(app, company)
    response = client.get("/account/points/scorecard")
    text = response.text
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert f"Оценка компании {YEAR} — ООО «Свет-Монтаж»" in text
    assert f"Закупки за {YEAR} год: 7\u00a0400\u00a0000 ₽" in text
    assert "Балл 3 — от 15\u00a0000\u00a0000 ₽ закупок за год: не хватило 7\u00a0600\u00a0000 ₽." in text
    assert f"В {YEAR + 1} году уже закуплено на 1\u00a0250\u00a0000 ₽." in text
    assert f"Балл 1 — при стаже с нами от 1 г.: с 01.04.{YEAR + 1}." in text
    assert "Балл 3: Затраты выросли, отчёты сданы вовремя" in text        # marketing 2 → what 3 means
    assert "Наивысший балл." in text                                     # novelty at its top
    assert "не оценено (0)" in text and "Балл 1: Гарантийные случаи передаются на завод" in text  # service: none yet
    # 2 × 30 + 0 + 2 × 20 + 3 × 20 = 160 of 390 → 2.64 → 2 640 000
    assert "160 из 390" in text and "2,64" in text
    assert f"в {YEAR + 1} году в пределах 2\u00a0640\u00a0000 ₽" in text
    assert "Чужой Свет" not in text and "Чужая заметка" not in text and "99\u00a0000\u00a0000" not in text
    assert f"/account/points/scorecard?company={other.id}" not in text
    # the URL names no company: a company parameter is ignored, the card is still the member's own
    assert "Чужой Свет" not in client.get(f"/account/points/scorecard?company={other.id}").text


def test_english(app, client, member, company):
    seed(app, company)
    text = client.get("/account/points/scorecard?lang=en").text
    assert f"Company scorecard {YEAR}" in text and f"Purchases in {YEAR}: 7\u00a0400\u00a0000 ₽" in text
    assert "Score 3 from 15\u00a0000\u00a0000 ₽ of purchases a year: 7\u00a0600\u00a0000 ₽ short." in text
    assert "Score 3: Spend grew, reports handed in on time" in text and "The top score." in text and "2.64" in text
    assert f"Co-funded marketing budget cap for {YEAR + 1}" in text
    assert "Годовой оборот" not in text and "Балл" not in text


def test_a_colleague_sees_the_same_card(app, client, member, company):
    seed(app, company)
    colleague = make_user(app.state.portal.db, "ivan@svet-montazh.ru", member=True, name="Иван Петров")
    sign_in(client, colleague.email)
    assert "160 из 390" in client.get("/account/points/scorecard").text


def test_a_merged_duplicate_member_sees_the_survivor(app, client, member, company):
    from portal.core.companies import merge

    seed(app, company)
    survivor = find_or_create_company(app.state.portal.db, "ООО «Главный Свет»")
    merge(app.state.portal.db, company.id, survivor.id, None)
    assert get_company(app.state.portal.db, company.id).merged_into == survivor.id
    text = client.get("/account/points/scorecard").text
    assert "Главный Свет" in text


def test_without_a_company_the_page_says_how_to_join(client, registered):
    response = client.get("/account/points/scorecard")
    assert response.status_code == 200 and "Укажите в профиле компанию и телефон" in response.text


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/account/points/scorecard", follow_redirects=False).status_code == 303


def test_the_points_page_links_to_it(client, member, company):
    assert "/account/points/scorecard" in client.get("/account/points/").text


def test_a_wrong_config_does_not_show_its_details_to_partners(app, client, member, company):
    from portal.points.scorecard import PART

    app.state.portal.parts[PART] = ValueError("extra.club.points.scorecard.criteria[1].weight: secret detail")
    response = client.get("/account/points/scorecard")
    assert response.status_code == 503 and "secret detail" not in response.text
