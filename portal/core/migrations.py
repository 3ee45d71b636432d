"""Numbered schema migrations. Append only: a released migration is never edited.

Times are stored as ISO-8601 UTC text for people reading the database and as Unix seconds
(REAL) where the code compares them on every request (sessions, throttling, tokens).
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "accounts", """
CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,       -- normalised name: one record per partner company
    inn TEXT UNIQUE,                     -- optional, checksum-validated
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    password_hash TEXT,                  -- NULL for accounts that only sign in externally
    email_confirmed_at TEXT,
    consent_at TEXT,                     -- 152-FZ consent to personal-data processing
    company_id INTEGER REFERENCES companies(id),
    phone TEXT,                          -- E.164
    position TEXT,
    segment TEXT,
    region TEXT,
    topics TEXT NOT NULL DEFAULT '[]',   -- JSON list of tags
    language TEXT NOT NULL DEFAULT 'ru',
    role TEXT,                           -- staff | moderator | editor | admin
    suspended_at TEXT,
    suspended_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE identities (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,            -- SHA-256 of the cookie value; the value itself is never stored
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created REAL NOT NULL,
    last_seen REAL NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE used_tokens (
    jti TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,                -- "account:<email>" or "address:<ip>"
    failures INTEGER NOT NULL,
    last_failure REAL NOT NULL
);
CREATE TABLE subscriptions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    list TEXT NOT NULL,
    PRIMARY KEY (user_id, list)
);
CREATE TABLE oidc_states (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires REAL NOT NULL
);
"""),
    (2, "forum", """
ALTER TABLE users ADD COLUMN handle TEXT;           -- @mention name, e.g. irina-lampova
CREATE UNIQUE INDEX users_handle ON users(handle);
ALTER TABLE users ADD COLUMN forum_digest INTEGER NOT NULL DEFAULT 0;   -- weekly digest, opt-in
ALTER TABLE users ADD COLUMN forum_digest_sent REAL;
CREATE TABLE forum_categories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    read_level TEXT NOT NULL DEFAULT 'members',  -- members | staff
    post_level TEXT NOT NULL DEFAULT 'members',  -- members | staff (announcements)
    created_at TEXT NOT NULL
);
CREATE TABLE forum_topics (
    id INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES forum_categories(id),
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    post_count INTEGER NOT NULL DEFAULT 0,       -- visible posts, the first included
    last_number INTEGER NOT NULL DEFAULT 0,      -- highest post number ever given
    last_post_at REAL NOT NULL,
    last_poster_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at REAL NOT NULL
);
CREATE INDEX forum_topics_listing ON forum_topics(category_id, pinned DESC, last_post_at DESC);
CREATE INDEX forum_topics_recent ON forum_topics(last_post_at DESC);
CREATE TABLE forum_posts (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES forum_topics(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,                     -- 1 = the opening post
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,                          -- Markdown as written
    html TEXT NOT NULL,                          -- rendered and sanitised once, at write time
    created_at REAL NOT NULL,
    edited_at REAL,
    deleted_at REAL,                             -- by the author
    hidden_at REAL,                              -- by a moderator
    hidden_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    hidden_reason TEXT,
    UNIQUE (topic_id, number)
);
CREATE INDEX forum_posts_author ON forum_posts(author_id, created_at);
CREATE TABLE forum_revisions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    body TEXT NOT NULL,                          -- the text before the edit
    edited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    edited_at REAL NOT NULL
);
CREATE TABLE forum_reads (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES forum_topics(id) ON DELETE CASCADE,
    last_read INTEGER NOT NULL,                  -- highest post number seen
    PRIMARY KEY (user_id, topic_id)
) WITHOUT ROWID;
CREATE TABLE forum_visits (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    last_seen REAL NOT NULL,
    previous_visit REAL NOT NULL                 -- "new since last visit" is measured from here
);
CREATE TABLE forum_watches (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                          -- topic | category
    target_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, target_id)
) WITHOUT ROWID;
CREATE TABLE forum_flags (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,                        -- spam | inappropriate | off_topic | other
    note TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    resolved_at REAL,
    resolved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (post_id, user_id)
);
CREATE TABLE forum_mod_log (
    id INTEGER PRIMARY KEY,
    moderator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,                        -- "topic:12", "post:345", "user:7"
    reason TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE forum_bans (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    until REAL NOT NULL,
    reason TEXT NOT NULL,
    by_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at REAL NOT NULL
);
CREATE VIRTUAL TABLE forum_search USING fts5(
    title, body,                                 -- stemmed words (see portal/forum_search.py)
    tokenize='unicode61 remove_diacritics 2'     -- rowid = forum_posts.id (SQLite 3.40: no contentless delete)
);
"""),
    (3, "newsletters", """
ALTER TABLE users ADD COLUMN job_role TEXT;          -- role in the company (extra.club.roles): who gets what
ALTER TABLE users ADD COLUMN mail_tracking INTEGER NOT NULL DEFAULT 1;  -- 0: no open pixel, plain links
ALTER TABLE users ADD COLUMN bounced_at TEXT;        -- a permanent SMTP failure: no more newsletters
ALTER TABLE users ADD COLUMN bounce_reason TEXT;
ALTER TABLE users ADD COLUMN imported_at TEXT;       -- brought in by `club members import`
-- Subscriptions become one consent row ('newsletters'); what a member gets is chosen by users.topics.
INSERT OR IGNORE INTO subscriptions (user_id, list) SELECT DISTINCT user_id, 'newsletters' FROM subscriptions;
DELETE FROM subscriptions WHERE list != 'newsletters';
CREATE TABLE newsletters (
    id INTEGER PRIMARY KEY,
    page TEXT NOT NULL,                  -- key of the built e-mail, e.g. newsletters/2026/11/novye-svetilniki
    url TEXT NOT NULL,                   -- the web version, site-relative
    subject TEXT NOT NULL,
    access TEXT NOT NULL,                -- public | registered | members (of the page)
    audience TEXT NOT NULL,              -- JSON {"segments": [], "regions": [], "roles": [], "topics": []}
    mail TEXT NOT NULL,                  -- JSON snapshot of site/mail/<page>.json when queued
    scheduled_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'scheduled',   -- scheduled | sending | done | cancelled
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    started_at REAL,                     -- recipients frozen into newsletter_sends
    finished_at REAL
);
CREATE INDEX newsletters_due ON newsletters(status, scheduled_at);
CREATE TABLE newsletter_sends (
    id INTEGER PRIMARY KEY,
    newsletter_id INTEGER NOT NULL REFERENCES newsletters(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    segment TEXT,                        -- copied when frozen: the statistics keep the audience as it was
    region TEXT,
    variant TEXT NOT NULL,               -- full | preview (may the recipient read the closed part?)
    tracking INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',      -- queued | sending | sent | failed | bounced
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    sent_at REAL,
    error TEXT,
    UNIQUE (newsletter_id, user_id)
);
CREATE INDEX newsletter_sends_due ON newsletter_sends(newsletter_id, status, next_attempt_at);
CREATE TABLE newsletter_events (
    id INTEGER PRIMARY KEY,
    send_id INTEGER NOT NULL REFERENCES newsletter_sends(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                  -- open | click | unsubscribe
    link INTEGER,                        -- clicks: index into the mail's links
    at REAL NOT NULL
);
CREATE INDEX newsletter_events_send ON newsletter_events(send_id, kind);
"""),
    (4, "pending password", """
-- Registering again with an address that is not confirmed yet keeps the new password here until
-- the link sent by that registration is used (an earlier registrant's password never survives it).
ALTER TABLE users ADD COLUMN pending_password_hash TEXT;
"""),
]
