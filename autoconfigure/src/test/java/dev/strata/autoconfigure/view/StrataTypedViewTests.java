package dev.strata.autoconfigure.view;

import dev.strata.autoconfigure.transaction.StrataExceptionMapper;
import dev.strata.autoconfigure.transaction.StrataTemplate;
import dev.strata.engine.InvalidArgumentException;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.StrataOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link StrataTypedView} and the codecs: keys under a prefix, listing, transactions, bad values. */
class StrataTypedViewTests {

    @TempDir
    Path dir;

    private StrataDatabase db;
    private StrataTemplate template;

    record Item(String sku, long quantity) {
    }

    /** Jackson refuses to write a bean whose property is itself. */
    public static class SelfReference {
        public SelfReference getMe() {
            return this;
        }
    }

    @BeforeEach
    void open() {
        db = StrataDatabase.open(dir, StrataOptions.defaults());
        template = new StrataTemplate(db, 3, false, StrataExceptionMapper.ENGINE);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private StrataTypedView<Item> items() {
        return new StrataTypedView<>(template, db.defaultColumnFamily(), "item/",
                new JsonCodec<>(JsonMapper.builder().build(), Item.class));
    }

    @Test
    void putGetRemoveAndListUnderThePrefixInKeyOrder() {
        StrataTypedView<Item> items = items();
        db.put("other".getBytes(StandardCharsets.UTF_8), "outside the prefix".getBytes(StandardCharsets.UTF_8));
        for (String sku : List.of("c", "a", "b", "d")) {
            items.put(sku, new Item(sku, sku.charAt(0)));
        }
        assertThat(items.get("b")).contains(new Item("b", 'b'));
        assertThat(items.getForUpdate("c")).contains(new Item("c", 'c'));
        assertThat(items.contains("a")).isTrue();
        assertThat(items.list(null, 10)).extracting(StrataTypedView.Entry::key).containsExactly("a", "b", "c", "d");
        assertThat(items.list("b", 1)).containsExactly(new StrataTypedView.Entry<>("c", new Item("c", 'c')));
        items.remove("a");
        assertThat(items.get("a")).isEmpty();
        assertThat(items.contains("a")).isFalse();
        StrataTypedView<Item> eu = items.withPrefix("eu/");
        eu.put("x", new Item("x", 1));
        assertThat(eu.prefix()).isEqualTo("item/eu/");
        assertThat(items.get("eu/x")).contains(new Item("x", 1));
        assertThat(items.toString()).contains("item/", "JsonCodec", Item.class.getName());
    }

    @Test
    void insideATemplateTransactionAViewReadsItsOwnWritesAndCommitsWithIt() {
        StrataTypedView<Item> items = items();
        template.executeWithoutResult(txn -> {
            items.put("lamp", new Item("lamp", 3));
            assertThat(items.get("lamp")).contains(new Item("lamp", 3));
            assertThat(db.get("item/lamp".getBytes(StandardCharsets.UTF_8))).as("not committed yet").isNull();
        });
        assertThat(items.get("lamp")).contains(new Item("lamp", 3));
    }

    @Test
    void valuesThatDoNotEncodeOrDecodeAreInvalidArguments() {
        StrataTypedView<Item> items = items();
        db.put("item/broken".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> items.get("broken")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not the JSON of a " + Item.class.getName());
        assertThatThrownBy(() -> items.put("k", null)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> items.put(null, new Item("x", 1))).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> items.list(null, 0)).isInstanceOf(InvalidArgumentException.class);
        db.put("latin1".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xE9});
        assertThatThrownBy(() -> template.get("latin1", StrataCodecs.utf8())).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> new JsonCodec<>(JsonMapper.builder().build(), null))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new JsonCodec<>(JsonMapper.builder().build(), SelfReference.class).encode(new SelfReference()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cannot write");
    }

    @Test
    void bytesAreCopiedOnTheWayIn() {
        byte[] value = {1, 2, 3};
        byte[] encoded = StrataCodecs.bytes().encode(value);
        value[0] = 9;
        assertThat(encoded).containsExactly(1, 2, 3);
        assertThat(StrataCodecs.bytes().decode(encoded)).isSameAs(encoded);
        assertThat(StrataCodecs.utf8().decode(StrataCodecs.utf8().encode("žluť"))).isEqualTo("žluť");
    }
}
