package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.format.Json;
import dev.strata.engine.CommitResult;
import dev.strata.engine.ColumnFamily;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;

/** {@code strata put KEY VALUE [--ttl D] [-c FAMILY]}: one committed write; prints its seqno. */
@Command(name = "put", description = "Set a key to a value (one commit; prints its seqno).")
public final class PutCommand extends DbCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The key, in the --format encoding.")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value, in the --format encoding.")
    String value;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Expire the key after this long: 90s, 15m, 2h, 7d, 500ms, or ISO-8601 (PT1H).")
    Duration ttl;

    @Mixin
    FamilyOption family;

    @Override
    public Integer call() {
        byte[] k = arg(key, "key");
        byte[] v = arg(value, "value");
        CommitResult r;
        try (DatabaseAccess.Lease l = write("put")) {
            ColumnFamily cf = family(l.db(), family);
            r = ttl == null ? cf.put(k, v) : cf.put(k, v, ttl);
        }
        printCommit(this, r);
        return ExitCode.OK;
    }

    /** The answer of a committed write: its seqno. */
    static void printCommit(DbCommand c, CommitResult r) {
        if (c.json()) {
            c.print(Json.obj().put("seqno", r.seqno()));
        } else {
            c.out().println("OK, seqno " + r.seqno());
        }
    }
}
