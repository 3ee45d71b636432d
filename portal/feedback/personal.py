"""The feedback capability's part of a person's data download: their requests, replies and supports."""

from __future__ import annotations

from sqlite_utils import Database

from portal.feedback import ideas, store


def personal_data(db: Database, user_id: int) -> dict[str, list]:
    return {**store.personal_data(db, user_id), **ideas.personal_data(db, user_id)}
