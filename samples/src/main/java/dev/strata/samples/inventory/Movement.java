package dev.strata.samples.inventory;

import java.time.Instant;

/**
 * One change to an item's quantity, stored as JSON under {@code <sku>/<number>} in the {@code movements} column family (the
 * number zero-padded, so the keys sort in order) in the same atomic batch as the item it changed.
 */
public record Movement(String sku, long number, long delta, String reason, long quantityAfter, Instant at) {
}
