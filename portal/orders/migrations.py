"""The orders tables. Numbers: 23 the regions distributors serve, 24 the cart, 25 orders, their lines
and events, and the overdue job's claims, 26 the letters' outbox (retried until delivered)."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = (
    Migration(23, "orders distributor regions", """
-- Which regions (extra.club.regions keys) each distributor company serves, set by staff (portal/orders/routing.py
-- owns it). Append-only history: the latest row of a company is what it serves now; a change is a new row.
CREATE TABLE orders_regions (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    regions TEXT NOT NULL DEFAULT '',          -- ",central,volga," (leading and trailing commas: LIKE '%,key,%')
    by_id INTEGER,                             -- the staff member; NULL: the demo
    at REAL NOT NULL
);
CREATE INDEX orders_regions_company ON orders_regions (company_id, id);
CREATE TRIGGER orders_regions_no_update BEFORE UPDATE ON orders_regions
BEGIN SELECT RAISE(ABORT, 'orders_regions is append-only: a change is a new row'); END;
CREATE TRIGGER orders_regions_no_delete BEFORE DELETE ON orders_regions
BEGIN SELECT RAISE(ABORT, 'orders_regions is append-only: a change is a new row'); END;
"""),
    Migration(24, "orders cart", """
-- One cart per person (portal/orders/cart.py owns it): editable, it is a list being made, not an order.
CREATE TABLE orders_cart (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sku TEXT NOT NULL,                         -- as the catalogue spells it
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 100000),
    source TEXT NOT NULL DEFAULT '',           -- where it came from: "tools:12", "paste", "csv", "catalogue"
    added_at REAL NOT NULL,
    PRIMARY KEY (user_id, sku)
);
"""),
    Migration(25, "orders", """
-- Orders to a distributor (portal/orders/store.py owns these three tables), all append-only. An order copies
-- its lines as they were when sent (the catalogue may change). Its state and its distributor are those of its
-- latest event (highest seq); (order_id, seq) is unique, so two people answering at once make one change, and
-- the trigger lets only a legal next state follow. Never prices or payments: the distributor quotes.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),   -- the sender's company
    sent_by INTEGER NOT NULL,                  -- a user id, no foreign key: erasing a person keeps the history
    region TEXT NOT NULL DEFAULT '',           -- the sender company's region when sent
    city TEXT NOT NULL CHECK (length(city) > 0),
    wanted_on TEXT NOT NULL,                   -- ISO date, YYYY-MM-DD
    comment TEXT NOT NULL DEFAULT '',
    nonce TEXT NOT NULL UNIQUE,                -- the form's one-time value: a double submit is one order
    sent_at REAL NOT NULL
);
CREATE INDEX orders_company ON orders (company_id, id);
CREATE INDEX orders_sent_by ON orders (sent_by);
CREATE TABLE order_lines (
    order_id INTEGER NOT NULL REFERENCES orders(id),
    position INTEGER NOT NULL CHECK (position >= 1),
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 100000),
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, position)
);
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    state TEXT NOT NULL CHECK (state IN ('sent', 'accepted', 'question', 'answered', 'declined', 'passed')),
    distributor_id INTEGER REFERENCES companies(id),  -- the distributor after it; NULL: staff route it
    note TEXT NOT NULL DEFAULT '',             -- the question, the answer, the reason of a decline
    by_id INTEGER,                             -- who (a user id); NULL: the club's jobs, the demo
    nonce TEXT NOT NULL DEFAULT '',            -- the form's one-time value: a double submit is one change
    at REAL NOT NULL,
    UNIQUE (order_id, seq),
    CHECK (state NOT IN ('declined', 'question', 'answered') OR length(note) > 0)
);
CREATE UNIQUE INDEX order_events_once ON order_events (nonce) WHERE nonce != '';
CREATE INDEX order_events_distributor ON order_events (distributor_id, order_id, seq);
CREATE TRIGGER order_events_legal BEFORE INSERT ON order_events
WHEN NOT ((NEW.seq = 1 AND NEW.state = 'sent')
          OR (SELECT state FROM order_events WHERE order_id = NEW.order_id AND seq = NEW.seq - 1)
             || '>' || NEW.state IN ('sent>accepted', 'sent>question', 'sent>declined', 'sent>passed',
                                     'passed>accepted', 'passed>question', 'passed>declined', 'passed>passed',
                                     'question>answered', 'question>declined', 'question>passed',
                                     'answered>accepted', 'answered>question', 'answered>declined',
                                     'answered>passed', 'declined>passed'))
BEGIN SELECT RAISE(ABORT, 'order_events: not a legal next state'); END;
CREATE TRIGGER orders_no_update BEFORE UPDATE ON orders
BEGIN SELECT RAISE(ABORT, 'orders is append-only'); END;
CREATE TRIGGER orders_no_delete BEFORE DELETE ON orders
BEGIN SELECT RAISE(ABORT, 'orders is append-only'); END;
CREATE TRIGGER order_lines_no_update BEFORE UPDATE ON order_lines
BEGIN SELECT RAISE(ABORT, 'order_lines is append-only'); END;
CREATE TRIGGER order_lines_no_delete BEFORE DELETE ON order_lines
BEGIN SELECT RAISE(ABORT, 'order_lines is append-only'); END;
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
BEGIN SELECT RAISE(ABORT, 'order_events is append-only: a change is a new event'); END;
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events
BEGIN SELECT RAISE(ABORT, 'order_events is append-only: a change is a new event'); END;
-- The overdue job's claims (portal/orders/store.py): one letter to staff per waiting event, whoever claims first.
CREATE TABLE order_overdue (
    event_id INTEGER PRIMARY KEY REFERENCES order_events(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    at REAL NOT NULL
);
CREATE TRIGGER order_overdue_no_update BEFORE UPDATE ON order_overdue
BEGIN SELECT RAISE(ABORT, 'order_overdue is append-only'); END;
CREATE TRIGGER order_overdue_no_delete BEFORE DELETE ON order_overdue
BEGIN SELECT RAISE(ABORT, 'order_overdue is append-only'); END;
"""),
    Migration(26, "orders letters outbox", """
-- Every letter about an order is written here before it is sent (portal/orders/outbox.py owns these tables), so
-- a relay that is down only delays it: the job sends again what did not go, to the addresses that did not get it.
-- All append-only: a delivery is a new row, a letter that reached everyone gets its 'done' row.
CREATE TABLE order_letters (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    kind TEXT NOT NULL,                        -- a state, 'overdue' or 'route' (portal/orders/mails.py)
    note TEXT NOT NULL DEFAULT '',
    hours INTEGER NOT NULL DEFAULT 0,
    at REAL NOT NULL
);
CREATE INDEX order_letters_at ON order_letters (at);
CREATE TABLE order_letter_deliveries (
    letter_id INTEGER NOT NULL REFERENCES order_letters(id),
    address TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (letter_id, address)
);
CREATE TABLE order_letters_done (
    letter_id INTEGER PRIMARY KEY REFERENCES order_letters(id),
    at REAL NOT NULL
);
CREATE TRIGGER order_letters_no_update BEFORE UPDATE ON order_letters
BEGIN SELECT RAISE(ABORT, 'order_letters is append-only'); END;
CREATE TRIGGER order_letters_no_delete BEFORE DELETE ON order_letters
BEGIN SELECT RAISE(ABORT, 'order_letters is append-only'); END;
CREATE TRIGGER order_letter_deliveries_no_update BEFORE UPDATE ON order_letter_deliveries
BEGIN SELECT RAISE(ABORT, 'order_letter_deliveries is append-only'); END;
CREATE TRIGGER order_letter_deliveries_no_delete BEFORE DELETE ON order_letter_deliveries
BEGIN SELECT RAISE(ABORT, 'order_letter_deliveries is append-only'); END;
CREATE TRIGGER order_letters_done_no_update BEFORE UPDATE ON order_letters_done
BEGIN SELECT RAISE(ABORT, 'order_letters_done is append-only'); END;
CREATE TRIGGER order_letters_done_no_delete BEFORE DELETE ON order_letters_done
BEGIN SELECT RAISE(ABORT, 'order_letters_done is append-only'); END;
"""),
)
