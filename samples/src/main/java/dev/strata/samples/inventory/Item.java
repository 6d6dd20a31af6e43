package dev.strata.samples.inventory;

/**
 * An item in stock, stored as JSON under {@code item/<sku>}. {@code movements} is how many stock
 * movements it has had, which is also the number the next one gets.
 */
public record Item(String sku, String name, long quantity, long movements) {
}
