package dev.strata.cli.commands.columns;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code strata columns list|create|drop}: the column families of a database, as RocksDB's
 * {@code ldb list_column_families / create_column_family / drop_column_family} manage them. The
 * group itself does nothing: without a subcommand it is a usage error (exit 2).
 */
@Command(name = "columns", aliases = "cf", description = "List, create and drop column families.",
        subcommands = {ListColumnsCommand.class, CreateColumnCommand.class, DropColumnCommand.class})
public final class ColumnsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "columns needs a subcommand: list, create or drop");
    }
}
