"""Demo forum for the demo club (`club serve --demo`): a few conversations between the demo members, so the
forum a new visitor opens is alive — a solved question with its accepted answer, likes, a staff
announcement, unread replies. Once, into a forum with no topics, and only when the demo people exist
(portal/accounts/demo.py); made through the forum's own store, so counters, list versions and the search
index are as a member's posts would leave them."""

from __future__ import annotations

import time

from sqlite_utils import Database

from portal.core.identity import User, find_user_by_email
from portal.core.settings import Settings
from portal.forum import likes, solutions, store
from portal.forum.rules import Category

DAY = 86_400.0

# (category slug, title, days ago, [(author e-mail, text, days ago)], index of the accepted reply or None,
#  [(reply index, e-mails that like it)])
CONVERSATIONS = (
    ("obyavleniya", "Форум клуба открыт: о чём здесь говорим", 20, [
        ("admin@lior.example",
         "Здесь партнёры обсуждают проекты, монтаж и рынок, а инженеры «Лиор» отвечают на технические "
         "вопросы. Вопрос с готовым ответом отмечается как решённый — ответ виден сразу под вопросом.\n\n"
         "К сообщению можно приложить фото щита или схему в PDF.", 20)], None, []),
    ("montazh", "Как крепить «Цех-М» к двутавру без сварки?", 9, [
        ("ivan@svet-montazh.example",
         "Объект — склад с балками **двутавр 30Б1**, сваривать заказчик запрещает. Светильники «Цех-М» "
         "150 Вт, подвес на 9 м. Чем крепите: струбцинами, балочными зажимами, тросом?", 9),
        ("nikolay@fonarev.example",
         "Балочные зажимы под полку до 20 мм и трос с фиксатором. Держит спокойно, главное — страховочный "
         "трос отдельно от питающего кабеля.", 8.7),
        ("olga@lior.example",
         "Подтверждаю: для «Цех-М» подходят зажимы на полку 8–20 мм с нагрузкой от 25 кг. Схема подвеса "
         "есть в паспорте светильника, раздел 4.", 8.1),
        ("ivan@svet-montazh.example", "Спасибо, так и сделали — 64 светильника повесили за две смены.", 2.3),
    ], 1, [(1, ("ivan@svet-montazh.example", "pavel@svet-montazh.example", "elena@proekt-lux.example"))]),
    ("proekty-i-raschety", "Коэффициенты отражения для склада в DIALux", 6, [
        ("elena@proekt-lux.example",
         "Считаю склад с высокими стеллажами. Какие коэффициенты отражения ставите для пола, стен и "
         "потолка, если отделки нет — бетон и профлист?", 6),
        ("dmitry@proekt-lux.example",
         "Мы берём 20 / 30 / 50 % и коэффициент запаса 1,4. Стеллажи моделируем объёмами, иначе между "
         "рядами расчёт выходит оптимистичнее, чем на объекте.", 5.4),
    ], None, [(1, ("elena@proekt-lux.example", "ivan@svet-montazh.example"))]),
    ("obshchie-voprosy", "Баллы за закупку через дистрибьютора: когда начисляются?", 4, [
        ("pavel@svet-montazh.example",
         "Брали светильники через «ЭлектроОпт Юг» в прошлом месяце. Когда баллы появятся в кабинете и "
         "нужно ли что-то присылать?", 4),
        ("maria@elopt-yug.example",
         "Мы передаём отгрузки клубу в начале месяца, после этого баллы начисляются сами. Если закупка не "
         "видна — приложите накладную через «Заявку на баллы» в кабинете.", 3.8),
    ], 1, [(1, ("pavel@svet-montazh.example",))]),
    ("rynok", "Спрос на DALI-2 в офисах: что видите у себя?", 1, [
        ("igor@elopt-yug.example",
         "У нас в этом квартале каждый третий запрос на офисы — с управлением по DALI-2. Заказчики "
         "спрашивают датчики присутствия сразу в комплекте. У вас так же?", 1.1),
        ("anna@svet-montazh.example",
         "Похоже: в Москве почти все новые офисные проекты с управлением. Проблема в сроках на драйверы.", 0.2),
    ], None, []),
)


def seed_demo_forum(db: Database, settings: Settings | None = None) -> str | None:
    """The on_demo hook: idempotent (only while the forum has no topics)."""
    if db.execute("SELECT 1 FROM forum_topics LIMIT 1").fetchone():
        return None
    people = {email: find_user_by_email(db, email) for email in demo_emails()}
    if any(user is None for user in people.values()):
        return None  # not the demo people: leave the forum to the club
    now = time.time()
    for slug, title, _days, posts, accepted, liked in CONVERSATIONS:
        category = store.get_category(db, slug)
        if category is not None:
            write_conversation(db, category, title, posts, accepted, liked, people, now)
    return f"demo club: {len(CONVERSATIONS)} forum topics with replies, likes and a solved question"


def demo_emails() -> set[str]:
    """Everyone who writes or likes in CONVERSATIONS."""
    writers = {email for *_, posts, _, _ in CONVERSATIONS for email, _, _ in posts}
    return writers | {email for *_, liked in CONVERSATIONS for _, emails in liked for email in emails}


def write_conversation(db: Database, category: Category, title: str, posts: list, accepted: int | None,
                       liked: list, people: dict[str, User], now: float) -> None:
    (first_email, first_text, first_days), *replies = posts
    topic, first = store.create_topic(db, category, people[first_email], title, first_text)
    made = [first] + [store.add_reply(db, topic, people[email], text) for email, text, _ in replies]
    for post, (_, _, days) in zip(made, posts, strict=True):  # spread over the past weeks, as a club's are
        db.execute("UPDATE forum_posts SET created_at = ? WHERE id = ?", [now - days * DAY, post.id])
    db.execute("UPDATE forum_topics SET created_at = ?, last_post_at = ? WHERE id = ?",
               [now - first_days * DAY, now - posts[-1][2] * DAY, topic.id])
    if accepted is not None:
        solutions.mark(db, topic.id, made[accepted], people[first_email].id)
    for index, emails in liked:
        for email in emails:
            if people[email].id != made[index].author_id:  # nobody likes their own post
                likes.like(db, made[index].id, people[email].id)
