package dev.strata.samples.inventory;

import dev.strata.autoconfigure.lock.StrataLockRegistry;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * What the controller calls: reads go straight to {@link InventoryStore}; changes to one item
 * (create, replace, adjust, delete) first take that item's lock from the starter's
 * {@link StrataLockRegistry}, then run the store's transaction.
 *
 * <p>Why a lock when the transaction already detects conflicts: orders arrive in bursts on a
 * popular item, and optimistic transactions on one hot key mostly conflict and retry, each retry
 * redoing the work and waiting a back-off. Holding the item's lock around the transaction makes
 * the burst queue instead, each transaction beginning after the previous one committed, so it
 * commits the first time. The lock is taken outside the transaction (the proxy of
 * {@link InventoryStore} begins it), so the transaction's snapshot is read after the lock is
 * held. Transfers take no lock: they are rare, touch two items, and rely on the retry; a transfer
 * that commits between an adjustment's read and its commit makes that adjustment retry too.
 */
@Service
public class InventoryService {

    private final InventoryStore store;
    private final StrataLockRegistry locks;

    public InventoryService(InventoryStore store, StrataLockRegistry locks) {
        this.store = store;
        this.locks = locks;
    }

    public Optional<Item> find(String sku) {
        return store.find(sku);
    }

    public List<Item> list(String afterSku, int limit) {
        return store.list(afterSku, limit);
    }

    public List<Movement> movements(String sku, long from, int limit) {
        return store.movements(sku, from, limit);
    }

    public Item put(String sku, ItemRequest request) {
        return locked(sku, () -> store.put(sku, request));
    }

    public Item adjust(String sku, AdjustmentRequest request) {
        return locked(sku, () -> store.adjust(sku, request));
    }

    public boolean delete(String sku) {
        return locked(sku, () -> store.delete(sku));
    }

    public TransferResult transfer(TransferRequest request) {
        return store.transfer(request);
    }

    private <T> T locked(String sku, Supplier<T> change) {
        Lock lock = locks.obtain("item/" + InventoryStore.checkSku(sku));
        lock.lock();
        try {
            return change.get();
        } finally {
            lock.unlock();
        }
    }
}
