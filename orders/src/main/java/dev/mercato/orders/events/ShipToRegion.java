package dev.mercato.orders.events;

/** Where an order ships, to the precision reports need and no further: no names, no street. */
public record ShipToRegion(String country, String postalCode, String city) {}
