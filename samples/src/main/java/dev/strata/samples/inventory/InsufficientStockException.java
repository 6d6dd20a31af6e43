package dev.strata.samples.inventory;

/** An adjustment would take the quantity below zero. Answered with 409. */
public class InsufficientStockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InsufficientStockException(String sku, long quantity, long delta) {
        super("Item '" + sku + "' has " + quantity + " in stock; an adjustment of " + delta + " would leave "
                + (quantity + delta));
    }
}
