"""Per-newsletter counts for the staff dashboard: recipients, delivered, tracked, unique openers and clickers.

Counting a quarter's newsletters from scratch means probing the events of every send (hundreds of
thousands); the dashboard must answer in well under a second. A newsletter that is `done` has sends that
no longer change (the worker only touches queued sends, and a done newsletter has none), and its tracking
events are only ever added, with growing ids. So its counts are kept in `newsletter_tallies` up to an
event id, and a look first adds the events after it, for every kept newsletter in one pass (each event
probed once for an earlier open or click by the same send), so the answer is exact at any moment. A
newsletter still sending, or cancelled, is counted live (it is one newsletter; its sends still change).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import write_transaction

_SENDS = ("SELECT count(*), coalesce(sum(status = 'sent'), 0), coalesce(sum(status = 'sent' AND tracking = 1), 0) "
          "FROM newsletter_sends WHERE newsletter_id = ?")
# New unique openers (kinds open, click) or clickers (click) of every tallied newsletter among the events
# after its own events_upto: one pass over the new events, read by id (CROSS JOIN keeps that order rather
# than walking the newsletters' tens of thousands of sends), each probed once for an earlier one.
_NEW = ("SELECT s.newsletter_id, count(DISTINCT e.send_id) FROM newsletter_events e "
        "CROSS JOIN newsletter_sends s ON s.id = e.send_id CROSS JOIN newsletter_tallies t "
        "ON t.newsletter_id = s.newsletter_id WHERE e.id > :after AND e.id <= :upto AND e.id > t.events_upto "
        "AND e.kind IN ({kinds}) AND NOT EXISTS (SELECT 1 FROM newsletter_events b WHERE b.send_id = e.send_id "
        "AND b.kind IN ({kinds}) AND b.id <= t.events_upto) GROUP BY s.newsletter_id")
_OPEN_KINDS, _CLICK_KINDS = "'open', 'click'", "'click'"
# All unique openers or clickers of one newsletter up to an event id: from its sends, probing each.
_ALL = ("SELECT count(*) FROM newsletter_sends s WHERE s.newsletter_id = :id AND EXISTS (SELECT 1 FROM "
        "newsletter_events e WHERE e.send_id = s.id AND e.kind IN ({kinds}) AND e.id <= :upto)")


@dataclass(frozen=True)
class Tally:
    recipients: int = 0
    sent: int = 0
    tracked: int = 0
    opens: int = 0
    clicks: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.recipients + other.recipients, self.sent + other.sent, self.tracked + other.tracked,
                     self.opens + other.opens, self.clicks + other.clicks)


def last_event(db: Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM newsletter_events").fetchone()[0]


def refresh(db: Database, upto: int) -> None:
    """Bring every tally up to event `upto` (last_event(), read once per look). In one write transaction:
    two looks at once never add the same events twice."""
    if db.execute("SELECT coalesce(min(events_upto), :upto) FROM newsletter_tallies", {"upto": upto}).fetchone()[0] \
            >= upto:
        return
    with write_transaction(db):
        after = db.execute("SELECT min(events_upto) FROM newsletter_tallies").fetchone()[0]
        if after is None or after >= upto:
            return
        values = {"after": after, "upto": upto}
        opens = dict(db.execute(_NEW.format(kinds=_OPEN_KINDS), values).fetchall())
        clicks = dict(db.execute(_NEW.format(kinds=_CLICK_KINDS), values).fetchall())
        db.conn.executemany("UPDATE newsletter_tallies SET opens = opens + ?, clicks = clicks + ? "
                            "WHERE newsletter_id = ?", [(opens.get(key, 0), clicks.get(key, 0), key)
                                                        for key in set(opens) | set(clicks)])
        db.conn.execute("UPDATE newsletter_tallies SET events_upto = ? WHERE events_upto < ?", [upto, upto])


def tally(db: Database, newsletter_id: int, status: str, upto: int) -> Tally:
    """The newsletter's counts with its tracking events up to `upto`; call refresh(db, upto) first."""
    if status != "done":
        return _count(db, newsletter_id, upto)
    row = db.execute("SELECT recipients, sent, tracked, opens, clicks, events_upto FROM newsletter_tallies "
                     "WHERE newsletter_id = ?", [newsletter_id]).fetchone()
    if row is not None and row[5] >= upto:
        return Tally(*row[:5])
    found = _count(db, newsletter_id, upto)  # a newsletter finished since the last look: counted once
    _keep(db, newsletter_id, found, upto)
    return found


def _count(db: Database, newsletter_id: int, upto: int) -> Tally:
    recipients, sent, tracked = db.execute(_SENDS, [newsletter_id]).fetchone()
    values = {"id": newsletter_id, "upto": upto}
    opens = db.execute(_ALL.format(kinds=_OPEN_KINDS), values).fetchone()[0]
    clicks = db.execute(_ALL.format(kinds=_CLICK_KINDS), values).fetchone()[0]
    return Tally(recipients, sent, tracked, opens, clicks)


def _keep(db: Database, newsletter_id: int, found: Tally, upto: int) -> None:
    """Store the counts unless a concurrent look stored later ones (never move events_upto back)."""
    with write_transaction(db):
        db.conn.execute(
            "INSERT INTO newsletter_tallies (newsletter_id, recipients, sent, tracked, opens, clicks, events_upto) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (newsletter_id) DO UPDATE SET recipients = excluded.recipients, "
            "sent = excluded.sent, tracked = excluded.tracked, opens = excluded.opens, clicks = excluded.clicks, "
            "events_upto = excluded.events_upto WHERE excluded.events_upto > newsletter_tallies.events_upto",
            [newsletter_id, found.recipients, found.sent, found.tracked, found.opens, found.clicks, upto])


def started_between(db: Database, start: float, end: float) -> list[tuple[int, str, str]]:
    """(id, status, audience JSON) of the newsletters whose sending started in [start, end). Letters that other
    capabilities queue to an explicit list (survey waves: `recipients` set) are not newsletters here."""
    return db.execute("SELECT id, status, audience FROM newsletters WHERE started_at >= ? AND started_at < ? "
                      "AND recipients IS NULL ORDER BY started_at", [start, end]).fetchall()
