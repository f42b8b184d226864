package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.SqlResult;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.Unavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs an admin's statement: checked by {@link SqlGuard}, then DuckDB's printing of it runs in a read-only
 * transaction on its own connection, cancelled when the timeout passes, cut at the row limit by the
 * engine itself, and refused when a row is too large to bring into the server.
 */
public final class SqlRunner {

    /** The most a row of the answer may hold, counted as text, before it leaves the engine. */
    static final int MAX_ROW_BYTES = 64 * 1024;

    private static final String TOO_LARGE = "a row of more than " + MAX_ROW_BYTES + " bytes";
    /** How often an expired statement is cancelled again, in case it started after the first cancel. */
    private static final long RECANCEL_MS = 50;

    private static final Set<String> FIXED_WIDTH = Set.of(
            "BOOLEAN",
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
            "UHUGEINT",
            "FLOAT",
            "DOUBLE",
            "DATE",
            "INTERVAL",
            "UUID");

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

    public SqlResult run(String sql) {
        return onOwnConnection(c -> SqlGuard.check(sql, c));
    }

    /**
     * Runs an already checked statement; everything here holds even for one the check should not have
     * let through: the transaction cannot write, and the engine cannot reach a file outside the lake.
     */
    SqlResult run(SqlGuard.Checked query) {
        return onOwnConnection(c -> query);
    }

    private SqlResult onOwnConnection(Function<Connection, SqlGuard.Checked> check) {
        try (Connection c = warehouse.connection();
                Deadline deadline = new Deadline()) {
            return run(c, check.apply(c), deadline);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the warehouse: " + e.getMessage(), e);
        }
    }

    private SqlResult run(Connection c, SqlGuard.Checked query, Deadline deadline) {
        try {
            try (Statement s = deadline.watch(c.createStatement())) {
                s.execute("BEGIN TRANSACTION READ ONLY");
            }
            if (query.explained()) {
                // A plan is a few rows of text: it needs neither the row guard nor the limit in the engine.
                try (Statement s = deadline.watch(c.createStatement());
                        ResultSet rs = s.executeQuery(query.text())) {
                    return Rows.read(rs, columns(rs.getMetaData()), rowLimit);
                }
            }
            List<SqlResult.Column> columns;
            try (PreparedStatement p = deadline.watch(c.prepareStatement(query.query()))) {
                if (p.getParameterMetaData().getParameterCount() > 0) {
                    throw new InvalidInput("sql", "has parameters (? or $1); write the values into the statement");
                }
                columns = columns(p.getMetaData());
            }
            try (Statement s = deadline.watch(c.createStatement());
                    ResultSet rs = s.executeQuery(bounded(query.query(), columns, rowLimit))) {
                return Rows.read(rs, columns, rowLimit);
            }
        } catch (SQLException e) {
            throw failure(e, deadline);
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // A cancelled transaction may be gone already; the connection is closed next anyway.
            }
        }
    }

    private static List<SqlResult.Column> columns(ResultSetMetaData md) throws SQLException {
        List<SqlResult.Column> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(new SqlResult.Column(md.getColumnLabel(i), md.getColumnTypeName(i)));
        }
        return columns;
    }

    /**
     * The query under a projection that the engine evaluates before anything reaches the server: columns
     * by position under their own names (so repeated names stay), dates and times as DuckDB prints them
     * (the driver cannot represent all of them), a guard that fails the statement on a row too large
     * for the server's memory (the driver converts a whole chunk of rows at once, so checking in Java
     * would be too late), and the row limit plus one, so the engine stops producing rows there.
     */
    static String bounded(String query, List<SqlResult.Column> columns, int rowLimit) {
        StringBuilder select = new StringBuilder("SELECT ");
        List<String> sizes = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String ref = "#" + (i + 1);
            String type = columns.get(i).type();
            boolean scalar = !type.endsWith("]");
            boolean temporal = scalar && (type.equals("DATE") || type.startsWith("TIME"));
            select.append(temporal ? "CAST(" + ref + " AS VARCHAR)" : ref)
                    .append(" AS \"")
                    .append(columns.get(i).name().replace("\"", "\"\""))
                    .append("\", ");
            if (type.equals("VARCHAR")) {
                sizes.add("coalesce(strlen(" + ref + "), 0)");
            } else if (type.equals("BLOB")) {
                sizes.add("coalesce(octet_length(" + ref + "), 0)");
            } else if (!temporal && !FIXED_WIDTH.contains(type) && !(scalar && type.startsWith("DECIMAL"))) {
                sizes.add("coalesce(strlen(CAST(" + ref + " AS VARCHAR)), 0)");
            }
        }
        select.append(
                sizes.isEmpty()
                        ? "NULL"
                        : "CASE WHEN " + String.join(" + ", sizes) + " > " + MAX_ROW_BYTES + " THEN error('" + TOO_LARGE
                                + "') END");
        return select.append(" AS row_guard FROM (")
                .append(query)
                .append(") LIMIT ")
                .append(rowLimit + 1L)
                .toString();
    }

    private RuntimeException failure(SQLException e, Deadline deadline) {
        if (deadline.expired() || e instanceof SQLTimeoutException) {
            return new Unavailable(
                    "query-timeout",
                    "the statement ran longer than " + timeout.toMillis()
                            + " ms and was cancelled; narrow it or aggregate more",
                    Duration.ofSeconds(1));
        }
        String message = SqlGuard.firstLine(e.getMessage());
        if (message.contains(TOO_LARGE)) {
            return new InvalidInput(
                    "sql",
                    "returns " + TOO_LARGE + " (counted as text); select less of it (left(col, n), fewer columns)"
                            + " or aggregate");
        }
        if (message.contains("Permission Error") || message.contains("disabled by configuration")) {
            return new InvalidInput("sql", "reads a file outside the lake, which is disabled: " + message);
        }
        if (message.contains("read-only")) {
            return new InvalidInput("sql", "writes, and the warehouse is read-only here: " + message);
        }
        if (message.contains("Out of Memory")) {
            return new InvalidInput(
                    "sql", "needs more memory than the warehouse may use; aggregate more or narrow it: " + message);
        }
        return new InvalidInput("sql", "failed: " + message);
    }

    /**
     * Cancels whatever statement of this run is executing once the timeout has passed, and keeps
     * cancelling until the run ends: a statement that started just after a cancel is caught by the next.
     */
    private final class Deadline implements AutoCloseable {

        private final AtomicBoolean expired = new AtomicBoolean();
        private final AtomicReference<Statement> running = new AtomicReference<>();
        private final ScheduledFuture<?> ticks;

        Deadline() {
            ticks = canceller.scheduleAtFixedRate(this::expire, timeout.toMillis(), RECANCEL_MS, TimeUnit.MILLISECONDS);
        }

        private void expire() {
            expired.set(true);
            Statement s = running.get();
            if (s != null) {
                try {
                    s.cancel();
                } catch (SQLException | RuntimeException ignored) {
                    // Finished or closed meanwhile: nothing to cancel.
                }
            }
        }

        <S extends Statement> S watch(S statement) throws SQLException {
            running.set(statement);
            if (expired.get()) {
                statement.close();
                throw new SQLTimeoutException("expired before the statement started");
            }
            return statement;
        }

        boolean expired() {
            return expired.get();
        }

        @Override
        public void close() {
            ticks.cancel(false);
        }
    }
}
