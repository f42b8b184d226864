package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.Table;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.Unavailable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an admin's statement: checked by {@link SqlGuard}, then in a read-only transaction on its own
 * connection, cancelled when the timeout passes, and cut at the row limit.
 */
public final class SqlRunner {

    private final Warehouse warehouse;
    private final ScheduledExecutorService canceller;
    private final Duration timeout;
    private final int rowLimit;

    public SqlRunner(Warehouse warehouse, ScheduledExecutorService canceller, Duration timeout, int rowLimit) {
        this.warehouse = warehouse;
        this.canceller = canceller;
        this.timeout = timeout;
        this.rowLimit = rowLimit;
    }

    public Table run(String sql) {
        try (Connection c = warehouse.connection()) {
            String statement = SqlGuard.check(sql, c);
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN TRANSACTION READ ONLY");
            }
            AtomicBoolean timedOut = new AtomicBoolean();
            try (Statement s = c.createStatement()) {
                ScheduledFuture<?> cancel = canceller.schedule(
                        () -> {
                            timedOut.set(true);
                            try {
                                s.cancel();
                            } catch (SQLException ignored) {
                                // The statement finished meanwhile: nothing to cancel.
                            }
                        },
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
                try (ResultSet rs = s.executeQuery(statement)) {
                    return Rows.read(rs, rowLimit);
                } finally {
                    cancel.cancel(false);
                }
            } catch (SQLException e) {
                if (timedOut.get() || e instanceof SQLTimeoutException) {
                    throw new Unavailable(
                            "query-timeout",
                            "the statement ran longer than " + timeout.toMillis()
                                    + " ms and was cancelled; narrow it or aggregate more",
                            Duration.ofSeconds(1));
                }
                String message = SqlGuard.firstLine(e.getMessage());
                if (message.contains("Permission Error") || message.contains("disabled by configuration")) {
                    throw new InvalidInput("sql", "reads a file outside the lake, which is disabled: " + message);
                }
                if (message.contains("read-only")) {
                    throw new InvalidInput("sql", "writes, and the warehouse is read-only here: " + message);
                }
                throw new InvalidInput("sql", "failed: " + message);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // A cancelled transaction may be gone already; the connection is closed next anyway.
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the warehouse: " + e.getMessage(), e);
        }
    }
}
