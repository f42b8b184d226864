-- An order's move in flight. A move (cancel, a fulfillment step, a refund) is decided here first, under
-- the order's row lock: the row below is the decision, and while it exists no other move of the order can
-- be decided. The move's effects in other capabilities (commit or give back stock, capture, void or refund
-- the payment) follow the decision and are idempotent; the order's status changes, with its transition row
-- and its event, in the transaction that deletes this row. A move whose first effect is refused is deleted
-- without changing anything. A move whose request died is found by its lease and finished by recovery.
CREATE TABLE order_moves (
    order_id    text PRIMARY KEY REFERENCES orders (id),
    move_id     text        NOT NULL,
    from_status text        NOT NULL,
    to_status   text        NOT NULL
        CHECK (to_status IN ('picking', 'packed', 'shipped', 'delivered', 'cancelled', 'refunded')),
    actor       text        NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    started_at  timestamptz NOT NULL,
    lease_until timestamptz NOT NULL,
    attempts    integer     NOT NULL DEFAULT 1,
    last_error  text        NOT NULL DEFAULT ''
);

CREATE INDEX order_moves_by_lease ON order_moves (lease_until);
