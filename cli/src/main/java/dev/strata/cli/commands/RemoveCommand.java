package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.engine.CommitResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strata remove KEY [-c FAMILY]}: one committed delete (a commit even if the key is absent). */
@Command(name = "remove", aliases = {"delete", "rm"},
        description = "Remove a key (one commit, even if the key is absent; prints its seqno).")
public final class RemoveCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key, in the --format encoding.")
    String key;

    @Mixin
    FamilyOption family;

    @Override
    public Integer call() {
        byte[] k = arg(key, "key");
        CommitResult r;
        try (DatabaseAccess.Lease l = write("remove")) {
            r = family(l.db(), family).remove(k);
        }
        PutCommand.printCommit(this, r);
        return ExitCode.OK;
    }
}
