"""The tools' table (migration 22): calculations members saved under a project name (store.py owns it)."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(22, "tools saved calculations", """
CREATE TABLE tools_calculations (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,  -- the member who saved it; only they see it
    company_id INTEGER REFERENCES companies(id),  -- their company when they saved it (orders, staff questions)
    kind TEXT NOT NULL CHECK (kind IN ('lumen', 'cable')),
    project TEXT NOT NULL,                        -- the member's project name: the list groups by it
    sku TEXT,                                     -- the catalogue product of a lumen calculation, if any
    inputs TEXT NOT NULL,                         -- JSON: the form's values as the member entered them
    results TEXT NOT NULL,                        -- JSON: what the formulas gave when it was saved
    nonce TEXT NOT NULL UNIQUE,                   -- the save form's one-time value: a double submit is one row
    created_at REAL NOT NULL
);
CREATE INDEX tools_calculations_user ON tools_calculations (user_id, project, created_at);
"""),
)
