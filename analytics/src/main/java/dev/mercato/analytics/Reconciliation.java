package dev.mercato.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One reconciliation run: daily totals per merchant in the warehouse against the orders' and payments'
 * sources of truth, what drifted and whether reloading it repaired it.
 *
 * @param checked (merchant, date, metric) cells compared
 * @param remaining cells still drifting after the repair
 */
public record Reconciliation(
        long run,
        Instant startedAt,
        Instant finishedAt,
        int checked,
        int drifted,
        int repaired,
        int remaining,
        List<Drift> drift) {

    public Reconciliation {
        drift = List.copyOf(drift);
    }

    /**
     * One cell that differed.
     *
     * @param metric {@code orders}, {@code revenue} (placed order totals) or {@code captured}
     * @param repaired whether the warehouse agreed with the source of truth after the repair
     */
    public record Drift(
            String merchant,
            LocalDate date,
            String metric,
            BigDecimal warehouse,
            BigDecimal source,
            boolean repaired) {}
}
