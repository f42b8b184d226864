-- Available-to-sell is derived (on_hand - reserved) and can never go negative: the database guards it.
CREATE TABLE stock (
    sku           text PRIMARY KEY,
    merchant_id   text        NOT NULL,
    on_hand       integer     NOT NULL CHECK (on_hand >= 0),
    reserved      integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    low_threshold integer     NOT NULL DEFAULT 5 CHECK (low_threshold >= 0),
    version       bigint      NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT available_never_negative CHECK (reserved <= on_hand)
);

CREATE INDEX stock_by_merchant ON stock (merchant_id, sku);
