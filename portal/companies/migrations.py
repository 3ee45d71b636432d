"""The companies capability's table: the contact schedule (seed 002: who at the club calls whom, and when)."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(6, "company contacts", """
CREATE TABLE company_contacts (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    staff_id INTEGER,                    -- who at the club (no foreign key: history outlives accounts)
    channel TEXT NOT NULL,               -- call | meeting | email | visit | other
    planned_at REAL,                     -- when it is planned (NULL: recorded after the fact)
    done_at REAL,                        -- when it happened (NULL: still planned)
    note TEXT NOT NULL DEFAULT '',       -- what it is about
    outcome TEXT NOT NULL DEFAULT '',    -- what came of it
    created_by INTEGER,
    created_at REAL NOT NULL
);
CREATE INDEX company_contacts_company ON company_contacts (company_id, done_at, planned_at);
CREATE INDEX company_contacts_timeline ON company_contacts (company_id, coalesce(done_at, planned_at));
"""),
)
