"""The surveys' tables: waves, the people each wave asked, their answers, and who opted out."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(30, "surveys", """
CREATE TABLE survey_waves (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,                 -- what staff call it ("Осень 2026")
    subject TEXT NOT NULL,               -- what the question asks about: "… recommend <subject> to a colleague"
    audience TEXT NOT NULL,              -- JSON {"segments": [], "regions": [], "roles": [], "tiers": [], "event": ""}
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at REAL NOT NULL,
    send_at REAL NOT NULL,               -- when the letter goes (the newsletter worker)
    closes_at REAL NOT NULL,             -- answers after this are refused
    newsletter_id INTEGER                -- the letter (newsletters/api.py); NULL until queued
);
CREATE TABLE survey_asked (
    wave_id INTEGER NOT NULL REFERENCES survey_waves(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    company_id INTEGER,                  -- copied when asked: breakdowns keep the wave as it was
    segment TEXT,
    region TEXT,
    tier INTEGER,                        -- the company's tier number (points/api.py), NULL without one
    company_size INTEGER,                -- members of the company when asked
    asked_at REAL NOT NULL,
    dismissed_at REAL,                   -- the cabinet card closed without answering
    PRIMARY KEY (wave_id, user_id)
);
CREATE INDEX survey_asked_user ON survey_asked (user_id, asked_at);
CREATE TABLE survey_answers (
    wave_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    why TEXT NOT NULL DEFAULT '',
    answered_at REAL NOT NULL,           -- the first answer
    changed_at REAL NOT NULL,            -- the latest change (a second answer changes it)
    PRIMARY KEY (wave_id, user_id),
    FOREIGN KEY (wave_id, user_id) REFERENCES survey_asked (wave_id, user_id) ON DELETE CASCADE
);
CREATE INDEX survey_answers_time ON survey_answers (changed_at);
CREATE TABLE survey_optouts (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    at REAL NOT NULL
);
"""),
)
