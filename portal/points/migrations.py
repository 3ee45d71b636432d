"""The points tables. Numbers: 13 the ledger, 14 shipments and accruals, 15 the ledger's covering index,
16 the dealer scorecard, 17 shipments by company, 18 privilege requests, 19 accrual corrections,
20 the month index dropped, 34 the manufacturer's customer register, 35 shipments by INN."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(13, "points", """
-- The ledger (portal/points/ledger.py owns it). `amount` is the row's change to the company's AVAILABLE
-- points, so available = SUM(amount):
--   earn +N (a lot; expires_at set), adjust +N (a lot) or -N (a take), hold -N (reserved for a request),
--   release +N (ref_id: the hold, returned), debit 0 (ref_id: the hold, now spent for good),
--   expire -N (ref_id: the lot that expired), reverse -amount of the row it corrects (ref_id: that row).
CREATE TABLE points_ledger (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    kind TEXT NOT NULL CHECK (kind IN ('earn', 'hold', 'release', 'debit', 'expire', 'adjust', 'reverse')),
    amount INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',             -- the source document: accrual:2026-11, request:17, manual...
    ref_id INTEGER REFERENCES points_ledger(id), -- the row this one settles, expires or reverses
    expires_at REAL,                             -- lots (positive earn/adjust/reverse): when they expire
    by_id INTEGER,                               -- who (staff, the representative); NULL: the club's jobs
    at REAL NOT NULL,
    CHECK (kind NOT IN ('earn', 'release') OR amount > 0),
    CHECK (kind NOT IN ('hold', 'expire') OR amount < 0),
    CHECK (kind != 'debit' OR amount = 0),
    CHECK (kind NOT IN ('release', 'debit', 'expire', 'reverse') OR ref_id IS NOT NULL)
);
-- One source earns once per company: accrual and imports rely on it to be run again safely.
CREATE UNIQUE INDEX points_ledger_earned_once ON points_ledger (company_id, source)
    WHERE kind = 'earn' AND source != '';
-- A staff form's one-time value (source form:<nonce>): a double submit is one grant or take.
CREATE UNIQUE INDEX points_ledger_form_once ON points_ledger (source) WHERE kind = 'adjust' AND source LIKE 'form:%';
-- A hold is settled (released or debited) at most once; a row is reversed at most once.
CREATE UNIQUE INDEX points_ledger_settled_once ON points_ledger (ref_id) WHERE kind IN ('release', 'debit');
CREATE UNIQUE INDEX points_ledger_reversed_once ON points_ledger (ref_id) WHERE kind = 'reverse';
CREATE INDEX points_ledger_company ON points_ledger (company_id, kind, id);
CREATE INDEX points_ledger_history ON points_ledger (company_id, at, id);
CREATE INDEX points_ledger_expiry ON points_ledger (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX points_ledger_ref ON points_ledger (ref_id) WHERE ref_id IS NOT NULL;
-- Append-only: the database itself refuses edits; a correction is a new row (reverse).
CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'points_ledger is append-only'); END;
-- Letters about points (kind 'expiry', key: the lot's id): each at most once, whoever claims it first.
CREATE TABLE points_letters (
    company_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (company_id, kind, key)
);
"""),
    Migration(14, "points shipments and accruals", """
-- The manufacturer's shipments as imported (`club points import`): append-only. The document number and
-- product group are the key; a corrected document is a 'reversal' of its old row and a new 'shipment'.
CREATE TABLE points_shipments (
    id INTEGER PRIMARY KEY,
    company_id INTEGER REFERENCES companies(id), -- NULL while the INN matches no company (kept aside for staff)
    inn TEXT NOT NULL,
    doc_date TEXT NOT NULL,                      -- ISO date, YYYY-MM-DD
    document TEXT NOT NULL,
    amount_kopecks INTEGER NOT NULL CHECK (amount_kopecks >= 0),  -- money as whole kopecks, never float
    product_group TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('shipment', 'reversal')),
    replaces_id INTEGER REFERENCES points_shipments(id),  -- a reversal names the row it cancels
    file TEXT NOT NULL,                          -- where the row came from: FILE:LINE
    line INTEGER NOT NULL,
    imported_at REAL NOT NULL,
    imported_by TEXT NOT NULL DEFAULT '',        -- the command line's user, or the staff member
    CHECK ((kind = 'reversal') = (replaces_id IS NOT NULL))
);
CREATE INDEX points_shipments_document ON points_shipments (document, product_group, id);
-- Covers the accrual's month query: it never visits the table's rows.
CREATE INDEX points_shipments_month ON points_shipments (doc_date, company_id, product_group, kind, amount_kopecks);
-- The lines kept aside (unknown INN) by INN, for `club points unmatched` and `match`: a small partial index.
CREATE INDEX points_shipments_unmatched ON points_shipments (inn) WHERE company_id IS NULL;
CREATE INDEX points_shipments_replaces ON points_shipments (replaces_id) WHERE replaces_id IS NOT NULL;
CREATE TRIGGER points_shipments_no_update BEFORE UPDATE ON points_shipments
BEGIN SELECT RAISE(ABORT, 'points_shipments is append-only: correct a document by importing it again'); END;
CREATE TRIGGER points_shipments_no_delete BEFORE DELETE ON points_shipments
BEGIN SELECT RAISE(ABORT, 'points_shipments is append-only: correct a document by importing it again'); END;
-- Staff's answers to "whose is this INN?" (`club points match`): later imports of the INN follow them.
CREATE TABLE points_inn_matches (
    inn TEXT PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    matched_by TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL
);
-- One accrual per company and month (`club points accrue`): the primary key makes a second run do nothing.
CREATE TABLE points_accruals (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    month TEXT NOT NULL,                         -- YYYY-MM
    roubles_kopecks INTEGER NOT NULL,            -- the month's counted purchases, net of reversals
    points INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (company_id, month)
);
"""),
    Migration(15, "points ledger sums from the index", """
-- The balance reads sums over a company's rows (available, what the due lots hold, what takes consumed) and
-- its lots not yet due: with kind, expires_at and amount in the index these never visit the table, whose
-- rows of one company lie scattered among everyone's (bench/points_cabinet.py: 10,000,000 rows).
CREATE INDEX points_ledger_sums ON points_ledger (company_id, kind, expires_at, amount);
"""),
    Migration(16, "points dealer scorecard", """
-- Staff's scores of a company's manual criteria (portal/points/scorecard_store.py owns it): append-only, the
-- latest row per (company, year, criterion) is the score; a correction is a new row.
CREATE TABLE points_scores (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100), -- the scored year (it caps the next year's budget)
    criterion_id TEXT NOT NULL,                  -- an id of extra.club.points.scorecard.criteria
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    note TEXT NOT NULL DEFAULT '',
    nonce TEXT NOT NULL,                         -- the form's one-time value: a double submit writes once
    by_id INTEGER,                               -- the staff member; NULL: the demo
    at REAL NOT NULL
);
CREATE UNIQUE INDEX points_scores_once ON points_scores (nonce, criterion_id);
CREATE INDEX points_scores_latest ON points_scores (year, company_id, criterion_id, id);
CREATE TRIGGER points_scores_no_update BEFORE UPDATE ON points_scores
BEGIN SELECT RAISE(ABORT, 'points_scores is append-only: a correction is a new row'); END;
CREATE TRIGGER points_scores_no_delete BEFORE DELETE ON points_scores
BEGIN SELECT RAISE(ABORT, 'points_scores is append-only: a correction is a new row'); END;
"""),
    Migration(17, "points shipments by company", """
-- One company's months (its tier and the cabinet's purchase analytics, on every page view): without this the
-- query walks every company's rows of the period in points_shipments_month. Covering: no table rows read.
CREATE INDEX points_shipments_company ON points_shipments (company_id, doc_date, product_group, kind, amount_kopecks)
    WHERE company_id IS NOT NULL;
"""),
    Migration(18, "points privilege requests", """
-- Privilege requests (portal/points/requests.py owns these tables). The privilege's name and cost are
-- copied as they were when the request was made: the catalogue may change later. hold_id is the ledger
-- hold written in the same transaction; nonce is the form's one-time value (a double submit is one request).
CREATE TABLE points_requests (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    privilege_id TEXT NOT NULL,
    privilege_name TEXT NOT NULL,
    cost INTEGER NOT NULL CHECK (cost > 0),
    task TEXT NOT NULL CHECK (length(task) > 0),
    requested_by INTEGER NOT NULL,               -- a user id, no foreign key: erasing a person keeps the history
    hold_id INTEGER NOT NULL UNIQUE REFERENCES points_ledger(id),
    nonce TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
CREATE INDEX points_requests_company ON points_requests (company_id, id);
CREATE INDEX points_requests_by ON points_requests (requested_by);
-- A request holds once: its hold row names it (source request:<id>).
CREATE UNIQUE INDEX points_ledger_request_hold ON points_ledger (source)
    WHERE kind = 'hold' AND source LIKE 'request:%';
-- Each request's states, append-only: the current state is the event with the highest seq. (request_id,
-- seq) is unique, so two staff changing a request at once make one change; the trigger below lets only
-- the legal next state follow the latest one.
CREATE TABLE points_request_events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES points_requests(id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    state TEXT NOT NULL CHECK (state IN ('requested', 'confirmed', 'in_progress', 'done', 'rejected', 'cancelled')),
    note TEXT NOT NULL DEFAULT '',               -- the reason of a rejection, a comment
    by_id INTEGER,                               -- who (a user id, as in points_ledger)
    nonce TEXT NOT NULL DEFAULT '',              -- the form's one-time value: a double submit is one change
    at REAL NOT NULL,
    UNIQUE (request_id, seq),
    CHECK (state != 'rejected' OR length(note) > 0)
);
CREATE UNIQUE INDEX points_request_events_once ON points_request_events (nonce) WHERE nonce != '';
CREATE INDEX points_request_events_state ON points_request_events (state, request_id, seq);
CREATE TRIGGER points_request_events_legal BEFORE INSERT ON points_request_events
WHEN NOT ((NEW.seq = 1 AND NEW.state = 'requested')
          OR (SELECT state FROM points_request_events WHERE request_id = NEW.request_id AND seq = NEW.seq - 1)
             || '>' || NEW.state IN ('requested>confirmed', 'requested>rejected', 'requested>cancelled',
                                     'confirmed>in_progress', 'confirmed>done', 'confirmed>rejected',
                                     'in_progress>done', 'in_progress>rejected'))
BEGIN SELECT RAISE(ABORT, 'points_request_events: not a legal next state'); END;
-- The results staff attach when a request is done, kept under CLUB_FILES_DIR/points (stored_name).
CREATE TABLE points_request_files (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES points_requests(id),
    event_id INTEGER NOT NULL REFERENCES points_request_events(id),
    filename TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    at REAL NOT NULL
);
CREATE INDEX points_request_files_request ON points_request_files (request_id, id);
CREATE TRIGGER points_requests_no_update BEFORE UPDATE ON points_requests
BEGIN SELECT RAISE(ABORT, 'points_requests is append-only'); END;
CREATE TRIGGER points_requests_no_delete BEFORE DELETE ON points_requests
BEGIN SELECT RAISE(ABORT, 'points_requests is append-only'); END;
CREATE TRIGGER points_request_events_no_update BEFORE UPDATE ON points_request_events
BEGIN SELECT RAISE(ABORT, 'points_request_events is append-only: a change is a new event'); END;
CREATE TRIGGER points_request_events_no_delete BEFORE DELETE ON points_request_events
BEGIN SELECT RAISE(ABORT, 'points_request_events is append-only: a change is a new event'); END;
CREATE TRIGGER points_request_files_no_update BEFORE UPDATE ON points_request_files
BEGIN SELECT RAISE(ABORT, 'points_request_files is append-only'); END;
CREATE TRIGGER points_request_files_no_delete BEFORE DELETE ON points_request_files
BEGIN SELECT RAISE(ABORT, 'points_request_files is append-only'); END;
"""),
    Migration(19, "points accrual corrections", """
-- Months accrued before their purchases changed (lines attached later, corrected documents): each
-- correction is a new row beside the ledger's earn or take (portal/points/recount.py owns it); append-only.
CREATE TABLE points_accrual_corrections (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    month TEXT NOT NULL,                         -- YYYY-MM
    seq INTEGER NOT NULL CHECK (seq >= 1),       -- 1, 2, ... per company and month (the ledger source's suffix)
    roubles_kopecks INTEGER NOT NULL,            -- the month's counted purchases when corrected
    points INTEGER NOT NULL CHECK (points != 0), -- the difference written: + earned, - taken
    at REAL NOT NULL,
    PRIMARY KEY (company_id, month, seq)
);
CREATE TRIGGER points_accrual_corrections_no_update BEFORE UPDATE ON points_accrual_corrections
BEGIN SELECT RAISE(ABORT, 'points_accrual_corrections is append-only'); END;
CREATE TRIGGER points_accrual_corrections_no_delete BEFORE DELETE ON points_accrual_corrections
BEGIN SELECT RAISE(ABORT, 'points_accrual_corrections is append-only'); END;
"""),
    Migration(20, "points shipments without the month index", """
-- The accrual's month query reads points_shipments_company (migration 17) instead: a month is a range
-- of each company's dates there. One index fewer to keep on every imported line: the import is a
-- quarter faster (bench/points.py), the monthly accrual a moment slower.
DROP INDEX points_shipments_month;
"""),
    Migration(33, "points customer register", """
-- The manufacturer's register of its customers (`club points customers import`), members or not: what the
-- shipments file does not say. portal/points/customers.py owns it. One row per INN; a later import of the
-- INN replaces its row (a reference list, not money). `joined_on`: when the customer joined the club by the
-- manufacturer's records (the contract), for companies that joined before the portal recorded them.
CREATE TABLE points_customers (
    inn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    segment TEXT NOT NULL,                       -- a key of extra.club.segments
    region TEXT NOT NULL,                        -- a key of extra.club.regions
    joined_on TEXT,                              -- ISO date, or NULL (not a member, or not known)
    file TEXT NOT NULL,                          -- where the row came from: FILE:LINE
    line INTEGER NOT NULL,
    imported_at REAL NOT NULL,
    imported_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX points_customers_cell ON points_customers (segment, region);
"""),
    Migration(34, "points shipments by INN", """
-- The club-effect report reads every customer's months by INN (members' lines kept aside before they joined
-- count too): covering, so the query reads the index alone, never the table's rows.
CREATE INDEX points_shipments_inn ON points_shipments (inn, doc_date, kind, amount_kopecks, company_id);
"""),
)
