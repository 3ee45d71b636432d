"""Survey reads and writes: the one owner of survey_waves, survey_asked, survey_answers and survey_optouts.

An answer is one row per person per wave: a second answer changes it (never a second row), so a double
POST counts once. A detractor's answer records core.happenings.Detracted in the same transaction
(feedback/detractors.py opens the account manager's request); only when the answer becomes a detractor's,
so changing 3 to 4 does not ask twice (the handler is idempotent anyway).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.core.happenings import Detracted, record
from portal.surveys.model import WAVE_COLUMNS, Answer, Audience, Candidate, Wave, wave_from_row
from portal.surveys.nps import kind_of

MAX_WHY = 2000
ANSWER_COLUMNS = ("a.wave_id, a.user_id, a.score, a.why, a.answered_at, a.changed_at, coalesce(u.name, ''), "
                  "coalesce(u.email, ''), coalesce(c.name, ''), s.company_id, s.segment, s.region, s.tier, "
                  "coalesce(s.company_size, 0)")
ANSWER_FROM = ("FROM survey_answers a JOIN survey_asked s ON s.wave_id = a.wave_id AND s.user_id = a.user_id "
               "LEFT JOIN users u ON u.id = a.user_id LEFT JOIN companies c ON c.id = s.company_id ")


class Refused(Exception):
    """The answer cannot be taken: `reason` is "not_asked" or "closed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- waves ------------------------------------------------------------------------------------------------

def create_wave(db: Database, title: str, subject: str, audience: Audience, people: Sequence[Candidate],
                send_at: float, closes_at: float, by_id: int | None, min_days: int, now: float) -> tuple[int, int]:
    """The wave and its asked people in one transaction; (wave id, people asked).

    Throttling is checked again here, under the write lock, so two waves started at once never both ask
    someone (nobody is asked more often than every `min_days` days), nor anyone who opted out meanwhile.
    """
    since = now - min_days * 86400
    with write_transaction(db):
        wave_id = db.conn.execute(
            "INSERT INTO survey_waves (title, subject, audience, created_by, created_at, send_at, closes_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [title, subject, audience.to_json(), by_id, now, send_at, closes_at]
        ).lastrowid
        asked = 0
        for person in people:
            asked += db.conn.execute(
                "INSERT INTO survey_asked (wave_id, user_id, company_id, segment, region, tier, company_size, "
                "asked_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM survey_asked "
                "WHERE user_id = ? AND asked_at > ?) AND NOT EXISTS (SELECT 1 FROM survey_optouts WHERE user_id = ?)",
                [wave_id, person.user_id, person.company_id, person.segment, person.region, person.tier,
                 person.company_size, now, person.user_id, since, person.user_id]).rowcount
    return wave_id, asked


def set_letter(db: Database, wave_id: int, newsletter_id: int) -> None:
    db.execute("UPDATE survey_waves SET newsletter_id = ? WHERE id = ?", [newsletter_id, wave_id])


def get_wave(db: Database, wave_id: int) -> Wave | None:
    row = db.execute(f"SELECT {WAVE_COLUMNS} FROM survey_waves WHERE id = ?", [wave_id]).fetchone()  # noqa: S608
    return wave_from_row(row) if row else None


def waves(db: Database) -> list[Wave]:
    """Every wave, newest first."""
    rows = db.execute(f"SELECT {WAVE_COLUMNS} FROM survey_waves ORDER BY send_at DESC, id DESC").fetchall()  # noqa: S608
    return [wave_from_row(row) for row in rows]


def latest_wave(db: Database) -> Wave | None:
    found = waves(db)
    return found[0] if found else None


def asked_count(db: Database, wave_id: int) -> int:
    return db.execute("SELECT count(*) FROM survey_asked WHERE wave_id = ?", [wave_id]).fetchone()[0]


def asked_recipients(db: Database, wave_id: int) -> list[int]:
    return [row[0] for row in db.execute("SELECT user_id FROM survey_asked WHERE wave_id = ? ORDER BY user_id",
                                         [wave_id])]


def recently_asked(db: Database, since: float) -> set[int]:
    return {row[0] for row in db.execute("SELECT DISTINCT user_id FROM survey_asked WHERE asked_at > ?", [since])}


def is_asked(db: Database, wave_id: int, user_id: int) -> bool:
    return db.execute("SELECT 1 FROM survey_asked WHERE wave_id = ? AND user_id = ?",
                      [wave_id, user_id]).fetchone() is not None


# --- answers ----------------------------------------------------------------------------------------------

def get_answer(db: Database, wave_id: int, user_id: int) -> Answer | None:
    row = db.execute(f"SELECT {ANSWER_COLUMNS} {ANSWER_FROM} WHERE a.wave_id = ? AND a.user_id = ?",  # noqa: S608
                     [wave_id, user_id]).fetchone()
    return Answer(*row) if row else None


def answer(db: Database, wave: Wave, user_id: int, score: int, why: str, now: float | None = None) -> Answer:
    """Take (or change) the person's answer; Refused when they were not asked or the wave is closed."""
    now = time.time() if now is None else now
    kind_of(score)  # 0-10 or ValueError
    with write_transaction(db):
        asked = db.conn.execute("SELECT company_id FROM survey_asked WHERE wave_id = ? AND user_id = ?",
                                [wave.id, user_id]).fetchone()
        if asked is None:
            raise Refused("not_asked")
        if not wave.open_at(now):
            raise Refused("closed")
        before = db.conn.execute("SELECT score FROM survey_answers WHERE wave_id = ? AND user_id = ?",
                                 [wave.id, user_id]).fetchone()
        db.conn.execute(
            "INSERT INTO survey_answers (wave_id, user_id, score, why, answered_at, changed_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (wave_id, user_id) DO UPDATE SET score = excluded.score, why = excluded.why, "
            "changed_at = excluded.changed_at", [wave.id, user_id, score, why[:MAX_WHY], now, now])
        if kind_of(score) == "detractor" and (before is None or kind_of(before[0]) != "detractor"):
            record(db, Detracted(wave.id, user_id, asked[0], score, why[:MAX_WHY], now))
    found = get_answer(db, wave.id, user_id)
    assert found is not None
    return found


def answers(db: Database, wave_id: int) -> list[Answer]:
    """A wave's answers with who gave them, in the order they came."""
    rows = db.execute(f"SELECT {ANSWER_COLUMNS} {ANSWER_FROM} WHERE a.wave_id = ? "  # noqa: S608
                      "ORDER BY a.answered_at, a.user_id", [wave_id]).fetchall()
    return [Answer(*row) for row in rows]


def scores_between(db: Database, start: float, end: float) -> list[int]:
    """The scores of answers last given in [start, end)."""
    return [row[0] for row in db.execute("SELECT score FROM survey_answers WHERE changed_at >= ? AND changed_at < ?",
                                         [start, end])]


def asked_between(db: Database, start: float, end: float) -> int:
    """People asked by waves sent in [start, end)."""
    return db.execute("SELECT count(*) FROM survey_asked s JOIN survey_waves w ON w.id = s.wave_id "
                      "WHERE w.send_at >= ? AND w.send_at < ?", [start, end]).fetchone()[0]


def answered_of_asked_between(db: Database, start: float, end: float) -> int:
    return db.execute("SELECT count(*) FROM survey_answers a JOIN survey_waves w ON w.id = a.wave_id "
                      "WHERE w.send_at >= ? AND w.send_at < ?", [start, end]).fetchone()[0]


def latest_company_scores(db: Database) -> dict[int, list[int]]:
    """Company id -> the latest answer of each of its people (any wave), for the health table."""
    found: dict[int, list[int]] = {}
    for company_id, _user_id, rank, score in _ranked_answers(db):
        if rank == 1:
            found.setdefault(company_id, []).append(score)
    return found


def company_score_changes(db: Database) -> dict[int, float]:
    """Company id -> the mean change from each person's previous answer to their latest (the people who
    answered twice or more): the health table's "NPS falling" signal."""
    pairs: dict[tuple[int, int], dict[int, int]] = {}
    for company_id, user_id, rank, score in _ranked_answers(db):
        if rank <= 2:
            pairs.setdefault((company_id, user_id), {})[rank] = score
    changes: dict[int, list[int]] = {}
    for (company_id, _user_id), ranks in pairs.items():
        if 2 in ranks:
            changes.setdefault(company_id, []).append(ranks[1] - ranks[2])
    return {company_id: round(sum(found) / len(found), 1) for company_id, found in changes.items()}


def _ranked_answers(db: Database) -> list[tuple[int, int, int, int]]:
    """(company id, user id, 1 for the person's latest answer / 2 for the one before…, score): one pass with
    a window function (a correlated max() per row has no index on user_id and is quadratic)."""
    return db.execute(
        "SELECT company_id, user_id, rank, score FROM (SELECT s.company_id, a.user_id, a.score, ROW_NUMBER() "
        "OVER (PARTITION BY a.user_id ORDER BY a.changed_at DESC, a.wave_id DESC) AS rank FROM survey_answers a "
        "JOIN survey_asked s ON s.wave_id = a.wave_id AND s.user_id = a.user_id "
        "WHERE s.company_id IS NOT NULL) WHERE rank <= 2").fetchall()


# --- the cabinet: the card, dismissing it, opting out -----------------------------------------------------

def open_for(db: Database, user_id: int, now: float) -> Wave | None:
    """The newest open wave that asked this person and that they have neither answered nor dismissed."""
    row = db.execute(
        f"SELECT {', '.join('w.' + c.strip() for c in WAVE_COLUMNS.split(','))} FROM survey_waves w "  # noqa: S608
        "JOIN survey_asked s ON s.wave_id = w.id AND s.user_id = ? WHERE s.dismissed_at IS NULL "
        "AND w.send_at <= ? AND w.closes_at > ? AND NOT EXISTS (SELECT 1 FROM survey_answers a "
        "WHERE a.wave_id = w.id AND a.user_id = s.user_id) AND NOT EXISTS (SELECT 1 FROM survey_optouts o "
        "WHERE o.user_id = s.user_id) ORDER BY w.send_at DESC LIMIT 1", [user_id, now, now]).fetchone()
    return wave_from_row(row) if row else None


def dismiss(db: Database, wave_id: int, user_id: int, now: float) -> bool:
    return db.execute("UPDATE survey_asked SET dismissed_at = ? WHERE wave_id = ? AND user_id = ? "
                      "AND dismissed_at IS NULL", [now, wave_id, user_id]).rowcount == 1


def opted_out(db: Database, user_id: int) -> bool:
    return db.execute("SELECT 1 FROM survey_optouts WHERE user_id = ?", [user_id]).fetchone() is not None


def set_opt_out(db: Database, user_id: int, out: bool, now: float) -> None:
    if out:
        db.execute("INSERT OR IGNORE INTO survey_optouts (user_id, at) VALUES (?, ?)", [user_id, now])
    else:
        db.execute("DELETE FROM survey_optouts WHERE user_id = ?", [user_id])


def opted_out_users(db: Database) -> set[int]:
    return {row[0] for row in db.execute("SELECT user_id FROM survey_optouts")}


# --- a person's data, the demo -----------------------------------------------------------------------------

def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    """What the surveys keep about a person (152-FZ art. 14): waves asked, answers, the opt-out."""
    asked = db.execute("SELECT s.wave_id, w.title, s.asked_at, s.dismissed_at FROM survey_asked s "
                       "JOIN survey_waves w ON w.id = s.wave_id WHERE s.user_id = ? ORDER BY s.asked_at",
                       [user_id]).fetchall()
    given = db.execute("SELECT wave_id, score, why, answered_at, changed_at FROM survey_answers WHERE user_id = ? "
                       "ORDER BY answered_at", [user_id]).fetchall()
    optout = db.execute("SELECT at FROM survey_optouts WHERE user_id = ?", [user_id]).fetchall()
    return {"survey_waves_asked": [dict(zip(("wave", "title", "asked_at", "dismissed_at"), row, strict=True))
                                   for row in asked],
            "survey_answers": [dict(zip(("wave", "score", "why", "answered_at", "changed_at"), row, strict=True))
                               for row in given],
            "survey_opt_out": [{"at": row[0]} for row in optout]}


def is_empty(db: Database) -> bool:
    return db.execute("SELECT 1 FROM survey_waves LIMIT 1").fetchone() is None
