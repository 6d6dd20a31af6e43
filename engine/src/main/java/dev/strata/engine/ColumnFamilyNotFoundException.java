package dev.strata.engine;

/**
 * A column family that does not exist was named, or one was used after it was dropped. Code
 * {@link ErrorCode#COLUMN_FAMILY_NOT_FOUND}.
 */
public class ColumnFamilyNotFoundException extends StrataException {
    private static final long serialVersionUID = 1L;

    public ColumnFamilyNotFoundException(String message) {
        super(ErrorCode.COLUMN_FAMILY_NOT_FOUND, message);
    }
}
