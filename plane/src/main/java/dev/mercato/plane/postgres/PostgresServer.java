package dev.mercato.plane.postgres;

/**
 * A PostgreSQL server the platform can administer: the embedded one it starts itself, or an external one
 * at scale. The admin credentials are used only to provision databases, roles and schemas; capabilities
 * connect as their own roles.
 */
public interface PostgresServer {

    /** A JDBC URL for one database on this server. */
    String jdbcUrl(String database);

    String adminUser();

    String adminPassword();

    /** A short description for logs and health: never the password. */
    String describe();
}
