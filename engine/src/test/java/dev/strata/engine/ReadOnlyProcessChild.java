package dev.strata.engine;

import java.nio.file.Path;

/**
 * Child process of {@link ReadOnlyOpenTest}: opens a database read-only while another process
 * writes it, and prints what it sees: its seqno, its key count, and whether the keys it sees are
 * exactly 0..count-1 (the writer writes them in order, so any consistent point in time is a
 * prefix), then whether a write is refused with the read-only code.
 */
public final class ReadOnlyProcessChild {
    private ReadOnlyProcessChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        try (StrataDatabase db = StrataDatabase.open(dir, ReadOnlyOpenTest.writerOptions().readOnly(true))) {
            long n = 0;
            boolean prefix = true;
            try (StrataIterator<KeyValue> it = db.iterator(RangeOptions.all())) {
                while (it.hasNext()) {
                    KeyValue kv = it.next();
                    prefix &= java.util.Arrays.equals(kv.key(), ReadOnlyOpenTest.k((int) n));
                    n++;
                }
            }
            String refused;
            try {
                db.put(ReadOnlyOpenTest.k(0), new byte[1]);
                refused = "accepted";
            } catch (StrataException e) {
                refused = e.code().id();
            }
            System.out.println("seqno " + db.latestSeqno() + " count " + n + " prefix " + prefix + " write " + refused);
        }
    }
}
