"""The members' panel against hand-counted rows: registrations, confirmations, new members, members and
companies at the period's end (a merged company counted once, as the one it was merged into), the
breakdowns by level, segment and region; staff never counted; the club's zone decides the boundaries."""

from datetime import date

import pytest

from portal.accounts import figures
from portal.core.dashboard import Period

Q2 = Period(date(2026, 4, 1), date(2026, 7, 1))   # Moscow midnight 1 April = 2026-03-31T21:00:00 UTC


def add_company(db, name, segment=None, region=None, merged_into=None) -> int:
    return db.execute("INSERT INTO companies (name, name_key, created_at, segment, region, merged_into) "
                      "VALUES (?, ?, '2025-01-01T00:00:00+00:00', ?, ?, ?)",
                      [name, name.lower(), segment, region, merged_into]).lastrowid


def add_user(db, email, created, confirmed=None, company=None, phone=None, role=None, suspended=None,
             segment=None, region=None) -> int:
    return db.execute("INSERT INTO users (email, name, created_at, updated_at, email_confirmed_at, company_id, phone, "
                      "role, suspended_at, segment, region) VALUES (?, 'Имя', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      [email, created, created, confirmed, company, phone, role, suspended, segment,
                       region]).lastrowid


@pytest.fixture
def rows(db):
    a = add_company(db, "Свет-Монтаж", "installers", "central")
    b = add_company(db, "Свет Монтаж (дубль)", "designers", "south", merged_into=a)
    c = add_company(db, "Луч-Про", "distributors", "northwest")
    add_user(db, "u1@x.ru", "2026-04-10T09:00:00+00:00", "2026-04-10T09:05:00+00:00", a, "+79000000001")
    add_user(db, "u2@x.ru", "2026-03-31T21:00:00+00:00")                           # 1 April 00:00 in Moscow: Q2
    add_user(db, "u3@x.ru", "2026-03-31T20:59:59+00:00", "2026-04-02T10:00:00+00:00", b, "+79000000003")  # Q1
    add_user(db, "u4@x.ru", "2026-05-01T10:00:00+00:00", "2026-05-01T10:00:00+00:00", c, "+79000000004",
             suspended="2026-05-20T10:00:00+00:00")
    add_user(db, "staff@club.ru", "2026-05-02T10:00:00+00:00", "2026-05-02T10:00:00+00:00", role="staff")
    add_user(db, "u6@x.ru", "2025-05-05T10:00:00+00:00", "2025-05-05T10:00:00+00:00", segment="designers")
    add_user(db, "u7@x.ru", "2026-06-30T20:59:59+00:00", "2026-06-30T20:59:59+00:00", c, "+79000000007")
    return db


def numbers(found):
    return {figure.key: figure.value for figure in found.figures}


def test_every_number_of_the_quarter_is_hand_counted(rows, settings):
    assert numbers(figures.figures(rows, settings, Q2, "ru")) == {
        "registrations": 4, "confirmed": 4, "new_members": 2, "members": 3, "companies": 2}


def test_the_previous_quarter_and_the_year_before(rows, settings):
    assert numbers(figures.figures(rows, settings, Q2.previous(), "ru")) == {
        "registrations": 1, "confirmed": 0, "new_members": 1, "members": 1, "companies": 1}
    assert numbers(figures.figures(rows, settings, Q2.last_year(), "ru")) == {
        "registrations": 1, "confirmed": 1, "new_members": 0, "members": 0, "companies": 0}


def test_breakdowns_by_level_segment_and_region_in_the_readers_language(rows, settings):
    found = {item.key: dict(item.values) for item in figures.figures(rows, settings, Q2, "en").breakdowns}
    assert found["by_level"] == {"Member": 2, "Address not confirmed": 1, "Registered": 1}
    assert found["by_segment"] == {"Distributors": 2, "Installers": 1, "Not given": 1}
    assert found["by_region"] == {"Northwestern Federal District": 2, "Central Federal District": 1, "Not given": 1}
    ru = {item.key: dict(item.values) for item in figures.figures(rows, settings, Q2, "ru").breakdowns}
    assert ru["by_segment"] == {"Дистрибьюторы": 2, "Монтажные организации": 1, "Не указан": 1}


def test_a_person_without_a_company_has_their_own_segment(rows, settings):
    found = {item.key: dict(item.values) for item in figures.figures(rows, settings, Q2.last_year(), "ru").breakdowns}
    assert found["by_segment"] == {"Проектировщики и дизайнеры": 1}


def test_an_empty_club_counts_zero_not_nothing(db, settings):
    assert set(numbers(figures.figures(db, settings, Q2, "ru")).values()) == {0}


def test_two_merged_records_of_one_company_count_once(db, settings):
    survivor = add_company(db, "Фотон")
    for number in (1, 2):
        duplicate = add_company(db, f"Фотон {number}", merged_into=survivor)
        add_user(db, f"d{number}@x.ru", "2026-04-10T09:00:00+00:00", "2026-04-10T09:00:00+00:00", duplicate,
                 f"+7900000010{number}")
    other = add_company(db, "Луч")
    add_user(db, "o@x.ru", "2026-04-10T09:00:00+00:00", "2026-04-10T09:00:00+00:00", other, "+79000000200")
    assert numbers(figures.figures(db, settings, Q2, "ru"))["companies"] == 2
