-- A round moves each key's progress forward in the same statement that locks the row, and reads from
-- previous_sequence what the key had applied before it (RETURNING shows the new row only): one write per
-- key per round instead of two (Bookkeeping.advanceKeys).
ALTER TABLE view_key_progress ADD COLUMN previous_sequence bigint NOT NULL DEFAULT 0;
