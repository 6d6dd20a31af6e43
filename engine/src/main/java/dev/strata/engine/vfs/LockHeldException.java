package dev.strata.engine.vfs;

import java.io.IOException;

/** The directory lock is held by another process or by another open in this JVM. */
public class LockHeldException extends IOException {
    private static final long serialVersionUID = 1L;

    public LockHeldException(String message) {
        super(message);
    }
}
