package dev.mercato.analytics.warehouse;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * The star schema's tables. Facts are keyed by the event that produced them, so loading the same event
 * twice is a no-op; dimensions keep the newest version of what their events say.
 */
final class StarSchema {

    private StarSchema() {}

    static final String[] DDL = {
        // Which lake files are loaded, with their rows: the warehouse's checkpoint on the lake. A merged file
        // whose rows are those of the loaded files it supersedes is recorded without being read again.
        "CREATE TABLE IF NOT EXISTS lake_file (path VARCHAR PRIMARY KEY, event_date DATE NOT NULL,"
                + " loaded_at TIMESTAMP NOT NULL, row_count BIGINT)",
        // Warehouses created before compaction: their files' rows are unknown (null), so a merged file that
        // supersedes one of them is read again, which the facts' anti-joins make harmless.
        "ALTER TABLE lake_file ADD COLUMN IF NOT EXISTS row_count BIGINT",
        "CREATE TABLE IF NOT EXISTS fact_order_line (event_id VARCHAR NOT NULL, line_no INTEGER NOT NULL,"
                + " order_id VARCHAR NOT NULL, merchant VARCHAR NOT NULL, customer VARCHAR, sku VARCHAR NOT NULL,"
                + " category VARCHAR, quantity INTEGER NOT NULL, unit_price DECIMAL(18,4) NOT NULL,"
                + " line_total DECIMAL(18,4) NOT NULL, currency VARCHAR, order_total DECIMAL(18,4),"
                + " ship_country VARCHAR, placed_at TIMESTAMP NOT NULL, date_key DATE NOT NULL)",
        "CREATE TABLE IF NOT EXISTS fact_order_status (event_id VARCHAR NOT NULL, order_id VARCHAR NOT NULL,"
                + " merchant VARCHAR NOT NULL, from_status VARCHAR, to_status VARCHAR NOT NULL,"
                + " version BIGINT NOT NULL, occurred_at TIMESTAMP NOT NULL, date_key DATE NOT NULL)",
        "CREATE TABLE IF NOT EXISTS fact_payment (event_id VARCHAR NOT NULL, payment_id VARCHAR NOT NULL,"
                + " merchant VARCHAR NOT NULL, customer VARCHAR, kind VARCHAR NOT NULL, amount DECIMAL(18,4),"
                + " currency VARCHAR, occurred_at TIMESTAMP NOT NULL, date_key DATE NOT NULL)",
        "CREATE TABLE IF NOT EXISTS fact_cart_event (event_id VARCHAR NOT NULL, cart_id VARCHAR NOT NULL,"
                + " merchant VARCHAR NOT NULL, kind VARCHAR NOT NULL, sku VARCHAR, quantity INTEGER,"
                + " previous_quantity INTEGER, occurred_at TIMESTAMP NOT NULL, date_key DATE NOT NULL)",
        // One row per order: its current status, for which orders count as revenue.
        "CREATE TABLE IF NOT EXISTS dim_order (order_id VARCHAR PRIMARY KEY, merchant VARCHAR NOT NULL,"
                + " customer VARCHAR, status VARCHAR NOT NULL, status_version BIGINT NOT NULL,"
                + " placed_at TIMESTAMP NOT NULL, date_key DATE NOT NULL)",
        "CREATE TABLE IF NOT EXISTS dim_customer (customer_id VARCHAR PRIMARY KEY, country VARCHAR,"
                + " version BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS dim_product (merchant VARCHAR NOT NULL, sku VARCHAR NOT NULL, title VARCHAR,"
                + " category VARCHAR, status VARCHAR, version BIGINT NOT NULL, PRIMARY KEY (merchant, sku))",
        "CREATE TABLE IF NOT EXISTS dim_merchant (merchant VARCHAR PRIMARY KEY, first_seen TIMESTAMP NOT NULL)",
        "CREATE TABLE IF NOT EXISTS dim_date (date_key DATE PRIMARY KEY, year INTEGER NOT NULL,"
                + " quarter INTEGER NOT NULL, month INTEGER NOT NULL, day INTEGER NOT NULL,"
                + " iso_weekday INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS refresh_log (refreshed_at TIMESTAMP NOT NULL, files INTEGER NOT NULL,"
                + " events BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS recon_run (run_id BIGINT PRIMARY KEY, started_at TIMESTAMP NOT NULL,"
                + " finished_at TIMESTAMP, checked INTEGER, drifted INTEGER, repaired INTEGER,"
                + " remaining INTEGER)",
        "CREATE TABLE IF NOT EXISTS recon_drift (run_id BIGINT NOT NULL, merchant VARCHAR NOT NULL,"
                + " date_key DATE NOT NULL, metric VARCHAR NOT NULL, warehouse DECIMAL(18,4),"
                + " source DECIMAL(18,4), repaired BOOLEAN NOT NULL)",
    };

    static final String[] FACTS = {"fact_order_line", "fact_order_status", "fact_payment", "fact_cart_event"};

    static void create(Statement s) throws SQLException {
        for (String ddl : DDL) {
            s.execute(ddl);
        }
    }

    /** Loads the staged events ({@code stage}) into the facts, skipping every event already loaded. */
    static final String[] LOAD = {
        // Order lines: one row per line of each order-placed event.
        """
        INSERT INTO fact_order_line
        WITH o AS (
            SELECT event_id, merchant, occurred_at, payload->>'orderId' AS order_id,
                   payload->>'customer' AS customer, payload->'shipTo'->>'country' AS ship_country,
                   CAST(payload->'total'->>'amount' AS DECIMAL(18,4)) AS order_total,
                   payload->'total'->>'currency' AS currency,
                   from_json(payload->'lines', '[{"sku":"VARCHAR","category":"VARCHAR","quantity":"INTEGER",
                       "unitPrice":{"amount":"VARCHAR"},"lineTotal":{"amount":"VARCHAR"}}]') AS lines
            FROM stage s
            WHERE type LIKE 'orders.order-placed.%'
              AND NOT EXISTS (SELECT 1 FROM fact_order_line f WHERE f.event_id = s.event_id)),
        x AS (SELECT o.*, generate_subscripts(lines, 1) AS line_no FROM o)
        SELECT event_id, line_no, order_id, merchant, customer, lines[line_no].sku, lines[line_no].category,
               lines[line_no].quantity, CAST(lines[line_no].unitPrice.amount AS DECIMAL(18,4)),
               CAST(lines[line_no].lineTotal.amount AS DECIMAL(18,4)), currency, order_total, ship_country,
               occurred_at, CAST(occurred_at AS DATE)
        FROM x
        """,
        """
        INSERT INTO fact_order_status
        SELECT event_id, payload->>'orderId', merchant, payload->>'from', payload->>'to',
               CAST(payload->>'version' AS BIGINT), occurred_at, CAST(occurred_at AS DATE)
        FROM stage s
        WHERE type LIKE 'orders.order-status-changed.%'
          AND NOT EXISTS (SELECT 1 FROM fact_order_status f WHERE f.event_id = s.event_id)
        """,
        """
        INSERT INTO fact_payment
        SELECT event_id, payload->>'paymentId', merchant, payload->>'customer',
               replace(split_part(type, '.', 2), 'payment-', ''),
               TRY_CAST(payload->'amount'->>'amount' AS DECIMAL(18,4)), payload->'amount'->>'currency',
               occurred_at, CAST(occurred_at AS DATE)
        FROM stage s
        WHERE type LIKE 'payments.%'
          AND NOT EXISTS (SELECT 1 FROM fact_payment f WHERE f.event_id = s.event_id)
        """,
        // The funnel's steps: the cart's own events, and checkout's view of the cart (started, placed).
        """
        INSERT INTO fact_cart_event
        SELECT event_id, payload->>'cartId', merchant,
               split_part(type, '.', 2),
               payload->>'sku', TRY_CAST(payload->>'quantity' AS INTEGER),
               TRY_CAST(payload->>'previousQuantity' AS INTEGER), occurred_at, CAST(occurred_at AS DATE)
        FROM stage s
        WHERE (type LIKE 'cart.%' OR type LIKE 'orders.checkout-started.%' OR type LIKE 'orders.order-placed.%')
          AND payload->>'cartId' IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM fact_cart_event f WHERE f.event_id = s.event_id)
        """,
    };

    /** Brings the dimensions up to date with what was loaded. */
    static final String[] DIMENSIONS = {
        """
        INSERT INTO dim_order
        SELECT order_id, any_value(merchant), any_value(customer), 'placed', 0, min(placed_at), min(date_key)
        FROM fact_order_line f
        WHERE NOT EXISTS (SELECT 1 FROM dim_order d WHERE d.order_id = f.order_id)
        GROUP BY order_id
        """, """
        UPDATE dim_order SET status = s.to_status, status_version = s.version
        FROM (SELECT order_id, arg_max(to_status, version) AS to_status, max(version) AS version
              FROM fact_order_status GROUP BY order_id) s
        WHERE dim_order.order_id = s.order_id AND s.version > dim_order.status_version
        """, """
        INSERT INTO dim_customer
        SELECT payload->>'customerId', arg_max(payload->>'country', CAST(payload->>'version' AS BIGINT)),
               max(CAST(payload->>'version' AS BIGINT))
        FROM stage WHERE type LIKE 'customers.customer-%'
        GROUP BY payload->>'customerId'
        ON CONFLICT (customer_id) DO UPDATE SET country = excluded.country, version = excluded.version
        WHERE excluded.version > dim_customer.version
        """, """
        INSERT INTO dim_product
        SELECT merchant, payload->>'sku', arg_max(payload->>'title', v), arg_max(payload->>'category', v),
               arg_max(payload->>'status', v), max(v)
        FROM (SELECT *, CAST(payload->>'version' AS BIGINT) AS v FROM stage
              WHERE type LIKE 'catalog.product-upserted.%')
        GROUP BY merchant, payload->>'sku'
        ON CONFLICT (merchant, sku) DO UPDATE SET title = excluded.title, category = excluded.category,
            status = excluded.status, version = excluded.version
        WHERE excluded.version > dim_product.version
        """, """
        INSERT INTO dim_merchant
        SELECT merchant, min(occurred_at) FROM stage s
        WHERE NOT EXISTS (SELECT 1 FROM dim_merchant d WHERE d.merchant = s.merchant)
        GROUP BY merchant
        """, """
        INSERT INTO dim_date
        SELECT d, year(d), quarter(d), month(d), day(d), isodow(d)
        FROM (SELECT DISTINCT CAST(occurred_at AS DATE) AS d FROM stage) s
        WHERE NOT EXISTS (SELECT 1 FROM dim_date x WHERE x.date_key = s.d)
        """,
    };
}
