-- NOTIFY in a transaction takes a cluster-wide lock that it holds through its commit's WAL flush, so every
-- business transaction that appended to an outbox committed one at a time: group commit was lost, and
-- checkout throughput halved. The relay is now woken after commit, outside the business transaction
-- (see OutboxRelay.wake), and the trigger goes.
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP FUNCTION IF EXISTS outbox_notify();
