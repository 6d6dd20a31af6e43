package dev.strata.samples.inventory;

/** What {@code POST /transfers} answers: both items after the transfer. */
public record TransferResult(Item from, Item to) {
}
