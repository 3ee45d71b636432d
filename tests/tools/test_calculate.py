"""From typed text to a calculation: numbers as people write them, presets, products, field problems."""

import pytest

from portal.tools import calculate
from tests.tools.conftest import product

PRODUCTS = {"OL-36": product("OL-36", 3600, True), "OL-40-NP": product("OL-40-NP", 4000, False)}
ROOM = {"length": "10", "width": "8", "height": "3", "workplane": "0.8", "lux": "300", "mf": "0.8"}


@pytest.mark.parametrize(("text", "value"), [("2,5", 2.5), ("2.5", 2.5), (" 1 000 ", 1000.0), ("1e3", 1000.0),
                                             ("inf", None), ("nan", None), ("два", None), ("²", None), ("", None)])
def test_numbers_as_people_type_them(text, value):
    assert calculate.number(text) == value


def test_a_room_type_fills_what_is_empty_and_keeps_what_is_typed():
    done = calculate.lumen({**ROOM, "lux": "", "workplane": "", "room": "storage", "flux": "16000", "uf": "0.7"},
                           PRODUCTS)
    assert done.values["lux"] == "200" and done.values["workplane"] == "0" and done.result is not None
    typed = calculate.lumen({**ROOM, "room": "storage", "flux": "16000", "uf": "0.7"}, PRODUCTS)
    assert typed.values["lux"] == "300"


def test_the_product_gives_flux_power_and_photometry_and_typed_values_win():
    done = calculate.lumen({**ROOM, "sku": "OL-36"}, PRODUCTS)
    assert done.sku == "OL-36" and done.result["flux"] == 3600 and done.result["uf_source"] == "photometry"
    typed = calculate.lumen({**ROOM, "sku": "OL-36", "flux": "5000", "uf": "0.55", "power": "40"}, PRODUCTS)
    assert typed.result["flux"] == 5000 and typed.result["uf"] == 0.55 and typed.result["power"] == 40


def test_problems_are_named_per_field_and_nothing_is_computed():
    done = calculate.lumen({"length": "x" * 100, "sku": "NOPE"}, PRODUCTS)
    assert done.result is None and done.values["length"] == "x" * calculate.TEXT_LIMIT
    assert set(done.problems) == {"length", "width", "height", "lux", "mf", "sku"}
    assert done.problems["mf"] == ("tools.error.required", {})


def test_non_text_values_count_as_empty():
    done = calculate.cable({"phases": ["3"], "material": None, "length": 5})
    assert {"phases", "material", "length", "section", "cos_phi", "current"} <= done.problems.keys()


def test_the_cable_from_power_and_its_limits():
    done = calculate.cable({"phases": "3", "material": "aluminium", "section": "16", "length": "120",
                            "power": "30000", "cos_phi": "0,9"})
    assert done.result["from_power"] is True and done.result["current"] == pytest.approx(48.11, abs=0.01)
    assert done.result["limits"]["lighting"]["limit"] == 3.0
    assert done.result["smallest_section"]["lighting"] >= 16
