"""The event tables: registrations (one row per person and attempt) and their append-only log."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(11, "events", """
CREATE TABLE event_registrations (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL,                         -- the event page's slug (site/events.json)
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    company_id INTEGER REFERENCES companies(id), -- the person's company when they registered (the quota counts it)
    status TEXT NOT NULL,                        -- registered | waiting | offered | cancelled | left
    answers TEXT NOT NULL DEFAULT '{}',          -- JSON: question name -> answer
    registered_by INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- a colleague may register someone
    position INTEGER NOT NULL,                   -- arrival order within the event: the waiting list's order
    revision TEXT NOT NULL DEFAULT '',           -- the event's time-and-place revision the person was told
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    offer_expires_at REAL                        -- status offered: the seat is held until then
);
-- One active row (registered, waiting, offered) per person and event: a double submit cannot make two.
CREATE UNIQUE INDEX event_registrations_active ON event_registrations (event, user_id)
    WHERE status IN ('registered', 'waiting', 'offered');
CREATE UNIQUE INDEX event_registrations_position ON event_registrations (event, position);
CREATE INDEX event_registrations_seats ON event_registrations (event, status, position);
CREATE INDEX event_registrations_company ON event_registrations (event, company_id, status);
CREATE INDEX event_registrations_user ON event_registrations (user_id, created_at);
CREATE INDEX event_registrations_offers ON event_registrations (status, offer_expires_at);
CREATE TABLE event_registration_log (
    id INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL,            -- no foreign key: the history outlives what it describes
    event TEXT NOT NULL,
    action TEXT NOT NULL,                        -- registered|waiting|offered|accepted|cancelled|left|expired
    old TEXT,
    new TEXT,
    by_id INTEGER,
    at REAL NOT NULL
);
CREATE INDEX event_registration_log_registration ON event_registration_log (registration_id, at);
-- The log is never rewritten: a correction is a new row.
CREATE TRIGGER event_registration_log_no_update BEFORE UPDATE ON event_registration_log
BEGIN SELECT RAISE(ABORT, 'event_registration_log is append-only'); END;
CREATE TRIGGER event_registration_log_no_delete BEFORE DELETE ON event_registration_log
BEGIN SELECT RAISE(ABORT, 'event_registration_log is append-only'); END;
"""),
    Migration(12, "events", """
-- The .ics SEQUENCE last sent to the person (RFC 5546 2.1.4): it grows with every update of time or place.
ALTER TABLE event_registrations ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
-- Follow-up letters (update:<revision>, event_cancelled, reminder_day, reminder_hour, after): each at most
-- once per registration, whichever process sends it first (the primary key is the claim).
CREATE TABLE event_letters (
    registration_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (registration_id, kind)
);
-- Attendance is append-only: the latest row per registration is where it stands; a correction is a new row.
CREATE TABLE event_attendance (
    id INTEGER PRIMARY KEY,
    registration_id INTEGER NOT NULL,            -- no foreign key, as in the log: the history outlives the row
    event TEXT NOT NULL,
    present INTEGER NOT NULL CHECK (present IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    by_id INTEGER,
    at REAL NOT NULL
);
CREATE INDEX event_attendance_registration ON event_attendance (registration_id, id);
CREATE INDEX event_attendance_event ON event_attendance (event, registration_id, id);
CREATE TRIGGER event_attendance_no_update BEFORE UPDATE ON event_attendance
BEGIN SELECT RAISE(ABORT, 'event_attendance is append-only'); END;
CREATE TRIGGER event_attendance_no_delete BEFORE DELETE ON event_attendance
BEGIN SELECT RAISE(ABORT, 'event_attendance is append-only'); END;
-- After the event: "how useful was it, 0-10, and why" — one answer per registration (the NPS issue reads it).
CREATE TABLE event_feedback (
    registration_id INTEGER PRIMARY KEY REFERENCES event_registrations(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL
);
CREATE INDEX event_feedback_event ON event_feedback (event, at);
-- The personal calendar feed: a secret token per person, stored as its SHA-256 (a leaked table opens nothing).
CREATE TABLE event_feeds (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
"""),
)
