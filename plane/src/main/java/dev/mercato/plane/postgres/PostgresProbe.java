package dev.mercato.plane.postgres;

import dev.mercato.plane.StoreProbe;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;

/** PostgreSQL answers, checked through every capability's own pool and role. */
public final class PostgresProbe implements StoreProbe {

    private final PostgresStores stores;

    public PostgresProbe(PostgresStores stores) {
        this.stores = stores;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("server", stores.server().describe());
        details.put("database", stores.database());
        boolean up = true;
        for (CapabilityStore store : stores.opened()) {
            try (Connection c = store.dataSource().getConnection()) {
                details.put(store.schema(), c.isValid(2) ? "up" : "down");
            } catch (Exception e) {
                details.put(store.schema(), "down: " + e.getMessage());
                up = false;
            }
        }
        return up ? Result.up(details) : Result.down(details);
    }
}
