"""`/staff/points/unmatched/`: the lines kept aside under unknown INNs, attached to a company from the page;
a warning that needs the tick, bad input named with the input kept, double submits and a race attach once,
and the page says what becomes of the points month by month."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from portal.core.companies import find_or_create_company
from portal.core.db import connect
from portal.points import accrual, shipments, unmatched_pages
from portal.points.shipments_file import Row
from tests.live_portal import live_portal, sign_in
from tests.points.helpers import inn
from tests.portal_fixtures import csrf_of, make_user

PAGE = "/staff/points/unmatched/"
STRANGER = inn(555000111)
OTHER = inn(555000222)
RECENT = date.today().strftime("%Y-%m")  # the current month: the job accrues it next month


def keep(db, rows, file="nov.csv"):
    report = shipments.import_rows(db, rows, file, 1_000.0, by="cli:test")
    assert report.unmatched == len(rows)


@pytest.fixture
def kept(app):
    """Two lines kept aside under STRANGER (this month), one under OTHER; a company to give them to."""
    db = app.state.portal.db
    keep(db, [Row(5, STRANGER, f"{RECENT}-03", "УПД-1", 1_840_000_50), Row(9, STRANGER, f"{RECENT}-01", "УПД-2", 50_00),
              Row(12, OTHER, f"{RECENT}-02", "УПД-3", 10_00)])
    return find_or_create_company(db, "ООО «Новый Свет»")


def form_of(html: str, inn_: str) -> dict:
    """The csrf and one-time value of the INN's form."""
    block = html[html.index(f'id="inn-{inn_}"'):]
    return {"csrf": csrf_of(html), "nonce": re.search(r'name="nonce" value="([^"]+)"', block).group(1), "inn": inn_}


def attach(person, inn_=STRANGER, **data):
    form = {**form_of(person.client.get(PAGE).text, inn_), **data}
    return person.client.post(PAGE + "attach", data=form, follow_redirects=False), form


def test_the_list_and_the_badge(manager, kept):
    page = manager.client.get(PAGE)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert text.index(STRANGER) < text.index(OTHER)  # the most lines first
    assert "1\u202f840\u202f050,50" in text and f"{RECENT}-01 — {RECENT}-03" in text
    assert "nov.csv:5, nov.csv:9" in text and "nov.csv:12" in text
    assert "контрольных цифр" not in text
    search = manager.client.get("/staff/points/").text
    assert 'href="/staff/points/unmatched/"' in search and '<span class="f-badge">2</span>' in search


def test_attach_by_name_then_the_result_and_later_imports_follow(app, manager, kept):
    response, form = attach(manager, company="новый свет")
    assert response.status_code == 303
    assert response.headers["location"] == f"{PAGE}?inn={STRANGER}&form={form['nonce']}"
    result = manager.client.get(response.headers["location"]).text
    assert f"ИНН {STRANGER}: 2 стр. на 1\u202f840\u202f050,50 ₽ привязано к компании ООО «Новый Свет»." in result
    assert f"{RECENT}: баллы за эти строки начислятся при ближайшем" in result
    assert f'id="inn-{STRANGER}"' not in result and f'id="inn-{OTHER}"' in result
    db = app.state.portal.db
    assert [row[0] for row in shipments.kept_aside(db)] == [OTHER]
    assert shipments.month_totals(db, RECENT)[0][0] == kept.id
    later = shipments.import_rows(db, [Row(2, STRANGER, f"{RECENT}-05", "УПД-9", 100)], "dec.csv", 2_000.0)
    assert (later.new, later.unmatched) == (1, 0)
    assert '<span class="f-badge">1</span>' in manager.client.get("/staff/points/").text


def test_by_inn_or_id(app, manager, kept):
    assert attach(manager, company=f"#{kept.id}")[0].status_code == 303
    owner = find_or_create_company(app.state.portal.db, "ООО «Свой ИНН»", OTHER)
    assert attach(manager, OTHER, company=OTHER)[0].status_code == 303  # its own INN: no warning
    db = app.state.portal.db
    assert shipments.kept_aside(db) == []
    assert {row[0] for row in shipments.month_totals(db, RECENT)} == {kept.id, owner.id}


@pytest.mark.parametrize(("company", "problem"), [("", "Укажите компанию"), ("   ", "Укажите компанию"),
                                                  ("Нет такой", "Компания «Нет такой» не найдена"),
                                                  ("#999999", "Компания «#999999» не найдена")])
def test_bad_input_is_named_and_kept(app, manager, kept, company, problem):
    response, _ = attach(manager, company=company)
    assert response.status_code == 400
    assert problem in response.text and f'value="{company.strip()}"' in response.text
    assert len(shipments.kept_aside(app.state.portal.db)) == 2


def test_another_inn_on_record_needs_the_tick_for_that_company(app, manager, kept):
    elsewhere = find_or_create_company(app.state.portal.db, "ООО «Чужой ИНН»", inn(777000111))
    response, form = attach(manager, company="чужой инн")
    assert response.status_code == 400
    assert f"другой ИНН: {inn(777000111)}" in response.text and "Проверьте и отметьте" in response.text
    assert f'name="confirm" value="{elsewhere.id}"' in response.text and 'value="чужой инн"' in response.text
    # A tick for another company (the name changed after the warning) confirms nothing.
    wrong = manager.client.post(PAGE + "attach", data={**form, "confirm": str(kept.id)}, follow_redirects=False)
    assert wrong.status_code == 400 and len(shipments.kept_aside(app.state.portal.db)) == 2
    fresh = form_of(response.text, STRANGER)
    done = manager.client.post(PAGE + "attach", data={**fresh, "company": "чужой инн", "confirm": str(elsewhere.id)},
                               follow_redirects=False)
    assert done.status_code == 303
    assert [row[0] for row in shipments.kept_aside(app.state.portal.db)] == [OTHER]


def test_an_inn_that_fails_its_check_digits_is_flagged_and_needs_the_tick(app, manager, kept):
    db, bad = app.state.portal.db, "7707083890"  # kept by an older import that did not check the digits
    db.conn.execute("INSERT INTO points_shipments (company_id, inn, doc_date, document, amount_kopecks, kind, file, "
                    "line, imported_at) VALUES (NULL, ?, ?, 'УПД-7', 100, 'shipment', 'old.csv', 3, 0)",
                    [bad, f"{RECENT}-04"])
    db.conn.commit()
    page = manager.client.get(PAGE).text
    assert "ИНН не проходит проверку контрольных цифр" in page[page.index(f'id="inn-{bad}"'):]
    response, form = attach(manager, bad, company="новый свет")
    assert response.status_code == 400 and f"ИНН {bad} не проходит проверку" in response.text
    again = manager.client.post(PAGE + "attach", data={**form_of(response.text, bad), "company": "новый свет",
                                                        "confirm": str(kept.id)}, follow_redirects=False)
    assert again.status_code == 303


def test_a_double_submit_attaches_once_and_both_land_on_the_result(app, manager, kept):
    response, form = attach(manager, company="новый свет")
    again = manager.client.post(PAGE + "attach", data=form, follow_redirects=False)
    assert response.status_code == again.status_code == 303
    assert again.headers["location"] == response.headers["location"]
    rows = app.state.portal.db.execute("SELECT count(*) FROM points_shipments WHERE inn = ?", [STRANGER]).fetchone()
    assert rows[0] == 2 + 2 * 2  # the two kept lines, one reversal and one new row each: once


def test_someone_else_attached_it_meanwhile(app, manager, kept):
    stale = form_of(manager.client.get(PAGE).text, STRANGER)  # a page open in another tab
    assert attach(manager, company="новый свет")[0].status_code == 303
    other = find_or_create_company(app.state.portal.db, "ООО «Другая»")
    response = manager.client.post(PAGE + "attach", data={**stale, "company": "другая"}, follow_redirects=False)
    assert response.status_code == 409
    assert f"Строк с ИНН {STRANGER} больше нет среди нераспознанных" in response.text and "«другая»" in response.text
    db = app.state.portal.db
    assert db.execute("SELECT company_id FROM points_inn_matches WHERE inn = ?", [STRANGER]).fetchone()[0] == kept.id
    assert other.id not in {row[0] for row in shipments.month_totals(db, RECENT)}


@pytest.mark.parametrize("data", [{"nonce": "short"}, {"inn": "77-01"}, {"inn": "1" * 13}, {"nonce": "x" * 101}])
def test_tampered_hidden_fields_are_a_400(manager, kept, data):
    response, _ = attach(manager, company="новый свет", **data)
    assert response.status_code == 400


def test_a_result_link_that_matches_nothing_shows_the_list(manager, kept):
    for query in ({"inn": STRANGER, "form": "a" * 20}, {"inn": "<b>", "form": "x"}):
        page = manager.client.get(PAGE, params=query)
        assert page.status_code == 200 and "привязано к компании" not in page.text


def test_only_staff(app, client, member, kept):
    assert client.get(PAGE).status_code == 403
    token = csrf_of(client.get("/account/").text)
    refused = client.post(PAGE + "attach", data={"csrf": token, "inn": STRANGER, "company": "x", "nonce": "a" * 20})
    assert refused.status_code == 403 and len(shipments.kept_aside(app.state.portal.db)) == 2


def test_anonymous_is_sent_to_sign_in(client, kept):
    assert client.get(PAGE, follow_redirects=False).status_code in (302, 303)


def test_the_months_outcomes(db):
    firm = find_or_create_company(db, "ООО «Месяцы»", inn(101010101)).id
    shipments.import_rows(db, [Row(2, inn(101010101), "2026-10-10", "A", 600_000_00)], "s.csv", 0.0)
    accrual.accrue(db, "2026-10", accrual.Rule(), 0.0)  # 1200 points for 600,000 roubles
    keep(db, [Row(3, STRANGER, "2026-10-20", "B", 400_000_00), Row(4, STRANGER, "2026-09-01", "C", 1_00),
              Row(5, STRANGER, "2026-11-02", "D", 1_00)], file="late.csv")
    attached = shipments.attach_kept(db, STRANGER, firm, 1.0, "staff:1 form:abc")
    assert attached == shipments.Attached(3, 400_002_00, ("2026-09", "2026-10", "2026-11"), firm)
    found = unmatched_pages.outcomes(db, firm, attached.months, accrual.Rule(), date(2026, 12, 3))
    assert [(o.month, o.state, o.missing) for o in found] == [
        ("2026-09", "command", None), ("2026-10", "accrued", 800), ("2026-11", "next", None)]
    assert unmatched_pages.outcomes(db, firm, ("2026-10",), None, date(2026, 12, 3))[0].missing is None
    assert shipments.attached_by(db, STRANGER, " form:abc") == attached
    assert shipments.attach_kept(db, STRANGER, firm, 2.0, "staff:1 form:def").lines == 0
    assert shipments.attached_by(db, STRANGER, " form:def") is None


def test_an_accrued_month_is_named_on_the_page(app, manager, kept):
    db = app.state.portal.db
    shipments.import_rows(db, [Row(2, "7707083893", f"{RECENT}-10", "A", 600_000_00)], "s.csv", 0.0)
    firm = find_or_create_company(db, "ООО «Начислено»", "7707083893")
    shipments.attach(db, "7707083893", firm.id, 0.5)
    accrual.accrue(db, RECENT, accrual.Rule(), 1.0)
    response, _ = attach(manager, company="7707083893", confirm=str(firm.id))
    text = manager.client.get(response.headers["location"]).text
    assert f"{RECENT}: за этот месяц компании баллы уже начислены" in text and "на 3680 балл. больше" in text


@pytest.mark.slow
def test_two_staff_and_a_double_click_at_once_attach_once(settings):
    """Through real HTTP and two uvicorn workers: two staff members' forms for one INN and one of them pressed
    twice, all at the same moment: the lines are attached once, to one company; nobody gets a 500."""
    db = connect(settings.database)
    try:
        keep(db, [Row(5, STRANGER, f"{RECENT}-03", "УПД-1", 1_000_00)])
        for name in ("ООО «Первая»", "ООО «Вторая»"):
            find_or_create_company(db, name)
        emails = [make_user(db, f"staff{i}@club.example", role="staff").email for i in range(2)]
    finally:
        db.conn.close()
    env = {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
           "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
           "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}
    with live_portal(env, workers=2) as live:
        clients = [live.client() for _ in emails]
        try:
            forms = []
            for client, email, company in zip(clients, emails, ("первая", "вторая"), strict=True):
                assert sign_in(client, email).status_code == 303
                forms.append({**form_of(client.get(PAGE).text, STRANGER), "company": company})
            plan = [(0, forms[0]), (0, forms[0]), (1, forms[1])]
            start = threading.Barrier(len(plan))

            def press(step):
                start.wait()
                return clients[step[0]].post(PAGE + "attach", data=step[1], follow_redirects=False).status_code

            with ThreadPoolExecutor(len(plan)) as pool:
                codes = list(pool.map(press, plan))
        finally:
            for client in clients:
                client.close()
    assert set(codes) <= {303, 409} and 303 in codes
    db = connect(settings.database)
    try:
        assert db.execute("SELECT count(*) FROM points_shipments WHERE kind = 'shipment'").fetchone()[0] == 2
        assert shipments.kept_aside(db) == []
        # the double click is never the 409: one of its presses did it, or both lost to the other staff member
        assert codes[:2] in ([303, 303], [409, 409]) and (codes[2] == 409) == (codes[:2] == [303, 303])
    finally:
        db.conn.close()


def test_in_english(manager, kept):
    page = manager.client.get(PAGE, params={"lang": "en"}).text
    assert "Shipments with an unknown INN" in page and ">Attach</button>" in page
    response, form = attach(manager, company="новый свет")
    result = manager.client.get(response.headers["location"]).text
    assert f"INN {STRANGER}: 2 line(s), 1\u202f840\u202f050,50 RUB, attached to ООО «Новый Свет»." in result
    assert f"{RECENT}: these lines count in the next monthly accrual." in result
    assert "Unknown INNs" in manager.client.get("/staff/points/").text


def test_an_inn_in_the_customer_register_is_named(app, manager, kept):
    from portal.points import customers
    from portal.points.customers_file import Customer

    customers.import_rows(app.state.portal.db, [Customer(2, OTHER, "ООО «Чужой свет»", "installers", "central", None)],
                          "r.csv", 1.0)
    text = manager.client.get(PAGE).text
    block = text[text.index(f'id="inn-{OTHER}"'):]
    assert "В реестре клиентов производителя: ООО «Чужой свет»" in block
    assert "В реестре клиентов производителя" not in text[text.index(f'id="inn-{STRANGER}"'):text.index(
        f'id="inn-{OTHER}"')]
