package dev.strata.engine;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The operating system reported an I/O failure. Code {@link ErrorCode#IO_ERROR}. */
public class StrataIOException extends StrataException {
    private static final long serialVersionUID = 1L;

    public StrataIOException(String message, IOException cause) {
        super(ErrorCode.IO_ERROR, message + ": " + cause, cause);
    }

    public StrataIOException(String message, UncheckedIOException cause) {
        super(ErrorCode.IO_ERROR, message + ": " + cause.getCause(), cause.getCause());
    }
}
