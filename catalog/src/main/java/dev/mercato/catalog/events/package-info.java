/**
 * Events the catalog publishes, one stream per SKU: product upserted (the whole new state, on every
 * change), product price changed and product retired (beside the upserted event of the same change).
 */
package dev.mercato.catalog.events;
