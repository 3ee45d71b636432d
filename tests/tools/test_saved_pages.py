"""Saved calculations over HTTP: save under a project, the list, one, print, delete; IDOR; double submit."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from portal.tools import store
from tests.portal_fixtures import BASE_URL, csrf_of
from tests.tools.test_pages import CABLE, ROOM


def save_form(client, page: str) -> dict:
    """The save form's hidden fields as the calculator page rendered them (as a browser would send them)."""
    html = client.get(page).text
    form = html.split('action="/tools/save"')[1].split("</form>")[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert fields["csrf"] == csrf_of(html)
    return fields


def save(client, page: str, project: str = "Школа №5 — спортзал", **changes):
    data = {**save_form(client, page), "project": project, **changes}
    return client.post("/tools/save", data=data, follow_redirects=False)


def saved_id(response) -> int:
    assert response.status_code == 303, response.text
    return int(re.search(r"/tools/saved/(\d+)", response.headers["location"]).group(1))


def test_a_member_saves_a_lumen_calculation_and_finds_it_by_project(member, app, catalogue):
    page = "/tools/room/?" + "&".join(f"{k}={v}" for k, v in {**ROOM, "sku": "OL-36"}.items())
    number = saved_id(save(member.client, page))
    item = store.get(app.state.portal.db, number, member.user.id)
    assert item.kind == "lumen" and item.sku == "OL-36" and item.project == "Школа №5 — спортзал"
    assert item.inputs["length"] == "10" and item.results["count"] >= 1 and item.results["flux"] == 3200
    shown = member.client.get(f"/tools/saved/{number}?notice=saved")
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert "Расчёт сохранён." in shown.text
    listing = member.client.get("/tools/saved/").text
    assert "Школа №5 — спортзал" in listing and f'href="/tools/saved/{number}"' in listing


def test_the_saved_lumen_calculation_turns_into_an_order_or_a_request_for_advice(member, catalogue):
    page = "/tools/room/?" + "&".join(f"{k}={v}" for k, v in {**ROOM, "flux": "", "sku": "OL-36"}.items())
    number = saved_id(save(member.client, page))
    html = member.client.get(f"/tools/saved/{number}").text
    order = html.split('action="/orders/cart/add"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', order))
    count = int(re.search(r'data-out="count">(\d+)<', html).group(1))
    assert fields == {"csrf": csrf_of(html), "sku": "OL-36", "quantity": str(count), "source": f"tools:{number}",
                      "next": "/orders/cart/"}
    advice = re.search(r'href="(/feedback/new\?[^"]+)"', html).group(1).replace("&amp;", "&")
    form = member.client.get(advice).text
    assert '<option value="advice" selected>' in form and f'value="/tools/saved/{number}"' in form


def test_a_manual_flux_calculation_has_no_order_button(member):
    number = saved_id(save(member.client, "/tools/room/?" + "&".join(f"{k}={v}" for k, v in ROOM.items())))
    assert "/orders/cart/add" not in member.client.get(f"/tools/saved/{number}").text


def test_a_cable_calculation_is_saved_and_printed(member):
    page = "/tools/cable/?" + "&".join(f"{k}={v}" for k, v in CABLE.items())
    number = saved_id(save(member.client, page, project="Склад — линия ворот"))
    printed = member.client.get(f"/tools/saved/{number}/print")
    assert printed.status_code == 200 and printed.headers["cache-control"] == "no-store"
    assert "Склад — линия ворот" in printed.text and "1.22" in printed.text
    assert 'class="p-header"' not in printed.text and "<form" not in printed.text  # a clean page
    assert "60364-5-52" in printed.text  # the method is stated on paper too


def test_saving_checks_the_inputs_again_and_keeps_them(member):
    page = "/tools/room/?" + "&".join(f"{k}={v}" for k, v in ROOM.items())
    response = save(member.client, page, length="ten")
    assert response.status_code == 400 and 'value="ten"' in response.text and 'id="e-length"' in response.text
    assert 'value="Школа №5 — спортзал"' in response.text
    no_name = save(member.client, page, project="   ")
    assert no_name.status_code == 400 and 'id="e-project"' in no_name.text
    long_name = save(member.client, page, project="П" * 121)
    assert long_name.status_code == 400 and 'id="e-project"' in long_name.text


def test_a_broken_save_form_is_refused(member):
    page = "/tools/room/?" + "&".join(f"{k}={v}" for k, v in ROOM.items())
    assert save(member.client, page, kind="bribe").status_code == 400
    assert save(member.client, page, nonce="short").status_code == 400
    fields = save_form(member.client, page)
    assert member.client.post("/tools/save", data={**fields, "csrf": "forged", "project": "x"}).status_code == 403


def test_a_double_submit_saves_one_calculation(member, app):
    page = "/tools/cable/?" + "&".join(f"{k}={v}" for k, v in CABLE.items())
    data = {**save_form(member.client, page), "project": "Цех 2"}
    first = member.client.post("/tools/save", data=data, follow_redirects=False)
    second = member.client.post("/tools/save", data=data, follow_redirects=False)
    assert first.headers["location"] == second.headers["location"]
    assert store.count_of(app.state.portal.db, member.user.id) == 1


def test_another_persons_calculation_does_not_exist_for_them(member, stranger, app):
    page = "/tools/cable/?" + "&".join(f"{k}={v}" for k, v in CABLE.items())
    mine = saved_id(save(member.client, page))
    theirs = saved_id(save(stranger, page, project="Чужой проект"))
    for number in range(1, theirs + 3):  # walk the ids: only one's own answers
        for path in (f"/tools/saved/{number}", f"/tools/saved/{number}/print"):
            assert stranger.get(path).status_code == (200 if number == theirs else 404), path
        if number != theirs:
            csrf = csrf_of(stranger.get("/tools/saved/").text)
            deleted = stranger.post(f"/tools/saved/{number}/delete", data={"csrf": csrf}, follow_redirects=False)
            assert deleted.status_code == 404
    assert "Чужой проект" not in member.client.get("/tools/saved/").text
    assert store.get(app.state.portal.db, mine, member.user.id) is not None  # the walk deleted nothing


def test_a_member_deletes_their_calculation(member, app):
    page = "/tools/cable/?" + "&".join(f"{k}={v}" for k, v in CABLE.items())
    number = saved_id(save(member.client, page))
    csrf = csrf_of(member.client.get(f"/tools/saved/{number}").text)
    response = member.client.post(f"/tools/saved/{number}/delete", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/tools/saved/?notice=deleted"
    assert member.client.get(f"/tools/saved/{number}").status_code == 404
    again = member.client.post(f"/tools/saved/{number}/delete", data={"csrf": csrf}, follow_redirects=False)
    assert again.status_code == 404


def test_saved_pages_are_for_members(app, registered):
    assert registered.client.get("/tools/saved/").status_code == 403
    with TestClient(app, base_url=BASE_URL) as anonymous:
        assert anonymous.get("/tools/saved/", follow_redirects=False).status_code == 303


def test_the_cabinet_card_counts_saved_calculations(member):
    page = "/tools/cable/?" + "&".join(f"{k}={v}" for k, v in CABLE.items())
    saved_id(save(member.client, page))
    assert "Сохранённых расчётов: 1" in member.client.get("/account/").text


def test_the_calculations_are_in_the_members_data_download(member):
    page = "/tools/cable/?" + "&".join(f"{k}={v}" for k, v in CABLE.items())
    saved_id(save(member.client, page, project="Для выгрузки"))
    data = member.client.get("/account/export").json()
    assert [item["project"] for item in data["tools_calculations"]] == ["Для выгрузки"]


def test_staff_answering_advice_read_the_calculation_but_do_not_act_on_it(member, manager, app):
    page = "/tools/room/?" + "&".join(f"{k}={v}" for k, v in {**ROOM, "sku": ""}.items())
    number = saved_id(save(member.client, page, project="Нужен совет"))
    shown = manager.client.get(f"/tools/saved/{number}")
    assert shown.status_code == 200 and "Нужен совет" in shown.text
    assert "/delete" not in shown.text and "/feedback/new?" not in shown.text
    assert manager.client.get(f"/tools/saved/{number}/print").status_code == 200
    csrf = csrf_of(shown.text)
    refused = manager.client.post(f"/tools/saved/{number}/delete", data={"csrf": csrf}, follow_redirects=False)
    assert refused.status_code == 404  # only the author deletes
    assert store.get(app.state.portal.db, number, member.user.id) is not None
