-- One row per payment id (the caller's idempotency key towards payments), so concurrent duplicates of an
-- authorization meet here: the first insert wins and the others read it.
CREATE TABLE payment_intents (
    payment_id         text        PRIMARY KEY,
    merchant_id        text        NOT NULL,
    customer           text        NOT NULL,
    amount             numeric     NOT NULL CONSTRAINT amount_positive CHECK (amount > 0),
    currency           text        NOT NULL CONSTRAINT currency_iso CHECK (currency ~ '^[A-Z]{3}$'),
    status             text        NOT NULL
        CONSTRAINT status_known CHECK (status IN ('AUTHORIZED', 'DECLINED', 'CAPTURED', 'VOIDED', 'REFUNDED')),
    provider_reference text,
    decline_reason     text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    -- A decline says why, and only a decline does.
    CONSTRAINT reason_iff_declined CHECK ((status = 'DECLINED') = (decline_reason IS NOT NULL)),
    -- Anything but a decline held money at the provider, so it has the provider's authorization id.
    CONSTRAINT held_has_reference CHECK (status = 'DECLINED' OR provider_reference IS NOT NULL)
);

CREATE INDEX payment_intents_by_merchant ON payment_intents (merchant_id, created_at);
