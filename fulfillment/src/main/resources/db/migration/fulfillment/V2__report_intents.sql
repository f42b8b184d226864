-- A report on its way to orders. Orders decides an order's move first (so a cancel and a step never both
-- win); fulfillment records the step only once orders has moved the order. Until then the report waits
-- here, invisible: no pick list status, no step row, no event. The request deletes it when orders refuses,
-- or turns it into the step row when orders moved; the periodic drive does either for a request that died
-- in between, from what orders then says.
CREATE TABLE report_intent (
    order_id        text NOT NULL REFERENCES pick_list (order_id),
    step            text NOT NULL,
    actor           text NOT NULL,
    carrier         text,
    tracking_number text,
    reported_at     timestamptz NOT NULL,
    PRIMARY KEY (order_id, step)
);

CREATE INDEX report_intent_by_time ON report_intent (reported_at);

-- From now on a step row is written only after orders moved the order, so order_advanced starts true;
-- rows left false by the earlier protocol (recorded, then a crash before orders) are still driven.
ALTER TABLE fulfillment_step ALTER COLUMN order_advanced SET DEFAULT true;
