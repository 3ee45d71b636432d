"""Drafts of visitors: found by their token only, for a day, and never more than MAX_DRAFTS at once."""

import time

from portal.feedback import drafts

DRAFT = drafts.Draft("question", "Тема", "Текст", "/analytics/")


def test_a_draft_is_found_by_its_token_only(db):
    token = drafts.keep(db, DRAFT)
    assert drafts.load(db, token) == DRAFT
    stored = db.execute("SELECT token_hash FROM feedback_drafts").fetchone()[0]
    assert token not in stored and drafts.load(db, stored) is None
    for bad in (None, "", "x" * 300, "../../", token + "x"):
        assert drafts.load(db, bad) is None
    drafts.drop(db, token)
    assert drafts.load(db, token) is None


def test_old_drafts_expire_and_the_table_stays_bounded(db, monkeypatch):
    token = drafts.keep(db, DRAFT)
    db.execute("UPDATE feedback_drafts SET expires = ?", [time.time() - 1])
    assert drafts.load(db, token) is None
    monkeypatch.setattr(drafts, "MAX_DRAFTS", 3)
    tokens = [drafts.keep(db, DRAFT) for _ in range(5)]
    assert db.execute("SELECT count(*) FROM feedback_drafts").fetchone()[0] == 3
    assert drafts.load(db, tokens[-1]) == DRAFT
