"""The events capability's part of a person's data download: their registrations and answers."""

from __future__ import annotations

from sqlite_utils import Database

from portal.events import ratings, store


def personal_data(db: Database, user_id: int) -> dict[str, list]:
    return {**store.personal_data(db, user_id), "event_feedback": ratings.of_user(db, user_id)}
