package dev.strata.cli.commands;

import picocli.CommandLine.Option;

/**
 * The {@code -c/--column-family NAME} option of the commands that read or write keys (get, put,
 * remove, scan, count, compact). Unset means the session's family: the database's default
 * family, or in the shell the one {@code use} chose. {@link DbCommand#family} resolves it.
 */
public final class FamilyOption {
    @Option(names = {"-c", "--column-family"}, paramLabel = "NAME",
            description = "The column family (default: 'default'; in the shell, the one 'use' chose).")
    String name;
}
