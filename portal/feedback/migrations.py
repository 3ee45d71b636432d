"""The feedback tables: requests, their messages (replies and internal notes), attachments, the
append-only log of every change, idea supports and anonymous drafts waiting for a sign-in.
"""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(7, "feedback", """
CREATE TABLE feedback_requests (
    id INTEGER PRIMARY KEY,                      -- the request's number, shown to the partner
    kind TEXT NOT NULL,                          -- complaint | question | advice | idea | other
    subject TEXT NOT NULL,
    body TEXT NOT NULL,                          -- Markdown as written
    html TEXT NOT NULL,                          -- rendered by core.usertext at write time
    page TEXT,                                   -- the site page it is about (a local path)
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    company_id INTEGER REFERENCES companies(id), -- the author's company when they wrote it
    status TEXT NOT NULL DEFAULT 'new',          -- new | in_progress | waiting | answered | closed
    owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- the staff member who handles it
    nonce TEXT NOT NULL UNIQUE,                  -- the form's one-time value: a double submit is one request
    supporters INTEGER NOT NULL DEFAULT 0,       -- ideas: how many other members support it
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    first_reply_at REAL,                         -- the first staff reply (time to first reply)
    closed_at REAL
);
CREATE INDEX feedback_requests_company ON feedback_requests (company_id, created_at);
CREATE INDEX feedback_requests_author ON feedback_requests (author_id, created_at);
CREATE INDEX feedback_requests_status ON feedback_requests (status, created_at);
CREATE INDEX feedback_requests_owner ON feedback_requests (owner_id);
CREATE TABLE feedback_messages (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES feedback_requests(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    side TEXT NOT NULL,                          -- partner | staff
    internal INTEGER NOT NULL DEFAULT 0,         -- 1: a staff note the partner never sees
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX feedback_messages_request ON feedback_messages (request_id, created_at);
CREATE TABLE feedback_attachments (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES feedback_requests(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,                      -- as the member named it, cleaned (shown, sent as download name)
    stored_name TEXT NOT NULL UNIQUE,            -- random, under CLUB_FILES_DIR/feedback
    content_type TEXT NOT NULL,                  -- from the file's first bytes, never from the browser
    size INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX feedback_attachments_request ON feedback_attachments (request_id);
CREATE TABLE feedback_log (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL,                 -- no foreign key: the history outlives what it describes
    action TEXT NOT NULL,                        -- created | status | owner | reply | note | partner_reply
    old TEXT,
    new TEXT,
    by_id INTEGER,
    at REAL NOT NULL
);
CREATE INDEX feedback_log_request ON feedback_log (request_id, at);
-- The log is never rewritten: a correction is a new row.
CREATE TRIGGER feedback_log_no_update BEFORE UPDATE ON feedback_log
BEGIN SELECT RAISE(ABORT, 'feedback_log is append-only'); END;
CREATE TRIGGER feedback_log_no_delete BEFORE DELETE ON feedback_log
BEGIN SELECT RAISE(ABORT, 'feedback_log is append-only'); END;
CREATE TABLE feedback_votes (
    request_id INTEGER NOT NULL REFERENCES feedback_requests(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    PRIMARY KEY (request_id, user_id)            -- one support per member and idea
) WITHOUT ROWID;
-- A support that goes (the member deleted their account) stops counting.
CREATE TRIGGER feedback_votes_uncount AFTER DELETE ON feedback_votes
BEGIN UPDATE feedback_requests SET supporters = max(supporters - 1, 0) WHERE id = OLD.request_id; END;
CREATE TABLE feedback_drafts (
    token_hash TEXT PRIMARY KEY,                 -- SHA-256 of the token in the sign-in link; the token is not stored
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    page TEXT,
    expires REAL NOT NULL
);
"""),
    Migration(8, "feedback inbox at scale", """
-- The working time to the first reply, counted once when the reply is written (with the working hours
-- then in force): the inbox's median reads it instead of walking calendars for thousands of requests.
ALTER TABLE feedback_requests ADD COLUMN first_reply_work REAL;
-- Within equal keys an index keeps its rows in rowid (= request number) order, so "newest first" with a
-- status, a kind or both is read straight from an index; ideas by support come from (kind, supporters).
DROP INDEX feedback_requests_status;
CREATE INDEX feedback_requests_status ON feedback_requests (status);
CREATE INDEX feedback_requests_kind ON feedback_requests (kind);
CREATE INDEX feedback_requests_status_kind ON feedback_requests (status, kind);
CREATE INDEX feedback_requests_ideas ON feedback_requests (kind, supporters);
"""),
)
