package dev.strata.samples.inventory;

/** No item has this SKU. Answered with 404. */
public class ItemNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ItemNotFoundException(String sku) {
        super("No item with SKU '" + sku + "'");
    }
}
