-- The consumer runtime's own tables in a view's schema. Every row is per generation, so a rebuild
-- never touches the bookkeeping of the generation that serves reads.

-- Which generation readers use. One row; the swap after a rebuild is one update of it.
CREATE TABLE view_generation (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    active     integer NOT NULL CHECK (active > 0),
    building   integer CHECK (building > active),
    -- A generation swapped out whose tables are still to be dropped (done again at start if interrupted).
    retiring   integer CHECK (retiring < active),
    changed_at timestamptz NOT NULL
);

-- The next offset to apply per partition, written in the same transaction as the view's rows.
CREATE TABLE view_checkpoint (
    generation  integer NOT NULL,
    topic       text    NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint  NOT NULL CHECK (next_offset >= 0),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (generation, topic, partition)
);

-- The last applied sequence per key: a redelivered or republished event at any offset is skipped.
-- A blocked key has a parked event; its later events are parked behind it, in order.
CREATE TABLE view_key_progress (
    generation    integer NOT NULL,
    key           text    NOT NULL,
    last_sequence bigint  NOT NULL CHECK (last_sequence >= 0),
    blocked       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (generation, key)
);

-- Parked events, with the whole envelope so a redrive needs no log.
--   FAILED      the view threw on every attempt
--   BEHIND      the key was blocked by an earlier parked event
--   UNDECODABLE not a Mercato event; has no sequence, so it blocks nothing
CREATE TABLE view_dead_letter (
    id              bigserial PRIMARY KEY,
    generation      integer NOT NULL,
    key             text    NOT NULL,
    reason          text    NOT NULL CHECK (reason IN ('FAILED', 'BEHIND', 'UNDECODABLE')),
    topic           text    NOT NULL,
    partition       integer NOT NULL,
    log_offset      bigint  NOT NULL,
    record_time     timestamptz NOT NULL,
    event_id        uuid,
    event_type      text,
    event_time      timestamptz,
    merchant        text,
    aggregate_id    text,
    sequence        bigint,
    trace_id        text,
    data            text,
    error           text    NOT NULL,
    attempts        integer NOT NULL CHECK (attempts >= 0),
    parked_at       timestamptz NOT NULL,
    last_attempt_at timestamptz NOT NULL,
    CHECK ((reason = 'UNDECODABLE') = (sequence IS NULL))
);

-- A key's queue in order; also refuses parking the same event twice when the relay republished it.
CREATE UNIQUE INDEX view_dead_letter_queue ON view_dead_letter (generation, key, sequence);
