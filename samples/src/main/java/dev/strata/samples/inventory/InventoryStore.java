package dev.strata.samples.inventory;

import dev.strata.autoconfigure.transaction.StrataTemplate;
import dev.strata.autoconfigure.view.StrataTypedView;
import dev.strata.autoconfigure.view.StrataViews;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The inventory's data in Strata, through two typed views (JSON by the application's Jackson
 * mapper):
 * <pre>
 * default family   item/&lt;sku&gt;                      an {@link Item}
 * "movements"      &lt;sku&gt;/&lt;number, 19 digits&gt;     a {@link Movement}, one per change of the quantity
 * </pre>
 * The movement history is an append-only log that grows without bound while items stay few, so
 * it lives in its own column family ({@code strata.column-families=movements} creates it at
 * start-up): listing items never scans past movements.
 *
 * <p>Every change is a {@code @Transactional} method on {@code strataTransactionManager}: the
 * views join the method's Strata transaction, so the item and its movement (for a transfer, both
 * items and both movements, across both families) commit together under one seqno, or not at
 * all; a thrown exception (say, too little stock) leaves nothing behind. The items a change reads
 * are read with {@code getForUpdate}: if another commit changed one before this transaction
 * commits, the commit fails with {@code OptimisticLockingFailureException}, and
 * {@code @Retryable}, outside the transaction, runs the method again in a new one that sees the
 * other commit ({@code strata.transaction.max-retries} times at most). Reads outside a change see
 * the latest commit. Used by {@link InventoryService}.
 */
@Component
public class InventoryStore {

    static final int MAX_PAGE = 1000;
    private static final int MAX_TEXT = 200;
    private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The column family of the movement history, listed in {@code strata.column-families}. */
    static final String MOVEMENTS = "movements";

    private final StrataTypedView<Item> items;
    private final StrataTypedView<Movement> movements;
    private final StrataTemplate template;

    public InventoryStore(StrataViews views) {
        this.items = views.view(StrataViews.DEFAULT_FAMILY, "item/", Item.class);
        this.movements = views.view(MOVEMENTS, Movement.class);
        this.template = views.template();
    }

    public Optional<Item> find(String sku) {
        return items.get(checkSku(sku));
    }

    /** Items in SKU order, starting after {@code afterSku} (null for the first page). */
    public List<Item> list(String afterSku, int limit) {
        return items.list(afterSku == null ? null : checkSku(afterSku), checkPage(limit)).stream()
                .map(StrataTypedView.Entry::value).toList();
    }

    /** Creates the item or replaces its name and quantity; a new quantity is recorded as a movement. */
    @Retryable(includes = ConcurrencyFailureException.class, maxRetriesString = "${strata.transaction.max-retries}",
            delay = 10, jitter = 5, multiplier = 2, maxDelay = 500)
    @Transactional("strataTransactionManager")
    public Item put(String sku, ItemRequest request) {
        checkSku(sku);
        String name = checkText("name", request.name(), true);
        long quantity = require("quantity", request.quantity());
        if (quantity < 0) {
            throw new InvalidRequestException("quantity must be 0 or more, was " + quantity);
        }
        Optional<Item> old = items.getForUpdate(sku);
        if (old.isPresent() && old.get().quantity() == quantity) {
            Item renamed = new Item(sku, name, quantity, old.get().movements());
            items.put(sku, renamed);
            return renamed;
        }
        long before = old.map(Item::quantity).orElse(0L);
        String reason = old.isPresent() ? "set" : "created";
        return change(old.map(Item::movements).orElse(0L), new Item(sku, name, quantity, 0), quantity - before, reason);
    }

    /** Adds {@code delta} (negative to take stock out) and records why. */
    @Retryable(includes = ConcurrencyFailureException.class, maxRetriesString = "${strata.transaction.max-retries}",
            delay = 10, jitter = 5, multiplier = 2, maxDelay = 500)
    @Transactional("strataTransactionManager")
    public Item adjust(String sku, AdjustmentRequest request) {
        checkSku(sku);
        long delta = require("delta", request.delta());
        if (delta == 0) {
            throw new InvalidRequestException("delta must not be 0");
        }
        String reason = checkText("reason", request.reason(), false);
        Item item = items.getForUpdate(sku).orElseThrow(() -> new ItemNotFoundException(sku));
        return apply(item, delta, reason == null ? "adjustment" : reason);
    }

    /**
     * Moves stock from one item to another: both quantities and a movement on each, in one
     * transaction. Too little stock in {@code from} throws (409) and changes nothing.
     */
    @Retryable(includes = ConcurrencyFailureException.class, maxRetriesString = "${strata.transaction.max-retries}",
            delay = 10, jitter = 5, multiplier = 2, maxDelay = 500)
    @Transactional("strataTransactionManager")
    public TransferResult transfer(TransferRequest request) {
        String from = checkSku(requireText("from", request.from()));
        String to = checkSku(requireText("to", request.to()));
        if (from.equals(to)) {
            throw new InvalidRequestException("a transfer needs two different items, was '" + from + "' twice");
        }
        long quantity = require("quantity", request.quantity());
        if (quantity <= 0) {
            throw new InvalidRequestException("quantity must be more than 0, was " + quantity);
        }
        String reason = checkText("reason", request.reason(), false);
        Item source = items.getForUpdate(from).orElseThrow(() -> new ItemNotFoundException(from));
        Item target = items.getForUpdate(to).orElseThrow(() -> new ItemNotFoundException(to));
        String why = reason == null ? "" : ": " + reason;
        return new TransferResult(apply(source, -quantity, "transfer to " + to + why),
                apply(target, quantity, "transfer from " + from + why));
    }

    /** The item's movements in order, starting at {@code from}. */
    public List<Movement> movements(String sku, long from, int limit) {
        find(sku).orElseThrow(() -> new ItemNotFoundException(sku));
        if (from < 0) {
            throw new InvalidRequestException("from must be 0 or more, was " + from);
        }
        String after = from == 0 ? null : number(from - 1);
        return movements.withPrefix(sku + "/").list(after, checkPage(limit)).stream()
                .map(StrataTypedView.Entry::value).toList();
    }

    /** Removes the item and all its movements in one transaction; false if there was no such item. */
    @Transactional("strataTransactionManager")
    public boolean delete(String sku) {
        checkSku(sku);
        if (items.getForUpdate(sku).isEmpty()) {
            return false;
        }
        items.remove(sku);
        // SKUs have no '/', so "<sku>0" is the first key past every "<sku>/...". The views have no
        // range delete; the method's own Strata transaction has.
        template.currentTransaction().orElseThrow()
                .deleteRange(movements.family(), utf8(sku + "/"), utf8(sku + "0"));
        return true;
    }

    /** Adds {@code delta} to the item's quantity, refusing to go below zero, and records the movement. */
    private Item apply(Item item, long delta, String reason) {
        long after;
        try {
            after = Math.addExact(item.quantity(), delta);
        } catch (ArithmeticException e) {
            throw new InvalidRequestException("delta " + delta + " overflows the quantity " + item.quantity());
        }
        if (after < 0) {
            throw new InsufficientStockException(item.sku(), item.quantity(), delta);
        }
        return change(item.movements(), new Item(item.sku(), item.name(), after, 0), delta, reason);
    }

    /** Writes the item (with its movement count advanced) and movement number {@code number}, in the caller's transaction. */
    private Item change(long number, Item changed, long delta, String reason) {
        Item item = new Item(changed.sku(), changed.name(), changed.quantity(), number + 1);
        items.put(item.sku(), item);
        movements.put(item.sku() + "/" + number(number),
                new Movement(item.sku(), number, delta, reason, item.quantity(), Instant.now()));
        return item;
    }

    private static String number(long n) {
        return String.format("%019d", n);
    }

    static String checkSku(String sku) {
        if (sku == null || !SKU.matcher(sku).matches()) {
            throw new InvalidRequestException("a SKU is 1 to 64 letters, digits, '.', '_' or '-', was '" + sku + "'");
        }
        return sku;
    }

    private static String requireText(String field, String text) {
        return checkText(field, text, true);
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
