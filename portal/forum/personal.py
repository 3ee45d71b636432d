"""The forum's part of a person's data download: posts (with earlier versions), their files, reads, watches,
flags, a ban."""

from __future__ import annotations

from sqlite_utils import Database

from portal.forum import files, likes, moderation_store, store, watches


def personal_data(db: Database, user_id: int) -> dict[str, list]:
    return {**store.personal_data(db, user_id), **watches.personal_data(db, user_id),
            **moderation_store.personal_data(db, user_id), **likes.personal_data(db, user_id),
            **files.personal_data(db, user_id)}
