"""From a form's text values to a calculation: read and check each field, run the formulas, shape the result.

The pages, the JSON endpoints and saving share this, so the same input gives the same answer and the same
field problems everywhere. Problems are (word key, values) per field, translated by the caller. No web
imports: the values are a plain mapping (query parameters or a posted form).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from portal.tools import formulas, presets, utilisation

Problems = dict[str, tuple[str, dict[str, Any]]]
TEXT_LIMIT = 40  # characters in a number field; longer is not a number anyone typed
SKU_LIMIT = 60

# field -> (smallest, largest): bounds a real room or cable run stays within (and the integration is sound)
LUMEN_BOUNDS = {"length": (0.5, 500.0), "width": (0.5, 500.0), "height": (1.5, 50.0), "workplane": (0.0, 5.0),
                "suspension": (0.0, 20.0), "lux": (1.0, 5000.0), "flux": (10.0, 500_000.0), "uf": (0.05, 1.5),
                "mf": (0.3, 1.0), "rc": (0.0, 0.9), "rw": (0.0, 0.9), "rf": (0.0, 0.6), "power": (0.1, 10_000.0)}
LUMEN_FIELDS = ("room", "length", "width", "height", "workplane", "suspension", "lux", "sku", "flux", "power", "uf",
                "mf", "rc", "rw", "rf")
CABLE_BOUNDS = {"length": (0.1, 10_000.0), "current": (0.01, 5000.0), "power": (1.0, 10_000_000.0),
                "cos_phi": (0.1, 1.0)}
CABLE_FIELDS = ("phases", "material", "section", "length", "current", "power", "cos_phi")
MIN_MOUNTING = 0.3  # m between the luminaires and the working plane: below it the room index means nothing


class Products(Protocol):
    def get(self, sku: str) -> Any: ...


@dataclass
class Outcome:
    values: dict[str, str]              # the fields as typed (the form shows them again)
    result: dict[str, Any] | None = None
    problems: Problems = field(default_factory=dict)
    sku: str | None = None              # the catalogue product's SKU as the catalogue writes it


def number(text: str) -> float | None:
    """A decimal number as people type it ("2,5" or "2.5"); None for anything else (inf and nan too)."""
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_numbers(values: Mapping[str, str], bounds: Mapping[str, tuple[float, float]],
                 required: tuple[str, ...], problems: Problems) -> dict[str, float]:
    found: dict[str, float] = {}
    for name, (low, high) in bounds.items():
        text = values.get(name, "")
        if not text:
            if name in required:
                problems[name] = ("tools.error.required", {})
            continue
        value = number(text)
        if value is None:
            problems[name] = ("tools.error.number", {})
        elif not low <= value <= high:
            problems[name] = ("tools.error.range", {"low": f"{low:g}", "high": f"{high:g}"})
        else:
            found[name] = value
    return found


def typed(source: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The fields as text, trimmed and cut to a sane length (a query string can carry anything)."""
    out = {}
    for name in names:
        value = source.get(name)
        out[name] = value.strip()[:TEXT_LIMIT if name != "sku" else SKU_LIMIT] if isinstance(value, str) else ""
    return out


def lumen(source: Mapping[str, Any], products: Products) -> Outcome:
    """The lumen method from the form's values; the product (by SKU) gives flux, power and photometry."""
    outcome = Outcome(typed(source, LUMEN_FIELDS))
    values, problems = outcome.values, outcome.problems
    preset = presets.ROOMS.get(values["room"])
    if values["room"] and preset is None:
        problems["room"] = ("tools.error.choice", {})
    if preset is not None:  # a room type chosen without a script to fill the fields: its values where empty
        values["lux"] = values["lux"] or str(preset.lux)
        values["workplane"] = values["workplane"] or f"{preset.workplane:g}"
    product = products.get(values["sku"]) if values["sku"] else None
    if values["sku"] and product is None:
        problems["sku"] = ("tools.error.sku", {})
    got = read_numbers(values, LUMEN_BOUNDS, ("length", "width", "height", "lux", "mf"), problems)
    if "flux" not in got and product is None and not {"flux", "sku"} & problems.keys():
        problems["flux"] = ("tools.error.flux_needed", {})
    if "uf" not in got and (product is None or product.photometry is None) and not {"uf", "sku"} & problems.keys():
        problems["uf"] = ("tools.error.uf_needed", {})
    if not problems:
        run_lumen(outcome, got, product)
    return outcome


def run_lumen(outcome: Outcome, got: dict[str, float], product: Any) -> None:
    """The checked numbers through the formulas (the UF from the product's photometry unless given)."""
    room = formulas.Room(got["length"], got["width"], got["height"], got.get("workplane", 0.0),
                         got.get("suspension", 0.0))
    if room.mounting < MIN_MOUNTING:
        outcome.problems["height"] = ("tools.error.mounting", {"least": f"{MIN_MOUNTING:g}"})
        return
    uf = got.get("uf")
    if uf is None:
        rc, rw, rf = (got.get(name, default) for name, default in zip(("rc", "rw", "rf"), presets.DEFAULT_REFLECTANCES,
                                                                       strict=True))
        uf = utilisation.utilisation_factor(product.photometry.cd_per_klm, room.length, room.width, room.mounting,
                                            utilisation.Reflectances(rc, rw, rf), room.workplane, room.suspension)
    flux = got.get("flux") or product.flux_lm
    power = got.get("power") or (product.power_w if product else None)
    done = formulas.lumen_method(room, got["lux"], flux, uf, got["mf"], power, uf_from_photometry="uf" not in got)
    outcome.sku = product.sku if product else None
    outcome.result = lumen_result(done, room, flux, power, outcome.sku)


def lumen_result(done: formulas.LumenResult, room: formulas.Room, flux: float, power: float | None,
                 sku: str | None) -> dict[str, Any]:
    grid = done.grid
    return {"count": done.count, "needed": done.needed, "achieved_lux": round(done.achieved_lux, 1),
            "room_index": round(done.room_index, 2), "uf": round(done.uf, 3), "mf": done.mf,
            "uf_source": "photometry" if "tools.assume.uf_photometry" in done.assumptions else "given",
            "grid": {"rows": grid.rows, "columns": grid.columns, "spacing_length": round(grid.spacing_length, 2),
                     "spacing_width": round(grid.spacing_width, 2), "wall_length": round(grid.wall_length, 2),
                     "wall_width": round(grid.wall_width, 2)},
            "w_per_m2": round(done.w_per_m2, 2) if done.w_per_m2 is not None else None,
            "area": round(room.area, 2), "mounting": round(room.mounting, 2), "flux": flux, "power": power,
            "sku": sku, "assumptions": list(done.assumptions)}


def cable(source: Mapping[str, Any]) -> Outcome:
    """The voltage drop from the form's values: the current as given, or from the power."""
    outcome = Outcome(typed(source, CABLE_FIELDS))
    values, problems = outcome.values, outcome.problems
    phases = {"1": 1, "3": 3}.get(values["phases"])
    if phases is None:
        problems["phases"] = ("tools.error.choice", {})
    if values["material"] not in formulas.RESISTIVITY:
        problems["material"] = ("tools.error.choice", {})
    section = number(values["section"]) if values["section"] else None
    if section not in formulas.SECTIONS:
        problems["section"] = ("tools.error.section", {})
    got = read_numbers(values, CABLE_BOUNDS, ("length", "cos_phi"), problems)
    if "current" not in got and "power" not in got and not {"current", "power"} & problems.keys():
        problems["current"] = ("tools.error.current_or_power", {})
    if problems:
        return outcome
    current = got.get("current") or formulas.current_from_power(got["power"], phases, got["cos_phi"])
    done = formulas.voltage_drop(formulas.Cable(phases, values["material"], section, got["length"], current,
                                                got["cos_phi"]))
    outcome.result = {
        "volts": round(done.volts, 2), "percent": round(done.percent, 2), "current": round(done.current, 2),
        "phases": phases, "from_power": "current" not in got,
        "limits": {name: {"limit": formulas.LIMITS[name], "ok": done.within[name],
                          "smallest_section": done.smallest_section[name]} for name in formulas.LIMITS},
        "smallest_section": done.smallest_section}
    return outcome
