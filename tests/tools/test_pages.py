"""The calculators' pages and JSON endpoints over HTTP: no-JS forms, bad input (400, values kept), members only."""

from __future__ import annotations

import re

import pytest

from portal.tools.formulas import Cable, voltage_drop

ROOM = {"length": "10", "width": "8", "height": "3", "workplane": "0,8", "lux": "300", "flux": "3200", "uf": "0.6",
        "mf": "0.8"}
CABLE = {"phases": "3", "material": "copper", "section": "35", "length": "50", "current": "100", "cos_phi": "0.8"}


def test_lumen_json_gives_count_illuminance_and_room_index(member):
    response = member.client.get("/tools/lumen", params=ROOM)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["count"] == 16 and data["needed"] == 16
    assert data["grid"]["rows"] * data["grid"]["columns"] == 16
    assert data["achieved_lux"] == pytest.approx(307.2)
    assert data["room_index"] == pytest.approx(80 / (2.2 * 18), abs=0.01)
    assert data["uf"] == 0.6 and data["uf_source"] == "given" and data["w_per_m2"] is None
    assert "tools.assume.uf_given" in data["assumptions"] and len(data["assumptions_text"]) == len(data["assumptions"])


def test_lumen_json_takes_flux_power_and_uf_from_the_catalogue(member, catalogue):
    params = {**ROOM, "flux": "", "uf": "", "sku": "ol-36", "rc": "0.7", "rw": "0.5", "rf": "0.2"}
    data = member.client.get("/tools/lumen", params=params).json()
    assert data["sku"] == "OL-36" and data["flux"] == 3600 and data["power"] == 32.0
    assert data["uf_source"] == "photometry" and 0.3 < data["uf"] < 1.0
    assert data["w_per_m2"] == pytest.approx(data["count"] * 32 / 80, abs=0.01)
    brighter = member.client.get("/tools/lumen", params={**params, "rc": "0.8", "rw": "0.7"}).json()
    assert brighter["uf"] > data["uf"]


def test_lumen_json_names_each_problem_in_the_readers_language(member, catalogue):
    bad = {**ROOM, "length": "десять", "width": "", "lux": "-5", "uf": "", "sku": "NOPE-1"}
    response = member.client.get("/tools/lumen", params=bad)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"length", "width", "lux", "sku"}
    assert errors["length"] == "Нужно число, например 2,5."
    english = member.client.get("/tools/lumen", params={**bad, "lang": "en"}).json()["errors"]
    assert english["width"] == "Fill this in."


def test_lumen_json_asks_for_uf_without_photometry_and_for_a_real_height(member, catalogue):
    errors = member.client.get("/tools/lumen", params={**ROOM, "uf": "", "sku": "OL-40-NP"}).json()["errors"]
    assert set(errors) == {"uf"}
    errors = member.client.get("/tools/lumen", params={**ROOM, "height": "2", "workplane": "1.9"}).json()["errors"]
    assert set(errors) == {"height"}
    errors = member.client.get("/tools/lumen", params={**ROOM, "flux": "", "uf": "0.5"}).json()["errors"]
    assert set(errors) == {"flux"}
    errors = member.client.get("/tools/lumen", params={**ROOM, "length": "inf", "width": "nan"}).json()["errors"]
    assert set(errors) == {"length", "width"}
    errors = member.client.get("/tools/lumen", params={**ROOM, "room": "sauna"}).json()["errors"]
    assert set(errors) == {"room"}


def test_voltage_drop_json(member):
    response = member.client.get("/tools/voltage-drop", params=CABLE)
    assert response.status_code == 200
    data = response.json()
    expected = voltage_drop(Cable(3, "copper", 35, 50, 100, 0.8))
    assert data["volts"] == round(expected.volts, 2) and data["percent"] == round(expected.percent, 2)
    assert data["limits"]["lighting"] == {"limit": 3.0, "ok": True, "smallest_section": 16}
    assert data["smallest_section"] == {"lighting": 16, "other": 10}


def test_voltage_drop_json_from_power(member):
    params = {**CABLE, "phases": "1", "section": "2.5", "current": "", "power": "3680", "cos_phi": "1"}
    data = member.client.get("/tools/voltage-drop", params=params).json()
    assert data["current"] == 16.0 and data["from_power"] is True


@pytest.mark.parametrize(("field", "value"), [("phases", "2"), ("material", "gold"), ("section", "3"),
                                              ("section", "x"), ("length", "0"), ("cos_phi", "1.5"),
                                              ("current", "²"), ("length", "1e400")])
def test_voltage_drop_json_refuses_bad_values(member, field, value):
    response = member.client.get("/tools/voltage-drop", params={**CABLE, field: value})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


def test_voltage_drop_needs_current_or_power(member):
    response = member.client.get("/tools/voltage-drop", params={**CABLE, "current": ""})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"current"}


@pytest.mark.parametrize("path", ["/tools/lumen", "/tools/voltage-drop"])
def test_endpoints_are_for_members_only(client, app, path):
    anonymous = client.get(path, params=ROOM | CABLE)
    assert anonymous.status_code == 401 and anonymous.json() == {"error": 401}


@pytest.mark.parametrize("path", ["/tools/lumen", "/tools/voltage-drop"])
def test_endpoints_refuse_registered_readers(registered, path):
    response = registered.client.get(path, params=ROOM | CABLE)
    assert response.status_code == 403 and response.json() == {"error": 403}


def test_the_room_form_works_without_a_script(member):
    page = member.client.get("/tools/room/", params=ROOM)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert re.search(r'data-out="count">16<', page.text)
    assert 'data-tools-endpoint="/tools/lumen"' in page.text and "/_portal/static/tools.js" in page.text
    assert "EN 12464-1" in page.text and "CIE 52" in page.text  # the norms and the method are cited
    assert "СП 52, табл. 4.2: коридоры — 50–100 лк" in page.text and "CIE 97:2005" in page.text


def test_the_room_form_gives_bad_input_back_with_values_kept(member):
    page = member.client.get("/tools/room/", params={**ROOM, "length": "12x", "mf": "7"})
    assert page.status_code == 400
    assert 'value="12x"' in page.text and 'value="7"' in page.text and 'value="3200"' in page.text
    assert 'id="e-length"' in page.text and "Нужно число" in page.text
    assert 'id="e-mf"' in page.text and "Число от 0.3 до 1." in page.text


def test_a_room_type_fills_the_illuminance_without_a_script(member):
    page = member.client.get("/tools/room/", params={**ROOM, "lux": "", "room": "corridor"})
    assert page.status_code == 200
    assert re.search(r'name="lux"[^>]*value="100"', page.text)


def test_sku_preselects_a_catalogue_product(member, catalogue):
    page = member.client.get("/tools/room/?sku=ol-36")
    assert page.status_code == 200
    assert '<option value="OL-36" selected>' in page.text
    assert "tools-result" in page.text and 'id="tools-result" aria-live="polite" hidden' in page.text


def test_the_cable_form_works_without_a_script_and_keeps_bad_values(member):
    page = member.client.get("/tools/cable/", params=CABLE)
    assert page.status_code == 200 and "1.22" in page.text
    bad = member.client.get("/tools/cable/", params={**CABLE, "cos_phi": "abc"})
    assert bad.status_code == 400 and 'value="abc"' in bad.text and 'id="e-cos_phi"' in bad.text
    assert '<option value="35" selected>' in bad.text


def test_calculator_pages_ask_readers_to_become_members(client, registered):
    page = registered.client.get("/tools/room/")
    assert page.status_code == 403 and "/account/profile?next=" in page.text
    index = registered.client.get("/tools/")
    assert index.status_code == 200 and "/account/profile?next=/tools/" in index.text


def test_the_index_says_what_the_calculators_are_to_everyone(client):
    page = client.get("/tools/")
    assert page.status_code == 200 and "/account/register?next=/tools/" in page.text
    assert 'href="/tools/room/"' not in page.text
    assert client.get("/tools/room/", follow_redirects=False).status_code == 303


def test_members_see_the_header_link_and_the_cabinet_card(member):
    cabinet = member.client.get("/account/")
    assert 'href="/tools/"' in cabinet.text and "Сохранённых расчётов: 0" in cabinet.text
