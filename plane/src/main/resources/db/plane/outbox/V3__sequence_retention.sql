-- outbox_sequences kept one row per aggregate forever. A row may now be deleted once its stream has been idle
-- for a while (SequenceRetention), without ever letting a sequence go backwards or repeat for its key:
--
--   * outbox_sequence_floor holds, per capability, a number at least as large as the last sequence of every
--     row ever deleted. A deletion raises it in the same transaction that deletes the rows.
--   * A stream without a row starts above the floor (floor + 1), read after its new row is inserted and so
--     locked by the appending transaction (outbox_next_sequence below).
--
-- Until the first deletion the floor is 0 and every stream starts at 1, as before.

-- When the stream last appended (the outbox's clock): idle streams are the ones a sweep may forget. Not indexed,
-- on purpose: an index would turn every append's update of this row from a HOT update into an index write; the
-- sweep scans instead, rarely.
ALTER TABLE outbox_sequences ADD COLUMN last_appended_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE outbox_sequence_floor (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    floor     bigint  NOT NULL CHECK (floor >= 0)
);
INSERT INTO outbox_sequence_floor (floor) VALUES (0);

-- The next sequence of a stream, taking the stream's row lock for the rest of the transaction (which is what
-- orders one aggregate's appends). VOLATILE, so under READ COMMITTED each statement below sees every transaction
-- committed before it starts, not only those committed before the calling INSERT began.
--
-- Why a stream that has no row starts above every sequence it ever had: its row was either never there, or
-- deleted by a sweep that raised the floor past the row's last sequence in the same transaction. The insert
-- below succeeds only once no live row conflicts (a sweep still deleting one is waited for), so that sweep had
-- committed before the insert returned; the floor is read again after it, and the stream starts above it. Until
-- this transaction ends its new row is locked: no sweep can delete it, no other append can take a number.
CREATE FUNCTION outbox_next_sequence(p_merchant text, p_aggregate text, p_at timestamptz) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    seq       bigint;
    floor_now bigint;
BEGIN
    LOOP
        UPDATE outbox_sequences SET last_sequence = last_sequence + 1, last_appended_at = p_at
         WHERE merchant_id = p_merchant AND aggregate_id = p_aggregate
        RETURNING last_sequence INTO seq;
        IF FOUND THEN
            RETURN seq;
        END IF;

        SELECT f.floor + 1 INTO seq FROM outbox_sequence_floor f;
        INSERT INTO outbox_sequences (merchant_id, aggregate_id, last_sequence, last_appended_at)
        VALUES (p_merchant, p_aggregate, seq, p_at)
        ON CONFLICT (merchant_id, aggregate_id) DO NOTHING;
        IF FOUND THEN
            IF current_setting('transaction_isolation') = 'read committed' THEN
                SELECT f.floor INTO floor_now FROM outbox_sequence_floor f;
            ELSE
                -- A snapshot older than this statement could miss a sweep; locking the row makes PostgreSQL
                -- refuse (serialization failure) when a sweep changed it since, instead of reading it stale.
                SELECT f.floor INTO floor_now FROM outbox_sequence_floor f FOR SHARE;
            END IF;
            IF floor_now >= seq THEN
                seq := floor_now + 1;
                UPDATE outbox_sequences SET last_sequence = seq
                 WHERE merchant_id = p_merchant AND aggregate_id = p_aggregate;
            END IF;
            RETURN seq;
        END IF;
        -- Another transaction created the row first (and committed): continue from its number.
    END LOOP;
END $$;
