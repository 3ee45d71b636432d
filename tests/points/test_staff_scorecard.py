"""Staff's scorecard pages: who may see them, the form (bad input named and kept, a double submit one row),
the append-only table, the overview and its CSV read back."""

import csv
import io
import re
import sqlite3
from datetime import date

import pytest

from portal.core.companies import find_or_create_company, merge
from portal.points import scorecard_store, shipments
from portal.points.scorecard import PART
from portal.points.shipments_file import Row
from tests.points.helpers import inn
from tests.portal_fixtures import csrf_of

YEAR = date.today().year - 1  # the scoring year the pages open on


def nonce_of(html: str) -> str:
    return re.search(r'name="nonce" value="([^"]+)"', html).group(1)


def post(person, company_id: int, year: int = YEAR, **data):
    page = person.client.get(f"/staff/points/{company_id}/scorecard?year={year}").text
    form = {"csrf": csrf_of(page), "nonce": nonce_of(page), "year": str(year), "score_marketing": "",
            "score_novelty": "", "score_service": "", "note_marketing": "", "note_novelty": "", "note_service": "",
            **data}
    return person.client.post(f"/staff/points/{company_id}/scorecard", data=form, follow_redirects=False), form


@pytest.fixture
def firm(app):
    db = app.state.portal.db
    found = find_or_create_company(db, "ООО «Свет-Монтаж»", inn(111111111))
    shipments.import_rows(db, [Row(2, inn(111111111), f"{YEAR}-04-01", "УПД-1", 7_400_000_00)], "a.csv", 1.0)
    return found


def rows(db, company_id):
    return db.execute("SELECT criterion_id, score, note FROM points_scores WHERE company_id = ? ORDER BY id",
                      [company_id]).fetchall()


def test_the_page_shows_data_criteria_and_a_form_for_the_manual_ones(manager, firm):
    response = manager.client.get(f"/staff/points/{firm.id}/scorecard")
    text = response.text
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert f"Оценка компании {YEAR}" in text and "7\u00a0400\u00a0000 ₽" in text and "2 из 5" in text
    assert 'name="score_service"' in text and "Свой сервис: замена и ремонт на месте" in text
    assert f"Лимит софинансирования маркетинга на {YEAR + 1} год" in text
    assert 'name="score_turnover"' not in text  # data criteria are not typed in


def test_saving_scores_then_the_history_names_who(app, manager, firm):
    response, _ = post(manager, firm.id, score_marketing="2", note_marketing="Отчёты за четыре квартала",
                       score_novelty="3")
    assert response.status_code == 303 and response.headers["location"].endswith(f"?year={YEAR}&notice=saved")
    assert rows(app.state.portal.db, firm.id) == [("marketing", 2, "Отчёты за четыре квартала"), ("novelty", 3, "")]
    page = manager.client.get(f"/staff/points/{firm.id}/scorecard?year={YEAR}").text
    assert "Ольга Кураторова" in page and "Отчёты за четыре квартала" in page
    assert "от 1 (ни одного балла) до 5" in page and "коэффициент × 1\u00a0000\u00a0000 ₽" in page
    # 2 × 30 (7.4 million) + 0 years + 2 × 20 + 3 × 20 = 160 of 390: 1 + 4 × 160/390 = 2.64
    assert "160 из 390" in page and "2,64" in page and "2\u00a0640\u00a0000 ₽" in page
    again, _ = post(manager, firm.id, score_marketing="1", note_marketing="Исправлено", score_novelty="3")
    assert again.status_code == 303
    assert rows(app.state.portal.db, firm.id)[-1] == ("marketing", 1, "Исправлено")  # a new row, not an edit
    assert len(rows(app.state.portal.db, firm.id)) == 3


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("score_service", "7", "от 0 до 3"), ("score_service", "abc", "от 0 до 3"), ("score_service", "-1", "от 0 до 3"),
    ("score_service", "²", "от 0 до 3"), ("score_bogus", "1", "Критерия «bogus» в оценке нет"),
    ("score_turnover", "5", "Критерия «turnover» в оценке нет"), ("note_novelty", "Без балла", "Выберите балл")])
def test_bad_input_comes_back_named_and_kept(app, manager, firm, field, value, problem):
    response, _ = post(manager, firm.id, score_marketing="2", note_marketing="Оставить как было", **{field: value})
    assert response.status_code == 400 and problem in response.text
    assert "Оставить как было" in response.text and 'value="2" selected' in response.text
    assert rows(app.state.portal.db, firm.id) == []


def test_odd_forms_are_400_never_500(app, manager, firm):
    for change in ({"nonce": "short"}, {"year": "1999"}, {"year": "²"}, {"year": "x" * 20}):
        response, _ = post(manager, firm.id, score_service="1", **change)
        assert response.status_code == 400
    assert rows(app.state.portal.db, firm.id) == []


def test_a_double_submit_is_one_row(app, manager, firm):
    response, form = post(manager, firm.id, score_service="3", note_service="Сервисный центр")
    again = manager.client.post(f"/staff/points/{firm.id}/scorecard", data=form, follow_redirects=False)
    assert response.status_code == again.status_code == 303
    assert rows(app.state.portal.db, firm.id) == [("service", 3, "Сервисный центр")]


def test_a_replayed_nonce_after_a_change_writes_nothing_new(app, manager, firm):
    db = app.state.portal.db
    scorecard_store.record(db, firm.id, YEAR, [scorecard_store.Entry("service", 3)], "the-same-nonce-123", None, 1.0)
    scorecard_store.record(db, firm.id, YEAR, [scorecard_store.Entry("service", 1)], "another-nonce-4567", None, 2.0)
    assert scorecard_store.record(db, firm.id, YEAR, [scorecard_store.Entry("service", 3)], "the-same-nonce-123",
                                  None, 3.0) == 0
    assert scorecard_store.latest(db, firm.id, YEAR)["service"].score == 1


def test_the_table_refuses_update_and_delete(db, firm):
    scorecard_store.record(db, firm.id, 2025, [scorecard_store.Entry("service", 2)], "nonce-for-trigger", None, 1.0)
    for statement in ("UPDATE points_scores SET score = 3", "DELETE FROM points_scores"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT score FROM points_scores").fetchall() == [(2,)]


def test_only_staff(app, client, member, company):
    for path in (f"/staff/points/{company.id}/scorecard", "/staff/points/scorecard/", "/staff/points/scorecard.csv"):
        assert client.get(path).status_code == 403
    page = client.get("/account/").text
    response = client.post(f"/staff/points/{company.id}/scorecard", data={"csrf": csrf_of(page), "nonce": "a" * 20,
                                                                          "year": str(YEAR), "score_service": "3"})
    assert response.status_code == 403 and rows(app.state.portal.db, company.id) == []


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/staff/points/scorecard/", follow_redirects=False).status_code == 303


def test_unknown_company_is_404_and_a_merged_one_leads_to_its_survivor(app, manager, firm):
    assert manager.client.get("/staff/points/999999/scorecard").status_code == 404
    duplicate = find_or_create_company(app.state.portal.db, "ООО «Свет Монтаж Дубль»")
    merge(app.state.portal.db, duplicate.id, firm.id, None)
    response = manager.client.get(f"/staff/points/{duplicate.id}/scorecard", follow_redirects=False)
    assert response.headers["location"] == f"/staff/points/{firm.id}/scorecard"


def test_without_csrf_nothing_is_written(app, manager, firm):
    response = manager.client.post(f"/staff/points/{firm.id}/scorecard",
                                   data={"nonce": "a" * 20, "year": str(YEAR), "score_service": "3"})
    assert response.status_code in (400, 403) and rows(app.state.portal.db, firm.id) == []


def test_a_wrong_config_is_named_to_staff_not_a_500(app, manager, firm):
    app.state.portal.parts[PART] = ValueError("extra.club.points.scorecard.criteria[1].weight: a whole number")
    response = manager.client.get(f"/staff/points/{firm.id}/scorecard")
    assert response.status_code == 503 and "criteria[1].weight" in response.text
    assert manager.client.get("/staff/points/scorecard/").status_code == 503


def test_the_overview_sorts_and_exports(app, manager, firm):
    db = app.state.portal.db
    other = find_or_create_company(db, "ООО «Альфа Свет»", inn(222222222))
    post(manager, firm.id, score_service="3")
    page = manager.client.get(f"/staff/points/scorecard/?year={YEAR}").text
    assert page.index("Свет-Монтаж") < page.index("Альфа Свет")  # the higher total first
    by_name = manager.client.get(f"/staff/points/scorecard/?year={YEAR}&sort=name").text
    assert by_name.index("Альфа Свет") < by_name.index("Свет-Монтаж")
    assert manager.client.get("/staff/points/scorecard/?year=²&sort=x").status_code == 200
    response = manager.client.get(f"/staff/points/scorecard.csv?year={YEAR}")
    assert response.headers["content-type"].startswith("text/csv") and response.headers["cache-control"] == "no-store"
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Компания", "ИНН", "Годовой оборот"] and table[0][-1].endswith(f"{YEAR + 1} год")
    found = {row[0]: row for row in table[1:]}
    # Свет-Монтаж: 2 × 30 + 0 + 0 + 0 + 3 × 15 = 105 of 390: 1 + 4 × 105/390 = 2.0769… → 2,08
    assert found["ООО «Свет-Монтаж»"][2:] == ["2", "0", "", "", "3", "105", "2,08", "2080000"]
    assert found[other.name][-3:] == ["0", "1,00", "1000000"]


def test_a_name_like_a_formula_is_exported_as_text(app, manager):
    find_or_create_company(app.state.portal.db, '=HYPERLINK("http://evil.example")')
    table = list(csv.reader(io.StringIO(manager.client.get("/staff/points/scorecard.csv").content.decode("utf-8-sig")),
                            delimiter=";"))
    assert [row[0] for row in table[1:]] == ["'=HYPERLINK(\"http://evil.example\")"]


def test_the_company_page_links_to_the_scorecard(manager, firm):
    assert f"/staff/points/{firm.id}/scorecard" in manager.client.get(f"/staff/points/{firm.id}/").text
    assert "/staff/points/scorecard/" in manager.client.get("/staff/points/").text


@pytest.mark.slow
def test_the_same_form_posted_at_once_through_two_workers_is_one_row(settings):
    """Real HTTP, two uvicorn workers on one SQLite file: four copies of one form at the same moment."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from portal.core.db import connect
    from tests.live_portal import live_portal, sign_in
    from tests.portal_fixtures import make_user

    db = connect(settings.database)
    try:
        firm = find_or_create_company(db, "ООО «Гонка»").id
        email = make_user(db, "staff@club.example", role="staff").email
    finally:
        db.conn.close()
    env = {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
           "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
           "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}
    page, copies = f"/staff/points/{firm}/scorecard", 4
    with live_portal(env, workers=2) as live, live.client() as client:
        assert sign_in(client, email).status_code == 303
        html = client.get(page).text
        form = {"csrf": csrf_of(html), "nonce": nonce_of(html), "year": str(YEAR), "score_service": "2",
                "note_service": "Гонка", "score_marketing": "1"}
        start = threading.Barrier(copies)

        def send(_):
            start.wait()
            return client.post(page, data=form).status_code

        with ThreadPoolExecutor(copies) as pool:
            assert set(pool.map(send, range(copies))) == {303}
    db = connect(settings.database)
    try:
        assert sorted(rows(db, firm)) == [("marketing", 1, ""), ("service", 2, "Гонка")]
    finally:
        db.conn.close()
