package dev.strata.engine.txn;

import dev.strata.engine.ColumnFamily;
import dev.strata.engine.ColumnFamilyNotFoundException;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactions over column families: writes to several families commit atomically under one
 * seqno, reads see the transaction's own writes per family, a conflict in a family is detected,
 * and a family that is dropped, or belongs to another database, is refused.
 */
class TransactionColumnFamiliesTest {
    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes();
    }

    @Test
    void writesToSeveralFamiliesCommitTogetherAndConflictsAreSeen() {
        try (StrataDatabase db = StrataDatabase.open(dir.resolve("db"))) {
            ColumnFamily users = db.createColumnFamily("users");
            ColumnFamily index = db.createColumnFamily("index");
            long seqno = db.transaction((txn, attempt) -> {
                txn.put(users, b("u1"), b("alice"));
                txn.put(index, b("alice"), b("u1"));
                txn.put(b("count"), b("1"));
                assertThat(txn.get(users, b("u1"))).isEqualTo(b("alice"));
                assertThat(txn.get(b("u1"))).as("families are separate").isNull();
                try (StrataIterator<KeyValue> it = txn.iterator(index, RangeOptions.all())) {
                    assertThat(it.next().key()).isEqualTo(b("alice"));
                }
                return txn.commit().seqno();
            });
            assertThat(db.latestSeqno()).isEqualTo(seqno);
            assertThat(users.get(b("u1"))).isEqualTo(b("alice"));
            assertThat(index.get(b("alice"))).isEqualTo(b("u1"));

            Transaction reader = db.beginTransaction();
            assertThat(reader.get(users, b("u1"))).isEqualTo(b("alice"));
            users.put(b("u1"), b("bob"));
            reader.put(index, b("x"), b("y"));
            assertThatThrownBy(reader::commit).isInstanceOf(TransactionConflictException.class);
            assertThat(index.get(b("x"))).as("nothing of the conflicting transaction").isNull();

            Transaction late = db.beginTransaction();
            late.put(index, b("late"), b("v"));
            db.dropColumnFamily("index");
            assertThatThrownBy(late::commit).isInstanceOf(ColumnFamilyNotFoundException.class);
            assertThatThrownBy(() -> db.transaction((txn, attempt) -> {
                txn.put(index, b("k"), b("v"));
                return null;
            })).isInstanceOf(ColumnFamilyNotFoundException.class);

            try (StrataDatabase other = StrataDatabase.open(dir.resolve("other"))) {
                ColumnFamily foreign = other.createColumnFamily("users");
                Transaction t = db.beginTransaction();
                assertThatThrownBy(() -> t.put(foreign, b("k"), b("v"))).isInstanceOf(InvalidArgumentException.class);
                t.abort();
            }
        }
    }
}
