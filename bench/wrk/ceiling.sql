-- Scratch tables for bench/wrk/order.sql, in the schema bench/checkout-wrk creates (bench_ceiling) on the
-- platform's embedded PostgreSQL: the same as CheckoutBench.RawPostgres creates, beside the real outbox
-- tables (the script runs plane's outbox migrations into the same schema first). Nothing of the
-- platform's own schemas is read or written.
CREATE TABLE stock (sku int PRIMARY KEY, on_hand int NOT NULL,
    reserved int NOT NULL DEFAULT 0, CHECK (reserved <= on_hand));
CREATE TABLE orders (id text PRIMARY KEY, sku int NOT NULL,
    total numeric(14, 4) NOT NULL, placed_at timestamptz NOT NULL DEFAULT now());
INSERT INTO stock SELECT g, 10000000 FROM generate_series(1, 1200) g;
ANALYZE;
