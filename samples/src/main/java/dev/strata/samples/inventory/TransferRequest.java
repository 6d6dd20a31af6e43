package dev.strata.samples.inventory;

/** The body of {@code POST /transfers}: move {@code quantity} from one item's stock to another's. */
public record TransferRequest(String from, String to, Long quantity, String reason) {
}
