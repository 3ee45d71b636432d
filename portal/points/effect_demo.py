"""Demo for the club-effect report (`club serve --demo`): the manufacturer's customer register and two years
of shipments of look-alike customers who never joined, and of more member companies that joined the club at
various quarters. Members buy a little more, and a little more often, after joining than their look-alikes
over the same months; a few of both stop buying. Seeded randomness: the same story on every demo.

Only on the demo club (its first company exists) with an empty register; after seed_demo_points (the demo
companies' own shipments), whose companies are given joining dates here."""

from __future__ import annotations

import random
import time
from datetime import date

from sqlite_utils import Database

from portal.core.companies import fill_missing_details, find_company, find_or_create_company
from portal.core.settings import Settings
from portal.points import customers, shipments
from portal.points.analytics import month_shift
from portal.points.customers_file import Customer
from portal.points.demo import BUYERS, MONTHS, months_back
from portal.points.shipments_file import Row

SEED = 20261204
CELLS = (("installers", "central", 400_000), ("designers", "northwest", 150_000),
         ("distributors", "south", 1_500_000), ("installers", "volga", 300_000))  # segment, region, a month's base
# Members the demo adds: name, cell, months before the last whole month that they joined (the report needs
# six whole months either side; the last two joined too recently for that and show only in the cohorts).
MEMBERS = (("ООО «Ламповый двор»", 0, 17), ("ООО «СветоПроект-Нева»", 1, 16), ("ООО «ЮгЭлектроСнаб»", 2, 14),
           ("ООО «Волжский монтаж»", 3, 13), ("ООО «Луч-Инжиниринг»", 0, 11), ("ООО «Архисвет»", 1, 10),
           ("ООО «Кубань-Свет»", 2, 8), ("ООО «Самарская светотехника»", 3, 7), ("ООО «МонтажСвет»", 0, 3),
           ("ООО «Линия света»", 1, 2))
# The demo companies of seed_demo_points: their cell and months since joining.
JOINED = {"Свет-Монтаж": 15, "Проект Люкс": 9, "ЭлектроОпт Юг": 12}
OTHERS = ("Электромир", "Свет и Тень", "Фотон-Групп", "Вольт-Строй", "Ампер", "Сияние", "Прожектор", "Неон-Сити",
          "Гирлянда", "Маяк-Электро", "Светлый дом", "Искра-Монтаж", "Абажур", "Тримлайт", "Ватт-Плюс",
          "Рассвет-Опт", "Люкс-Монтаж", "Лампада", "Огни Поволжья", "Звезда-Свет")
LIFT, REACH = 1.1, 0.1          # after joining: purchases up 10 %, a purchase in 10 more months of 100


def _inn(number: int) -> str:
    """A 10-digit INN with valid check digits, made from a number below 10**9."""
    body = f"{number:09d}"
    return body + str(sum(w * int(d) for w, d in zip((2, 4, 10, 3, 5, 9, 4, 6, 8), body, strict=True)) % 11 % 10)


def _months(rng: random.Random, inn: str, base: int, months: list[str], joined: str | None,
            stops: str | None) -> list[Row]:
    """One customer's shipments: the market's slow growth, the season, noise; more after joining."""
    rows, size = [], base * rng.uniform(0.6, 1.4)
    for number, month in enumerate(months):
        if stops is not None and month >= stops:
            break
        after = joined is not None and month > joined
        if rng.random() > 0.72 + (REACH if after else 0):
            continue
        season = 1.15 if month[5:7] in ("04", "05", "06", "07", "08", "09") else 0.9
        roubles = size * (1 + 0.05 * number / 12) * season * rng.uniform(0.75, 1.25) * (LIFT if after else 1)
        rows.append(Row(0, inn, f"{month}-{rng.randint(3, 27):02d}", f"ЭФ-{inn[-5:]}-{month}", int(roubles) * 100,
                        "Трековые системы"))
    return rows


def seed_demo_effect(db: Database, settings: Settings | None = None) -> str | None:
    if customers.count(db) or find_company(db, BUYERS[0][0]) is None:
        return None  # seeded already, or not the demo club
    rng, today = random.Random(SEED), date.today()  # noqa: S311 - a demo's story, not a secret
    months = months_back(today, MONTHS + 1)
    last = months[-1]
    register, rows = [], []
    for name, months_ago in JOINED.items():
        company = find_company(db, name)
        if company is not None and company.inn:
            register.append((company.inn, company.name, company.segment or "", company.region or "",
                             f"{month_shift(last, -months_ago)}-15"))
    for number, (name, cell, months_ago) in enumerate(MEMBERS):
        segment, region, base = CELLS[cell]
        company = find_or_create_company(db, name, _inn(702_100_000 + number))
        fill_missing_details(db, company.id, segment, region)
        joined = month_shift(last, -months_ago)
        register.append((company.inn, company.name, segment, region, f"{joined}-{rng.randint(2, 26):02d}"))
        stops = month_shift(last, -3) if number == 4 else None   # one member stops buying: churn
        rows += _months(rng, company.inn, base, months, joined, stops)
    for number, name in enumerate(OTHERS):
        segment, region, base = CELLS[number % len(CELLS)]
        inn = _inn(702_200_000 + number)
        register.append((inn, f"ООО «{name}»", segment, region, None))
        stops = month_shift(last, -rng.randint(3, 6)) if number % 5 == 2 else None   # a quarter drift away
        rows += _months(rng, inn, base, months, None, stops)
    now = time.time()
    customers.import_rows(db, [Customer(line, *entry) for line, entry in enumerate(register, 2)],
                          "demo-customers.xlsx", now, by="demo")
    shipments.import_rows(db, [row._replace(line=line) for line, row in enumerate(rows, 2)],
                          "demo-customers-shipments.csv", now, by="demo")
    return f"points: a customer register of {len(register)} and {len(rows)} shipments for the club-effect report"
