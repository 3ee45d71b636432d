"""Newsletter statistics for staff: numbers by segment and region, clicks per link, a chart, CSV.

Everything is counted in SQL with GROUP BY over the newsletter's sends (index newsletter_sends_due
starts with newsletter_id) and EXISTS probes into newsletter_events (index newsletter_events_send on
send_id, kind), so a newsletter of 100,000 recipients is one pass over its sends. Unique counts are
per recipient, so the cells of segment × region add up to the totals exactly.

Definitions (docs/staff.md, «Newsletter statistics»): delivered = accepted by the mail server (status
'sent'); opened = the pixel loaded or a link clicked (approximate: images may be blocked or fetched
by a mail provider's proxy); open and click rates are over the delivered messages that carried
tracking, because a member who switched tracking off can never be counted as opening.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from sqlite_utils import Database

from portal.newsletters.model import Newsletter, get_newsletter
from site_builder.contract import MailArtefactError

HOURS = 72
CHECKPOINTS = (1, 2, 4, 8, 12, 24, 48, 72)
_OPENED = "EXISTS (SELECT 1 FROM newsletter_events e WHERE e.send_id = s.id AND e.kind IN ('open', 'click'))"
_CLICKED = "EXISTS (SELECT 1 FROM newsletter_events e WHERE e.send_id = s.id AND e.kind = 'click')"
_LEFT = "EXISTS (SELECT 1 FROM newsletter_events e WHERE e.send_id = s.id AND e.kind = 'unsubscribe')"
COUNT_COLUMNS = (f"count(*), sum(s.status = 'sent'), sum(s.status = 'failed'), sum(s.status = 'bounced'), "
                 f"sum(s.status = 'sent' AND s.tracking = 1), sum({_OPENED}), sum({_CLICKED}), sum({_LEFT})")


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Counts:
    """Per-recipient counts for a group of sends."""

    recipients: int = 0
    sent: int = 0  # delivered: the mail server accepted the message
    failed: int = 0
    bounced: int = 0
    tracked: int = 0  # delivered with tracking on: the base of open and click rates
    opens: int = 0  # unique: recipients who loaded the pixel or clicked
    clicks: int = 0  # unique clickers
    unsubscribes: int = 0

    @property
    def pending(self) -> int:
        return self.recipients - self.sent - self.failed - self.bounced

    @property
    def open_rate(self) -> float | None:
        return rate(self.opens, self.tracked)

    @property
    def click_rate(self) -> float | None:
        return rate(self.clicks, self.tracked)

    @property
    def click_to_open(self) -> float | None:
        return rate(self.clicks, self.opens)

    @property
    def unsubscribe_rate(self) -> float | None:
        return rate(self.unsubscribes, self.sent)

    def add(self, other: Counts) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def counts_from(values: tuple) -> Counts:
    return Counts(*(int(v or 0) for v in values))


@dataclass(frozen=True)
class LinkClicks:
    index: int
    url: str
    clicks: int
    clickers: int


@dataclass
class Stats:
    newsletter: Newsletter
    total: Counts
    cells: list[tuple[str | None, str | None, Counts]]  # (segment, region, counts)
    links: list[LinkClicks] = field(default_factory=list)
    timeline: list[tuple[int, int, int]] = field(default_factory=list)  # (hour, opened so far, clicked so far)

    def by(self, position: int) -> list[tuple[str | None, Counts]]:
        """Counts by segment (position 0) or region (1), in the order the cells came."""
        groups: dict[str | None, Counts] = {}
        for cell in self.cells:
            groups.setdefault(cell[position], Counts()).add(cell[2])
        return list(groups.items())


def breakdown(db: Database, newsletter_id: int) -> list[tuple[str | None, str | None, Counts]]:
    sql = (f"SELECT s.segment, s.region, {COUNT_COLUMNS} FROM newsletter_sends s "  # noqa: S608 - constants
           "WHERE s.newsletter_id = ? GROUP BY s.segment, s.region")
    return [(row[0], row[1], counts_from(row[2:])) for row in db.execute(sql, [newsletter_id])]


def link_clicks(db: Database, newsletter: Newsletter) -> list[LinkClicks]:
    """Every link of the letter (unclicked ones too), with total clicks and unique clickers."""
    rows = db.execute("SELECT e.link, count(*), count(DISTINCT e.send_id) FROM newsletter_events e "
                      "WHERE e.kind = 'click' AND e.send_id IN (SELECT id FROM newsletter_sends "
                      "WHERE newsletter_id = ?) GROUP BY e.link", [newsletter.id]).fetchall()
    found = {index: (clicks, clickers) for index, clicks, clickers in rows if index is not None}
    try:
        urls = dict(enumerate(newsletter.mail.links))
    except MailArtefactError:  # a damaged copy of the letter: still show the numbers
        urls = {}
    return [LinkClicks(i, urls.get(i, ""), *found.get(i, (0, 0))) for i in sorted(set(urls) | set(found))]


def timeline(db: Database, newsletter: Newsletter) -> list[tuple[int, int, int]]:
    """Unique openers and clickers so far at each hour 0..HOURS after sending started."""
    start = newsletter.started_at
    if start is None:
        return []
    rows = db.execute(
        "WITH firsts AS (SELECT min(e.at) AS seen, min(CASE WHEN e.kind = 'click' THEN e.at END) AS clicked "
        "FROM newsletter_events e WHERE e.kind IN ('open', 'click') AND e.send_id IN "
        "(SELECT id FROM newsletter_sends WHERE newsletter_id = :id) GROUP BY e.send_id) "
        "SELECT 0, max(0, CAST((seen - :start) / 3600 AS INTEGER)) AS hour, count(*) FROM firsts "
        "WHERE seen < :end GROUP BY hour UNION ALL "
        "SELECT 1, max(0, CAST((clicked - :start) / 3600 AS INTEGER)) AS hour, count(*) FROM firsts "
        "WHERE clicked < :end GROUP BY hour",
        {"id": newsletter.id, "start": start, "end": start + HOURS * 3600}).fetchall()
    buckets = [[0] * HOURS, [0] * HOURS]
    for series, hour, count in rows:
        buckets[series][hour] += count
    points, opened, clicked = [(0, 0, 0)], 0, 0
    for hour in range(HOURS):
        opened, clicked = opened + buckets[0][hour], clicked + buckets[1][hour]
        points.append((hour + 1, opened, clicked))
    return points


def newsletter_stats(db: Database, newsletter: Newsletter) -> Stats:
    cells = breakdown(db, newsletter.id)
    total = Counts()
    for cell in cells:
        total.add(cell[2])
    return Stats(newsletter, total, cells, link_clicks(db, newsletter), timeline(db, newsletter))


def topic_rates(db: Database) -> list[tuple[Newsletter, Counts]]:
    """Every newsletter that has recipients, newest first, with its totals (one grouped pass)."""
    sql = (f"SELECT s.newsletter_id, {COUNT_COLUMNS} FROM newsletter_sends s "  # noqa: S608 - constants
           "GROUP BY s.newsletter_id ORDER BY s.newsletter_id DESC")
    found = []
    for row in db.execute(sql).fetchall():
        newsletter = get_newsletter(db, row[0])
        if newsletter is not None:
            found.append((newsletter, counts_from(row[1:])))
    return found


def by_topic(rows: list[tuple[Newsletter, Counts]], topics: dict[str, str]) -> list[tuple[str | None, Counts, int]]:
    """(topic, summed counts, newsletters) — a letter for two topics counts for both; None = no topic filter."""
    groups: dict[str | None, tuple[Counts, list[int]]] = {}
    for newsletter, counts in rows:
        for topic in newsletter.audience.get("topics") or [None]:
            summed, ids = groups.setdefault(topic, (Counts(), []))
            summed.add(counts)
            ids.append(newsletter.id)
    order = {key: i for i, key in enumerate(topics)}
    ranked = sorted(groups.items(), key=lambda kv: (kv[0] is None, order.get(kv[0] or "", len(order)), kv[0] or ""))
    return [(topic, summed, len(ids)) for topic, (summed, ids) in ranked]
