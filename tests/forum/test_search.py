"""Forum search: Russian word forms, only visible posts in readable categories, no FTS syntax from users.

Rows are written with plain INSERTs (the forum pages have their own tests), then indexed the way the
store does it: the opening post carries the topic title, replies an empty one.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time

import anyio
import pytest

from portal.core.db import connect
from portal.core.identity import create_user
from portal.forum import ranking as forum_ranking
from portal.forum import search as forum_search


class Board:
    """A forum database with helpers that insert rows column by column and index them."""

    def __init__(self, db):
        self.db = db
        self.clock = itertools.count(1)
        self.author = create_user(db, name="Ирина Лампова", email="irina@lumen.ru", password_hash=None,
                                  language="ru", consent=True, confirmed=True)

    def category(self, slug: str, read_level: str = "members") -> int:
        cursor = self.db.execute("INSERT INTO forum_categories (slug, title, read_level, created_at) "
                                 "VALUES (?, ?, ?, ?)", [slug, slug.title(), read_level, "2026-01-01T00:00:00+00:00"])
        return cursor.lastrowid

    def topic(self, category_id: int, title: str, body: str) -> tuple[int, int]:
        """A topic with its opening post; returns (topic id, post id)."""
        at = 1_700_000_000.0 + next(self.clock)
        topic_id = self.db.execute(
            "INSERT INTO forum_topics (category_id, author_id, title, post_count, last_number, last_post_at, "
            "last_poster_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [category_id, self.author.id, title, 0, 0, at, self.author.id, at]).lastrowid
        return topic_id, self.reply(topic_id, body)

    def reply(self, topic_id: int, body: str) -> int:
        at = 1_700_000_000.0 + next(self.clock)
        number, title = self.db.execute("SELECT last_number + 1, title FROM forum_topics WHERE id = ?",
                                        [topic_id]).fetchone()
        post_id = self.db.execute(
            "INSERT INTO forum_posts (topic_id, number, author_id, body, html, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [topic_id, number, self.author.id, body, f"<p>{body}</p>", at]).lastrowid
        self.db.execute("UPDATE forum_topics SET last_number = ?, post_count = post_count + 1 WHERE id = ?",
                        [number, topic_id])
        forum_search.index_post(self.db, post_id, title if number == 1 else "", body)
        return post_id


@pytest.fixture
def board(tmp_path):
    db = connect(tmp_path / "club.db")
    yield Board(db)
    db.conn.close()


@pytest.fixture
def general(board) -> int:
    return board.category("obshchee")


def numbers(board: Board, query: str, categories: list[int], **kwargs) -> list[int]:
    hits, _total = forum_search.search(board.db, query, readable_category_ids=categories, **kwargs)
    return [hit.post_id for hit in hits]


def test_stem_text_folds_case_yo_markup_and_both_languages():
    text = "Ёлки и [LED-ленты](https://example.com/x) **Drivers** <b>тег</b>&nbsp;см. www.lumen.ru"
    assert forum_search.stem_text(text) == "елк и led лент driver тег см"
    assert forum_search.stem_text("") == "" and forum_search.stem_text("*** --- ```") == ""


@pytest.mark.parametrize(("written", "query"), [
    ("Сравнили десяток светильников.", "светильник"),
    ("Заменили светильниками старые лампы.", "светильник"),
    ("Какой светильник взять?", "светильниками"),
    ("Договорились о сроках монтажа.", "монтаж"),
    ("Ёлочные гирлянды на складе.", "елочная"),    # ё and е are one letter, both ways
    ("Елки у входа.", "ёлки"),
    ("New DALI drivers arrived.", "driver"),
    ("Stage lighting", "lights"),
])
def test_word_forms_find_each_other(board, general, written, query):
    _, post_id = board.topic(general, "Вопрос", written)
    assert numbers(board, query, [general]) == [post_id]


def test_different_stems_stay_apart_unless_the_last_word_is_widened(board, general):
    # Snowball: «монтажники» -> «монтажник», «монтаж» -> «монтаж»: not one word form. When whole words
    # find less than a page, the last word also matches as a prefix, so «монтаж» still finds them.
    _, crew = board.topic(general, "Бригада", "Монтажники приедут завтра.")
    assert numbers(board, "монтажник", [general]) == [crew]
    assert numbers(board, "монтаж", [general]) == [crew]
    assert numbers(board, "светил", [general]) == []
    _, lamp = board.topic(general, "Лампы", "Светильники со склада.")
    assert numbers(board, "светил", [general]) == [lamp]  # a word cut short still finds
    assert numbers(board, "мон", [general]) == []  # too short to widen


def test_a_verb_finds_its_noun_through_a_long_enough_stem(board, general):
    # Snowball: «мерцает» -> «мерца», «мерцание» -> «мерцан» (issue 18: the search found one, not the other).
    _, flicker = board.topic(general, "Мерцание", "Мерцание драйвера на малой яркости.")
    assert numbers(board, "мерцает", [general]) == [flicker]
    assert numbers(board, "мерцают", [general]) == [flicker]
    board.topic(general, "Потолок", "Светлый потолок.")
    assert numbers(board, "светил", [general]) == []  # свет* would find «Светлый»: a short stem widens as typed
    hit = forum_search.search(board.db, "мерцает", readable_category_ids=[general])[0][0]
    assert any(marked and text.lower().startswith("мерцан") for text, marked in hit.snippet_parts)


def test_function_words_are_not_required(board, general):
    _, post_id = board.topic(general, "Склад", "Светильники нужны складу к пятнице.")
    assert numbers(board, "светильники для склада", [general]) == [post_id]
    assert numbers(board, "для", [general]) == []  # a query of function words alone is taken as is


def test_quoted_words_are_a_phrase(board, general):
    _, together = board.topic(general, "Трек", "Монтаж трека занял день.")
    _, apart = board.topic(general, "Другое", "Монтаж прошёл, а про трека ни слова.")
    assert sorted(numbers(board, "монтаж трека", [general])) == sorted([together, apart])
    assert numbers(board, '"монтажа треку"', [general]) == [together]


def test_title_hits_land_on_the_opening_post_and_rank_first(board, general):
    topic_id, first = board.topic(general, "Драйвер DALI для трека", "Подскажите схему подключения.")
    other_topic, _ = board.topic(general, "Схемы", "Схема подключения простая.")
    reply = board.reply(other_topic, "Поставили другой драйвер и всё заработало с первого раза.")
    hits, total = forum_search.search(board.db, "драйвера", readable_category_ids=[general])
    assert [hit.post_id for hit in hits] == [first, reply] and total == 2
    assert (hits[0].topic_id, hits[0].number) == (topic_id, 1)
    assert numbers(board, "трек", [general]) == [first]  # in the title only


def test_hits_carry_what_a_link_and_a_result_line_need(board, general):
    topic_id, _ = board.topic(general, "Гарантия на драйверы", "Какой срок гарантии?")
    board.reply(topic_id, "Три года.")
    post_id = board.reply(topic_id, "Пульсация ниже одного процента.")
    [hit], total = forum_search.search(board.db, "пульсации", readable_category_ids=[general])
    created = board.db.execute("SELECT created_at FROM forum_posts WHERE id = ?", [post_id]).fetchone()[0]
    assert total == 1
    assert (hit.post_id, hit.topic_id, hit.number, hit.topic_title) == (post_id, topic_id, 3, "Гарантия на драйверы")
    assert (hit.category_slug, hit.author_name, hit.created_at) == ("obshchee", "Ирина Лампова", created)


def test_hidden_deleted_and_unreadable_posts_are_never_found(board, general):
    staff = board.category("shtab", read_level="staff")
    topic_id, first = board.topic(general, "Склад", "Стеллажи на складе.")
    hidden = board.reply(topic_id, "Стеллажи спам.")
    deleted = board.reply(topic_id, "Стеллажи удалены автором.")
    _, secret = board.topic(staff, "Внутреннее", "Стеллажи для сотрудников.")
    # Hidden and deleted but still in the index (a caller forgot to unindex): still not found.
    board.db.execute("UPDATE forum_posts SET hidden_at = ? WHERE id = ?", [time.time(), hidden])
    board.db.execute("UPDATE forum_posts SET deleted_at = ? WHERE id = ?", [time.time(), deleted])
    assert numbers(board, "стеллаж", [general]) == [first]
    assert forum_search.search(board.db, "стеллаж", readable_category_ids=[general])[1] == 1
    assert sorted(numbers(board, "стеллаж", [general, staff])) == sorted([first, secret])
    assert forum_search.search(board.db, "стеллаж", readable_category_ids=[]) == ([], 0)
    forum_search.unindex_post(board.db, first)
    assert numbers(board, "стеллаж", [general]) == []


def test_an_edit_replaces_the_old_words(board, general):
    _, post_id = board.topic(general, "Прожектор", "Нужен прожектор на парковку.")
    forum_search.index_post(board.db, post_id, "Прожектор", "Нужен прожектор на фасад.")
    assert numbers(board, "парковка", [general]) == []
    assert numbers(board, "фасада", [general]) == [post_id]
    assert board.db.execute("SELECT count(*) FROM forum_search WHERE rowid = ?", [post_id]).fetchone()[0] == 1


@pytest.mark.parametrize("query", [
    '"', '""', "*", "**", "NEAR(склад стеллаж)", "склад AND OR NOT", "склад NOT стеллаж", "title:склад",
    "body : склад", "^склад", '"незакрытая кавычка', "склад)", "(" * 50, "{title body}: склад", "склад + -",
    "\x00склад", "слово " * 5000, "сл" * 5000, "'; DROP TABLE forum_posts; --",
])
def test_user_input_is_never_fts_syntax(board, general, query):
    board.topic(general, "Склад", "Стеллажи на складе.")
    hits, total = forum_search.search(board.db, query, readable_category_ids=[general])
    assert len(hits) == total <= 1


def test_operators_are_plain_words(board, general):
    _, post_id = board.topic(general, "Склад", "Стеллажи на складе.")
    assert numbers(board, "склад OR несуществующее", [general]) == []  # every word is required
    assert numbers(board, "склад NOT стеллаж", [general]) == []       # "not" is a word to find
    assert numbers(board, "title:склад", [general]) == []             # "title" is a word to find
    assert numbers(board, '"склад', [general]) == [post_id]           # a lone quote is punctuation


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "***", "—", "«»", "\n\t"])
def test_empty_queries_find_nothing_without_error(board, general, query):
    board.topic(general, "Склад", "Стеллажи на складе.")
    assert forum_search.search(board.db, query, readable_category_ids=[general]) == ([], 0)


def test_pages_and_the_total(board, general):
    topic_id, _ = board.topic(general, "Освещение", "Вводная.")
    posts = [board.reply(topic_id, "Одинаковый ответ про яркость.") for _ in range(25)]
    pages = [forum_search.search(board.db, "яркость", readable_category_ids=[general], limit=10, offset=offset)
             for offset in (0, 10, 20, 30)]
    assert [len(hits) for hits, _ in pages] == [10, 10, 5, 0] and {total for _, total in pages} == {25}
    found = [hit.post_id for hits, _ in pages for hit in hits]
    assert found == posts[::-1]  # equal scores: newest first, nothing repeated or lost between pages


def test_snippets_are_plain_text_with_the_match_marked(board, general):
    body = ("Начало. " + "Текст без искомого слова. " * 20 + "Тут **датчиками** <b>управляет</b> "
            "[шлюз](https://example.com/gate) & <script>alert(1)</script> конец. " + "Хвост. " * 40)
    board.topic(general, "Датчики", body)
    [hit], _ = forum_search.search(board.db, "датчик", readable_category_ids=[general])
    assert ("датчиками", True) in hit.snippet_parts
    assert [text for text, match in hit.snippet_parts if match] == ["датчиками"]
    text = hit.snippet
    assert text.startswith("…") and text.endswith("…") and 150 <= len(text) <= 260
    assert "шлюз" in text and not any(mark in text for mark in ("<", ">", "**", "https", "]("))
    assert "Начало" not in text  # the window starts near the match


def test_snippet_of_a_title_hit_is_the_start_of_the_body(board, general):
    board.topic(general, "Тендер на освещение", "Коротко: нужны цены.")
    [hit], _ = forum_search.search(board.db, "тендер", readable_category_ids=[general])
    assert hit.snippet_parts == (("Коротко: нужны цены.", False),)


def test_broad_queries_rank_only_the_newest_matches(board, general, monkeypatch):
    monkeypatch.setattr(forum_search, "RANK_WINDOW", 2)
    topic_id, first = board.topic(general, "Светильник", "Светильник в заголовке и в тексте.")
    replies = [board.reply(topic_id, "Ещё один светильник.") for _ in range(3)]
    hits, total = forum_search.search(board.db, "светильник", readable_category_ids=[general])
    assert [hit.post_id for hit in hits] == replies[:0:-1] and total == 2  # the best match is too old


def test_unreadable_matches_do_not_crowd_out_readable_ones(board, general, monkeypatch):
    monkeypatch.setattr(forum_search, "RANK_WINDOW", 2)
    staff = board.category("shtab", read_level="staff")
    _, old = board.topic(general, "Кабель", "Кабель питания.")
    for _ in range(3):
        board.topic(staff, "Кабель", "Кабель питания.")
    assert numbers(board, "кабель", [general]) == [old]


def test_new_posts_are_found_right_away_even_from_another_connection(board, general, tmp_path):
    _, first = board.topic(general, "Профиль", "Алюминиевый профиль.")
    assert numbers(board, "профиль", [general]) == [first]  # ranking now cached
    second = board.topic(general, "Профиль", "Ещё профиль.")[1]
    assert numbers(board, "профиль", [general]) == [second, first]
    other = connect(tmp_path / "club.db")  # another worker
    try:
        post_id = other.execute("SELECT id FROM forum_posts WHERE id = ?", [first]).fetchone()[0]
        forum_search.unindex_post(other, post_id)
    finally:
        other.conn.close()
    assert numbers(board, "профиль", [general]) == [second]


def test_reindex_all_rebuilds_from_visible_posts(board, general):
    topic_id, first = board.topic(general, "Драйвер для ленты", "Какой выбрать?")
    reply = board.reply(topic_id, "Берите драйвер с запасом.")
    hidden = board.reply(topic_id, "Драйвер со скидкой, пишите в личку.")
    board.db.execute("UPDATE forum_posts SET hidden_at = ? WHERE id = ?", [time.time(), hidden])
    board.db.execute("DELETE FROM forum_search")
    assert numbers(board, "драйвер", [general]) == []
    assert forum_search.reindex_all(board.db, batch=2) == 2
    assert numbers(board, "драйвер", [general]) == [first, reply]
    assert numbers(board, "ленты", [general]) == [first]  # the title went with post 1 only
    assert board.db.execute("SELECT count(*) FROM forum_search").fetchone()[0] == 2


def test_a_topic_moved_out_of_reach_is_gone_at_once(board, general):
    staff = board.category("shtab", read_level="staff")
    topic_id, post_id = board.topic(general, "Остатки", "Остатки на складе.")
    assert numbers(board, "остатки", [general]) == [post_id]  # ranking now cached
    board.db.execute("UPDATE forum_topics SET category_id = ? WHERE id = ?", [staff, topic_id])
    assert numbers(board, "остатки", [general]) == []


def test_a_capped_total_says_there_are_more(board, general, monkeypatch):
    monkeypatch.setattr(forum_search, "RANK_WINDOW", 2)
    topic_id, _ = board.topic(general, "Линзы", "Линзы для прожектора.")
    found = forum_search.find(board.db, "линзы", readable_category_ids=[general])
    assert (found.total, found.capped) == (1, False)
    board.reply(topic_id, "Ещё линзы.")
    assert forum_search.find(board.db, "линзы", readable_category_ids=[general]).capped is False  # exactly 2
    board.reply(topic_id, "И ещё линзы.")
    found = forum_search.find(board.db, "линзы", readable_category_ids=[general])
    assert (found.total, found.capped, len(found.hits)) == (2, True, 2)


def test_out_of_time_returns_what_was_found_so_far(board, general, monkeypatch):
    topic_id, first = board.topic(general, "Кронштейн", "Кронштейн для трека.")
    replies = [board.reply(topic_id, f"Кронштейн номер {n}.") for n in range(4)]
    clock = iter([False])  # the deadline passes after the first look at the clock
    monkeypatch.setattr(forum_ranking, "expired", lambda _at: next(clock, True))
    monkeypatch.setattr(forum_ranking, "CHUNK", 2)
    found = forum_search.find(board.db, "кронштейн", readable_category_ids=[general])
    assert found.partial and [hit.post_id for hit in found.hits] == replies[:1:-1]  # the newest two, read first
    monkeypatch.undo()
    complete = forum_search.find(board.db, "кронштейн", readable_category_ids=[general])  # not cached as partial
    assert not complete.partial and complete.total == 5 and first in [hit.post_id for hit in complete.hits]


def test_a_statement_still_running_at_the_deadline_is_stopped(board, general, monkeypatch):
    board.topic(general, "Кронштейн", "Кронштейн для трека.")
    monkeypatch.setattr(forum_ranking, "expired", lambda _at: True)
    monkeypatch.setattr(forum_ranking, "PROGRESS_STEPS", 1)  # SQLite looks at the clock at once
    found = forum_search.find(board.db, "кронштейн", readable_category_ids=[general])
    assert found.partial and found.hits == [] and found.total == 0


def test_search_runs_in_a_worker_thread_on_its_own_connection(board, general, monkeypatch):
    _, post_id = board.topic(general, "Шинопровод", "Шинопровод трёхфазный.")
    seen = []
    real_find = forum_search.find

    def spy(db, query, **kwargs):
        seen.append((db is board.db, threading.current_thread() is threading.main_thread()))
        return real_find(db, query, **kwargs)

    monkeypatch.setattr(forum_search, "find", spy)
    found = anyio.run(functools.partial(forum_search.find_off_loop, board.db, "шинопровод",
                                        readable_category_ids=[general]))
    assert [hit.post_id for hit in found.hits] == [post_id] and seen == [(False, False)]
