package dev.mercato.inventory.domain;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Inventory's rules over its store. */
public final class InventoryService implements Inventory {

    private final JdbcStock stock;

    public InventoryService(JdbcStock stock) {
        this.stock = stock;
    }

    @Override
    public Optional<StockLevel> level(Sku sku) {
        return stock.find(sku);
    }

    @Override
    public Adjusted setOnHand(MerchantId merchant, Sku sku, int onHand) {
        List<ConsistencyToken> tokens = stock.setOnHand(merchant, Map.of(sku, onHand));
        return new Adjusted(stock.find(sku).orElseThrow(), tokens);
    }

    @Override
    public List<ConsistencyToken> setOnHand(MerchantId merchant, Map<Sku, Integer> onHand) {
        return onHand.isEmpty() ? List.of() : stock.setOnHand(merchant, onHand);
    }
}
