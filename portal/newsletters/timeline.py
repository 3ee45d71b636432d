"""The company timeline hook: the newsletters the company's people received, and how many opened them.

One entry per newsletter (not per person: a company of twenty gets one line), dated by its last send
to them; the staff company card merges it with the other capabilities' entries by time.
"""

from __future__ import annotations

from sqlite_utils import Database

from portal.core.capability import TimelineEntry

# Opens are counted per person (a send), not per event: one reader opening three times is one.
COMPANY_SENDS = """
SELECT n.id, n.subject, max(s.sent_at), count(DISTINCT s.id),
       count(DISTINCT CASE WHEN e.id IS NOT NULL THEN s.id END)
FROM newsletter_sends s
JOIN newsletters n ON n.id = s.newsletter_id
LEFT JOIN newsletter_events e ON e.send_id = s.id AND e.kind = 'open'
WHERE s.user_id IN (SELECT id FROM users WHERE company_id = ?) AND s.status = 'sent'
GROUP BY n.id ORDER BY max(s.sent_at) DESC LIMIT ?
"""


def company_timeline(db: Database, company_id: int, limit: int) -> list[TimelineEntry]:
    """Newest first: subject, and "received / opened" by the company's people."""
    return [TimelineEntry(at=at, kind="timeline.newsletter", title=subject, url=f"/staff/newsletters/{nid}/stats",
                          detail=f"{received} / {opened}")
            for nid, subject, at, received, opened in db.execute(COMPANY_SENDS, [company_id, limit]).fetchall()]
