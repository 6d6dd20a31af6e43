package dev.strata.samples.inventory;

/** A request field is missing or out of range; the message says which. Answered with 400. */
public class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
