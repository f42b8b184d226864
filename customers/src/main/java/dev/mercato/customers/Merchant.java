package dev.mercato.customers;

import dev.mercato.plane.MerchantId;

/** A merchant selling on the platform: the tenant every merchant-owned fact belongs to. */
public record Merchant(MerchantId id, String name, String country) {}
