"""The forum's panel on the staff dashboard: posts, active members, new topics, topics without a reply and
the median time to the first reply, for the period; new topics by category.

Counted (docs/staff.md, «Dashboard»): visible posts only (not deleted by the author, not hidden by a
moderator), the opening post included; an active member wrote at least one of them. A topic is the
period's if it was started in it; it has a reply when someone other than its author answered visibly
(the answer may come after the period: "without a reply" is the state now). The time to the first
reply is the median over the period's answered topics, in hours.
"""

from __future__ import annotations

from statistics import median

from sqlite_utils import Database

from portal.core.dashboard import Breakdown, DashboardPanel, Figure, PanelFigures, Period
from portal.core.settings import Settings
from portal.web.context import settings_zone

# Both use the dashboard's indexes (staff/migrations.py); _POSTS repeats its partial index's WHERE.
_POSTS = ("SELECT count(*), count(DISTINCT author_id) FROM forum_posts WHERE created_at >= ? AND created_at < ? "
          "AND deleted_at IS NULL AND hidden_at IS NULL")
# The first answer is the lowest-numbered one (numbers are given in the order of posting): the probe stops there.
_TOPICS = ("SELECT t.id, c.title, t.created_at, (SELECT p.created_at FROM forum_posts p WHERE p.topic_id = t.id "
           "AND p.number > 1 AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND p.author_id IS NOT t.author_id "
           "ORDER BY p.number LIMIT 1) "
           "FROM forum_topics t JOIN forum_categories c ON c.id = t.category_id "
           "WHERE t.created_at >= ? AND t.created_at < ?")


def figures(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    start, end = period.bounds(settings_zone(settings))
    posts, authors = db.execute(_POSTS, [start, end]).fetchone()
    waits, unanswered, by_category = [], 0, {}
    for _, category, created, first_reply in db.execute(_TOPICS, [start, end]).fetchall():
        by_category[category] = by_category.get(category, 0) + 1
        if first_reply is None:
            unanswered += 1
        else:
            waits.append(max(first_reply - created, 0) / 3600)
    topics = sum(by_category.values())
    return PanelFigures(
        figures=(Figure("posts", "dash.forum.posts", posts, url="/forum/latest"),
                 Figure("active", "dash.forum.active", authors, url="/forum/latest"),
                 Figure("topics", "dash.forum.topics", topics, url="/forum/latest"),
                 Figure("unanswered", "dash.forum.unanswered", unanswered, url="/forum/latest", better="down"),
                 Figure("first_reply", "dash.forum.first_reply", round(median(waits), 1) if waits else None, "h",
                        better="down")),
        breakdowns=(Breakdown("topics_by_category", "dash.forum.by_category",
                              dict(sorted(by_category.items(), key=lambda item: (-item[1], item[0]))), url="/forum/"),))


PANELS = (DashboardPanel("forum", "dash.forum.title", figures, order=40),)
