"""The dashboard's lookups: indexes on the tables its panels count by time.

The dashboard owns no table. The panels (accounts/figures.py, forum/figures.py) read a period's rows of
tables with hundreds of thousands to millions of rows, on every look after any write; without these a
quarter means a scan of each table three times (the period, the one before, a year before). Partial
indexes hold only the rows the figures count, and each query repeats the index's WHERE so SQLite picks it.
"""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(32, "dashboard lookups", """
-- accounts/figures.py: registrations and confirmations in a period (people, not staff), and members
-- (confirmed, company and phone, not suspended) registered before a period's end, with their companies.
CREATE INDEX dashboard_users_created ON users (created_at) WHERE role IS NULL;
CREATE INDEX dashboard_users_confirmed ON users (email_confirmed_at) WHERE role IS NULL;
-- The columns of its WHERE are in it too: SQLite then counts from the index alone (a covering index).
CREATE INDEX dashboard_users_members ON users (created_at, company_id, role, email_confirmed_at, phone, suspended_at)
    WHERE role IS NULL AND email_confirmed_at IS NOT NULL AND company_id IS NOT NULL AND phone != ''
    AND suspended_at IS NULL;
-- forum/figures.py: a period's visible posts and their authors, and its new topics.
CREATE INDEX dashboard_forum_posts ON forum_posts (created_at, author_id, deleted_at, hidden_at)
    WHERE deleted_at IS NULL AND hidden_at IS NULL;
CREATE INDEX dashboard_forum_topics ON forum_topics (created_at);
"""),
)
