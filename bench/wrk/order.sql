-- pgbench script for bench/checkout-wrk: the raw order transaction, as CheckoutBench.RawPostgres runs it
-- through JDBC — a conditional stock update, an order row, an outbox row through the outbox's own
-- statement (sequence upsert and insert in one round trip) — one transaction per order, in the scratch
-- schema bench_ceiling. Variables: :run (a number per pgbench run) and :n (starts at 0, counts this
-- client's transactions) make order ids unique across runs and clients.
--
-- One difference from JDBC: BEGIN is a round trip of its own here, where the driver sends it with the
-- first statement. With the stock the script sets (10,000,000 per SKU) the stock update never refuses.
\set sku random(1, 1200)
\set n :n + 1
BEGIN;
WITH reserved AS (
    UPDATE bench_ceiling.stock SET reserved = reserved + 1 WHERE sku = :sku AND on_hand - reserved >= 1
    RETURNING 1)
SELECT count(*) AS reserved FROM reserved \gset
\if :reserved
INSERT INTO bench_ceiling.orders (id, sku, total)
VALUES ('o-' || :run::text || '-' || :client_id::text || '-' || :n::text, :sku, 19.90);
WITH seq AS (
    INSERT INTO bench_ceiling.outbox_sequences (merchant_id, aggregate_id, last_sequence)
    VALUES ('bench', 'o-' || :run::text || '-' || :client_id::text || '-' || :n::text, 1)
    ON CONFLICT (merchant_id, aggregate_id)
    DO UPDATE SET last_sequence = bench_ceiling.outbox_sequences.last_sequence + 1
    RETURNING last_sequence)
INSERT INTO bench_ceiling.outbox (event_id, type, merchant_id, aggregate_id, sequence, trace_id, occurred_at, payload)
SELECT gen_random_uuid(), 'ceiling.order-placed.v1', 'bench',
    'o-' || :run::text || '-' || :client_id::text || '-' || :n::text, seq.last_sequence, '', now(),
    '{"orderId":"o-' || :run::text || '-' || :client_id::text || '-' || :n::text || '","sku":' || :sku::text || '}'
FROM seq
RETURNING sequence;
\endif
COMMIT;
