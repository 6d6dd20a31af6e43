package dev.strata.engine;

/** A transaction was given up after its retries. Code {@link ErrorCode#TRANSACTION_ABANDONED}. */
public class TransactionAbandonedException extends StrataException {
    private static final long serialVersionUID = 1L;

    public TransactionAbandonedException(String message) {
        super(ErrorCode.TRANSACTION_ABANDONED, message);
    }

    public TransactionAbandonedException(String message, Throwable cause) {
        super(ErrorCode.TRANSACTION_ABANDONED, message, cause);
    }
}
