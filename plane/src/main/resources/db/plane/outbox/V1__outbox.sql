-- The outbox: events committed in the same transaction as the business rows they describe.
-- A relay publishes unpublished rows in position order and marks them; published rows are purged later.
CREATE TABLE outbox (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    type         text        NOT NULL,
    merchant_id  text        NOT NULL,
    aggregate_id text        NOT NULL,
    sequence     bigint      NOT NULL CHECK (sequence >= 1),
    trace_id     text        NOT NULL DEFAULT '',
    occurred_at  timestamptz NOT NULL,
    payload      text        NOT NULL,
    published_at timestamptz,
    UNIQUE (merchant_id, aggregate_id, sequence)
);

CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- The last sequence handed out per aggregate. Its row lock serialises appends for one aggregate, so
-- sequence order is commit order; it outlives purged outbox rows, so sequences never restart.
CREATE TABLE outbox_sequences (
    merchant_id   text   NOT NULL,
    aggregate_id  text   NOT NULL,
    last_sequence bigint NOT NULL,
    PRIMARY KEY (merchant_id, aggregate_id)
);

-- Wake the relay as soon as a transaction with events commits (NOTIFY is delivered at commit).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mercato_outbox_' || TG_TABLE_SCHEMA, '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
