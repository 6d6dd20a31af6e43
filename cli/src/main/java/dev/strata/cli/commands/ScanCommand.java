package dev.strata.cli.commands;

import dev.strata.cli.DatabaseAccess;
import dev.strata.cli.ExitCode;
import dev.strata.cli.format.Json;
import dev.strata.cli.format.TextTable;
import dev.strata.engine.KeyValue;
import dev.strata.engine.StrataIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata scan [-c FAMILY]}: the keys (and values) of a range at one consistent snapshot, as a table,
 * or as NDJSON with {@code --json}. Streams: memory does not grow with the range.
 */
@Command(name = "scan", description = "List keys and values of a range, in key order (NDJSON with --json).")
public final class ScanCommand extends DbCommand {
    @Mixin
    RangeArgs range;

    @Option(names = {"-k", "--keys-only"}, description = "Keys only; values are not read.")
    boolean keysOnly;

    @Mixin
    FamilyOption family;

    @Override
    public Integer call() {
        var options = range.toRange(root().format()).keysOnly(keysOnly);
        long n = 0;
        try (DatabaseAccess.Lease l = read(); StrataIterator<KeyValue> it = family(l.db(), family).iterator(options)) {
            TextTable table = json() ? null : keysOnly ? new TextTable(out(), "KEY") : new TextTable(out(), "KEY", "VALUE");
            while (it.hasNext()) {
                KeyValue kv = it.next();
                n++;
                if (table == null) {
                    Json.Obj o = Json.obj().putBytes("key", kv.key());
                    out().println(keysOnly ? o : o.putBytes("value", kv.value()));
                } else if (keysOnly) {
                    table.row(show(kv.key()));
                } else {
                    table.row(show(kv.key()), show(kv.value()));
                }
            }
            if (table != null) {
                table.finish();
                out().println("(" + VerifyCommand.plural(n, "key") + ")");
            }
        }
        out().flush();
        return ExitCode.OK;
    }
}
