package dev.strata.cli;

/**
 * A failure the tool reports itself (a missing key, a missing directory, a bad argument), with
 * the exit code it ends the process with. The message is printed on stderr as is.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
