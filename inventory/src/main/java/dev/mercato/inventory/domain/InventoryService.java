package dev.mercato.inventory.domain;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.plane.MerchantId;
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
    public StockLevel setOnHand(MerchantId merchant, Sku sku, int onHand) {
        stock.setOnHand(merchant, Map.of(sku, onHand));
        return stock.find(sku).orElseThrow();
    }

    @Override
    public void setOnHand(MerchantId merchant, Map<Sku, Integer> onHand) {
        if (!onHand.isEmpty()) {
            stock.setOnHand(merchant, onHand);
        }
    }
}
