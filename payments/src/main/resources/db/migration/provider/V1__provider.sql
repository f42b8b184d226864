-- The simulated payment provider's own records, as an outside provider keeps them in its own database. They
-- outlive the platform's process, so a provider in a new process answers a repeated idempotency key with
-- its first answer and the ledger still shows what was moved before a crash.

-- Ids of what the provider makes (au_, ca_, vo_, re_): one sequence, so instances sharing the schema never
-- hand out the same id.
CREATE SEQUENCE ids;

-- One row per authorization attempt. Its state changes in the same transaction as the ledger entry and the
-- answer of the call that changed it.
CREATE TABLE holds (
    reference         text        PRIMARY KEY,
    -- The newest hold under a key is the one a void by that key releases; a key only authorizes again once
    -- its answer was deleted by retention.
    hold_order        bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    authorization_key text        NOT NULL,
    amount            numeric     NOT NULL,
    currency          text        NOT NULL,
    metadata          jsonb       NOT NULL,
    authorized_at     timestamptz NOT NULL,
    state             text        NOT NULL
        CONSTRAINT state_known CHECK (state IN ('AUTHORIZED', 'DECLINED', 'CAPTURED', 'VOIDED')),
    captured          numeric,
    refunded          numeric     NOT NULL DEFAULT 0,
    CONSTRAINT captured_iff_captured CHECK ((state = 'CAPTURED') = (captured IS NOT NULL)),
    CONSTRAINT captured_within_authorized CHECK (captured <= amount),
    CONSTRAINT refunded_within_captured CHECK (refunded >= 0 AND refunded <= coalesce(captured, 0))
);

CREATE INDEX holds_by_authorization_key ON holds (authorization_key, hold_order);

-- Every money movement, in the order they were booked: the evidence that nothing was charged twice. Kept
-- for good (no retention).
CREATE TABLE ledger (
    position        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key text        NOT NULL,
    kind            text        NOT NULL
        CONSTRAINT kind_known CHECK (kind IN ('AUTHORIZATION', 'CAPTURE', 'VOID', 'REFUND')),
    payment         text        NOT NULL,
    reference       text        NOT NULL REFERENCES holds,
    amount          numeric     NOT NULL,
    currency        text        NOT NULL,
    at              timestamptz NOT NULL
);

CREATE INDEX ledger_by_payment ON ledger (payment, position);

-- The first answer to each idempotency key and the request it answered. The primary key backs the per-key
-- advisory lock: if two transactions ever acted on one key, the second would fail here and roll back whole.
-- Rows older than the retention window are deleted (mercato.payments.provider.answer-retention).
CREATE TABLE answers (
    idempotency_key text        PRIMARY KEY,
    request         jsonb       NOT NULL,
    answer_type     text        NOT NULL,
    answer          jsonb       NOT NULL,
    answered_at     timestamptz NOT NULL
);

CREATE INDEX answers_by_age ON answers (answered_at);
