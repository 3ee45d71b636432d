"""The newsletters' tables: queued newsletters, one send per recipient, tracking events; and the
users' columns for audiences, tracking, bounces and imports.
"""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(3, "newsletters", """
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
    Migration(9, "newsletters on the company timeline", """
-- What a company's people received and opened (the staff company card): sends by person.
CREATE INDEX newsletter_sends_user ON newsletter_sends(user_id, sent_at);
"""),
    Migration(29, "letters queued by other capabilities", """
-- A letter another capability queues through newsletters/api.py (a survey wave): an explicit recipient list
-- instead of the audience, and per-recipient signed links ({{club:personal:N}}). NULL for newsletter pages.
ALTER TABLE newsletters ADD COLUMN recipients TEXT;   -- JSON list of user ids
ALTER TABLE newsletters ADD COLUMN personal TEXT;     -- JSON {"path", "purpose", "ids", "values"}
"""),
    Migration(31, "newsletter tallies", """
-- The staff dashboard's per-newsletter counts (portal/newsletters/tallies.py owns the table): a finished
-- newsletter's sends no longer change, so its delivered and tracked counts are kept once, and its unique
-- openers and clickers up to the tracking event `events_upto`; later events are added on the next look.
CREATE TABLE newsletter_tallies (
    newsletter_id INTEGER PRIMARY KEY REFERENCES newsletters(id) ON DELETE CASCADE,
    recipients INTEGER NOT NULL,
    sent INTEGER NOT NULL,               -- delivered (status 'sent')
    tracked INTEGER NOT NULL,            -- delivered with tracking on: the base of the rates
    opens INTEGER NOT NULL,              -- unique recipients who loaded the pixel or clicked
    clicks INTEGER NOT NULL,             -- unique clickers
    events_upto INTEGER NOT NULL         -- newsletter_events.id counted up to (inclusive)
);
CREATE INDEX newsletters_started ON newsletters (started_at) WHERE started_at IS NOT NULL;
"""),
)
