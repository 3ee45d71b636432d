"""The newsletters' part of a person's data download: each newsletter sent to them and what the club
recorded about it (opens, clicks, unsubscribes)."""

from __future__ import annotations

from sqlite_utils import Database


def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    sends = db.execute("SELECT s.id, n.subject, s.email, s.status, s.sent_at FROM newsletter_sends s "
                       "JOIN newsletters n ON n.id = s.newsletter_id WHERE s.user_id = ? ORDER BY s.id", [user_id])
    mail = []
    for send_id, subject, email, status, sent_at in sends.fetchall():
        events = db.execute("SELECT kind, link, at FROM newsletter_events WHERE send_id = ? ORDER BY id", [send_id])
        mail.append({"subject": subject, "email": email, "status": status, "sent_at": sent_at,
                     "events": [{"kind": kind, "link": link, "at": at} for kind, link, at in events.fetchall()]})
    return {"newsletter_mail": mail}
