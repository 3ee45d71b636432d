"""`club points requests`: the open requests by default, one line each; --state picks others."""

import time

from portal.cli import main
from portal.core.companies import find_or_create_company
from portal.points import ledger, requests
from tests.points.test_cli import club_db  # noqa: F401 - the fixture
from tests.portal_fixtures import make_user


def test_open_requests_are_listed_and_a_state_can_be_chosen(club_db, capsys):  # noqa: F811
    firm = find_or_create_company(club_db, "ООО «Свет-Монтаж»").id
    rep = make_user(club_db, "rep@svet.example")
    ledger.earn(club_db, firm, 5000, reason="accrual", source="accrual:2026-11", now=time.time())
    made = [requests.create(club_db, company_id=firm, privilege_id="kp", privilege_name=name, cost=1000,
                            task="Задача", by_id=rep.id, nonce=f"{name}-nonce-0000", now=time.time())
            for name in ("Коммерческое предложение", "Копирайтинг")]
    requests.change(club_db, made[1], "rejected", seen_seq=1, by_id=None, now=time.time(), note="нет")
    assert main(["points", "requests"]) == 0
    out = capsys.readouterr().out
    assert f"#{made[0]:<6} requested" in out and "ООО «Свет-Монтаж» — Коммерческое предложение (1000)" in out
    assert "Копирайтинг" not in out and "1 open request\n" in out
    assert main(["points", "requests", "--state", "rejected"]) == 0
    assert "Копирайтинг" in capsys.readouterr().out
