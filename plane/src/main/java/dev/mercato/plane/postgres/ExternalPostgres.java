package dev.mercato.plane.postgres;

import java.util.Objects;

/** A PostgreSQL server run by someone else, reached by host and port. */
public record ExternalPostgres(String host, int port, String adminUser, String adminPassword)
        implements PostgresServer {

    public ExternalPostgres {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(adminUser, "adminUser");
        adminPassword = adminPassword == null ? "" : adminPassword;
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("PostgreSQL port must be 1..65535, got " + port);
        }
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
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
