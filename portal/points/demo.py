"""Demo for `club serve --demo`: two years of the demo companies' shipments, imported and accrued the way
the manufacturer's monthly file would be (so points, their history and the first lots about to expire
are real ledger rows), a grant by hand for an event, and one line kept aside under an unknown INN.
Only on a club with no shipments yet; nothing is sent."""

from __future__ import annotations

import time
from datetime import date, datetime

from sqlite_utils import Database

from portal.core.companies import find_company
from portal.core.identity import find_user_by_email
from portal.core.settings import Settings
from portal.points import accrual, ledger, scorecard_store, shipments
from portal.points.shipments_file import Row

# company, monthly purchases in roubles (a base the months vary around), product groups
BUYERS = (("Свет-Монтаж", 620_000, ("Трековые системы", "Драйверы")),
          ("Проект Люкс", 240_000, ("Декоративный свет",)),
          ("ЭлектроОпт Юг", 2_300_000, ("Трековые системы", "Драйверы", "Уличный свет")))
# Per cent a year the purchases grow (the cabinet's purchase analytics compares each month with the year before)
# and so the tiers differ: Свет-Монтаж grows into Серебряный and nears Золотой, Проект Люкс slips just below
# Серебряный, ЭлектроОпт Юг is Золотой.
GROWTH = {"Свет-Монтаж": 18, "Проект Люкс": -6, "ЭлектроОпт Юг": 10}
MONTHS = 23  # the oldest lots come near their 24-month expiry: the cabinet shows what expires soon
UNKNOWN_INN = "7701234567"  # not a demo company: its line waits for staff (`club points unmatched`)


def months_back(today: date, count: int) -> list[str]:
    """The `count` whole months before `today`'s, oldest first, as YYYY-MM."""
    year, month, found = today.year, today.month, []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        found.append(f"{year:04d}-{month:02d}")
    return found[::-1]


def accrued_on(month: str) -> float:
    year, number = int(month[:4]), int(month[5:])
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return datetime(year, number, 5, 9, 0).timestamp()


def demo_rows(db: Database, months: list[str]) -> list[Row]:
    rows, line = [], 1
    for name, base, groups in BUYERS:
        company = find_company(db, name)
        if company is None or not company.inn:
            continue
        for number, month in enumerate(months):
            for g, group in enumerate(groups):
                line += 1
                roubles = base * (80 + (number * 37 + g * 11) % 45) // 100 // len(groups)
                roubles = roubles * (100 + GROWTH.get(name, 0) * number // 12) // 100
                rows.append(Row(line, company.inn, f"{month}-{12 + g:02d}", f"УПД-{month}-{line}", roubles * 100,
                                group))
    rows.append(Row(line + 1, UNKNOWN_INN, f"{months[-1]}-20", f"УПД-{months[-1]}-X", 18_450_000, "Драйверы"))
    return rows


def seed_demo_points(db: Database, settings: Settings | None = None) -> str | None:
    if db.execute("SELECT count(*) FROM points_shipments").fetchone()[0] or find_company(db, BUYERS[0][0]) is None:
        return None  # seeded already, or not the demo club
    now, months = time.time(), months_back(date.today(), MONTHS)
    shipments.import_rows(db, demo_rows(db, months), "demo-shipments.csv", now, by="demo")
    # Each month accrued when the job would have: on the 5th of the next (the history reads like two years).
    points = sum(accrual.accrue(db, month, accrual.Rule(), min(accrued_on(month), now)).points for month in months)
    staff, company = find_user_by_email(db, "olga@lior.example"), find_company(db, BUYERS[0][0])
    ledger.adjust(db, company.id, 300, reason="Участие в «Академии монтажника»", by_id=staff.id if staff else None,
                  now=now)
    return f"points: {len(months)} months of demo shipments accrued, {points} points"


# The scorecard's manual criteria for the last whole year (seed 002's defaults), as the demo manager gave them:
# company -> [(criterion, score, note)]; ЭлектроОпт Юг's "novelty" is corrected once, so its history has two rows.
DEMO_SCORES = (
    ("Свет-Монтаж", (("marketing", 2, "Бюджет на уровне прошлого года, отчёты за четыре квартала"),
                     ("novelty", 3, "Трековые системы в шоуруме, два дня демонстраций"),
                     ("service", 2, "Свой монтажный отдел, замены на месте"))),
    ("Проект Люкс", (("marketing", 1, "Выставка пропущена, реклама только в соцсетях"),
                     ("novelty", 2, "Новая линейка декоративного света в прайс-листе"))),
    ("ЭлектроОпт Юг", (("marketing", 3, "Радио и щиты в трёх городах, отчёты вовремя"),
                       ("novelty", 2, ""), ("service", 3, "Сервисный центр, инженеры обучены на заводе"))),
)


def seed_demo_scores(db: Database, settings: Settings | None = None) -> str | None:
    """Staff's scores for the demo companies, so the scorecard overview and a partner's page show numbers."""
    if db.execute("SELECT count(*) FROM points_scores").fetchone()[0] or find_company(db, BUYERS[0][0]) is None:
        return None
    year, staff = date.today().year - 1, find_user_by_email(db, "olga@lior.example")
    at = datetime(year + 1, 1, 20, 11, 0).timestamp()
    for number, (name, scores) in enumerate(DEMO_SCORES):
        company = find_company(db, name)
        if company is not None:
            entries = [scorecard_store.Entry(criterion, score, note) for criterion, score, note in scores]
            scorecard_store.record(db, company.id, year, entries, f"demo-{number}", staff.id if staff else None, at)
    south = find_company(db, "ЭлектроОпт Юг")
    if south is not None:
        scorecard_store.record(db, south.id, year, [scorecard_store.Entry(
            "novelty", 1, "Новинки берут только под заказ: склад новинок не держат")], "demo-correction",
            staff.id if staff else None, at + 3 * 86400)
    return f"points: scorecards of {len(DEMO_SCORES)} demo companies for {year}"
