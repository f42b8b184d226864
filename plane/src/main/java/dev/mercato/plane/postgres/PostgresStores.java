package dev.mercato.plane.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gives each capability its own schema, owned by its own login role, migrated by its own Flyway history,
 * and a pool that logs in as that role. Provisioning is idempotent and serialised with an advisory lock,
 * so several platform instances may start against one server at once.
 *
 * <p>Role passwords are derived from one secret ({@code HMAC(secret, role)}), so every instance of a
 * scaled-out platform computes the same password without a shared file of credentials.
 */
public final class PostgresStores implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresStores.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");
    private static final long PROVISIONING_LOCK = 0x6d65726361746fL; // "mercato"

    private final PostgresServer server;
    private final String database;
    private final byte[] roleSecret;
    private final PoolSettings pool;
    private final Map<String, Opened> opened = new LinkedHashMap<>();
    private boolean databaseReady;
    private volatile MetricsTrackerFactory metrics;

    /**
     * @param maximumSize connections per capability pool
     * @param connectionTimeout how long a caller waits for a connection before failing
     */
    public record PoolSettings(int maximumSize, Duration connectionTimeout) {
        public static final PoolSettings DEFAULT = new PoolSettings(8, Duration.ofSeconds(5));
    }

    private record Opened(CapabilityStore store, HikariDataSource pool) {}

    public PostgresStores(PostgresServer server, String database, String roleSecret, PoolSettings pool) {
        requireName(database, "database");
        if (roleSecret == null || roleSecret.length() < 16) {
            throw new IllegalArgumentException("The role secret must have at least 16 characters");
        }
        this.server = server;
        this.database = database;
        this.roleSecret = roleSecret.getBytes(StandardCharsets.UTF_8);
        this.pool = pool;
    }

    /**
     * Pools opened from now on report to {@code registry} ({@code hikaricp.connections.*}, tagged with the pool
     * {@code pg-<schema>}): active, idle and pending connections, and how long a connection took to get.
     */
    public void recordMetrics(MeterRegistry registry) {
        metrics = new MicrometerMetricsTrackerFactory(registry);
    }

    public PostgresServer server() {
        return server;
    }

    public String database() {
        return database;
    }

    /** The role a capability's pool logs in as. */
    public static String roleOf(String schema) {
        return "mercato_" + schema;
    }

    /**
     * Provisions the capability's role and schema if needed, applies its migrations from {@code
     * classpath:db/migration/<schema>}, and returns its store. Opening the same schema twice returns the
     * same store.
     */
    public synchronized CapabilityStore open(String schema) {
        requireName(schema, "schema");
        Opened existing = opened.get(schema);
        if (existing != null) {
            return existing.store();
        }
        long began = System.nanoTime();
        String role = roleOf(schema);
        String password = passwordOf(role);
        provision(schema, role, password);
        HikariDataSource dataSource = pool(schema, role, password);
        try {
            migrate(schema, dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        var transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        var store = new CapabilityStore(schema, role, dataSource, JdbcClient.create(dataSource), transactions);
        opened.put(schema, new Opened(store, dataSource));
        log.info("Store {} ready as role {} ({} ms)", schema, role, (System.nanoTime() - began) / 1_000_000);
        return store;
    }

    public synchronized List<CapabilityStore> opened() {
        return opened.values().stream().map(Opened::store).toList();
    }

    /** A connection as the server's administrator: for provisioning and for tests of the boundaries. */
    public Connection adminConnection() throws SQLException {
        return connect(server.jdbcUrl(database), server.adminUser(), server.adminPassword());
    }

    /** A fresh connection as a capability's role, outside its pool: for tests of the boundaries. */
    public Connection connectAs(String schema) throws SQLException {
        String role = roleOf(schema);
        return connect(server.jdbcUrl(database), role, passwordOf(role));
    }

    private void provision(String schema, String role, String password) {
        ensureDatabase();
        try (Connection c = adminConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + PROVISIONING_LOCK + ")");
                s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN"
                        + " CREATE ROLE " + role + " NOINHERIT; END IF; END $$");
                // Password is base64url, so it needs no escaping beyond the quotes.
                s.execute("ALTER ROLE " + role + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                        + " NOBYPASSRLS PASSWORD '" + password + "'");
                s.execute("ALTER ROLE " + role + " IN DATABASE " + database + " SET search_path = " + schema);
                s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + database + " TO " + role);
                s.execute("CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + role);
                s.execute("ALTER SCHEMA " + schema + " OWNER TO " + role);
                s.execute("REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC");
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Provisioning schema " + schema + " on " + server.describe() + " failed: " + e.getMessage(), e);
        }
    }

    private synchronized void ensureDatabase() {
        if (databaseReady) {
            return;
        }
        try (Connection c = connect(server.jdbcUrl("postgres"), server.adminUser(), server.adminPassword());
                Statement s = c.createStatement()) {
            boolean exists;
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                try {
                    s.execute("CREATE DATABASE " + database + " ENCODING 'UTF8'");
                    log.info("Created database {} on {}", database, server.describe());
                } catch (SQLException e) {
                    // Another instance created it between our check and our create.
                    if (!"42P04".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot reach " + server.describe() + " as " + server.adminUser()
                            + ": " + e.getMessage() + ". In external mode, check mercato.postgres.host, port,"
                            + " admin-user and admin-password.",
                    e);
        }
        try (Connection c = adminConnection();
                Statement s = c.createStatement()) {
            // Nobody but the owner reaches a capability's data: no default privileges for PUBLIC.
            s.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
            s.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot secure database " + database + ": " + e.getMessage(), e);
        }
        databaseReady = true;
    }

    private HikariDataSource pool(String schema, String role, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pg-" + schema);
        config.setJdbcUrl(server.jdbcUrl(database));
        config.setUsername(role);
        config.setPassword(password);
        config.setMaximumPoolSize(pool.maximumSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(pool.connectionTimeout().toMillis());
        config.setSchema(schema);
        config.addDataSourceProperty("ApplicationName", "mercato-" + schema);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (metrics != null) {
            config.setMetricsTrackerFactory(metrics);
        }
        return new HikariDataSource(config);
    }

    /**
     * Applies migrations the kernel owns (the outbox, a view's checkpoints) to a store, with their own
     * Flyway history so they never collide with the capability's own versions.
     */
    public void migrate(CapabilityStore store, String location, String historyTable) {
        Flyway.configure(PostgresStores.class.getClassLoader())
                .dataSource(store.dataSource())
                .schemas(store.schema())
                .defaultSchema(store.schema())
                .createSchemas(false)
                .locations(location)
                .table(historyTable)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    private static void migrate(String schema, HikariDataSource dataSource) {
        Flyway.configure(PostgresStores.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(false)
                .locations("classpath:db/migration/" + schema)
                .failOnMissingLocations(false)
                .load()
                .migrate();
    }

    private String passwordOf(String role) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(roleSecret, "HmacSHA256"));
            byte[] digest = mac.doFinal(role.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, props);
    }

    private static void requireName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ", got " + name);
        }
    }

    /** Closes every pool, newest first; the server itself is closed by whoever started it. */
    @Override
    public synchronized void close() {
        List<Opened> all = new ArrayList<>(opened.values());
        java.util.Collections.reverse(all);
        for (Opened o : all) {
            o.pool().close();
        }
        opened.clear();
    }
}
