package dev.mercato.plane.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A PostgreSQL server run by someone else, reached by host and port.
 *
 * @param parameters connection parameters of the JDBC driver added to every connection's URL, e.g. {@code
 *     sslmode=verify-full} and {@code sslrootcert=/etc/mercato/pg-ca.pem} for TLS
 */
public record ExternalPostgres(
        String host, int port, String adminUser, String adminPassword, Map<String, String> parameters)
        implements PostgresServer {

    public ExternalPostgres(String host, int port, String adminUser, String adminPassword) {
        this(host, port, adminUser, adminPassword, Map.of());
    }

    public ExternalPostgres {
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(parameters));
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(adminUser, "adminUser");
        adminPassword = adminPassword == null ? "" : adminPassword;
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("PostgreSQL port must be 1..65535, got " + port);
        }
    }

    @Override
    public String jdbcUrl(String database) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://" + host + ":" + port + "/" + database);
        char separator = '?';
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            url.append(separator)
                    .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return url.toString();
    }

    @Override
    public String describe() {
        return "PostgreSQL at " + host + ":" + port;
    }

    @Override
    public String toString() {
        return describe();
    }
}
