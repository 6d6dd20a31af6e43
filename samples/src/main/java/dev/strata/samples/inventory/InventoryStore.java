package dev.strata.samples.inventory;

import dev.strata.autoconfigure.StrataColumnFamilies;
import dev.strata.engine.ColumnFamily;
import dev.strata.engine.KeyValue;
import dev.strata.engine.RangeOptions;
import dev.strata.engine.StrataDatabase;
import dev.strata.engine.WriteBatch;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The inventory's data in Strata, as JSON through the application's Jackson mapper:
 * <pre>
 * default family   item/&lt;sku&gt;                      an {@link Item}
 * "movements"      &lt;sku&gt;/&lt;number, 19 digits&gt;     a {@link Movement}, one per change of the quantity
 * </pre>
 * The movement history is an append-only log that grows without bound while items stay few, so
 * it lives in its own column family ({@code strata.column-families=movements} creates it at
 * start-up): listing items never scans past movements, and the history's tables are flushed and
 * compacted on their own. A change writes the item and its movement in one {@link WriteBatch}
 * across both families, so both or neither survive a crash. Read-modify-write cycles on one SKU are serialised by {@link KeyLocks}
 * (the engine has no transactions yet); reads take no lock and see the latest commit.
 * Used by {@link InventoryController}.
 */
@Component
public class InventoryStore {

    static final int MAX_PAGE = 1000;
    private static final int MAX_TEXT = 200;
    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String ITEM = "item/";
    /** The column family of the movement history, listed in {@code strata.column-families}. */
    static final String MOVEMENTS = "movements";

    private final StrataDatabase db;
    private final ColumnFamily movements;
    private final JsonMapper json;
    private final KeyLocks locks = new KeyLocks(64);

    public InventoryStore(StrataDatabase db, StrataColumnFamilies families, JsonMapper json) {
        this.db = db;
        this.movements = families.get(MOVEMENTS);
        this.json = json;
    }

    public Optional<Item> find(String sku) {
        byte[] value = db.get(itemKey(checkSku(sku)));
        return value == null ? Optional.empty() : Optional.of(json.readValue(value, Item.class));
    }

    /** Items in SKU order, starting after {@code afterSku} (null for the first page). */
    public List<Item> list(String afterSku, int limit) {
        RangeOptions range = RangeOptions.prefix(utf8(ITEM)).limit(checkPage(limit));
        if (afterSku != null) {
            range.start(itemKey(checkSku(afterSku)), false);
        }
        return readAll(db.stream(range), Item.class);
    }

    /** Creates the item or replaces its name and quantity; a new quantity is recorded as a movement. */
    public Item put(String sku, ItemRequest request) {
        checkSku(sku);
        String name = checkText("name", request.name(), true);
        long quantity = require("quantity", request.quantity());
        if (quantity < 0) {
            throw new InvalidRequestException("quantity must be 0 or more, was " + quantity);
        }
        return locks.withLock(sku, () -> {
            Optional<Item> old = find(sku);
            if (old.isPresent() && old.get().quantity() == quantity) {
                Item renamed = new Item(sku, name, quantity, old.get().movements());
                db.put(itemKey(sku), json.writeValueAsBytes(renamed));
                return renamed;
            }
            long before = old.map(Item::quantity).orElse(0L);
            String reason = old.isPresent() ? "set" : "created";
            return change(old.map(Item::movements).orElse(0L), new Item(sku, name, quantity, 0), quantity - before, reason);
        });
    }

    /** Adds {@code delta} (negative to take stock out) and records why. */
    public Item adjust(String sku, AdjustmentRequest request) {
        checkSku(sku);
        long delta = require("delta", request.delta());
        if (delta == 0) {
            throw new InvalidRequestException("delta must not be 0");
        }
        String reason = checkText("reason", request.reason(), false);
        return locks.withLock(sku, () -> {
            Item item = find(sku).orElseThrow(() -> new ItemNotFoundException(sku));
            long after;
            try {
                after = Math.addExact(item.quantity(), delta);
            } catch (ArithmeticException e) {
                throw new InvalidRequestException("delta " + delta + " overflows the quantity " + item.quantity());
            }
            if (after < 0) {
                throw new InsufficientStockException(sku, item.quantity(), delta);
            }
            return change(item.movements(), new Item(sku, item.name(), after, 0), delta,
                    reason == null ? "adjustment" : reason);
        });
    }

    /** The item's movements in order, starting at {@code from}. */
    public List<Movement> movements(String sku, long from, int limit) {
        find(sku).orElseThrow(() -> new ItemNotFoundException(sku));
        if (from < 0) {
            throw new InvalidRequestException("from must be 0 or more, was " + from);
        }
        RangeOptions range = RangeOptions.prefix(movementPrefix(sku)).start(movementKey(sku, from)).limit(checkPage(limit));
        return readAll(movements.stream(range), Movement.class);
    }

    /** Removes the item and all its movements in one commit; false if there was no such item. */
    public boolean delete(String sku) {
        checkSku(sku);
        return locks.withLock(sku, () -> {
            if (find(sku).isEmpty()) {
                return false;
            }
            // SKUs have no '/', so "<sku>0" is the first key past every "<sku>/...".
            db.write(new WriteBatch().deleteRange(movements, movementPrefix(sku), utf8(sku + "0")).remove(itemKey(sku)));
            return true;
        });
    }

    /** Writes the item (with its movement count advanced) and movement number {@code number} together. */
    private Item change(long number, Item changed, long delta, String reason) {
        Item item = new Item(changed.sku(), changed.name(), changed.quantity(), number + 1);
        Movement movement = new Movement(item.sku(), number, delta, reason, item.quantity(), Instant.now());
        db.write(new WriteBatch()
                .put(itemKey(item.sku()), json.writeValueAsBytes(item))
                .put(movements, movementKey(item.sku(), number), json.writeValueAsBytes(movement)));
        return item;
    }

    private <T> List<T> readAll(Stream<KeyValue> stream, Class<T> type) {
        try (Stream<KeyValue> entries = stream) {
            return entries.map(kv -> json.readValue(kv.value(), type)).toList();
        }
    }

    private static String checkSku(String sku) {
        if (sku == null || !SKU.matcher(sku).matches()) {
            throw new InvalidRequestException("a SKU is 1 to 64 letters, digits, '.', '_' or '-', was '" + sku + "'");
        }
        return sku;
    }

    private static String checkText(String field, String text, boolean required) {
        if (text == null || text.isBlank()) {
            if (required) {
                throw new InvalidRequestException(field + " is required");
            }
            return null;
        }
        if (text.length() > MAX_TEXT) {
            throw new InvalidRequestException(field + " is longer than " + MAX_TEXT + " characters");
        }
        return text;
    }

    private static long require(String field, Long value) {
        if (value == null) {
            throw new InvalidRequestException(field + " is required");
        }
        return value;
    }

    private static int checkPage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidRequestException("limit must be in [1, " + MAX_PAGE + "], was " + limit);
        }
        return limit;
    }

    private static byte[] itemKey(String sku) {
        return utf8(ITEM + sku);
    }

    private static byte[] movementPrefix(String sku) {
        return utf8(sku + "/");
    }

    private static byte[] movementKey(String sku, long number) {
        return utf8(sku + "/" + String.format("%019d", number));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
