package dev.mercato.plane.postgres;

import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One capability's own PostgreSQL schema, reached through a pool that logs in as the capability's own
 * role. The role owns that schema and has no privilege on any other, so the database itself refuses a
 * read across the boundary.
 *
 * @param schema the schema, named after the capability
 * @param role the database role the pool logs in as
 */
public record CapabilityStore(
        String schema, String role, DataSource dataSource, JdbcClient jdbc, TransactionTemplate transactions) {}
