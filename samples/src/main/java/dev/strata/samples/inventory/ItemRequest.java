package dev.strata.samples.inventory;

/** The body of {@code PUT /items/{sku}}: the item's name and the quantity now in stock. */
public record ItemRequest(String name, Long quantity) {
}
