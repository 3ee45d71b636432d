"""The newsletters' panel on the staff dashboard: newsletters whose sending started in the period, what
was delivered, the open and click rates, and both rates by topic.

Rates are over delivered messages that carried tracking (stats.py's definitions), as percentages. The
click rate is marked as the more reliable of the two: Apple Mail Privacy Protection (and some providers'
proxies) loads every open pixel on delivery, so opens are inflated; a click is a person. A newsletter
for several topics counts in each; one without a topic filter is its own row. Counts come from
tallies.py, exact at any moment and cheap for a finished newsletter.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from portal.core.dashboard import Breakdown, DashboardPanel, Figure, PanelFigures, Period
from portal.core.i18n import translate
from portal.core.settings import Settings
from portal.newsletters import tallies
from portal.newsletters.queue import NEWSLETTER_ROLES
from portal.web.context import settings_vocabulary, settings_zone

LIST_URL = "/staff/newsletters/"
TOPICS_URL = "/staff/newsletters/stats/topics"


def percent(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def figures(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    start, end = period.bounds(settings_zone(settings))
    upto = tallies.last_event(db)
    tallies.refresh(db, upto)
    total, by_topic = tallies.Tally(), {}
    letters = tallies.started_between(db, start, end)
    for newsletter_id, status, audience in letters:
        found = tallies.tally(db, newsletter_id, status, upto)
        total = total + found
        for topic in json.loads(audience).get("topics") or [None]:
            by_topic[topic] = by_topic.get(topic, tallies.Tally()) + found
    names = settings_vocabulary(settings, "topics", language)
    rows = {(translate(language, "stats.all_topics") if key is None else names.get(key, key)): counts
            for key, counts in sorted(by_topic.items(), key=lambda item: (item[0] is None, str(item[0])))}
    return PanelFigures(
        figures=(Figure("newsletters", "dash.nl.newsletters", len(letters), url=LIST_URL),
                 Figure("sent", "dash.nl.sent", total.sent, url=LIST_URL),
                 Figure("open_rate", "dash.nl.open_rate", percent(total.opens, total.tracked), "%", url=TOPICS_URL,
                        note="dash.nl.open_note"),
                 Figure("click_rate", "dash.nl.click_rate", percent(total.clicks, total.tracked), "%",
                        url=TOPICS_URL, note="dash.nl.click_note")),
        breakdowns=(Breakdown("clicks_by_topic", "dash.nl.clicks_by_topic", _rates(rows, "clicks"), "%", TOPICS_URL),
                    Breakdown("opens_by_topic", "dash.nl.opens_by_topic", _rates(rows, "opens"), "%", TOPICS_URL)))


def _rates(rows: dict[str, tallies.Tally], what: str) -> dict[str, float]:
    """Each topic's rate; a topic with nothing tracked has no rate and no row (not a rate of 0)."""
    return {name: 100 * getattr(counts, what) / counts.tracked for name, counts in rows.items() if counts.tracked}


PANELS = (DashboardPanel("newsletters", "dash.nl.title", figures, roles=NEWSLETTER_ROLES, order=30),)
