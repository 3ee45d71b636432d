"""The points tables. Numbers: 13 the ledger, 14 shipments and accruals."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
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
)
