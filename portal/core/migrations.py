"""The core tables, as numbered migrations: people (`users`, `companies`), sessions, one-time tokens,
throttling, external identities, newsletter consent and OIDC state.

Times are stored as ISO-8601 UTC text for people reading the database and as Unix seconds
(REAL) where the code compares them on every request (sessions, throttling, tokens).
"""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "accounts", """
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
    Migration(4, "pending password", """
-- Registering again with an address that is not confirmed yet keeps the new password here until
-- the link sent by that registration is used (an earlier registrant's password never survives it).
ALTER TABLE users ADD COLUMN pending_password_hash TEXT;
"""),
    Migration(5, "companies", """
-- A partner is a company: its segment and region, the one member who represents it (named in the
-- contract; spends its points), the club's account manager, a pointer when it was merged into
-- another record, and the latest contact of any kind ("no contact for N days").
ALTER TABLE companies ADD COLUMN segment TEXT;
ALTER TABLE companies ADD COLUMN region TEXT;
ALTER TABLE companies ADD COLUMN account_manager_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE companies ADD COLUMN representative_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE companies ADD COLUMN merged_into INTEGER REFERENCES companies(id);
ALTER TABLE companies ADD COLUMN last_contact_at REAL;
CREATE INDEX companies_manager ON companies (account_manager_id);
CREATE INDEX companies_contact ON companies (last_contact_at);
CREATE INDEX companies_segment_region ON companies (segment, region);
CREATE INDEX users_company ON users (company_id);
CREATE TABLE company_changes (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    kind TEXT NOT NULL,                  -- representative | manager | merge | move | details
    old TEXT,
    new TEXT,
    by_id INTEGER,                       -- who (no foreign key: deleting a person must not rewrite history)
    at REAL NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX company_changes_company ON company_changes (company_id, at);
-- The history is never rewritten: a correction is a new row.
CREATE TRIGGER company_changes_no_update BEFORE UPDATE ON company_changes
BEGIN SELECT RAISE(ABORT, 'company_changes is append-only'); END;
CREATE TRIGGER company_changes_no_delete BEFORE DELETE ON company_changes
BEGIN SELECT RAISE(ABORT, 'company_changes is append-only'); END;
"""),
    Migration(10, "staff and merge lookups", """
-- Staff are a few dozen among tens of thousands of members: who may own a request or manage a
-- company is read from this small index; merged records (few) are found from the surviving one.
CREATE INDEX users_role ON users (role) WHERE role IS NOT NULL;
CREATE INDEX companies_merged ON companies (merged_into) WHERE merged_into IS NOT NULL;
"""),
    Migration(21, "happenings", """
-- What one capability did that others act on (portal/core/happenings.py owns both tables): written in the
-- transaction of the change itself, delivered to each capability's handler once, in order; append-only.
CREATE TABLE happenings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                 -- the happening's class, e.g. Attended
    payload TEXT NOT NULL,              -- its fields as JSON
    at REAL NOT NULL
);
CREATE INDEX happenings_kind ON happenings (kind, id);
CREATE TABLE happenings_handled (
    happening_id INTEGER NOT NULL REFERENCES happenings(id),
    handler TEXT NOT NULL,              -- <capability>.<function>
    at REAL NOT NULL,
    PRIMARY KEY (happening_id, handler)
);
CREATE INDEX happenings_handled_by ON happenings_handled (handler, happening_id);
CREATE TRIGGER happenings_no_update BEFORE UPDATE ON happenings
BEGIN SELECT RAISE(ABORT, 'happenings is append-only'); END;
CREATE TRIGGER happenings_no_delete BEFORE DELETE ON happenings
BEGIN SELECT RAISE(ABORT, 'happenings is append-only'); END;
CREATE TRIGGER happenings_handled_no_update BEFORE UPDATE ON happenings_handled
BEGIN SELECT RAISE(ABORT, 'happenings_handled is append-only'); END;
"""),
)
