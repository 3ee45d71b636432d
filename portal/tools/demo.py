"""Demo calculations for `club serve --demo`: the first demo member keeps two projects (a school's
classrooms lit with a catalogue luminaire if the built catalogue has one with photometry, and a warehouse
feeder cable). Only while no calculation is saved; without members it waits for the next start."""

from __future__ import annotations

import secrets
import time

from sqlite_utils import Database

from portal.core.catalogue import catalogue_for
from portal.core.settings import Settings
from portal.tools import calculate, store

# (project, kind, inputs; the lumen one gets the catalogue's first product with photometry, if any)
DEMO = (
    ("Школа №12, Казань — кабинеты физики", "lumen",
     {"room": "classroom", "length": "9", "width": "7,2", "height": "3,3", "workplane": "0,8", "lux": "500",
      "flux": "4200", "power": "33", "uf": "0,62", "mf": "0,8", "rc": "0,7", "rw": "0,5", "rf": "0,2"}),
    ("Склад «Северный», ворота 3–5", "cable",
     {"phases": "3", "material": "copper", "section": "10", "length": "85", "power": "14400", "cos_phi": "0,95"}),
    ("Склад «Северный», ворота 3–5", "lumen",
     {"room": "storage", "length": "36", "width": "18", "height": "8", "workplane": "0", "suspension": "0,5",
      "lux": "200", "flux": "16000", "power": "120", "uf": "0,75", "mf": "0,67"}),
)



def seed_demo_calculations(db: Database, settings: Settings | None = None) -> str | None:
    """The on_demo hook: idempotent (only while the table is empty)."""
    if not store.is_empty(db):
        return None
    member = store.first_demo_member(db)
    if member is None:
        return None
    catalogue = catalogue_for(settings.site_dir) if settings is not None else None
    lit = next((p for p in catalogue.products() if p.photometry), None) if catalogue else None
    now = time.time()
    for number, (project, kind, inputs) in enumerate(DEMO):
        values = dict(inputs)
        if kind == "lumen" and number == 0 and lit is not None:  # the school is lit from the catalogue
            values.update({"sku": lit.sku, "flux": "", "power": "", "uf": ""})
        outcome = calculate.lumen(values, catalogue or {}) if kind == "lumen" else calculate.cable(values)
        if outcome.result is None:
            continue
        store.save(db, member[0], member[1], kind, project, outcome.sku, outcome.values, outcome.result,
                   secrets.token_urlsafe(16), at=now - (len(DEMO) - number) * 86400 * 3)
    return f"tools: {len(DEMO)} demo calculations"
