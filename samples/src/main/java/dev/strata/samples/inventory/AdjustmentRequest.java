package dev.strata.samples.inventory;

/** The body of {@code POST /items/{sku}/adjustments}: a change to the quantity and why. */
public record AdjustmentRequest(Long delta, String reason) {
}
