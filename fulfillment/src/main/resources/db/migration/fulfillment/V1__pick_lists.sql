-- Fulfillment's own facts: one pick list per placed order and each step the merchant reported on it.
-- Not a derived view: intake creates pick lists from the orders log, but the reports exist only here.

CREATE TABLE pick_list (
    order_id        text PRIMARY KEY,
    merchant_id     text NOT NULL,
    customer_id     text NOT NULL,
    -- open, picked, packed, shipped, delivered, closed
    status          text NOT NULL,
    item_count      integer NOT NULL,
    placed_at       timestamptz NOT NULL,
    -- order-placed (intake) or order-read (a report came before intake)
    created_from    text NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    carrier         text,
    tracking_number text,
    closed_reason   text
);

CREATE INDEX pick_list_by_merchant ON pick_list (merchant_id, status, order_id);

CREATE TABLE pick_list_line (
    order_id text NOT NULL REFERENCES pick_list (order_id),
    line_no  integer NOT NULL,
    sku      text NOT NULL,
    title    text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, line_no)
);

-- One row per reported step. order_advanced turns true once orders has moved the order there too; a row
-- left false (a crash between the two writes) is driven again by the next report or the periodic drive.
CREATE TABLE fulfillment_step (
    order_id        text NOT NULL REFERENCES pick_list (order_id),
    step            text NOT NULL,
    rank            integer NOT NULL,
    actor           text NOT NULL,
    carrier         text,
    tracking_number text,
    reported_at     timestamptz NOT NULL,
    order_advanced  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (order_id, step)
);

CREATE INDEX fulfillment_step_pending ON fulfillment_step (reported_at) WHERE NOT order_advanced;
