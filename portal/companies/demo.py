"""Demo for `club serve --demo`: representatives, account managers and a contact schedule for the demo
companies (portal/accounts/demo.py makes the people). Only for companies with no history yet."""

from __future__ import annotations

import time

from sqlite_utils import Database

from portal.companies import contacts
from portal.core import companies
from portal.core.identity import find_user_by_email
from portal.core.settings import Settings

DAY = 86400.0

REPRESENTATIVES = {"Свет-Монтаж": "anna@svet-montazh.example", "Проект Люкс": "elena@proekt-lux.example"}
MANAGERS = {"Свет-Монтаж": "olga@lior.example", "Проект Люкс": "olga@lior.example",
            "ЭлектроОпт Юг": "sergey@lior.example"}
# company, staff e-mail, channel, days from now (negative: happened), note, outcome ("" = still planned)
CONTACTS = (
    ("Свет-Монтаж", "olga@lior.example", "call", -12, "Итоги монтажа в бизнес-центре на Садовой",
     "Довольны драйверами, просят образцы трековых систем"),
    ("Свет-Монтаж", "olga@lior.example", "meeting", 6, "Показать новую линейку трековых светильников", ""),
    ("Проект Люкс", "olga@lior.example", "email", -3, "Файлы IES для проекта школы", "Отправили, ждут расчёт"),
    ("ЭлектроОпт Юг", "sergey@lior.example", "visit", -41, "Склад в Краснодаре: остатки и сроки поставок",
     "Договорились о ежемесячной сверке остатков"),
    ("ЭлектроОпт Юг", "sergey@lior.example", "call", 2, "План закупок на первый квартал", ""),
)


def seed_demo_companies(db: Database, settings: Settings | None = None) -> str | None:
    """Who represents and who looks after each demo company, and what was and will be said to it."""
    found = {key: companies.find_company(db, key) for key in {*REPRESENTATIVES, *MANAGERS}}
    if None in found.values() or any(companies.changes(db, company.id, 1) for company in found.values()):
        return None  # not the demo people, or seeded already
    for key, email in REPRESENTATIVES.items():
        companies.set_representative(db, found[key].id, person_id(db, email), None, "по договору клуба")
    for key, email in MANAGERS.items():
        companies.set_account_manager(db, found[key].id, person_id(db, email), None)
    now = time.time()
    for key, email, channel, days, note, outcome in CONTACTS:
        at, staff_id = now + days * DAY, person_id(db, email)
        if outcome:
            contacts.record(db, found[key].id, staff_id, channel, at, note, outcome, staff_id)
        else:
            contacts.plan(db, found[key].id, staff_id, channel, at, note, staff_id)
    return "demo club: representatives, account managers and a contact schedule for the companies"


def person_id(db: Database, email: str) -> int:
    user = find_user_by_email(db, email)
    assert user is not None, email  # made by accounts' demo just before
    return user.id
