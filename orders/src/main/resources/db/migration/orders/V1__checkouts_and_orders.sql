-- A checkout is the saga's record and the idempotency record in one: what the customer asked for (the
-- plan, priced from the catalog when the checkout began), how far it got, and, once decided, the answer
-- every retry with the same key gets back. Its id is also the order's, the reservation's and the payment's.
CREATE TABLE checkouts (
    id              text PRIMARY KEY,
    customer_id     text        NOT NULL,
    idempotency_key text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    fingerprint     text        NOT NULL,
    merchant_id     text        NOT NULL,
    cart_id         text        NOT NULL,
    plan            jsonb       NOT NULL,
    -- started: steps running; compensating: refused, undoing; placed | failed: decided and done
    state           text        NOT NULL CHECK (state IN ('started', 'compensating', 'placed', 'failed')),
    response_status integer,
    response_body   text,
    attempts        integer     NOT NULL DEFAULT 1,
    lease_until     timestamptz NOT NULL,
    last_error      text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (customer_id, idempotency_key),
    CHECK ((state = 'started') = (response_status IS NULL)),
    CHECK ((response_status IS NULL) = (response_body IS NULL))
);

CREATE INDEX checkouts_unfinished ON checkouts (lease_until) WHERE state IN ('started', 'compensating');

CREATE TABLE orders (
    id          text PRIMARY KEY REFERENCES checkouts (id),
    merchant_id text          NOT NULL,
    customer_id text          NOT NULL,
    status      text          NOT NULL
        CHECK (status IN ('placed', 'picking', 'packed', 'shipped', 'delivered', 'cancelled', 'refunded')),
    currency    char(3)       NOT NULL,
    subtotal    numeric(14, 4) NOT NULL CHECK (subtotal >= 0),
    total       numeric(14, 4) NOT NULL CHECK (total >= 0),
    ship_to     jsonb,
    version     bigint        NOT NULL DEFAULT 1,
    placed_at   timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL
);

CREATE INDEX orders_by_customer ON orders (customer_id, id DESC);
CREATE INDEX orders_by_merchant ON orders (merchant_id, id DESC);

CREATE TABLE order_lines (
    order_id   text           NOT NULL REFERENCES orders (id),
    line_no    integer        NOT NULL CHECK (line_no >= 1),
    sku        text           NOT NULL,
    title      text           NOT NULL,
    category   text           NOT NULL,
    quantity   integer        NOT NULL CHECK (quantity > 0),
    unit_price numeric(14, 4) NOT NULL CHECK (unit_price >= 0),
    line_total numeric(14, 4) NOT NULL CHECK (line_total >= 0),
    PRIMARY KEY (order_id, line_no)
);

-- Every move of an order's state machine, in order; the first is the placement.
CREATE TABLE order_transitions (
    order_id    text        NOT NULL REFERENCES orders (id),
    seq         integer     NOT NULL CHECK (seq >= 1),
    from_status text,
    to_status   text        NOT NULL,
    actor       text        NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    PRIMARY KEY (order_id, seq)
);

-- One order per cart: a second checkout of a cart (with another key) is refused while one runs or after
-- one placed its order; a failed checkout does not count, so the customer can try again.
CREATE UNIQUE INDEX checkouts_one_live_per_cart ON checkouts (cart_id) WHERE state IN ('started', 'placed');
