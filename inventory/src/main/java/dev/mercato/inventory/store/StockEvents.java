package dev.mercato.inventory.store;

import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.events.StockLow;
import dev.mercato.plane.outbox.Outbox;
import java.util.List;

/** What every stock change adds to its events: a {@code stock-low} when available crossed the threshold. */
final class StockEvents {

    private StockEvents() {}

    /** A stock-low event when this change took available from at or above the threshold to below it. */
    static void lowIfCrossed(int availableBefore, StockLevel after, List<Outbox.Draft> drafts) {
        lowIfCrossed(availableBefore, after, drafts, null);
    }

    /** The same, for the request whose trace is {@code trace} ({@link Outbox.Draft}: null, the current thread's). */
    static void lowIfCrossed(int availableBefore, StockLevel after, List<Outbox.Draft> drafts, String trace) {
        if (availableBefore >= after.lowThreshold() && after.available() < after.lowThreshold()) {
            drafts.add(new Outbox.Draft(
                    StockLow.TYPE,
                    after.merchant(),
                    after.sku().value(),
                    new StockLow(
                            after.sku().value(),
                            after.merchant().value(),
                            after.available(),
                            after.lowThreshold(),
                            after.onHand(),
                            after.version()),
                    trace));
        }
    }
}
