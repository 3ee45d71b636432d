"""Demo requests for the demo club (`club serve --demo`): a few realistic ones, once, when there are
members to have written them and no requests yet. Without members it does nothing, and runs again
at the next start (so demo members added later still get their requests)."""

from __future__ import annotations

import secrets
import time
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from portal.core.identity import get_user
from portal.core.settings import Settings
from portal.feedback import hours, store
from portal.feedback.model import STAFF_ROLES

# (kind, subject, text, a staff reply or None)
DEMO = (
    ("question", "Можно ли ставить «Цех-М» на высоте 14 метров?",
     "Заказчик — распределительный центр, стеллажи до 12 м, подвес светильников получается на **14 м**. "
     "В каталоге оптика указана до 12 м. Есть ли вариант с более узкой кривой силы света?",
     "Да, для высот 12–16 м есть исполнение с оптикой 30°. Файл LDT для расчёта пришлём в ответ на это "
     "обращение, а менеджер уточнит сроки поставки."),
    ("complaint", "Задержка отгрузки по заказу для школы в Казани",
     "Заказ на 240 панелей подтвердили на 14-е число, но машина до сих пор не пришла, а монтаж назначен "
     "на понедельник. Просим сообщить точную дату.", None),
    ("advice", "Какой драйвер выбрать для диммирования по DALI-2",
     "Проектируем освещение офиса на 3 этажа, нужна интеграция с системой здания. Какие драйверы из вашей "
     "линейки поддерживают DALI-2 и есть ли у вас готовые схемы подключения?",
     "Для офисных панелей подойдут драйверы серии ЛД-Д2; схема подключения есть в разделе технических "
     "материалов, а инженер отдела расчётов готов посмотреть ваш проект."),
    ("idea", "Калькулятор окупаемости замены светильников",
     "Было бы удобно в кабинете посчитать окупаемость: вводишь старые светильники, часы работы и тариф — "
     "получаешь срок окупаемости для заказчика. Сейчас считаем в своих таблицах.", None),
)


def demo_people(db: Database) -> tuple[list[int], int | None]:
    """Members (company and phone, no staff role) and one staff member who answers, if any."""
    members = [row[0] for row in db.execute(
        "SELECT id FROM users WHERE company_id IS NOT NULL AND phone IS NOT NULL AND role IS NULL "
        "AND email_confirmed_at IS NOT NULL ORDER BY id LIMIT 10").fetchall()]
    marks = ",".join("?" * len(STAFF_ROLES))
    staff = db.execute(f"SELECT id FROM users WHERE role IN ({marks}) ORDER BY id LIMIT 1",  # noqa: S608
                       list(STAFF_ROLES)).fetchone()
    return members, staff[0] if staff else None


def seed_demo_requests(db: Database, settings: Settings | None = None) -> str | None:
    """The on_demo hook: idempotent (only while the feedback tables are empty)."""
    if not store.is_empty(db):
        return None
    members, staff_id = demo_people(db)
    if not members:
        return None
    staff = get_user(db, staff_id) if staff_id is not None else None
    clock, now = hours.reply_clock(hours.DEFAULT_HOURS, DEMO_ZONE), time.time()
    for number, (kind, subject, body, answer) in enumerate(DEMO):
        author = get_user(db, members[number % len(members)])
        if author is None:
            continue
        written = now - DAYS_AGO[number % len(DAYS_AGO)] * 86400  # a club with a history, not one morning
        request_id = store.create_request(db, author, kind, subject, body, None, secrets.token_urlsafe(16),
                                          at=written)
        if answer and staff is not None:
            store.set_owner(db, request_id, staff.id, staff.id)
            store.add_message(db, store.get_request(db, request_id), staff, "staff", answer, reply_clock=clock,
                              at=written + 3.5 * 3600)
    return f"feedback: {len(DEMO)} demo requests"


DAYS_AGO = (12.2, 5.9, 2.3, 0.8)
DEMO_ZONE = ZoneInfo("Europe/Moscow")  # the demo club's time zone (mkdocs.yml)
