package dev.strata.cli;

import dev.strata.cli.format.ByteFormat;

import java.nio.file.Path;

/** The options every command takes (given before or after the command name). */
public interface GlobalOptions {
    /** The database directory, or null if none was given. */
    Path db();

    boolean readOnly();

    boolean createIfMissing();

    boolean json();

    ByteFormat format();
}
