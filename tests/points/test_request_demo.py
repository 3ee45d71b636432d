"""The request demo: the demo companies' requests in every kind of state, once, with a real PDF result."""

import time

from portal.accounts.demo import seed_demo_people
from portal.companies.demo import seed_demo_companies
from portal.core.companies import find_company
from portal.points import demo, ledger, request_demo, requests, result_files
from portal.web import uploads


def test_the_demo_club_gets_requests_in_different_states_once(db, settings):
    seed_demo_people(db)
    seed_demo_companies(db)
    demo.seed_demo_points(db)
    said = request_demo.seed_demo_requests(db, settings)
    assert said == "points: 4 demo privilege requests"
    svet = find_company(db, "Свет-Монтаж")
    states = {r.privilege_name: r.state for r in requests.for_company(db, svet.id)}
    assert states == {"Коммерческое предложение": "done", "Копирайтинг": "confirmed",
                      "Расчёт освещения вне очереди": "requested"}
    [lux] = requests.for_company(db, find_company(db, "Проект Люкс").id)
    assert lux.state == "rejected" and "Квота" in requests.history(db, lux.id)[-1].note
    done = next(r for r in requests.for_company(db, svet.id) if r.state == "done")
    [pdf] = requests.files(db, done.id)
    data = (uploads.folder(settings, result_files.POLICY) / pdf.stored_name).read_bytes()
    assert data.startswith(b"%PDF-") and uploads.sniff(data) == "application/pdf"
    assert ledger.balance(db, svet.id, time.time()).held == 1200 + 800
    assert ledger.verify(db) == []
    assert request_demo.seed_demo_requests(db, settings) is None  # a second start adds nothing


def test_not_the_demo_club_gets_nothing(db, settings):
    assert request_demo.seed_demo_requests(db, settings) is None
