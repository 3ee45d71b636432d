"""The points panel and health columns against a hand-counted ledger and hand-counted purchases."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal.core.companies import merge
from portal.core.dashboard import Period
from portal.points import figures, ledger, shipments
from portal.points.shipments_file import Row
from tests.points.helpers import company, inn

MSK = ZoneInfo("Europe/Moscow")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 12, 1))


def at(month: int, day: int, year: int = 2026) -> float:
    return datetime(year, month, day, 12, 0, tzinfo=MSK).timestamp()


def seed_ledger(db, firm: int) -> None:
    """October: 100 earned (expiring 20 December). November: 50 and 30 earned, the 30 reversed, 20 granted,
    10 taken, 40 held and debited, 15 held and still open at the end. December: the 15 released, 5 earned."""
    ledger.earn(db, firm, 100, reason="октябрь", source="accrual:2026-10", now=at(10, 20), expiry_months=2)
    ledger.earn(db, firm, 50, reason="ноябрь", source="accrual:2026-11", now=at(11, 5))
    wrong = ledger.earn(db, firm, 30, reason="ошибка", source="award:1", now=at(11, 6))
    ledger.reverse(db, wrong, reason="ошибка", by_id=None, now=at(11, 7))
    ledger.adjust(db, firm, 20, reason="бонус", by_id=None, now=at(11, 8))
    ledger.adjust(db, firm, -10, reason="коррекция", by_id=None, now=at(11, 9))
    spent = ledger.hold(db, firm, 40, reason="заявка", source="request:1", by_id=None, now=at(11, 10))
    ledger.debit(db, spent, reason="выполнено", by_id=None, now=at(11, 12))
    ledger.hold(db, firm, 15, reason="заявка", source="request:2", by_id=None, now=at(11, 20))


def test_the_flows_of_a_period(db, settings, firm):
    seed_ledger(db, firm)
    start, end = NOVEMBER.bounds("Europe/Moscow")
    assert figures.earned(db, start, end) == 50 + 30 - 30 + 20  # the take is no earning, the reversal nets out
    assert figures.spent(db, start, end) == 40  # the open hold is not spent yet
    assert figures.earned(db, *Period(date(2026, 10, 1), date(2026, 11, 1)).bounds("Europe/Moscow")) == 100


def test_the_states_at_the_period_end_ignore_later_rows(db, settings, firm):
    seed_ledger(db, firm)
    end = NOVEMBER.bounds("Europe/Moscow")[1]
    # Takes so far: 10 + 30 (the reversal) + 40 + 15 = 95, all from the October lot first (FIFO): 5 of it is left.
    assert figures.expiring(db, end) == 5
    assert ledger.balance(db, firm, end, warning_days=90).expiring == 5  # the ledger's own count agrees
    hold_id = db.execute("SELECT id FROM points_ledger WHERE source = 'request:2' AND kind = 'hold'").fetchone()[0]
    ledger.release(db, hold_id, reason="отказ", by_id=None, now=at(12, 3))
    ledger.earn(db, firm, 5, reason="декабрь", source="accrual:2026-12", now=at(12, 2), expiry_months=1)
    assert figures.outstanding(db, end) == 100 + 50 + 20 - 10 - 40  # available 105 + the 15 held at the end
    assert figures.expiring(db, end) == 5  # December's rows came after the end
    assert figures.outstanding(db, at(12, 4)) == 125


def test_the_panel_names_every_figure_with_its_list(db, settings, firm):
    seed_ledger(db, firm)
    found = {figure.key: figure for figure in figures.panel(db, settings, NOVEMBER, "ru").figures}
    assert {key: figure.value for key, figure in found.items()} == {
        "earned": 70, "spent": 40, "expired": 0, "outstanding": 120, "expiring": 5}
    assert found["outstanding"].state and not found["earned"].state
    assert found["spent"].url == "/staff/points/requests/?state=done"


def test_nothing_to_expire(db, settings, firm):
    assert figures.expiring(db, at(11, 1)) == 0
    assert figures.outstanding(db, at(11, 1)) == 0


def test_purchases_trend_and_balance_per_company_with_a_merged_duplicate(db, settings, firm):
    first = company(db, "ООО «Первый»", 111111111)
    duplicate = company(db, "Первый-2", 222222222)
    quiet = company(db, "ООО «Тихий»", 333333333)
    rows = [Row(2, inn(111111111), "2026-03-10", "1", 100_000_00),   # 6 months before the last 6
            Row(3, inn(111111111), "2026-09-10", "2", 60_000_00),    # the last 6 months
            Row(4, inn(222222222), "2026-10-10", "3", 15_000_00),    # the duplicate's, counted for the first
            Row(5, inn(222222222), "2025-10-10", "4", 99_000_00),    # over a year ago: not counted
            Row(6, inn(333333333), "2026-11-01", "5", 5_000_00)]     # bought only lately: no trend
    shipments.import_rows(db, rows, "s.csv", 1.0)
    shipments.import_rows(db, [Row(2, inn(111111111), "2026-09-10", "2", 50_000_00)], "fix.csv", 2.0)  # corrected
    merge(db, duplicate, first, None)
    ledger.earn(db, duplicate, 7, reason="x", source="a", now=at(11, 1))
    ledger.earn(db, first, 10, reason="x", source="a", now=at(11, 1))
    ledger.hold(db, first, 4, reason="x", source="request:9", by_id=None, now=at(11, 2))
    now = at(12, 1)
    assert figures.purchases_12m(db, settings, now) == {first: 165_000, quiet: 5_000}
    assert figures.purchases_trend(db, settings, now) == {first: -35.0}  # 65,000 against 100,000
    assert figures.balances(db, settings, now) == {first: 17}
    assert firm not in figures.balances(db, settings, now)


def test_months_before_keeps_the_day_or_the_months_last():
    assert figures.months_before(date(2026, 12, 1), 12) == date(2025, 12, 1)
    assert figures.months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert figures.months_before(date(2026, 3, 15), 3) == date(2025, 12, 15)
