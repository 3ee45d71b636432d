"""The demo club's surveys (`club serve --demo`): two past waves asked every member. In spring the club
scored −13 (one promoter, two detractors of eight); in autumn, after the new warehouse, +50 — except
Мария Оптова of ЭлектроОпт Юг, whose 3 opened a request for her company's account manager. Two people have
not answered the autumn wave yet: they see its card in the cabinet.

No letters are queued for these waves (their time has passed; the worker would send them now).
"""

from __future__ import annotations

import time

from sqlite_utils import Database

from portal.core.happenings import deliver_installed
from portal.core.settings import Settings
from portal.surveys import audience, store
from portal.surveys.config import SurveyTerms
from portal.surveys.model import Audience

DAY = 86400.0
SPRING = {"anna@svet-montazh.example": (7, "Хорошие цены, но долго ждём отгрузку."),
          "ivan@svet-montazh.example": (6, "Техподдержка отвечает через день."),
          "pavel@svet-montazh.example": (8, ""),
          "elena@proekt-lux.example": (9, "Удобные IES-файлы и быстрые расчёты."),
          "dmitry@proekt-lux.example": (7, ""),
          "maria@elopt-yug.example": (5, "Часто нет позиций на складе в Краснодаре."),
          "igor@elopt-yug.example": (8, "Всё устраивает."),
          "nikolay@fonarev.example": (7, "")}
AUTUMN = {"anna@svet-montazh.example": (9, "С новым складом отгрузки стали за два дня."),
          "ivan@svet-montazh.example": (8, "Поддержка стала отвечать быстрее."),
          "elena@proekt-lux.example": (10, "Расчёты освещения — лучшие на рынке."),
          "dmitry@proekt-lux.example": (9, ""),
          "maria@elopt-yug.example": (3, "Второй месяц не можем получить образцы для клиента."),
          "nikolay@fonarev.example": (9, "Баллы за закупки — приятный бонус.")}


def seed_demo_surveys(db: Database, settings: Settings) -> str | None:
    if not store.is_empty(db):
        return None
    people = audience.candidates(db, None, Audience(), time.time(), 0)
    if not people:
        return None
    now = time.time()
    emails = dict(db.execute("SELECT email, id FROM users").fetchall())
    for title, sent, answers in (("Весна 2026", now - 240 * DAY, SPRING), ("Осень 2026", now - 10 * DAY, AUTUMN)):
        wave_id, _asked = store.create_wave(db, title, "Клуб партнёров «Лиор»", Audience(), people, sent,
                                            sent + SurveyTerms().open_days * DAY, None, 0, sent)
        wave = store.get_wave(db, wave_id)
        assert wave is not None
        for number, (email, (score, why)) in enumerate(answers.items()):
            if email in emails:
                store.answer(db, wave, emails[email], score, why, sent + (number + 1) * 3 * 3600)
    deliver_installed(settings, db)  # the detractors' requests, now rather than at the job's next round
    return "demo club: two NPS waves (spring −13, autumn +50) and a detractor's request for the account manager"
